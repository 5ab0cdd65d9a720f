from odoo.tests import tagged

from ..edi import AckStatus, X12BalanceError, X12ParseError, read_999
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

    def test_segment_and_business_unit_contexts(self):
        """The guide's IK3 may carry a segment context and the claim's CLM01 (two CTX)."""
        text = fixture("999_contexts.x12")
        self.assertValidX12(text)
        self.assertEqual(read_999(text, validate=False), read_999(text))
        (ack,) = read_999(text)
        (tset,) = ack.transaction_sets
        missing_ref, bad_line = tset.segment_errors
        trigger, claim = missing_ref.contexts
        self.assertEqual(
            (
                trigger.name,
                trigger.segment_id,
                trigger.position,
                trigger.loop_id,
                trigger.element_position,
                trigger.component,
                trigger.reference_number,
            ),
            ("SITUATIONAL TRIGGER", "CLM", 24, "2300", 5, 3, "1325"),
        )
        self.assertEqual((claim.name, claim.reference), ("CLM01", "PCN0007"))
        self.assertEqual(missing_ref.business_unit, claim)
        self.assertEqual(missing_ref.elements, ())
        # The CTX after an IK4 is that element's context, not the segment's.
        self.assertEqual([(c.name, c.reference) for c in bad_line.contexts], [("CLM01", "PCN0008")])
        (element,) = bad_line.elements
        (element_trigger,) = element.contexts
        self.assertEqual(
            (element_trigger.segment_id, element_trigger.element_position), ("CLM", 11)
        )
        self.assertEqual(
            tset.explanations[1],
            "Segment REF at position 31 in loop 2300 (CLM01 PCN0007): "
            "Implementation-dependent segment missing",
        )

    def test_business_unit_context_once_per_segment_error(self):
        """Two business-unit CTX in one IK3 loop are still refused (the guide allows one)."""
        text = (
            fixture("999_contexts.x12")
            .replace("CTX*CLM01:PCN0007~\n", "CTX*CLM01:PCN0007~\nCTX*CLM01:PCN0009~\n")
            .replace("SE*13*0001", "SE*14*0001")
        )
        with self.assertRaises(X12ParseError) as caught:
            read_999(text)
        (issue,) = caught.exception.issues
        self.assertEqual((issue.segment_id, issue.position), ("CTX", 9))
        self.assertIn("2 times", issue.message)
