"""Shared builders for the EDI tests: fixture files and sample claims."""

import datetime
from decimal import Decimal
from pathlib import Path

from odoo.tests import BaseCase

from ..edi import (
    Address,
    Adjustment,
    Claim,
    Contact,
    Envelope,
    LineAdjudication,
    Payer,
    Person,
    PriorPayer,
    Provider,
    Receiver,
    ServiceLine,
    Submitter,
    validate,
    write_837p,
)

FIXTURES = Path(__file__).with_name("fixtures")
D = Decimal

CLINIC_ADDRESS = Address("123 MAIN ST", "SPRINGFIELD", "IL", "627011234")
BILLING = Provider(
    "HEALTHY CLINIC",
    "1245319599",
    tax_id="371234567",
    taxonomy="207Q00000X",
    address=CLINIC_ADDRESS,
    contact=Contact("BILLING OFFICE", phone="2175550100"),
)
RENDERING = Provider("SMITH", "1234567893", first_name="JANE", taxonomy="207Q00000X")
REFERRING = Provider("JONES", "1003000126", first_name="ROBERT")
SUBSCRIBER = Person(
    "DOE",
    "JOHN",
    member_id="XYZ123456789",
    birth_date=datetime.date(1980, 5, 17),
    gender="M",
    address=Address("9 ELM ST", "SPRINGFIELD", "IL", "62702"),
)
CHILD = Person(
    "DOE",
    "EMMA",
    birth_date=datetime.date(2015, 2, 3),
    gender="F",
    address=Address("9 ELM ST", "SPRINGFIELD", "IL", "62702"),
)
PRIMARY = Payer(
    "ACME HEALTH PLAN", "ACME1", Address("100 INSURANCE WAY", "HARTFORD", "CT", "06101")
)
SECONDARY = Payer("SUPPLEMENTAL MUTUAL", "SUPP1")
TERTIARY = Payer("STATE MEDICAID", "MCD01")
ENVELOPE = Envelope(
    sender_id="HEALTHYCLINIC",
    receiver_id="BESTCLEARING",
    interchange_control_number=1001,
    group_control_number=2001,
    created=datetime.datetime(2024, 3, 2, 10, 30),
    production=False,
)
SUBMITTER = Submitter(
    "HEALTHY CLINIC", "SUB01", Contact("JANE ROE", "2175550100", "edi@example.org")
)
RECEIVER = Receiver("BEST CLEARINGHOUSE", "CH12345")
DOS = datetime.date(2024, 3, 1)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="ascii")


def office_visit(charge="150.00", code="99213", modifiers=(), pointers=(1,), **kwargs):
    return ServiceLine(
        code, D(charge), DOS, modifiers=modifiers, diagnosis_pointers=pointers, **kwargs
    )


def simple_claim(pcn="PCN0001", **overrides) -> Claim:
    values = dict(
        patient_control_number=pcn,
        billing_provider=BILLING,
        subscriber=SUBSCRIBER,
        payer=PRIMARY,
        diagnosis_codes=("J02.0", "R50.9"),
        service_lines=(office_visit(line_control_number=f"{pcn}-1"),),
        rendering_provider=RENDERING,
    )
    values.update(overrides)
    return Claim(**values)


def secondary_claim(pcn="PCN0100") -> Claim:
    """Billed to SECONDARY after PRIMARY paid 105 of 200 (line-level adjudication)."""
    line = ServiceLine(
        "99214",
        D("200"),
        DOS,
        modifiers=("25",),
        diagnosis_pointers=(1, 2),
        line_control_number=f"{pcn}-1",
        prior_adjudications=(
            LineAdjudication(
                "ACME1",
                D("105"),
                datetime.date(2024, 3, 15),
                adjustments=(
                    Adjustment("CO", "45", D("50")),
                    Adjustment("PR", "1", D("20")),
                    Adjustment("PR", "2", D("10")),
                    Adjustment("PR", "3", D("15")),
                ),
                remaining_patient_liability=D("45"),
            ),
        ),
    )
    prior = PriorPayer(
        PRIMARY,
        SUBSCRIBER,
        D("105"),
        remaining_patient_liability=D("45"),
        payer_claim_control_number="ACME0002",
        adjudication_date=datetime.date(2024, 3, 15),
    )
    return simple_claim(
        pcn,
        payer=SECONDARY,
        payer_responsibility="S",
        service_lines=(line,),
        prior_payers=(prior,),
    )


def write(claims, **kwargs) -> str:
    return write_837p(claims, envelope=ENVELOPE, submitter=SUBMITTER, receiver=RECEIVER, **kwargs)


def segments(text: str) -> list[str]:
    return [seg.strip() for seg in text.split("~") if seg.strip()]


class EdiCase(BaseCase):
    def assertValidX12(self, text: str):
        """pyx12 finds nothing wrong with ``text``."""
        issues = validate(text)
        self.assertEqual([str(issue) for issue in issues], [])
