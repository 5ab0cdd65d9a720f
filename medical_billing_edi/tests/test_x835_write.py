import dataclasses
import datetime

from odoo.tests import tagged

from ..edi import Adjustment, Envelope, X12BalanceError, read_835, write_835
from ..edi.results import (
    ClaimPayment,
    Party,
    ProviderAdjustment,
    Remark,
    Remittance,
    ServicePayment,
)
from .common import FIXTURES, D, EdiCase, fixture, segments

DAY = datetime.date(2024, 3, 1)
PAYER = Party("ACME HEALTH PLAN", "", "2U", "ACME1")
PAYEE = Party("HEALTHY CLINIC", "", "XX", "1245319599")
ENVELOPE = Envelope("ACMEHEALTH", "HEALTHYCLINIC", 900, 900, created=datetime.datetime(2024, 3, 15))


def without_positions(value):
    """``value`` with every ``position`` (where a segment stood in its file) set to 0."""
    if isinstance(value, list | tuple):
        return type(value)(without_positions(item) for item in value)
    if dataclasses.is_dataclass(value):
        changes = {
            f.name: without_positions(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
        if "position" in changes:
            changes["position"] = 0
        return dataclasses.replace(value, **changes)
    return value


def envelope_of(text: str) -> Envelope:
    """The envelope the fixture ``text`` was written with."""
    isa, gs = (seg.split("*") for seg in segments(text)[:2])
    return Envelope(
        sender_id=isa[6].strip(),
        receiver_id=isa[8].strip(),
        interchange_control_number=int(isa[13]),
        group_control_number=int(gs[6]),
        created=datetime.datetime.strptime(gs[4] + gs[5], "%Y%m%d%H%M"),
        production=isa[15] == "P",
    )


def line(number: int, paid="70") -> ServicePayment:
    return ServicePayment(
        "HC",
        "99213",
        ("25",),
        charge=D(100),
        paid=D(paid),
        units=D(1),
        allowed=D(80),
        service_date_from=DAY,
        service_date_to=DAY,
        line_control_number=f"L{number}",
        adjustments=(Adjustment("CO", "45", D(20)), Adjustment("PR", "2", D(10))),
        remarks=(Remark("N130"),),
    )


def claim(number: int, lines=3, paid="70") -> ClaimPayment:
    return ClaimPayment(
        f"PCN{number:05d}",
        "1",
        charge=D(100) * lines,
        paid=D(paid) * lines,
        patient_responsibility=D(10) * lines,
        payer_claim_control_number=f"ACME{number:05d}",
        filing_indicator="12",
        patient=Party("DOE", "JOHN", "MI", f"M{number}"),
        service_lines=tuple(line(n, paid) for n in range(lines)),
    )


def remittance(claims, total_paid) -> Remittance:
    return Remittance(
        "0001", "I", D(total_paid), "C", "CHK", DAY, "CHK1", "1512345678", PAYER, PAYEE, DAY, claims
    )


@tagged("post_install", "-at_install")
class TestWrite835(EdiCase):
    def test_fixtures_round_trip(self):
        for path in sorted(FIXTURES.glob("835_*.x12")):
            with self.subTest(path.name):
                text = fixture(path.name)
                remittances = read_835(text)
                written = write_835(remittances, envelope=envelope_of(text))
                self.assertEqual(segments(written)[:2], segments(text)[:2])  # ISA, GS
                self.assertEqual(
                    without_positions(read_835(written)), without_positions(remittances)
                )

    def test_written_file_is_valid(self):
        (paid,) = read_835(fixture("835_paid.x12"))
        (adjusted,) = read_835(fixture("835_provider_adjustments.x12"))
        text = write_835([paid, adjusted], envelope=ENVELOPE, control_number=7)
        self.assertValidX12(text)  # edi.validate finds nothing; read_835 validates too
        segs = segments(text)
        self.assertEqual(
            [seg for seg in segs if seg.startswith("ST")], ["ST*835*0007", "ST*835*0008"]
        )
        self.assertIn("GE*2*900", segs)
        self.assertIn("CAS*PR*1*20**2*10**3*15", segs)
        self.assertIn(
            "PLB*1245319599*20241231*L6:PCN3001*-5.25*WO:ACME0002*40*FB:BAL2024Q1*10", segs
        )
        first, second = read_835(text)
        self.assertEqual((first.control_number, second.control_number), ("0007", "0008"))

    def test_grouped_adjustments_and_dates(self):
        """Seven CAS reasons of one group take two CAS; seven PLB pairs two PLB (which
        pyx12 alone took for two footers); a period of service is written as DTM*150/151."""
        many = tuple(Adjustment("CO", str(reason), D(1)) for reason in range(1, 8))
        service = dataclasses.replace(
            line(1, paid="93"),
            adjustments=many,
            service_date_to=DAY + datetime.timedelta(days=2),
            units=D(3),
        )
        payment = dataclasses.replace(claim(1, lines=1), paid=D(93), service_lines=(service,))
        plbs = tuple(
            ProviderAdjustment("1245319599", datetime.date(2024, 12, 31), "WO", f"R{n}", D(1))
            for n in range(7)
        )
        text = write_835(
            [dataclasses.replace(remittance((payment,), 86), provider_adjustments=plbs)],
            envelope=ENVELOPE,
        )
        segs = segments(text)
        self.assertEqual(len([seg for seg in segs if seg.startswith("CAS*CO")]), 2)
        self.assertEqual(len([seg for seg in segs if seg.startswith("PLB")]), 2)
        self.assertIn("SVC*HC:99213:25*100*93**3", segs)
        (read,) = read_835(text, strict=True)
        (read_line,) = read.claims[0].service_lines
        self.assertEqual(read_line.adjustments, many)
        self.assertEqual(
            (read_line.service_date_from, read_line.service_date_to),
            (DAY, DAY + datetime.timedelta(days=2)),
        )
        self.assertEqual(without_positions(read.provider_adjustments), plbs)

    def test_thousand_claims(self):
        claims = tuple(claim(number) for number in range(1000))
        text = write_835([remittance(claims, 210_000)], envelope=ENVELOPE)
        (read,) = read_835(text, strict=True)
        self.assertEqual(len(read.claims), 1000)
        self.assertEqual(sum(len(c.service_lines) for c in read.claims), 3000)
        self.assertEqual(read.total_paid, D(210_000))
        self.assertEqual(sum(c.paid for c in read.claims), D(210_000))
        self.assertEqual(without_positions(read.claims), claims)

    def test_unbalanced_remittance_is_reported(self):
        # Line and claim say 75 paid, but 100 less 30 of adjustments is 70; the check is 70.
        text = write_835([remittance((claim(1, lines=1, paid="75"),), 70)], envelope=ENVELOPE)
        with self.assertRaises(X12BalanceError) as caught:
            read_835(text, strict=True)
        rules = {issue.code for issue in caught.exception.issues}
        self.assertEqual(rules, {"service_line_balance", "claim_balance", "payment_balance"})
