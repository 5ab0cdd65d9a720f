"""837P (005010X222A1) professional claim writer.

Claims in, X12 text out. Segments are built here (no library knows our data classes)
and written through pyx12's ``X12Writer``, which closes each ST, GS and ISA with its
trailer and the segment, set and group counts.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import groupby

import pyx12.segment
import pyx12.x12file

from ._values import fmt_amount, fmt_date, fmt_quantity
from .errors import ClaimDataError
from .models import (
    Address,
    Adjustment,
    Claim,
    Envelope,
    Payer,
    Person,
    PriorPayer,
    Provider,
    Receiver,
    ServiceLine,
    Submitter,
)

VERSION = "005010X222A1"
SEGMENT, ELEMENT, COMPONENT, REPETITION = "~", "*", ":", "^"
MAX_CLAIMS_PER_SET = 5000  # the guide's limit of CLM segments in one ST-SE
MAX_DIAGNOSES = 12
MAX_MODIFIERS = 4
MAX_POINTERS = 4
MAX_LINES = 50
MAX_PRIOR_PAYERS = 10
FREQUENCY_CODES = ("1", "7", "8")
CAS_TRIPLES = 6  # reason/amount/quantity triples one CAS segment holds

_UNSAFE = str.maketrans({c: " " for c in (SEGMENT, ELEMENT, COMPONENT, REPETITION)})


def _text(value: str) -> str:
    """Free text with the delimiters removed, so a name can never break the file."""
    return " ".join(str(value or "").translate(_UNSAFE).split())


def _element(value) -> str:
    if isinstance(value, tuple):
        parts = [_text(part) for part in value]
        while parts and not parts[-1]:
            parts.pop()
        return COMPONENT.join(parts)
    return _text(value)


class _Segments:
    """Collects segments as text; empty trailing elements are dropped."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, seg_id: str, *elements) -> None:
        values = [_element(value) for value in elements]
        while values and not values[-1]:
            values.pop()
        self.lines.append(ELEMENT.join([seg_id, *values]))

    def name(
        self, entity: str, person_or_org, id_qualifier: str = "", identifier: str = ""
    ) -> None:
        """NM1 for a Provider, Person, Payer or (name, id) organization."""
        if isinstance(person_or_org, Provider | Person) and person_or_org.first_name:
            middle = getattr(person_or_org, "middle_name", "")
            self.add(
                "NM1",
                entity,
                "1",
                person_or_org.last_name,
                person_or_org.first_name,
                middle,
                "",
                "",
                id_qualifier,
                identifier,
            )
        else:
            name = getattr(person_or_org, "name", None) or person_or_org.last_name
            self.add("NM1", entity, "2", name, "", "", "", "", id_qualifier, identifier)

    def address(self, address: Address | None) -> None:
        if address is None:
            return
        self.add("N3", address.line1, address.line2)
        self.add("N4", address.city, address.state, address.postal_code)

    def adjustments(self, adjustments: Iterable[Adjustment]) -> None:
        """CAS segments: one per group code, at most six reasons each."""
        ordered = sorted(adjustments, key=lambda adj: adj.group)
        # edi/ has no Odoo import, so itertools.groupby rather than odoo.tools.groupby.
        for group, items in groupby(ordered, key=lambda adj: adj.group):  # pylint: disable=bad-builtin-groupby
            items = list(items)
            for start in range(0, len(items), CAS_TRIPLES):
                triples = []
                for adj in items[start : start + CAS_TRIPLES]:
                    quantity = fmt_quantity(adj.quantity) if adj.quantity is not None else ""
                    triples += [adj.reason, fmt_amount(adj.amount), quantity]
                self.add("CAS", group, *triples)


def write_837p(
    claims: Sequence[Claim],
    *,
    envelope: Envelope,
    submitter: Submitter,
    receiver: Receiver,
    eol: str = "\n",
) -> str:
    """The 837P interchange for ``claims`` as X12 text.

    Claims of the same billing provider share one 2000A loop; every claim gets its own
    subscriber loop. More than 5,000 claims are split over several transaction sets
    numbered from ``envelope.transaction_set_control_number``.
    Raises :class:`ClaimDataError` when a claim breaks a rule of the guide.
    """
    if not claims:
        raise ClaimDataError("no claims to write")
    for claim in claims:
        check_claim(claim)
    created = envelope.created or datetime.datetime.now().replace(microsecond=0)
    bodies = []
    for number, start in enumerate(range(0, len(claims), MAX_CLAIMS_PER_SET)):
        control = f"{envelope.transaction_set_control_number + number:04d}"
        body = _transaction_set(
            claims[start : start + MAX_CLAIMS_PER_SET],
            control,
            envelope,
            submitter,
            receiver,
            created,
        )
        body.add("SE", "0", control)  # pyx12 writes the real count
        bodies.append(body)
    return write_interchange(envelope, created, "HC", VERSION, bodies, eol)


def write_interchange(
    envelope: Envelope,
    created: datetime.datetime,
    functional_id: str,
    version: str,
    bodies: Iterable[_Segments],
    eol: str = "\n",
) -> str:
    """One ISA/GS interchange around transaction sets (``bodies``, each from its ST to
    an SE whose count pyx12 writes, as it writes the GE and IEA counts)."""
    out = io.StringIO()
    writer = pyx12.x12file.X12Writer(out, SEGMENT, ELEMENT, COMPONENT, eol, REPETITION)

    def flush(segments: _Segments) -> None:
        for line in segments.lines:
            writer.Write(pyx12.segment.Segment(line, SEGMENT, ELEMENT, COMPONENT))

    head = _Segments()
    head.lines.append(_isa(envelope, created))
    head.add(
        "GS",
        functional_id,
        envelope.application_sender_code or envelope.sender_id,
        envelope.application_receiver_code or envelope.receiver_id,
        created.strftime("%Y%m%d"),
        created.strftime("%H%M"),
        str(envelope.group_control_number),
        "X",
        version,
    )
    flush(head)
    for body in bodies:
        flush(body)
    writer.Write(pyx12.segment.Segment("GE*0*0", SEGMENT, ELEMENT, COMPONENT))
    writer.close()  # writes the IEA
    return out.getvalue()


def _isa(envelope: Envelope, created: datetime.datetime) -> str:
    fields = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        envelope.sender_qualifier,
        _text(envelope.sender_id).ljust(15)[:15],
        envelope.receiver_qualifier,
        _text(envelope.receiver_id).ljust(15)[:15],
        created.strftime("%y%m%d"),
        created.strftime("%H%M"),
        REPETITION,
        "00501",
        f"{envelope.interchange_control_number:09d}",
        "1" if envelope.acknowledgment_requested else "0",
        "P" if envelope.production else "T",
        COMPONENT,
    ]
    return ELEMENT.join(fields)


def _transaction_set(
    claims: Sequence[Claim],
    control: str,
    envelope: Envelope,
    submitter: Submitter,
    receiver: Receiver,
    created: datetime.datetime,
) -> _Segments:
    out = _Segments()
    out.add("ST", "837", control, VERSION)
    reference = envelope.batch_reference or f"{envelope.interchange_control_number}{control}"
    out.add("BHT", "0019", "00", reference, fmt_date(created), created.strftime("%H%M"), "CH")
    out.name("41", submitter, "46", submitter.identifier)
    contact = submitter.contact
    channels = [("TE", contact.phone), ("EM", contact.email)]
    out.add("PER", "IC", contact.name, *[v for pair in channels if pair[1] for v in pair])
    out.name("40", receiver, "46", receiver.identifier)
    hl = 0
    # Group claims by billing provider (and pay-to address) keeping their order.
    providers: dict[tuple, list[Claim]] = {}
    for claim in claims:
        providers.setdefault((claim.billing_provider, claim.pay_to_address), []).append(claim)
    for (provider, pay_to), provider_claims in providers.items():
        hl += 1
        provider_hl = hl
        _billing_provider(out, provider_hl, provider, pay_to)
        for claim in provider_claims:
            hl += 1
            subscriber_hl = hl
            _subscriber(out, subscriber_hl, provider_hl, claim)
            if claim.patient is not None:
                hl += 1
                _patient(out, hl, subscriber_hl, claim)
            _claim(out, claim)
    return out


def _billing_provider(out: _Segments, hl: int, provider: Provider, pay_to: Address | None) -> None:
    out.add("HL", str(hl), "", "20", "1")
    if provider.taxonomy:
        out.add("PRV", "BI", "PXC", provider.taxonomy)
    out.name("85", provider, "XX", provider.npi)
    out.address(provider.address)
    out.add("REF", provider.tax_id_qualifier, provider.tax_id)
    if provider.contact is not None:
        channels = [("TE", provider.contact.phone), ("EM", provider.contact.email)]
        out.add("PER", "IC", provider.contact.name, *[v for p in channels if p[1] for v in p])
    if pay_to is not None and pay_to != provider.address:
        out.add("NM1", "87", "2")
        out.address(pay_to)


def _subscriber(out: _Segments, hl: int, parent: int, claim: Claim) -> None:
    is_patient = claim.patient is None
    out.add("HL", str(hl), str(parent), "22", "0" if is_patient else "1")
    out.add(
        "SBR",
        claim.payer_responsibility,
        "18" if is_patient else "",
        claim.group_number,
        "",
        "",
        "",
        "",
        "",
        claim.claim_filing_indicator,
    )
    _person(out, "IL", claim.subscriber, demographics=is_patient)
    _payer(out, claim.payer)


def _patient(out: _Segments, hl: int, parent: int, claim: Claim) -> None:
    out.add("HL", str(hl), str(parent), "23", "0")
    out.add("PAT", claim.patient_relationship)
    _person(out, "QC", claim.patient, demographics=True, with_id=False)


def _person(out: _Segments, entity: str, person: Person, demographics: bool, with_id=True) -> None:
    if with_id:
        out.name(entity, person, "MI", person.member_id)
    else:
        out.name(entity, person)
    out.address(person.address)
    if demographics and person.birth_date:
        out.add("DMG", "D8", fmt_date(person.birth_date), person.gender)


def _payer(out: _Segments, payer: Payer) -> None:
    out.name("PR", payer, "PI", payer.payer_id)
    out.address(payer.address)


def _claim(out: _Segments, claim: Claim) -> None:
    out.add(
        "CLM",
        claim.patient_control_number,
        fmt_amount(claim.total_charge),
        "",
        "",
        (claim.place_of_service, "B", claim.frequency_code),
        "Y",
        "A",
        "Y",
        "Y",
    )
    if claim.prior_authorization:
        out.add("REF", "G1", claim.prior_authorization)
    if claim.frequency_code in ("7", "8"):
        out.add("REF", "F8", claim.payer_claim_control_number)
    diagnoses = [
        ("ABK" if index == 0 else "ABF", code.replace(".", "").upper())
        for index, code in enumerate(claim.diagnosis_codes)
    ]
    out.add("HI", *diagnoses)
    if claim.referring_provider is not None:
        out.name("DN", claim.referring_provider, "XX", claim.referring_provider.npi)
    if claim.rendering_provider is not None:
        out.name("82", claim.rendering_provider, "XX", claim.rendering_provider.npi)
        if claim.rendering_provider.taxonomy:
            out.add("PRV", "PE", "PXC", claim.rendering_provider.taxonomy)
    for prior in claim.prior_payers:
        _prior_payer(out, prior)
    for number, line in enumerate(claim.service_lines, start=1):
        _service_line(out, number, line, claim)


def _prior_payer(out: _Segments, prior: PriorPayer) -> None:
    out.add(
        "SBR",
        prior.responsibility,
        prior.relationship,
        prior.group_number,
        "",
        "",
        "",
        "",
        "",
        prior.claim_filing_indicator,
    )
    out.adjustments(prior.adjustments)
    out.add("AMT", "D", fmt_amount(prior.paid_amount))
    if prior.remaining_patient_liability is not None:
        out.add("AMT", "EAF", fmt_amount(prior.remaining_patient_liability))
    out.add("OI", "", "", "Y", "P", "", "Y")
    _person(out, "IL", prior.subscriber, demographics=False)
    out.name("PR", prior.payer, "PI", prior.payer.payer_id)
    out.address(prior.payer.address)
    if prior.adjudication_date is not None:
        out.add("DTP", "573", "D8", fmt_date(prior.adjudication_date))
    if prior.payer_claim_control_number:
        out.add("REF", "F8", prior.payer_claim_control_number)


def _procedure(line: ServiceLine) -> tuple[str, ...]:
    return ("HC", line.procedure_code, *line.modifiers)


def _service_line(out: _Segments, number: int, line: ServiceLine, claim: Claim) -> None:
    out.add("LX", str(number))
    place = line.place_of_service if line.place_of_service != claim.place_of_service else ""
    out.add(
        "SV1",
        _procedure(line),
        fmt_amount(line.charge),
        "UN",
        fmt_quantity(line.units),
        place,
        "",
        tuple(str(pointer) for pointer in line.diagnosis_pointers),
    )
    if line.service_date_end and line.service_date_end != line.service_date:
        period = f"{fmt_date(line.service_date)}-{fmt_date(line.service_date_end)}"
        out.add("DTP", "472", "RD8", period)
    else:
        out.add("DTP", "472", "D8", fmt_date(line.service_date))
    if line.line_control_number:
        out.add("REF", "6R", line.line_control_number)
    for adjudication in line.prior_adjudications:
        out.add(
            "SVD",
            adjudication.payer_id,
            fmt_amount(adjudication.paid_amount),
            _procedure(line),
            "",
            fmt_quantity(line.units),
        )
        out.adjustments(adjudication.adjustments)
        out.add("DTP", "573", "D8", fmt_date(adjudication.adjudication_date))
        if adjudication.remaining_patient_liability is not None:
            out.add("AMT", "EAF", fmt_amount(adjudication.remaining_patient_liability))


def _sum(adjustments: Iterable[Adjustment]) -> Decimal:
    return sum((adj.amount for adj in adjustments), Decimal("0"))


def check_claim(claim: Claim) -> None:
    """Raise :class:`ClaimDataError` when ``claim`` cannot make a valid 837P claim."""

    def fail(message: str) -> None:
        raise ClaimDataError(f"claim {claim.patient_control_number}: {message}")

    if not claim.patient_control_number:
        fail("patient control number is required")
    if not 1 <= len(claim.service_lines) <= MAX_LINES:
        fail(f"needs 1 to {MAX_LINES} service lines, has {len(claim.service_lines)}")
    if not 1 <= len(claim.diagnosis_codes) <= MAX_DIAGNOSES:
        fail(f"needs 1 to {MAX_DIAGNOSES} diagnosis codes, has {len(claim.diagnosis_codes)}")
    if claim.frequency_code not in FREQUENCY_CODES:
        fail(f"frequency code {claim.frequency_code!r} is not one of {FREQUENCY_CODES}")
    if claim.frequency_code in ("7", "8") and not claim.payer_claim_control_number:
        fail("a replacement (7) or void (8) needs the payer's claim control number")
    if not claim.billing_provider.tax_id:
        fail("the billing provider needs a tax id")
    if claim.billing_provider.address is None:
        fail("the billing provider needs an address")
    needed_priors = {"P": 0, "S": 1, "T": 2}.get(claim.payer_responsibility)
    if needed_priors is None:
        fail(f"payer responsibility {claim.payer_responsibility!r} is not P, S or T")
    if len(claim.prior_payers) < needed_priors:
        fail(f"a {claim.payer_responsibility} claim needs {needed_priors} prior payer(s)")
    if len(claim.prior_payers) > MAX_PRIOR_PAYERS:
        fail(f"at most {MAX_PRIOR_PAYERS} prior payers")
    for number, line in enumerate(claim.service_lines, start=1):
        _check_line(claim, number, line, fail)
    for prior in claim.prior_payers:
        _check_prior_balance(claim, prior, fail)


def _check_line(claim: Claim, number: int, line: ServiceLine, fail) -> None:
    if len(line.modifiers) > MAX_MODIFIERS:
        fail(f"line {number} has {len(line.modifiers)} modifiers, at most {MAX_MODIFIERS}")
    pointers = line.diagnosis_pointers
    if not 1 <= len(pointers) <= MAX_POINTERS:
        fail(f"line {number} needs 1 to {MAX_POINTERS} diagnosis pointers")
    if any(not 1 <= pointer <= len(claim.diagnosis_codes) for pointer in pointers):
        fail(f"line {number} points to a diagnosis the claim does not have: {pointers}")
    if line.units <= 0:
        fail(f"line {number} needs a positive number of units")
    payer_ids = {prior.payer.payer_id for prior in claim.prior_payers}
    for adjudication in line.prior_adjudications:
        if adjudication.payer_id not in payer_ids:
            fail(f"line {number} adjudicated by {adjudication.payer_id}, not a prior payer")
        paid = line.charge - _sum(adjudication.adjustments)
        if paid != adjudication.paid_amount:
            fail(
                f"line {number}: charge {line.charge} less adjustments is {paid}, "
                f"but payer {adjudication.payer_id} paid {adjudication.paid_amount}"
            )


def _check_prior_balance(claim: Claim, prior: PriorPayer, fail) -> None:
    """The guide's COB rule: charge - claim and line adjustments = what the payer paid."""
    line_adjustments = [
        adj
        for line in claim.service_lines
        for adjudication in line.prior_adjudications
        if adjudication.payer_id == prior.payer.payer_id
        for adj in adjudication.adjustments
    ]
    expected = claim.total_charge - _sum(prior.adjustments) - _sum(line_adjustments)
    if expected != prior.paid_amount:
        fail(
            f"prior payer {prior.payer.payer_id}: charge {claim.total_charge} less adjustments "
            f"is {expected}, but it paid {prior.paid_amount}"
        )
