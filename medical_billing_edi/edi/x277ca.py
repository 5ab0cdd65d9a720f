"""277CA (005010X214) claim acknowledgement reader."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import _reading
from ._pyx12 import Seg, TransactionType, iter_transaction_sets, read_segments
from ._values import amount, d8, date_period
from .results import (
    BalanceViolation,
    ClaimAcknowledgement,
    ClaimStatusReport,
    Party,
    ServiceLineStatus,
    StatusInfo,
    require_balanced,
)

TYPE_277CA = TransactionType("HN", "277", ("005010X214",), "a 277CA claim acknowledgement")
SOURCE, RECEIVER, PROVIDER, PATIENT = "20", "21", "19", "PT"  # HL03 levels
STATUS_COMPOSITES = (1, 10, 11)  # STC01, STC10, STC11


def read_277ca(
    data: str | bytes, *, validate: bool = True, strict: bool = False
) -> list[ClaimStatusReport]:
    """Every claim acknowledgement report (one per ST) in a 277CA file.

    Per claim: accepted or rejected, by the clearinghouse or the payer (who sent the
    file), its status codes with descriptions, free-text message and payer claim number.
    """
    segs = read_segments(data, TYPE_277CA, validate)
    reports = [_report(set_segs) for set_segs in iter_transaction_sets(segs)]
    if strict:
        require_balanced(reports)
    return reports


def _statuses(seg: Seg) -> list[StatusInfo]:
    found = []
    for index in STATUS_COMPOSITES:
        parts = seg.composite(index)
        if not parts:
            continue
        first = index == 1
        found.append(
            StatusInfo(
                category=parts[0],
                code=parts[1] if len(parts) > 1 else "",
                entity=parts[2] if len(parts) > 2 else "",
                action_code=seg[3],
                effective_date=d8(seg, 2),
                amount=amount(seg, 4, default=None) if first else None,
                message=seg[12] if first else "",
            )
        )
    return found


@dataclass
class _Totals:
    """QTY/AMT control totals of one level and the claims they cover."""

    seg: Seg
    counts: dict = field(default_factory=dict)
    claims: list[ClaimAcknowledgement] = field(default_factory=list)


@dataclass
class _Claim:
    fields: dict
    statuses: list[StatusInfo] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)

    def build(self) -> ClaimAcknowledgement:
        lines = tuple(ServiceLineStatus(**line) for line in self.lines)
        return ClaimAcknowledgement(statuses=tuple(self.statuses), lines=lines, **self.fields)


def _report(segs: list[Seg]) -> ClaimStatusReport:
    header: dict = {
        "control_number": segs[0][2],
        "source": Party(""),
        "level": "payer",
        "receipt_date": None,
        "process_date": None,
        "receiver": Party(""),
    }
    level = ""
    provider = Party("")
    patient = Party("")
    receiver_totals: _Totals | None = None
    provider_totals: list[_Totals] = []
    claims: list[_Claim] = []
    claim: _Claim | None = None
    line: dict | None = None

    def close_claim() -> None:
        nonlocal claim, line
        if claim is not None:
            built = claim.build()
            claims.append(claim)
            for totals in (receiver_totals, *provider_totals[-1:]):
                if totals is not None:
                    totals.claims.append(built)
        claim, line = None, None

    for seg in segs[1:]:
        sid = seg.id
        if sid == "HL":
            close_claim()
            level = seg[3]
            if level == RECEIVER:
                receiver_totals = _Totals(seg)
            elif level == PROVIDER:
                provider_totals.append(_Totals(seg))
        elif sid == "NM1":
            name = _reading.party(seg)
            if level == SOURCE:
                header["source"] = name
                header["level"] = "clearinghouse" if seg[1] == "AY" else "payer"
            elif level == RECEIVER:
                header["receiver"] = name
            elif level == PROVIDER:
                provider = name
            elif level == PATIENT:
                patient = name
        elif sid == "TRN" and level == PATIENT:
            close_claim()
            claim = _Claim(
                dict(
                    patient_control_number=seg[2],
                    level=header["level"],
                    patient=patient,
                    billing_provider=provider,
                    total_charge=None,
                    position=seg.position,
                )
            )
        elif sid == "STC" and line is not None:
            line["statuses"] += tuple(_statuses(seg))
        elif sid == "STC" and claim is not None:
            statuses = _statuses(seg)
            if not claim.statuses and statuses:
                claim.fields["total_charge"] = statuses[0].amount
            claim.statuses.extend(statuses)
        elif sid == "SVC" and claim is not None:
            procedure = seg.composite(1)
            line = dict(
                procedure_code=procedure[1] if len(procedure) > 1 else "",
                modifiers=tuple(mod for mod in procedure[2:6] if mod),
                charge=amount(seg, 2),
                statuses=(),
            )
            claim.lines.append(line)
        elif sid == "REF" and claim is not None:
            _claim_reference(claim, line, seg)
        elif sid == "DTP" and claim is not None and line is None and seg[1] == "472":
            start, end = date_period(seg, 2)
            claim.fields.update(service_date_from=start, service_date_to=end)
        elif sid == "DTP" and level == SOURCE:
            key = {"050": "receipt_date", "009": "process_date"}.get(seg[1])
            if key:
                header[key] = d8(seg, 3)
        elif sid in ("QTY", "AMT") and claim is None:
            totals = receiver_totals if level == RECEIVER else (provider_totals or [None])[-1]
            if totals is not None:
                totals.counts[seg[1]] = (amount(seg, 2), seg)
    close_claim()
    violations: list[BalanceViolation] = []
    if receiver_totals is not None:
        _balance(violations, receiver_totals, ("90", "AA"), "receiver")
    for totals in provider_totals:
        _balance(violations, totals, ("QA", "QC"), "billing provider")
    return ClaimStatusReport(
        claims=tuple(c.build() for c in claims), violations=tuple(violations), **header
    )


def _claim_reference(claim: _Claim, line: dict | None, seg: Seg) -> None:
    if line is not None:
        if seg[1] == "FJ":
            line["line_control_number"] = seg[2]
    elif seg[1] == "1K":
        claim.fields["payer_claim_number"] = seg[2]
    elif seg[1] == "D9":
        claim.fields["clearinghouse_trace_number"] = seg[2]


def _balance(violations: list, totals: _Totals, quantity_codes: tuple, where: str) -> None:
    """Accepted/rejected counts (QTY) and amounts (AMT YU/YY) must match the claims."""
    accepted = [c for c in totals.claims if c.accepted]
    rejected = [c for c in totals.claims if not c.accepted]
    expected = {
        quantity_codes[0]: (len(accepted), "accepted claims"),
        quantity_codes[1]: (len(rejected), "rejected claims"),
        "YU": (_reading.total(c.total_charge or 0 for c in accepted), "accepted amount"),
        "YY": (_reading.total(c.total_charge or 0 for c in rejected), "rejected amount"),
    }
    for code, (value, label) in expected.items():
        if code in totals.counts:
            stated, seg = totals.counts[code]
            _reading.check(
                violations,
                f"{code.lower()}_total",
                seg,
                value,
                stated,
                f"{where} {label} stated in {seg.id}*{code} do not match its claims",
            )
