from odoo.tests import tagged

from ..edi import AckStatus, X12BalanceError, read_999
from .common import EdiCase, fixture


@tagged("post_install", "-at_install")
class TestRead999(EdiCase):
    def test_accepted(self):
        (ack,) = read_999(fixture("999_accepted.x12"))
        self.assertEqual(ack.status, AckStatus.ACCEPTED)
        self.assertEqual(
            (ack.functional_id, ack.group_control_number, ack.version), ("HC", "1", "005010X222A1")
        )
        self.assertEqual((ack.sets_included, ack.sets_received, ack.sets_accepted), (1, 1, 1))
        (tset,) = ack.transaction_sets
        self.assertTrue(tset.accepted)
        self.assertEqual((tset.set_id, tset.control_number), ("837", "0001"))
        self.assertEqual(tset.explanations, ())
        self.assertTrue(ack.is_balanced)

    def test_rejected_with_errors_explained(self):
        (ack,) = read_999(fixture("999_rejected.x12"))
        self.assertEqual(ack.status, AckStatus.REJECTED)
        self.assertEqual(ack.sets_accepted, 0)
        (tset,) = ack.transaction_sets
        self.assertFalse(tset.accepted)
        self.assertEqual(tset.error_codes, ("5",))
        clm, dtp = tset.segment_errors
        self.assertEqual(dtp.segment_id, "DTP")
        self.assertEqual(
            (clm.segment_id, clm.position, clm.loop_id, clm.code), ("CLM", 22, "2300", "8")
        )
        (element,) = clm.elements
        self.assertEqual(
            (element.position, element.reference_number, element.code, element.bad_value),
            (2, "782", "6", "1X0"),
        )
        self.assertEqual(
            tset.explanations,
            (
                "One or more segments in error",
                "Segment CLM at position 22 in loop 2300: Segment has data element errors; "
                "element 02 (data element 782): Invalid character in data element, value '1X0'",
                "Segment DTP at position 27 in loop 2400: Required segment missing",
            ),
        )
        self.assertTrue(ack.is_balanced)

    def test_partially_accepted(self):
        (ack,) = read_999(fixture("999_partial.x12"))
        self.assertEqual(ack.status, AckStatus.PARTIALLY_ACCEPTED)
        first, second = ack.transaction_sets
        self.assertEqual((first.control_number, first.accepted), ("0001", True))
        self.assertEqual((second.control_number, second.accepted), ("0002", False))
        (element,) = second.segment_errors[0].elements
        self.assertEqual((element.position, element.component), (1, 2))
        self.assertIn(
            "element 01 component 2 (data element 234): Invalid code value, value '9921X'",
            second.explanations[1],
        )
        self.assertTrue(ack.is_balanced)

    def test_inconsistent_counts_are_reported(self):
        text = fixture("999_partial.x12").replace("AK9*P*2*2*1", "AK9*A*2*2*2")
        (ack,) = read_999(text)
        self.assertEqual({v.rule for v in ack.violations}, {"accepted_count"})
        text = fixture("999_rejected.x12").replace("AK9*R*1*1*0", "AK9*P*1*1*0")
        (ack,) = read_999(text)
        (violation,) = ack.violations
        self.assertEqual((violation.rule, violation.segment_id), ("group_status", "AK9"))
        with self.assertRaises(X12BalanceError):
            read_999(text, strict=True)
