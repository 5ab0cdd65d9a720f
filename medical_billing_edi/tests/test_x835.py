import datetime

from odoo.tests import tagged

from ..edi import ClaimStatus, X12BalanceError, X12ParseError, read_835
from ..edi.codes import UNKNOWN
from .common import D, EdiCase, fixture


@tagged("post_install", "-at_install")
class TestRead835(EdiCase):
    def test_full_and_partial_payment(self):
        (remittance,) = read_835(fixture("835_paid.x12"))
        self.assertEqual(remittance.total_paid, D("255"))
        self.assertEqual(remittance.payment_method, "ACH")
        self.assertEqual(remittance.trace_number, "EFT20240315A")
        self.assertEqual(remittance.payment_date, datetime.date(2024, 3, 15))
        self.assertEqual(remittance.payer.name, "ACME HEALTH PLAN")
        self.assertEqual(remittance.payer.identifier, "ACME1")
        self.assertEqual(remittance.payee.identifier, "1245319599")
        self.assertTrue(remittance.is_balanced)
        full, partial = remittance.claims
        self.assertEqual(full.patient_control_number, "PCN1001")
        self.assertEqual(full.status, ClaimStatus.PRIMARY)
        self.assertEqual(
            (full.charge, full.paid, full.patient_responsibility), (D(150), D(150), D(0))
        )
        self.assertEqual(full.payer_claim_control_number, "ACME0001")
        self.assertEqual(full.rendering_provider.identifier, "1234567893")
        self.assertEqual(full.service_lines[0].line_control_number, "PCN1001-1")
        self.assertEqual(partial.patient.name, "ROE, MARY")
        self.assertEqual(
            (partial.charge, partial.paid, partial.patient_responsibility), (D(200), D(105), D(45))
        )
        (line,) = partial.service_lines
        self.assertEqual((line.procedure_code, line.modifiers), ("99214", ("25",)))
        self.assertEqual(
            (line.charge, line.paid, line.allowed, line.units), (D(200), D(105), D(150), D(1))
        )
        self.assertEqual(line.service_date_from, datetime.date(2024, 3, 2))
        self.assertEqual(
            [(adj.group, adj.reason, adj.amount) for adj in line.adjustments],
            [("CO", "45", D(50)), ("PR", "1", D(20)), ("PR", "2", D(10)), ("PR", "3", D(15))],
        )
        self.assertEqual(line.adjustments[1].reason_description, "Deductible amount")
        self.assertIn("fee schedule", line.adjustments[0].reason_description)
        self.assertIn("Patient responsibility", line.adjustments[3].group_description)
        self.assertEqual(
            [(r.code, r.description[:27]) for r in line.remarks],
            [("N130", "Consult the plan's benefit ")],
        )

    def test_denial(self):
        (remittance,) = read_835(fixture("835_denial.x12"))
        self.assertEqual((remittance.handling_code, remittance.total_paid), ("H", D(0)))
        self.assertEqual(remittance.payment_method, "NON")
        with_line, claim_level = remittance.claims
        self.assertEqual(with_line.status, ClaimStatus.DENIED)
        self.assertEqual(with_line.status_description, "Denied")
        self.assertEqual([r.code for r in with_line.remarks], ["N130"])
        self.assertEqual(
            str(with_line.all_adjustments[0]),
            "CO-50 300: Not covered: the payer does not deem the service medically necessary",
        )
        self.assertEqual(
            [(a.group, a.reason, a.amount) for a in claim_level.adjustments], [("CO", "29", D(120))]
        )
        self.assertEqual(claim_level.service_lines, ())
        self.assertTrue(remittance.is_balanced)

    def test_reversal_and_correction(self):
        (remittance,) = read_835(fixture("835_reversal.x12"))
        reversal, correction = remittance.claims
        self.assertEqual(reversal.status, ClaimStatus.REVERSAL)
        self.assertEqual(
            (reversal.charge, reversal.paid, reversal.patient_responsibility),
            (D(-200), D(-105), D(-45)),
        )
        self.assertEqual(reversal.service_lines[0].units, D(-1))
        self.assertEqual(sum(a.amount for a in reversal.all_adjustments), D(-95))
        self.assertEqual(correction.status, ClaimStatus.PRIMARY)
        self.assertEqual(correction.patient_control_number, reversal.patient_control_number)
        self.assertEqual(correction.payer_claim_control_number, "ACME0002B")
        self.assertEqual(correction.paid, D(125))
        self.assertEqual(remittance.total_paid, D(20))
        self.assertEqual((remittance.payment_method, remittance.trace_number), ("CHK", "CHK000789"))
        self.assertTrue(remittance.is_balanced)

    def test_interest_recoupment_and_forward_balance(self):
        (remittance,) = read_835(fixture("835_provider_adjustments.x12"))
        self.assertEqual(remittance.total_paid, D("55.25"))
        self.assertEqual(
            [
                (p.reason, p.reference, p.amount, p.description)
                for p in remittance.provider_adjustments
            ],
            [
                ("L6", "PCN3001", D("-5.25"), "Interest owed"),
                ("WO", "ACME0002", D(40), "Overpayment recovery"),
                ("FB", "BAL2024Q1", D(10), "Forwarding balance"),
            ],
        )
        self.assertEqual(
            remittance.provider_adjustments[0].fiscal_period_end, datetime.date(2024, 12, 31)
        )
        self.assertEqual(remittance.provider_adjustments[0].provider_id, "1245319599")
        self.assertTrue(remittance.is_balanced)

    def test_crossover(self):
        (remittance,) = read_835(fixture("835_crossover.x12"))
        (claim,) = remittance.claims
        self.assertEqual(claim.status, ClaimStatus.PRIMARY_FORWARDED)
        self.assertEqual(claim.filing_indicator, "MB")
        self.assertEqual(claim.crossover_payer.name, "SUPPLEMENTAL MUTUAL")
        self.assertEqual(claim.crossover_payer.identifier, "SUPP1")
        self.assertEqual([r.code for r in claim.remarks], ["MA18"])
        self.assertIn("supplemental insurer", claim.remarks[0].description)
        self.assertEqual(claim.patient.identifier, "1EG4TE5MK73")
        self.assertEqual(claim.patient_responsibility, D(40))
        self.assertTrue(remittance.is_balanced)

    def test_unbalanced_file_is_reported_not_guessed(self):
        text = (
            fixture("835_paid.x12")
            .replace("BPR*I*255*", "BPR*I*250*")
            .replace("SVC*HC:99214:25*200*105**1", "SVC*HC:99214:25*200*115**1")
        )
        (remittance,) = read_835(text)
        self.assertFalse(remittance.is_balanced)
        rules = {v.rule: v for v in remittance.violations}
        self.assertEqual(set(rules), {"service_line_balance", "payment_balance"})
        line = rules["service_line_balance"]
        self.assertEqual(
            (line.segment_id, line.position, line.expected, line.actual),
            ("SVC", 27, D(105), D(115)),
        )
        payment = rules["payment_balance"]
        self.assertEqual(
            (payment.segment_id, payment.position, payment.expected, payment.actual),
            ("BPR", 4, D(255), D(250)),
        )
        # Amounts are kept as sent: the claim still says it paid 105.
        self.assertEqual(remittance.claims[1].paid, D(105))
        with self.assertRaises(X12BalanceError) as caught:
            read_835(text, strict=True)
        self.assertEqual(len(caught.exception.issues), 2)

    def test_claim_balance_violation(self):
        text = fixture("835_denial.x12").replace("CAS*CO*29*120", "CAS*CO*29*100")
        (remittance,) = read_835(text)
        (violation,) = remittance.violations
        self.assertEqual((violation.rule, violation.segment_id), ("claim_balance", "CLP"))
        self.assertEqual((violation.expected, violation.actual), (D(20), D(0)))

    def test_unknown_codes_still_parse(self):
        text = fixture("835_paid.x12").replace("CAS*CO*45*50", "CAS*CO*Z99*50")
        (remittance,) = read_835(text)
        adjustment = remittance.claims[1].service_lines[0].adjustments[0]
        self.assertEqual((adjustment.reason, adjustment.reason_description), ("Z99", UNKNOWN))
        self.assertTrue(remittance.is_balanced)

    def test_codes_newer_than_pyx12s_lists(self):
        """N830 (No Surprises Act) and a payee in Newfoundland (NL): pyx12's copies of
        the remark code and state lists stop earlier; such codes are read as sent."""
        text = fixture("835_current_codes.x12")
        for validate in (True, False):
            (remittance,) = read_835(text, validate=validate)
            (claim,) = remittance.claims
            self.assertEqual([r.code for r in claim.remarks], ["N830"])
            self.assertEqual([r.code for r in claim.service_lines[0].remarks], ["N830"])
            self.assertTrue(remittance.is_balanced)
        self.assertEqual(claim.remarks[0].description, UNKNOWN)  # not in data/codes.csv
        self.assertValidX12(text)
        # The guide's own code lists are still checked: 99 is no claim status (CLP02).
        with self.assertRaises(X12ParseError) as caught:
            read_835(text.replace("CLP*PCN5001*1*", "CLP*PCN5001*99*"))
        (issue,) = caught.exception.issues
        self.assertEqual((issue.segment_id, issue.position, issue.element), ("CLP", 16, "CLP02"))

    def test_without_validation_reads_the_same(self):
        for name in ("835_paid.x12", "835_reversal.x12", "835_provider_adjustments.x12"):
            self.assertEqual(read_835(fixture(name), validate=False), read_835(fixture(name)))

    def test_bytes_input(self):
        (remittance,) = read_835(fixture("835_paid.x12").encode("ascii"))
        self.assertEqual(len(remittance.claims), 2)
