"""Plain data classes the readers return (999, 277CA and 835)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from . import codes
from .errors import X12BalanceError, X12Issue
from .models import Adjustment


@dataclass(frozen=True)
class BalanceViolation:
    """A balancing rule of the file that its own numbers break."""

    rule: str
    segment_id: str
    position: int
    expected: Decimal
    actual: Decimal
    message: str

    def __str__(self) -> str:
        return (
            f"{self.rule} at segment {self.segment_id} position {self.position}: {self.message} "
            f"(expected {self.expected}, found {self.actual})"
        )


def require_balanced(results: Sequence) -> None:
    """Raise :class:`X12BalanceError` when any result carries a balance violation."""
    issues = [
        X12Issue(violation.segment_id, violation.position, str(violation), violation.rule)
        for result in results
        for violation in result.violations
    ]
    if issues:
        raise X12BalanceError(issues, "the file does not balance")


@dataclass(frozen=True)
class Remark:
    """A remittance advice remark code (RARC) with its description."""

    code: str

    @property
    def description(self) -> str:
        return codes.remark(self.code)


@dataclass(frozen=True)
class Party:
    """A name from an NM1 segment: a person (last, first) or an organization (last)."""

    last_name: str
    first_name: str = ""
    id_qualifier: str = ""
    identifier: str = ""

    @property
    def name(self) -> str:
        return f"{self.last_name}, {self.first_name}" if self.first_name else self.last_name


# --------------------------------------------------------------------------- 999

SITUATIONAL_TRIGGER = "SITUATIONAL TRIGGER"


@dataclass(frozen=True)
class ErrorContext:
    """CTX: what a 999 error relates to.

    Either the business unit it belongs to (``name`` is the element, e.g. CLM01, and
    ``reference`` its value, e.g. the patient control number), or a situational trigger:
    the segment and element whose value made the faulty segment or element required.
    """

    name: str
    reference: str = ""
    segment_id: str = ""
    position: int | None = None
    loop_id: str = ""
    element_position: int | None = None
    component: int | None = None
    reference_number: str = ""

    @property
    def is_business_unit(self) -> bool:
        return self.name != SITUATIONAL_TRIGGER


@dataclass(frozen=True)
class ElementError:
    """IK4: one bad element of a segment."""

    position: int
    component: int | None
    reference_number: str
    code: str
    bad_value: str = ""
    contexts: tuple[ErrorContext, ...] = ()

    @property
    def description(self) -> str:
        return codes.describe("ik403", self.code)

    @property
    def explanation(self) -> str:
        where = f"element {self.position:02d}"
        if self.component:
            where += f" component {self.component}"
        if self.reference_number:
            where += f" (data element {self.reference_number})"
        value = f", value '{self.bad_value}'" if self.bad_value else ""
        return f"{where}: {self.description}{value}"


@dataclass(frozen=True)
class SegmentError:
    """IK3 and its IK4s: one bad segment of the acknowledged transaction set."""

    segment_id: str
    position: int
    loop_id: str
    code: str
    elements: tuple[ElementError, ...] = ()
    contexts: tuple[ErrorContext, ...] = ()

    @property
    def business_unit(self) -> ErrorContext | None:
        """The CTX naming what the segment belongs to (e.g. CLM01 and the claim's number)."""
        return next((ctx for ctx in self.contexts if ctx.is_business_unit), None)

    @property
    def description(self) -> str:
        return codes.describe("ik304", self.code) if self.code else "see element errors"

    @property
    def explanation(self) -> str:
        loop = f" in loop {self.loop_id}" if self.loop_id else ""
        unit = self.business_unit
        if unit is not None:
            loop += f" ({unit.name} {unit.reference})"
        text = f"Segment {self.segment_id} at position {self.position}{loop}: {self.description}"
        return "; ".join([text, *(element.explanation for element in self.elements)])


class AckStatus(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"


def ack_status(code: str) -> AckStatus:
    return {
        "A": AckStatus.ACCEPTED,
        "E": AckStatus.ACCEPTED_WITH_ERRORS,
        "P": AckStatus.PARTIALLY_ACCEPTED,
    }.get(code, AckStatus.REJECTED)


@dataclass(frozen=True)
class TransactionSetAck:
    """AK2..IK5: the verdict on one transaction set of the original group."""

    set_id: str
    control_number: str
    version: str
    status_code: str
    error_codes: tuple[str, ...]
    segment_errors: tuple[SegmentError, ...]

    @property
    def status(self) -> AckStatus:
        return ack_status(self.status_code)

    @property
    def accepted(self) -> bool:
        return self.status_code in ("A", "E")

    @property
    def explanations(self) -> tuple[str, ...]:
        """Every problem of this set in words, transaction-level codes first."""
        set_errors = tuple(codes.describe("ik502", code) for code in self.error_codes)
        return set_errors + tuple(error.explanation for error in self.segment_errors)


@dataclass(frozen=True)
class FunctionalAck:
    """One 999 transaction set: the answer to one functional group we sent."""

    control_number: str
    functional_id: str
    group_control_number: str
    version: str
    status_code: str
    sets_included: int
    sets_received: int
    sets_accepted: int
    group_error_codes: tuple[str, ...]
    transaction_sets: tuple[TransactionSetAck, ...]
    violations: tuple[BalanceViolation, ...] = ()

    @property
    def status(self) -> AckStatus:
        return ack_status(self.status_code)

    @property
    def group_errors(self) -> tuple[str, ...]:
        return tuple(codes.describe("ak905", code) for code in self.group_error_codes)

    @property
    def is_balanced(self) -> bool:
        return not self.violations


# --------------------------------------------------------------------------- 277CA


@dataclass(frozen=True)
class StatusInfo:
    """One STC segment: category, status and entity codes, action, amount, message."""

    category: str
    code: str
    entity: str
    action_code: str
    effective_date: datetime.date | None
    amount: Decimal | None
    message: str

    @property
    def category_description(self) -> str:
        return codes.describe("stc_category", self.category)

    @property
    def description(self) -> str:
        return codes.describe("stc_status", self.code)

    @property
    def entity_description(self) -> str:
        return codes.describe("stc_entity", self.entity) if self.entity else ""

    @property
    def rejected(self) -> bool:
        # U = reject (STC03); A3, A6, A7, A8 are the rejecting acknowledgement categories.
        return self.action_code == "U" or self.category in ("A3", "A4", "A6", "A7", "A8")


@dataclass(frozen=True)
class ServiceLineStatus:
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    statuses: tuple[StatusInfo, ...]
    line_control_number: str = ""


@dataclass(frozen=True)
class ClaimAcknowledgement:
    """Loop 2200D: what the clearinghouse or payer said about one claim."""

    patient_control_number: str
    level: str  # "clearinghouse" or "payer": who answered
    statuses: tuple[StatusInfo, ...]
    patient: Party
    billing_provider: Party
    total_charge: Decimal | None
    payer_claim_number: str = ""
    clearinghouse_trace_number: str = ""
    service_date_from: datetime.date | None = None
    service_date_to: datetime.date | None = None
    lines: tuple[ServiceLineStatus, ...] = ()
    position: int = 0

    @property
    def accepted(self) -> bool:
        return not any(status.rejected for status in self.statuses)

    @property
    def category(self) -> str:
        return self.statuses[0].category

    @property
    def status_code(self) -> str:
        return self.statuses[0].code

    @property
    def message(self) -> str:
        return " ".join(status.message for status in self.statuses if status.message)


@dataclass(frozen=True)
class ClaimStatusReport:
    """One 277CA transaction set."""

    control_number: str
    source: Party
    level: str
    receipt_date: datetime.date | None
    process_date: datetime.date | None
    receiver: Party
    claims: tuple[ClaimAcknowledgement, ...]
    violations: tuple[BalanceViolation, ...] = ()

    @property
    def is_balanced(self) -> bool:
        return not self.violations


# --------------------------------------------------------------------------- 835


class ClaimStatus(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    TERTIARY = "tertiary"
    DENIED = "denied"
    PRIMARY_FORWARDED = "primary_forwarded"
    SECONDARY_FORWARDED = "secondary_forwarded"
    TERTIARY_FORWARDED = "tertiary_forwarded"
    REVERSAL = "reversal"
    NOT_OUR_CLAIM = "not_our_claim"
    PREDETERMINATION = "predetermination"
    UNKNOWN = "unknown"


CLAIM_STATUSES = {
    "1": ClaimStatus.PRIMARY,
    "2": ClaimStatus.SECONDARY,
    "3": ClaimStatus.TERTIARY,
    "4": ClaimStatus.DENIED,
    "19": ClaimStatus.PRIMARY_FORWARDED,
    "20": ClaimStatus.SECONDARY_FORWARDED,
    "21": ClaimStatus.TERTIARY_FORWARDED,
    "22": ClaimStatus.REVERSAL,
    "23": ClaimStatus.NOT_OUR_CLAIM,
    "25": ClaimStatus.PREDETERMINATION,
}


@dataclass(frozen=True)
class ServicePayment:
    """Loop 2110: one paid (or not) service line."""

    procedure_qualifier: str
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    units: Decimal
    allowed: Decimal | None = None
    revenue_code: str = ""
    service_date_from: datetime.date | None = None
    service_date_to: datetime.date | None = None
    line_control_number: str = ""
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[Remark, ...] = ()
    position: int = 0


@dataclass(frozen=True)
class ClaimPayment:
    """Loop 2100: one claim of a remittance."""

    patient_control_number: str
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    payer_claim_control_number: str
    filing_indicator: str = ""
    frequency_code: str = ""
    patient: Party | None = None
    insured: Party | None = None
    rendering_provider: Party | None = None
    crossover_payer: Party | None = None
    corrected_priority_payer: Party | None = None
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[Remark, ...] = ()
    service_lines: tuple[ServicePayment, ...] = ()
    statement_from: datetime.date | None = None
    statement_to: datetime.date | None = None
    received_date: datetime.date | None = None
    position: int = 0

    @property
    def status(self) -> ClaimStatus:
        return CLAIM_STATUSES.get(self.status_code, ClaimStatus.UNKNOWN)

    @property
    def status_description(self) -> str:
        return codes.describe("claim_status", self.status_code)

    @property
    def all_adjustments(self) -> tuple[Adjustment, ...]:
        """Claim-level adjustments followed by every line's."""
        lines = tuple(adj for line in self.service_lines for adj in line.adjustments)
        return self.adjustments + lines


@dataclass(frozen=True)
class ProviderAdjustment:
    """One PLB adjustment: positive takes money back, negative adds to the payment."""

    provider_id: str
    fiscal_period_end: datetime.date | None
    reason: str
    reference: str
    amount: Decimal
    position: int = 0

    @property
    def description(self) -> str:
        return codes.describe("plb", self.reason)


@dataclass(frozen=True)
class Remittance:
    """One 835 transaction set: one payment (check, EFT or none) and its claims."""

    control_number: str
    handling_code: str
    total_paid: Decimal
    credit_debit: str
    payment_method: str
    payment_date: datetime.date | None
    trace_number: str  # the check or EFT number
    originator_id: str
    payer: Party
    payee: Party
    production_date: datetime.date | None
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    violations: tuple[BalanceViolation, ...] = ()

    @property
    def is_balanced(self) -> bool:
        return not self.violations
