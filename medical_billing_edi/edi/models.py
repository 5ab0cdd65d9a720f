"""Plain data classes the 837P writer takes in.

Money is ``Decimal`` and dates are ``datetime.date`` throughout. The writer checks the
rules of the implementation guide that these classes cannot express by type alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from . import codes


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Adjustment:
    """One claim adjustment: group (CO, PR, OA, PI) + reason (CARC) + amount."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None

    @property
    def group_description(self) -> str:
        return codes.adjustment_group(self.group)

    @property
    def reason_description(self) -> str:
        return codes.adjustment_reason(self.reason)

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount}: {self.reason_description}"


@dataclass(frozen=True)
class Envelope:
    """Interchange (ISA), group (GS) and transaction set (ST) identification.

    The control numbers are the caller's: they must be unique per sender, so they are
    kept in the database that calls the writer, not guessed here.
    """

    sender_id: str
    receiver_id: str
    interchange_control_number: int
    group_control_number: int
    transaction_set_control_number: int = 1
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    application_sender_code: str = ""
    application_receiver_code: str = ""
    created: datetime.datetime | None = None
    production: bool = True
    acknowledgment_requested: bool = False
    batch_reference: str = ""


@dataclass(frozen=True)
class Submitter:
    """Loop 1000A: who sends the file (the practice or its billing service)."""

    name: str
    identifier: str
    contact: Contact


@dataclass(frozen=True)
class Receiver:
    """Loop 1000B: the clearinghouse or payer receiving the file."""

    name: str
    identifier: str


@dataclass(frozen=True)
class Provider:
    """A billing, rendering or referring provider.

    ``last_name`` holds the organization name when ``first_name`` is empty.
    """

    last_name: str
    npi: str
    first_name: str = ""
    tax_id: str = ""
    tax_id_qualifier: str = "EI"  # EI employer id, SY social security number
    taxonomy: str = ""
    address: Address | None = None
    contact: Contact | None = None

    @property
    def is_person(self) -> bool:
        return bool(self.first_name)


@dataclass(frozen=True)
class Payer:
    name: str
    payer_id: str
    address: Address | None = None


@dataclass(frozen=True)
class Person:
    """A subscriber (insured) or patient."""

    last_name: str
    first_name: str
    member_id: str = ""
    birth_date: datetime.date | None = None
    gender: str = "U"  # F, M or U
    address: Address | None = None
    middle_name: str = ""


@dataclass(frozen=True)
class LineAdjudication:
    """Loop 2430: what a prior payer did with one service line."""

    payer_id: str
    paid_amount: Decimal
    adjudication_date: datetime.date
    adjustments: tuple[Adjustment, ...] = ()
    remaining_patient_liability: Decimal | None = None


@dataclass(frozen=True)
class PriorPayer:
    """Loops 2320/2330A/2330B: a payer that already adjudicated the claim."""

    payer: Payer
    subscriber: Person
    paid_amount: Decimal
    responsibility: str = "P"  # P primary, S secondary, T tertiary
    relationship: str = "18"  # patient to this payer's subscriber; 18 = self
    claim_filing_indicator: str = "CI"
    group_number: str = ""
    adjustments: tuple[Adjustment, ...] = ()  # claim-level adjustments
    remaining_patient_liability: Decimal | None = None
    payer_claim_control_number: str = ""
    adjudication_date: datetime.date | None = None


@dataclass(frozen=True)
class ServiceLine:
    """Loop 2400: one service line (SV1)."""

    procedure_code: str
    charge: Decimal
    service_date: datetime.date
    units: Decimal = Decimal("1")
    modifiers: tuple[str, ...] = ()
    diagnosis_pointers: tuple[int, ...] = (1,)
    service_date_end: datetime.date | None = None
    place_of_service: str = ""
    line_control_number: str = ""
    prior_adjudications: tuple[LineAdjudication, ...] = ()


@dataclass(frozen=True)
class Claim:
    """Loop 2300 and everything above it that belongs to one claim."""

    patient_control_number: str
    billing_provider: Provider
    subscriber: Person
    payer: Payer
    diagnosis_codes: tuple[str, ...]
    service_lines: tuple[ServiceLine, ...]
    place_of_service: str = "11"
    frequency_code: str = "1"  # 1 original, 7 replacement, 8 void
    payer_claim_control_number: str = ""  # required for frequency 7 and 8
    payer_responsibility: str = "P"  # P, S or T: this payer's rank for the claim
    claim_filing_indicator: str = "CI"
    group_number: str = ""
    patient: Person | None = None  # None when the patient is the subscriber
    patient_relationship: str = "19"  # PAT01 when a patient is given; 19 = child
    pay_to_address: Address | None = None
    rendering_provider: Provider | None = None
    referring_provider: Provider | None = None
    prior_payers: tuple[PriorPayer, ...] = ()
    prior_authorization: str = ""

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.service_lines), Decimal("0"))
