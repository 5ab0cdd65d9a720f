"""835 (005010X221A1) remittance advice writer: the payer's side, for tests and benchmarks.

Remittances in (the data classes :func:`read_835` returns), X12 text out, so that
reading the text gives the same remittances back (``position`` aside). Amounts are
written as given: nothing is recomputed, so an unbalanced remittance makes an
unbalanced file, which the reader reports.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from ._values import ONE, fmt_amount, fmt_date, fmt_quantity
from .errors import EdiError
from .models import Address, Contact, Envelope
from .results import ClaimPayment, Party, ProviderAdjustment, Remittance, ServicePayment
from .x837p import _Segments, write_interchange

VERSION = "005010X221A1"
MAX_MODIFIERS = 4  # SVC01-3 .. SVC01-6
MAX_CLAIM_REMARKS = 5  # MOA03 .. MOA07
PLB_PAIRS = 6  # reason:reference/amount pairs one PLB segment holds
DEFAULT_FILING_INDICATOR = "12"  # CLP06 is required; the reader keeps what is sent
FACILITY_CODE = "11"  # CLP08: office
# The guide requires the payer's address (N3, N4) and technical contact (PER*BL),
# which Remittance does not carry (the reader skips them): neutral stand-ins.
PAYER_ADDRESS = Address("PO BOX 1", "ANYTOWN", "NY", "10001")
PAYER_CONTACT = Contact("EDI SUPPORT", phone="8005550100")


def write_835(
    remittances: Sequence[Remittance],
    *,
    envelope: Envelope,
    created: datetime.datetime | None = None,
    control_number: int = 1,
    payer_address: Address = PAYER_ADDRESS,
    payer_contact: Contact = PAYER_CONTACT,
) -> str:
    """The 835 interchange for ``remittances`` as X12 text: one ISA/GS (HP) and one
    ST-SE per remittance, numbered from ``control_number`` (``Remittance.control_number``
    says where a remittance was read from and is not written).

    ``created`` (else ``envelope.created``, else now) dates the ISA and GS.
    ``payer_address`` and ``payer_contact`` fill the payer's N3/N4 and PER*BL, which
    the guide requires and the data classes do not hold.
    Raises :class:`EdiError` for what the segments cannot hold (more than 5 claim
    remark codes, more than 4 modifiers).
    """
    if not remittances:
        raise EdiError("no remittances to write")
    created = created or envelope.created or datetime.datetime.now().replace(microsecond=0)
    bodies = []
    for number, remittance in enumerate(remittances, start=control_number):
        control = f"{number:04d}"
        body = _Segments()
        body.add("ST", "835", control)
        _header(body, remittance, created, payer_address, payer_contact)
        if remittance.claims:
            body.add("LX", "1")
        for claim in remittance.claims:
            _claim(body, claim)
        _provider_adjustments(body, remittance.provider_adjustments)
        body.add("SE", "0", control)  # pyx12 writes the real count
        bodies.append(body)
    return write_interchange(envelope, created, "HP", VERSION, bodies)


def _header(
    out: _Segments, rem: Remittance, created: datetime.datetime, address: Address, contact: Contact
) -> None:
    payment_date = rem.payment_date or created.date()  # BPR16 is required
    out.add(
        "BPR",
        rem.handling_code,
        fmt_amount(rem.total_paid),
        rem.credit_debit or "C",
        rem.payment_method,
        *[""] * 11,  # BPR05..15: bank details, which Remittance does not hold
        fmt_date(payment_date),
    )
    out.add("TRN", "1", rem.trace_number, rem.originator_id)
    if rem.production_date:
        out.add("DTM", "405", fmt_date(rem.production_date))
    payer = rem.payer
    in_ref = payer.identifier and payer.id_qualifier in ("", "2U")
    if in_ref:
        out.add("N1", "PR", payer.last_name)
    else:
        out.add("N1", "PR", payer.last_name, payer.id_qualifier, payer.identifier)
    out.address(address)
    if in_ref:
        out.add("REF", "2U", payer.identifier)
    channels = [("TE", contact.phone), ("EM", contact.email)]
    out.add("PER", "BL", contact.name, *[v for pair in channels if pair[1] for v in pair])
    payee = rem.payee
    qualifier = payee.id_qualifier or ("XX" if payee.identifier else "")
    out.add("N1", "PE", payee.last_name, qualifier, payee.identifier)


def _party(out: _Segments, entity: str, party: Party | None, entity_type: str = "") -> None:
    """NM1 for ``party``; the entity type (person 1, organization 2) follows the name
    unless the guide fixes it for the entity."""
    if party is None:
        return
    entity_type = entity_type or ("1" if party.first_name else "2")
    out.add(
        "NM1",
        entity,
        entity_type,
        party.last_name,
        party.first_name,
        "",
        "",
        "",
        party.id_qualifier,
        party.identifier,
    )


def _claim(out: _Segments, claim: ClaimPayment) -> None:
    if len(claim.remarks) > MAX_CLAIM_REMARKS:
        raise EdiError(
            f"claim {claim.patient_control_number}: {len(claim.remarks)} remark codes, "
            f"MOA holds {MAX_CLAIM_REMARKS}"
        )
    responsibility = claim.patient_responsibility
    out.add(
        "CLP",
        claim.patient_control_number,
        claim.status_code,
        fmt_amount(claim.charge),
        fmt_amount(claim.paid),
        fmt_amount(responsibility) if responsibility else "",
        claim.filing_indicator or DEFAULT_FILING_INDICATOR,
        claim.payer_claim_control_number,
        FACILITY_CODE,
        claim.frequency_code,
    )
    out.adjustments(claim.adjustments)
    _party(out, "QC", claim.patient, "1")
    _party(out, "IL", claim.insured)
    _party(out, "82", claim.rendering_provider)
    _party(out, "TT", claim.crossover_payer, "2")
    _party(out, "PR", claim.corrected_priority_payer, "2")
    if claim.remarks:
        out.add("MOA", "", "", *(remark.code for remark in claim.remarks))
    for qualifier, day in (
        ("232", claim.statement_from),
        ("233", claim.statement_to),
        ("050", claim.received_date),
    ):
        if day:
            out.add("DTM", qualifier, fmt_date(day))
    for line in claim.service_lines:
        _service_line(out, claim, line)


def _service_line(out: _Segments, claim: ClaimPayment, line: ServicePayment) -> None:
    if len(line.modifiers) > MAX_MODIFIERS:
        raise EdiError(
            f"claim {claim.patient_control_number}, line {line.procedure_code}: "
            f"{len(line.modifiers)} modifiers, at most {MAX_MODIFIERS}"
        )
    out.add(
        "SVC",
        (line.procedure_qualifier or "HC", line.procedure_code, *line.modifiers),
        fmt_amount(line.charge),
        fmt_amount(line.paid),
        line.revenue_code,
        fmt_quantity(line.units) if line.units != ONE else "",  # absent reads as one
    )
    start, end = line.service_date_from, line.service_date_to
    if start and start == end:
        out.add("DTM", "472", fmt_date(start))
    else:
        if start:
            out.add("DTM", "150", fmt_date(start))
        if end:
            out.add("DTM", "151", fmt_date(end))
    out.adjustments(line.adjustments)
    if line.line_control_number:
        out.add("REF", "6R", line.line_control_number)
    if line.allowed is not None:
        out.add("AMT", "B6", fmt_amount(line.allowed))
    for remark in line.remarks:
        out.add("LQ", "HE", remark.code)


def _provider_adjustments(out: _Segments, adjustments: Sequence[ProviderAdjustment]) -> None:
    """PLB segments: one per provider and fiscal period, at most six pairs each."""
    by_key: dict[tuple, list[ProviderAdjustment]] = {}
    for adj in adjustments:
        by_key.setdefault((adj.provider_id, adj.fiscal_period_end), []).append(adj)
    for (provider_id, period_end), items in by_key.items():
        for start in range(0, len(items), PLB_PAIRS):
            pairs = []
            for adj in items[start : start + PLB_PAIRS]:
                pairs += [(adj.reason, adj.reference), fmt_amount(adj.amount)]
            out.add("PLB", provider_id, fmt_date(period_end) if period_end else "", *pairs)
