import re

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .claim_common import MedicalEdiClaimCommon


@freeze_time("2026-03-12")
@tagged("post_install", "-at_install")
class TestAnswerImport(MedicalEdiClaimCommon):
    """999 and 277CA files read into the claims' history and state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.neck_case = cls.case.copy({"name": "Neck pain", "diagnosis_ids": [
            Command.create({"diagnosis_code_id": cls.diagnoses[0].id})]})

    def _sent(self):
        """Two claims (two cases of the patient) sent in one batch."""
        with freeze_time("2026-03-10"):
            claims, batch = self._send(
                self._billable_charge(), self._billable_charge(case=self.neck_case))
        return claims.sorted("id"), batch

    def _answers(self, claims, kind):
        return claims.event_ids.filtered(lambda event: event.kind == kind)

    def test_999_accepted_puts_the_claims_at_the_clearinghouse(self):
        claims, batch = self._sent()

        wizard = self._import(self._999(batch), names=["ack.999"])

        self.assertRecordValues(claims, [{"state": "clearinghouse"}] * 2)
        events = self._answers(claims, "ack_999")
        answer = wizard.answer_ids
        self.assertRecordValues(events, [{
            "level": "clearinghouse", "accepted": True, "claim_state": "clearinghouse",
            "status_code": "A", "batch_id": batch.id, "attachment_id": answer.attachment_id.id,
            "user_id": self.biller.id,
        }] * 2)
        self.assertIn(f"The clearinghouse accepted the file that carried the claim (999 ack.999, "
                      f"batch {batch.name}, transaction set 0001).", events[0].message)
        # The file is kept, once, with the batch it answered.
        self.assertRecordValues(answer, [{
            "name": "ack.999", "kind": "999", "company_id": self.company.id,
            "batch_ids": batch.ids, "event_count": 2, "note": False,
        }])
        self.assertEqual(answer.attachment_id.raw.decode(), self._999(batch))
        self.assertEqual(batch.answer_ids, answer)
        self.assertEqual(wizard.line_ids.mapped("result"), ["recorded", "recorded"])
        self.assertEqual(wizard.line_ids.claim_id, claims)
        self.assertFalse(wizard.attachment_ids)

    def test_999_rejected_rejects_the_claims_with_the_errors_in_words(self):
        claims, batch = self._sent()

        self._import(self._999(batch, {"0001": [
            ("CLM", 22, "2300", "8", "2*782*6*1X0", claims[1]),
            ("DTP", 27, "2400", "3", "", None),
        ]}))

        self.assertRecordValues(claims, [{"state": "rejected"}] * 2)
        events = self._answers(claims, "ack_999")
        self.assertRecordValues(events, [{
            "level": "clearinghouse", "accepted": False, "claim_state": "rejected",
            "status_code": "R",
        }] * 2)
        first, second = (events.filtered(lambda event, claim=claim: event.claim_id == claim)
                         for claim in claims)
        for event in (first, second):
            self.assertIn("The clearinghouse rejected the file that carried the claim",
                          event.message)
            self.assertIn(f"Segment CLM at position 22 in loop 2300 (CLM01 {claims[1].name}): ",
                          event.message)
            self.assertIn("element 02 (data element 782): ", event.message)
            self.assertIn("Segment DTP at position 27 in loop 2400: ", event.message)
            self.assertIn("Correct the data and resubmit the claim.", event.message)
        self.assertNotIn("Errors in this claim", first.message)
        self.assertIn("Errors in this claim: Segment CLM at position 22", second.message)
        self.assertEqual(claims[0].status_message, first.message)

    def test_277ca_of_the_clearinghouse_forwards_or_rejects_each_claim(self):
        claims, batch = self._sent()
        self._import(self._999(batch))

        wizard = self._import(self._277ca({
            claims[0]: (True, "", ""),
            claims[1]: (False, "", "Rendering provider NPI is not valid"),
        }), names=["status.277"])

        self.assertRecordValues(claims, [{"state": "forwarded"}, {"state": "rejected"}])
        events = self._answers(claims, "ack_277ca").sorted("claim_id")
        self.assertRecordValues(events, [
            {"claim_id": claims[0].id, "level": "clearinghouse", "accepted": True,
             "claim_state": "forwarded", "status_category": "A1", "status_code": "19",
             "batch_id": batch.id, "payer_claim_number": False},
            {"claim_id": claims[1].id, "level": "clearinghouse", "accepted": False,
             "claim_state": "rejected", "status_category": "A7", "status_code": "562",
             "batch_id": batch.id, "payer_claim_number": False},
        ])
        self.assertTrue(events[0].message.startswith(
            "The clearinghouse accepted the claim and sent it on to the payer. A1 "))
        self.assertTrue(events[1].message.startswith("The clearinghouse rejected the claim. A7 "))
        self.assertIn('"Rendering provider NPI is not valid"', events[1].message)
        self.assertIn("(277CA status.277) Correct the claim and resubmit it.", events[1].message)
        self.assertEqual(wizard.line_ids.mapped("result"), ["recorded", "recorded"])
        # Each claim's history: sent, received, then forwarded or rejected.
        self.assertEqual(claims[0].event_ids.sorted("id").mapped("kind"),
                         ["created", "submitted", "ack_999", "ack_277ca"])

    def test_277ca_of_the_payer_accepts_with_its_claim_number_or_rejects(self):
        claims, batch = self._sent()
        self._import(self._999(batch), self._277ca(dict.fromkeys(claims, (True, "", ""))))

        self._import(self._277ca({
            claims[0]: (True, "BHH0000123", ""),
            claims[1]: (False, "", "Subscriber not found"),
        }, payer=self.payer_primary))

        self.assertRecordValues(claims, [
            {"state": "accepted", "payer_claim_number": "BHH0000123", "has_payer_message": True},
            {"state": "rejected", "payer_claim_number": False, "has_payer_message": True},
        ])
        events = self._answers(claims, "ack_277ca").filtered(lambda e: e.level == "payer")
        self.assertRecordValues(events.sorted("claim_id"), [
            {"accepted": True, "claim_state": "accepted", "status_category": "A2",
             "status_code": "20", "payer_claim_number": "BHH0000123"},
            {"accepted": False, "claim_state": "rejected", "status_category": "A3",
             "status_code": "21", "payer_claim_number": False},
        ])
        self.assertIn("The payer accepted the claim.", claims[0].status_message)
        self.assertIn("Payer claim number BHH0000123.", claims[0].status_message)
        self.assertIn("The payer rejected the claim.", claims[1].status_message)

    def test_the_same_file_twice_adds_nothing(self):
        claims, batch = self._sent()
        ack = self._999(batch)
        self._import(ack)
        events = claims.event_ids

        again = self._import(ack.replace("\n", "\r\n"))  # downloaded again, Windows endings

        self.assertEqual(claims.event_ids, events)
        self.assertEqual(again.line_ids.mapped("result"), ["duplicate", "duplicate"])
        self.assertIn("Already imported on Mar 12, 2026", again.line_ids[0].message)
        self.assertEqual(again.answer_ids, self.env["medical.claim.answer"].search([]))
        self.assertEqual(len(again.answer_ids), 1)
        self.assertRecordValues(claims, [{"state": "clearinghouse"}] * 2)

    def test_what_matches_nothing_is_listed_and_kept(self):
        claims, batch = self._sent()
        status = self._277ca(dict.fromkeys(claims, (True, "", ""))).replace(
            f"TRN*2*{claims[1].name}~", "TRN*2*CLM9999999~")
        unknown_batch = self._999(batch).replace(
            f"AK1*HC*{batch.group_control_number}*", "AK1*HC*777777*")

        wizard = self._import(status, unknown_batch, names=["status.277", "other.999"])

        self.assertRecordValues(claims, [{"state": "forwarded"}, {"state": "submitted"}])
        unmatched = wizard.line_ids.filtered(lambda line: line.result == "unmatched")
        self.assertRecordValues(unmatched, [
            {"file_name": "other.999", "what": "Group 777777", "message":
             "No electronic batch of your companies was sent with group control number 777777."},
            {"file_name": "status.277", "what": "Claim CLM9999999 (ALVAREZ, MARIA)",
             "message": "No claim of your companies has this number."},
        ])
        self.assertEqual(wizard.unmatched_count, 2)
        # Both files are kept, with what they said that matched nothing.
        answers = wizard.answer_ids.sorted("name")
        self.assertRecordValues(answers, [
            {"name": "other.999", "batch_ids": [], "note": "Group 777777: No electronic batch "
             "of your companies was sent with group control number 777777."},
            {"name": "status.277", "batch_ids": batch.ids, "note": "Claim CLM9999999 (ALVAREZ, "
             "MARIA): No claim of your companies has this number."},
        ])
        self.assertTrue(all(answer.attachment_id.raw for answer in answers))

    def test_a_malformed_file_changes_nothing(self):
        claims, batch = self._sent()
        broken = re.sub(r"SE\*\d+\*", "SE*99*", self._277ca(dict.fromkeys(claims, (True, "", ""))))

        with self.assertRefused(
                r"broken.277 cannot be read, so nothing was imported:\n- segment SE at "
                r"position \d+"):
            self._import(self._999(batch), broken, names=["ack.999", "broken.277"])
        self.assertRecordValues(claims, [{"state": "submitted"}] * 2)
        self.assertFalse(self._answers(claims, "ack_999"))
        self.assertFalse(self.env["medical.claim.answer"].search([]))
        with self.assertRefused("is an X12 837 file, not a 999 or a 277CA"):
            self._import(self._document(batch))
        with self.assertRefused("cannot be read, so nothing was imported"):
            self._import("Dear biller, your claims arrived.")

    def test_answers_in_any_order_never_move_a_claim_back(self):
        claims, batch = self._sent()
        # The 277CA and the 999 of the same day, in one import: the 999 is read first.
        self._import(self._277ca(dict.fromkeys(claims, (True, "", ""))), self._999(batch))
        self.assertRecordValues(claims, [{"state": "forwarded"}] * 2)
        # A 999 that comes after the 277CA is history only.
        late = self._import(self._999(batch, control=901))
        self.assertRecordValues(claims, [{"state": "forwarded"}] * 2)
        self.assertEqual(len(self._answers(claims, "ack_999")), 4)
        self.assertIn("(History only: the claim is sent to payer already.)",
                      late.line_ids[0].message)

    def test_another_company_answers_none_of_this_company_claims(self):
        claims, __ = self._sent()
        company_b = self.setup_other_company(name="Uptown Clinic")["company"]
        company_b.write({"medical_edi_submitter_id": "SUB02"})
        biller_b = self._other_company_user(company_b)
        status = self._277ca(dict.fromkeys(claims, (True, "", "")))

        wizard_b = self._import(status, user=biller_b)

        self.assertRecordValues(claims, [{"state": "submitted"}] * 2)
        self.assertEqual(wizard_b.line_ids.mapped("result"), ["unmatched", "unmatched"])
        self.assertRecordValues(wizard_b.answer_ids.sudo(), [{"company_id": company_b.id}])
        # The same file, imported in the claims' company, answers them.
        self._import(status)
        self.assertRecordValues(claims, [{"state": "forwarded"}] * 2)
        self.assertEqual(len(self.env["medical.claim.answer"].sudo().search(
            [("company_id", "in", (self.company | company_b).ids)])), 2)
        with self.assertRaises(AccessError):
            self.env["medical.claim.answer"].with_user(biller_b).browse(
                self._answers(claims, "ack_277ca").attachment_id.res_id).read(["name"])

    def test_front_desk_cannot_import_answers(self):
        __, batch = self._sent()
        with self.assertRaises(AccessError):
            self._import(self._999(batch), user=self.front_desk)
        # The accountant and the front desk read the answer files (their claims' history).
        self._import(self._999(batch))
        answers = self.env["medical.claim.answer"].search([("company_id", "=", self.company.id)])
        for user in (self.front_desk, self.accountant):
            self.assertEqual(answers.with_user(user).read(["name"])[0]["name"], "answer_1.x12")
