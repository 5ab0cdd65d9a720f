import datetime
from unittest.mock import patch

from odoo.tests import tagged

from ..edi import (
    Address,
    Adjustment,
    ClaimDataError,
    LineAdjudication,
    Person,
    PriorPayer,
    ServiceLine,
    X12ParseError,
    x837p,
)
from ..edi._pyx12 import TransactionType, read_segments
from .common import (
    BILLING,
    CHILD,
    DOS,
    PRIMARY,
    REFERRING,
    SECONDARY,
    SUBSCRIBER,
    TERTIARY,
    D,
    EdiCase,
    office_visit,
    secondary_claim,
    segments,
    simple_claim,
    write,
)

TYPE_837P = TransactionType("HC", "837", ("005010X222A1",), "an 837P claim")


@tagged("post_install", "-at_install")
class TestWrite837P(EdiCase):
    def test_simple_claim_is_valid_and_complete(self):
        text = write([simple_claim()])
        self.assertValidX12(text)
        segs = segments(text)
        self.assertTrue(segs[0].startswith("ISA*00*"))
        self.assertEqual(len(segs[0]) + 1, 106)  # fixed-width ISA with its terminator
        self.assertIn("*000001001*0*T*:", segs[0])
        self.assertEqual(
            segs[1], "GS*HC*HEALTHYCLINIC*BESTCLEARING*20240302*1030*2001*X*005010X222A1"
        )
        self.assertEqual(segs[2], "ST*837*0001*005010X222A1")
        self.assertIn("NM1*85*2*HEALTHY CLINIC*****XX*1245319599", segs)
        self.assertIn("REF*EI*371234567", segs)
        self.assertIn("PRV*BI*PXC*207Q00000X", segs)
        self.assertIn("SBR*P*18*******CI", segs)
        self.assertIn("DMG*D8*19800517*M", segs)
        self.assertIn("NM1*PR*2*ACME HEALTH PLAN*****PI*ACME1", segs)
        self.assertIn("CLM*PCN0001*150***11:B:1*Y*A*Y*Y", segs)
        self.assertIn("HI*ABK:J020*ABF:R509", segs)
        self.assertIn("NM1*82*1*SMITH*JANE****XX*1234567893", segs)
        self.assertIn("SV1*HC:99213*150*UN*1***1", segs)
        self.assertIn("DTP*472*D8*20240301", segs)
        self.assertIn("REF*6R*PCN0001-1", segs)
        body = segs[segs.index("ST*837*0001*005010X222A1") : -2]
        self.assertEqual(segs[-3], f"SE*{len(body)}*0001")
        self.assertEqual(segs[-2:], ["GE*1*2001", "IEA*1*000001001"])

    def test_round_trip_through_pyx12(self):
        """Everything written reads back the same through pyx12's reader."""
        claims = [
            simple_claim(
                f"PCN{index:04d}",
                service_lines=(
                    office_visit("125.50", modifiers=("25", "59", "GT", "95"), pointers=(2, 1)),
                    office_visit("80", code="87880", pointers=(1,)),
                ),
            )
            for index in range(3)
        ]
        segs = read_segments(write(claims), TYPE_837P)
        clms = [seg for seg in segs if seg.id == "CLM"]
        sv1s = [seg for seg in segs if seg.id == "SV1"]
        self.assertEqual([seg[1] for seg in clms], ["PCN0000", "PCN0001", "PCN0002"])
        self.assertEqual({D(seg[2]) for seg in clms}, {D("205.50")})
        self.assertEqual(clms[0].composite(5), ("11", "B", "1"))
        self.assertEqual(sv1s[0].composite(1), ("HC", "99213", "25", "59", "GT", "95"))
        self.assertEqual(D(sv1s[0][2]), D("125.50"))
        self.assertEqual(sv1s[0].composite(7), ("2", "1"))
        self.assertEqual(sv1s[1].composite(1), ("HC", "87880"))
        self.assertEqual(len(sv1s), 6)
        # One billing provider: one 2000A, then a subscriber HL per claim under it.
        hls = [(seg[1], seg[2], seg[3]) for seg in segs if seg.id == "HL"]
        self.assertEqual(
            hls, [("1", "", "20"), ("2", "1", "22"), ("3", "1", "22"), ("4", "1", "22")]
        )

    def test_patient_other_than_subscriber_and_pay_to(self):
        pay_to = Address("PO BOX 55", "SPRINGFIELD", "IL", "62705")
        claim = simple_claim(patient=CHILD, patient_relationship="19", pay_to_address=pay_to)
        text = write([claim])
        self.assertValidX12(text)
        segs = segments(text)
        self.assertIn("HL*2*1*22*1", segs)
        self.assertIn("SBR*P********CI", segs)  # no '18': the subscriber is not the patient
        self.assertIn("HL*3*2*23*0", segs)
        self.assertIn("PAT*19", segs)
        self.assertIn("NM1*QC*1*DOE*EMMA", segs)
        self.assertIn("DMG*D8*20150203*F", segs)
        self.assertNotIn("DMG*D8*19800517*M", segs)
        self.assertIn("NM1*87*2", segs)
        self.assertIn("N3*PO BOX 55", segs)

    def test_pay_to_same_as_billing_address_is_left_out(self):
        segs = segments(write([simple_claim(pay_to_address=BILLING.address)]))
        self.assertNotIn("NM1*87*2", segs)

    def test_replacement_and_void_carry_payer_claim_number(self):
        for frequency in ("7", "8"):
            claim = simple_claim(frequency_code=frequency, payer_claim_control_number="ACME0001")
            text = write([claim])
            self.assertValidX12(text)
            segs = segments(text)
            self.assertIn(f"CLM*PCN0001*150***11:B:{frequency}*Y*A*Y*Y", segs)
            self.assertIn("REF*F8*ACME0001", segs)

    def test_twelve_diagnoses_referring_provider_and_authorization(self):
        codes = tuple(f"M54.{index}" for index in range(10)) + ("R51.9", "Z00.00")
        claim = simple_claim(
            diagnosis_codes=codes,
            referring_provider=REFERRING,
            prior_authorization="AUTH778",
            service_lines=(office_visit(pointers=(12, 11, 2, 1)),),
        )
        text = write([claim])
        self.assertValidX12(text)
        segs = segments(text)
        hi = next(seg for seg in segs if seg.startswith("HI*"))
        self.assertEqual(hi.split("*")[1], "ABK:M540")
        self.assertEqual(hi.split("*")[12], "ABF:Z0000")
        self.assertEqual(len(hi.split("*")), 13)
        self.assertIn("NM1*DN*1*JONES*ROBERT****XX*1003000126", segs)
        self.assertIn("REF*G1*AUTH778", segs)
        self.assertIn("SV1*HC:99213*150*UN*1***12:11:2:1", segs)

    def test_secondary_claim_with_prior_payer_loops(self):
        text = write([secondary_claim()])
        self.assertValidX12(text)
        segs = segments(text)
        self.assertIn("SBR*S*18*******CI", segs)
        self.assertIn("SBR*P*18*******CI", segs)  # the 2320 loop of the primary payer
        self.assertIn("AMT*D*105", segs)
        self.assertIn("AMT*EAF*45", segs)
        self.assertIn("OI***Y*P**Y", segs)
        self.assertIn("DTP*573*D8*20240315", segs)
        self.assertIn("REF*F8*ACME0002", segs)
        self.assertIn("SVD*ACME1*105*HC:99214:25**1", segs)
        self.assertIn("CAS*CO*45*50", segs)
        self.assertIn("CAS*PR*1*20**2*10**3*15", segs)

    def test_tertiary_claim_with_claim_level_adjustments(self):
        primary = PriorPayer(
            PRIMARY,
            SUBSCRIBER,
            D("100"),
            adjustments=(Adjustment("CO", "45", D("30")), Adjustment("PR", "2", D("20"))),
            adjudication_date=datetime.date(2024, 3, 10),
            payer_claim_control_number="ACME9",
        )
        secondary = PriorPayer(
            SECONDARY,
            SUBSCRIBER,
            D("15"),
            responsibility="S",
            adjustments=(
                Adjustment("CO", "45", D("30")),
                Adjustment("OA", "23", D("100")),
                Adjustment("PR", "2", D("5")),
            ),
            adjudication_date=datetime.date(2024, 3, 20),
        )
        claim = simple_claim(
            payer=TERTIARY,
            payer_responsibility="T",
            claim_filing_indicator="MC",
            service_lines=(office_visit("150"),),
            prior_payers=(primary, secondary),
        )
        text = write([claim])
        self.assertValidX12(text)
        segs = segments(text)
        self.assertIn("SBR*T*18*******MC", segs)
        self.assertIn("SBR*S*18*******CI", segs)
        self.assertIn("CAS*OA*23*100", segs)
        self.assertIn("AMT*D*15", segs)
        self.assertIn("NM1*PR*2*SUPPLEMENTAL MUTUAL*****PI*SUPP1", segs)

    def test_date_range_and_line_place_of_service(self):
        line = office_visit(service_date_end=datetime.date(2024, 3, 3), place_of_service="02")
        text = write([simple_claim(service_lines=(line,))])
        self.assertValidX12(text)
        segs = segments(text)
        self.assertIn("DTP*472*RD8*20240301-20240303", segs)
        self.assertIn("SV1*HC:99213*150*UN*1*02**1", segs)

    def test_delimiters_in_names_cannot_break_the_file(self):
        claim = simple_claim(subscriber=Person("O*BRIEN~", "ANN:MARIE^", "M1"))
        text = write([claim])
        self.assertValidX12(text)
        self.assertIn("NM1*IL*1*O BRIEN*ANN MARIE****MI*M1", segments(text))

    def test_large_batches_split_into_transaction_sets(self):
        with patch.object(x837p, "MAX_CLAIMS_PER_SET", 2):
            text = write([simple_claim(f"PCN{index}") for index in range(5)])
        self.assertValidX12(text)
        segs = segments(text)
        self.assertEqual(
            [seg for seg in segs if seg.startswith("ST*")],
            ["ST*837*0001*005010X222A1", "ST*837*0002*005010X222A1", "ST*837*0003*005010X222A1"],
        )
        self.assertEqual(segs[-2], "GE*3*2001")

    def test_output_is_rejected_by_pyx12_when_damaged(self):
        """The validator used on our output does catch a broken claim."""
        text = write([simple_claim()]).replace("CLM*PCN0001*150*", "CLM*PCN0001*1X0*")
        with self.assertRaises(X12ParseError) as caught:
            read_segments(text, TYPE_837P)
        issue = caught.exception.issues[0]
        self.assertEqual((issue.segment_id, issue.element), ("CLM", "CLM02"))


@tagged("post_install", "-at_install")
class TestClaimRules(EdiCase):
    def assertRefused(self, claim, words):
        with self.assertRaises(ClaimDataError) as caught:
            write([claim])
        self.assertIn(words, str(caught.exception))

    def test_replacement_needs_payer_claim_number(self):
        self.assertRefused(simple_claim(frequency_code="7"), "payer's claim control number")

    def test_unknown_frequency_code(self):
        self.assertRefused(simple_claim(frequency_code="5"), "frequency code '5'")

    def test_at_most_twelve_diagnoses(self):
        codes = tuple(f"M54.{index}" for index in range(13))
        self.assertRefused(simple_claim(diagnosis_codes=codes), "1 to 12 diagnosis codes")

    def test_at_most_four_modifiers(self):
        line = office_visit(modifiers=("25", "59", "GT", "95", "XU"))
        self.assertRefused(simple_claim(service_lines=(line,)), "5 modifiers")

    def test_pointer_must_name_a_diagnosis(self):
        line = office_visit(pointers=(3,))
        self.assertRefused(simple_claim(service_lines=(line,)), "points to a diagnosis")

    def test_secondary_needs_a_prior_payer(self):
        self.assertRefused(simple_claim(payer_responsibility="S"), "needs 1 prior payer")

    def test_prior_payer_must_balance(self):
        prior = PriorPayer(
            PRIMARY, SUBSCRIBER, D("90"), adjustments=(Adjustment("CO", "45", D("50")),)
        )
        claim = simple_claim(payer_responsibility="S", prior_payers=(prior,))
        self.assertRefused(claim, "charge 150.00 less adjustments is 100.00, but it paid 90")

    def test_line_adjudication_must_balance_and_name_a_prior_payer(self):
        prior = PriorPayer(PRIMARY, SUBSCRIBER, D("100"))
        stray = LineAdjudication("NOPE", D("100"), DOS)
        line = ServiceLine("99213", D("100"), DOS, prior_adjudications=(stray,))
        claim = simple_claim(payer_responsibility="S", prior_payers=(prior,), service_lines=(line,))
        self.assertRefused(claim, "adjudicated by NOPE, not a prior payer")
        short = LineAdjudication("ACME1", D("90"), DOS)
        line = ServiceLine("99213", D("100"), DOS, prior_adjudications=(short,))
        claim = simple_claim(payer_responsibility="S", prior_payers=(prior,), service_lines=(line,))
        self.assertRefused(claim, "less adjustments is 100, but payer ACME1 paid 90")

    def test_no_claims(self):
        with self.assertRaises(ClaimDataError):
            write([])
