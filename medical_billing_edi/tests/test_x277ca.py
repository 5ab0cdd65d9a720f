import datetime

from odoo.tests import tagged

from ..edi import read_277ca
from ..edi.codes import UNKNOWN
from .common import D, EdiCase, fixture


@tagged("post_install", "-at_install")
class TestRead277CA(EdiCase):
    def test_accepted_by_payer(self):
        (report,) = read_277ca(fixture("277ca_payer_accepted.x12"))
        self.assertEqual(report.level, "payer")
        self.assertEqual(report.source.name, "ACME HEALTH PLAN")
        self.assertEqual(report.receipt_date, datetime.date(2024, 3, 5))
        self.assertEqual(report.process_date, datetime.date(2024, 3, 6))
        (claim,) = report.claims
        self.assertTrue(claim.accepted)
        self.assertEqual(claim.level, "payer")
        self.assertEqual((claim.category, claim.status_code), ("A2", "20"))
        self.assertEqual(
            claim.statuses[0].category_description,
            "Acknowledgement/acceptance into the adjudication system",
        )
        self.assertEqual(claim.statuses[0].description, "Accepted for processing")
        self.assertEqual(claim.statuses[0].entity_description, "Payer")
        self.assertEqual(claim.payer_claim_number, "ACME0001")
        self.assertEqual(claim.total_charge, D(150))
        self.assertEqual(claim.patient.name, "DOE, JOHN")
        self.assertEqual(claim.billing_provider.identifier, "1245319599")
        self.assertEqual(claim.service_date_from, datetime.date(2024, 3, 1))
        self.assertTrue(report.is_balanced)

    def test_rejected_at_clearinghouse(self):
        (report,) = read_277ca(fixture("277ca_clearinghouse_rejected.x12"))
        self.assertEqual(report.level, "clearinghouse")
        self.assertEqual(report.source.identifier, "CH12345")
        accepted, rejected = report.claims
        self.assertTrue(accepted.accepted)
        self.assertEqual((accepted.category, accepted.status_code), ("A1", "19"))
        self.assertEqual(accepted.clearinghouse_trace_number, "CH0001")
        self.assertEqual(accepted.payer_claim_number, "")
        self.assertFalse(rejected.accepted)
        self.assertEqual(rejected.patient_control_number, "PCN0002")
        self.assertEqual(rejected.level, "clearinghouse")
        status = rejected.statuses[0]
        self.assertEqual(
            (status.category, status.code, status.entity, status.action_code),
            ("A7", "562", "82", "U"),
        )
        self.assertIn("rejected for invalid information", status.category_description)
        self.assertIn("National Provider Identifier", status.description)
        self.assertEqual(status.entity_description, "Rendering provider")
        self.assertEqual(rejected.message, "Rendering provider NPI is not valid")
        self.assertEqual(
            (rejected.service_date_from, rejected.service_date_to),
            (datetime.date(2024, 3, 1), datetime.date(2024, 3, 2)),
        )
        self.assertTrue(report.is_balanced)

    def test_control_totals_must_match_claims(self):
        text = fixture("277ca_clearinghouse_rejected.x12").replace("QTY*QC*1", "QTY*QC*2")
        text = text.replace("AMT*YY*200~\nHL*3", "AMT*YY*250~\nHL*3")
        (report,) = read_277ca(text)
        found = {(v.rule, v.segment_id, v.expected, v.actual) for v in report.violations}
        self.assertEqual(
            found, {("qc_total", "QTY", D(1), D(2)), ("yy_total", "AMT", D(200), D(250))}
        )

    def test_status_code_newer_than_pyx12s_list(self):
        """pyx12's copy of the claim status codes stops at 771: a newer one is kept."""
        text = fixture("277ca_clearinghouse_rejected.x12").replace("STC*A7:562:82", "STC*A7:799:82")
        self.assertValidX12(text)
        (report,) = read_277ca(text)
        status = report.claims[1].statuses[0]
        self.assertEqual((status.category, status.code, status.entity), ("A7", "799", "82"))
        self.assertEqual(status.description, UNKNOWN)
        self.assertFalse(report.claims[1].accepted)
        self.assertTrue(report.is_balanced)
