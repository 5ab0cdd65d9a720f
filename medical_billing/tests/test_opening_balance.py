import base64

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MedicalBillingCommon

OPENING_FILE = """patient,date_of_birth,date_of_service,payer_id,amount
Maria Alvarez,1982-04-17,2026-02-10,,40.00
Maria Alvarez,1982-04-17,2026-02-10,BHH01,120.00
Maria Alvarez,1982-04-17,2026-03-05,EVM01,35.50
John Park,1975-11-02,,,60.00
"""


@tagged("post_install", "-at_install")
class TestOpeningBalance(MedicalBillingCommon):
    """Opening balances from the former system: a dry run with totals per party, one
    balanced entry, the ledger and tie-out right after, and a file posted only once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.john = cls.env["res.partner"].create({
            "name": "John Park", "is_patient": True, "birthdate": "1975-11-02"})

    def _batch(self, content=OPENING_FILE, user=None):
        env = self.env(user=user or self.billing_manager)
        with Form(env["medical.opening.balance"]) as form:
            form.name = "From PracticeOld"
            form.date = "2026-04-01"
            form.file = base64.b64encode(content.encode())
        return form.record

    def test_dry_run_then_one_balanced_entry(self):
        batch = self._batch()
        batch.action_check()
        self.assertEqual(batch.state, "checked")
        self.assertEqual(len(batch.line_ids), 4)
        self.assertAlmostEqual(batch.amount_patient, 100.0)
        self.assertAlmostEqual(batch.amount_payer, 155.5)
        self.assertIn("Blue Harbor Health: $\xa0120.00", batch.summary)
        self.assertFalse(batch.line_ids.charge_id, "A dry run posts nothing.")

        batch.action_post()
        move = batch.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.date, fields.Date.to_date("2026-04-01"))
        self.assertEqual(move.journal_id, self.company.medical_charge_journal_id)
        opening = move.line_ids.filtered(
            lambda line: line.account_id == self.company.get_unaffected_earnings_account())
        self.assertAlmostEqual(sum(opening.mapped("balance")), -255.5)
        receivables = {
            (line.partner_id, line.medical_party_role): line.balance
            for line in move.line_ids.filtered("medical_party_role")}
        self.assertEqual(receivables, {
            (self.patient, "patient"): 40.0,
            (self.john, "patient"): 60.0,
            (self.payer_primary, "primary"): 120.0,
            (self.payer_secondary, "secondary"): 35.5,
        })
        charges = batch.line_ids.charge_id
        self.assertEqual(len(charges), 3, "One charge per patient and date of service.")
        self.assertTrue(all(charges.mapped("hold_claim")))
        self.assertEqual(set(charges.mapped("state")), {"posted"})
        self.assertAlmostEqual(self.patient.medical_balance, 40.0)
        ledger = self.env["medical.ledger.report"].search([("patient_id", "=", self.john.id)])
        self.assertEqual(ledger.mapped("entry_type"), ["charge"])
        self.assertAlmostEqual(ledger.balance, 60.0)
        self.assertTieOut()

        # The patient's next payment goes to the opening balance, oldest first.
        self._post_payment_dialog(patient=self.john, amount=60.0, method="cash")
        self.assertAlmostEqual(self.john.medical_balance, 0.0)
        self.assertTieOut()

    def test_the_same_file_posts_once(self):
        self._batch().action_post()
        charges = self.env["medical.charge"].search_count([])
        second = self._batch()
        with self.assertRaisesRegex(UserError, "already posted"):
            second.action_check()
        with self.assertRaisesRegex(UserError, "already posted"):
            second.action_post()
        self.assertEqual(self.env["medical.charge"].search_count([]), charges)
        self.assertTieOut()

    def test_bad_rows_are_named_and_nothing_changes(self):
        content = OPENING_FILE + (
            "Nobody Known,1990-01-01,2026-02-01,,10.00\n"
            "John Park,1975-11-02,2026-02-01,ZZZ99,10.00\n"
            "Maria Alvarez,1982-04-17,2025-06-01,BHH01,10.00\n"
            "John Park,1975-11-02,2026-02-01,,-5.00\n"
        )
        batch = self._batch(content)
        with self.assertRaises(UserError) as refused:
            batch.action_check()
        message = str(refused.exception)
        for row, words in [
            (6, "no single patient Nobody Known"),
            (7, "no payer has the payer id ZZZ99"),
            (8, "Maria Alvarez has no policy with Blue Harbor Health"),
            (9, "the amount must be above zero"),
        ]:
            self.assertIn(f"Row {row}: {words}", message)
        self.assertFalse(batch.line_ids)
        self.assertEqual(batch.state, "draft")
        self.assertFalse(self.env["medical.charge"].search([("case_id.is_opening_balance",
                                                             "=", True)]))

    def test_a_file_without_its_columns_is_refused(self):
        batch = self._batch("name,amount\nJohn Park,10\n")
        with self.assertRaisesRegex(UserError, "missing: date_of_birth"):
            batch.action_check()

    def test_only_a_billing_manager_posts(self):
        batch = self._batch()
        batch.action_check()
        with self.assertRaises(UserError):
            batch.with_user(self.biller).action_post()
        self.assertFalse(batch.move_id)
