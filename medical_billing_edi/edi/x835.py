"""835 (005010X221A1) remittance advice reader."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from . import _reading
from ._pyx12 import Seg, TransactionType, iter_transaction_sets, read_segments
from ._values import ONE, ZERO, amount, d8
from .models import Adjustment
from .results import (
    ClaimPayment,
    Party,
    ProviderAdjustment,
    Remark,
    Remittance,
    ServicePayment,
    require_balanced,
)

TYPE_835 = TransactionType("HP", "835", ("005010X221A1",), "an 835 remittance advice")
PLB_PAIRS = range(3, 15, 2)  # PLB03/04 .. PLB13/14: reason:reference, amount
CLAIM_PARTIES = {
    "QC": "patient",
    "IL": "insured",
    "82": "rendering_provider",
    "TT": "crossover_payer",
    "PR": "corrected_priority_payer",
}


def read_835(data: str | bytes, *, validate: bool = True, strict: bool = False) -> list[Remittance]:
    """Every remittance (one per ST) in an 835 file.

    ``validate`` runs pyx12's implementation-guide validation in the same pass; any
    problem raises :class:`X12ParseError` and nothing is returned. Balancing problems
    are listed in each remittance's ``violations``, or raised with ``strict``.
    """
    segs = read_segments(data, TYPE_835, validate)
    remittances = [_remittance(set_segs) for set_segs in iter_transaction_sets(segs)]
    if strict:
        require_balanced(remittances)
    return remittances


@dataclass
class _Line:
    seg: Seg
    fields: dict
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)

    def build(self) -> ServicePayment:
        return ServicePayment(
            adjustments=tuple(self.adjustments), remarks=tuple(self.remarks), **self.fields
        )


@dataclass
class _Claim:
    seg: Seg
    fields: dict
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)

    def build(self) -> ClaimPayment:
        return ClaimPayment(
            adjustments=tuple(self.adjustments),
            remarks=tuple(self.remarks),
            service_lines=tuple(line.build() for line in self.lines),
            **self.fields,
        )


def _claim(seg: Seg) -> _Claim:
    return _Claim(
        seg,
        dict(
            patient_control_number=seg[1],
            status_code=seg[2],
            charge=amount(seg, 3),
            paid=amount(seg, 4),
            patient_responsibility=amount(seg, 5),
            filing_indicator=seg[6],
            payer_claim_control_number=seg[7],
            frequency_code=seg[9],
            position=seg.position,
        ),
    )


def _line(seg: Seg) -> _Line:
    procedure = seg.composite(1)
    return _Line(
        seg,
        dict(
            procedure_qualifier=procedure[0] if procedure else "",
            procedure_code=procedure[1] if len(procedure) > 1 else "",
            modifiers=tuple(mod for mod in procedure[2:6] if mod),
            charge=amount(seg, 2),
            paid=amount(seg, 3),
            revenue_code=seg[4],
            units=amount(seg, 5, default=ONE),  # the guide: absent means one unit
            position=seg.position,
        ),
    )


def _provider_adjustments(seg: Seg) -> list[ProviderAdjustment]:
    found = []
    for index in PLB_PAIRS:
        reason = seg.composite(index)
        if not reason:
            continue
        found.append(
            ProviderAdjustment(
                provider_id=seg[1],
                fiscal_period_end=d8(seg, 2),
                reason=reason[0],
                reference=reason[1] if len(reason) > 1 else "",
                amount=amount(seg, index + 1),
                position=seg.position,
            )
        )
    return found


def _remittance(segs: list[Seg]) -> Remittance:
    header: dict = {
        "control_number": segs[0][2],
        "handling_code": "",
        "total_paid": ZERO,
        "credit_debit": "",
        "payment_method": "",
        "payment_date": None,
        "trace_number": "",
        "originator_id": "",
        "payer": Party(""),
        "payee": Party(""),
        "production_date": None,
    }
    claims: list[_Claim] = []
    plbs: list[ProviderAdjustment] = []
    claim: _Claim | None = None
    line: _Line | None = None
    party_loop = ""
    bpr = segs[0]
    for seg in segs[1:]:
        sid = seg.id
        if sid == "CLP":
            claim, line = _claim(seg), None
            claims.append(claim)
        elif sid == "SVC" and claim is not None:
            line = _line(seg)
            claim.lines.append(line)
        elif sid == "CAS" and claim is not None:
            (line or claim).adjustments.extend(_reading.adjustments(seg))
        elif sid == "LQ" and line is not None:
            line.remarks.append(Remark(seg[2]))
        elif sid == "MOA" and claim is not None:
            claim.remarks.extend(Remark(seg[index]) for index in range(3, 8) if seg[index])
        elif sid == "AMT" and line is not None and seg[1] == "B6":
            line.fields["allowed"] = amount(seg, 2)
        elif sid == "REF" and line is not None and seg[1] == "6R":
            line.fields["line_control_number"] = seg[2]
        elif sid == "DTM" and line is not None:
            _line_date(line, seg)
        elif sid == "DTM" and claim is not None:
            _claim_date(claim, seg)
        elif sid == "NM1" and claim is not None and seg[1] in CLAIM_PARTIES:
            claim.fields[CLAIM_PARTIES[seg[1]]] = _reading.party(seg)
        elif sid == "PLB":
            claim, line = None, None
            plbs.extend(_provider_adjustments(seg))
        elif sid == "LX":
            claim, line = None, None
        elif sid == "BPR":
            bpr = seg
            header.update(
                handling_code=seg[1],
                total_paid=amount(seg, 2),
                credit_debit=seg[3],
                payment_method=seg[4],
                payment_date=d8(seg, 16),
            )
        elif sid == "TRN":
            header.update(trace_number=seg[2], originator_id=seg[3])
        elif sid == "DTM" and seg[1] == "405":
            header["production_date"] = d8(seg, 2)
        elif sid == "N1":
            party_loop = seg[1]
            key = "payer" if party_loop == "PR" else "payee"
            header[key] = _reading.n1_party(seg)
        elif sid == "REF" and party_loop == "PR" and seg[1] == "2U" and claim is None:
            header["payer"] = replace(header["payer"], id_qualifier="2U", identifier=seg[2])
    built = tuple(c.build() for c in claims)
    violations = _balance(bpr, header["total_paid"], claims, plbs)
    return Remittance(
        claims=built, provider_adjustments=tuple(plbs), violations=tuple(violations), **header
    )


def _line_date(line: _Line, seg: Seg) -> None:
    if seg[1] in ("472", "150"):
        line.fields["service_date_from"] = d8(seg, 2)
    if seg[1] in ("472", "151"):
        line.fields["service_date_to"] = d8(seg, 2)


def _claim_date(claim: _Claim, seg: Seg) -> None:
    key = {"232": "statement_from", "233": "statement_to", "050": "received_date"}.get(seg[1])
    if key:
        claim.fields[key] = d8(seg, 2)


def _balance(bpr: Seg, total_paid, claims: list[_Claim], plbs: list[ProviderAdjustment]):
    """The guide's balancing: lines, claims and the payment must add up."""
    violations: list = []
    check = _reading.check
    total = _reading.total
    for claim in claims:
        fields = claim.fields
        for line in claim.lines:
            line_paid = line.fields["charge"] - total(adj.amount for adj in line.adjustments)
            check(
                violations,
                "service_line_balance",
                line.seg,
                line_paid,
                line.fields["paid"],
                f"line {line.fields['procedure_code']} of claim "
                f"{fields['patient_control_number']}: charge less adjustments != paid",
            )
        adjusted = total(adj.amount for adj in claim.adjustments) + total(
            adj.amount for line in claim.lines for adj in line.adjustments
        )
        check(
            violations,
            "claim_balance",
            claim.seg,
            fields["charge"] - adjusted,
            fields["paid"],
            f"claim {fields['patient_control_number']}: charge less adjustments != paid",
        )
    expected = total(c.fields["paid"] for c in claims) - total(plb.amount for plb in plbs)
    check(
        violations,
        "payment_balance",
        bpr,
        expected,
        total_paid,
        "claim payments less provider adjustments != total payment (BPR02)",
    )
    return violations
