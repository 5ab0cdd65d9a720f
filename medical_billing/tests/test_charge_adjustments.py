from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestChargeAdjustments(MedicalBillingCommon):

    def setUp(self):
        super().setUp()
        # The article's example: a 79.00 charge, patient 30.00 (copay), primary 49.00.
        self.charge = self._post_charge()

    def _open_wizard(self, model, user=None, **values):
        Wizard = self.env[model].with_context(
            active_model="medical.charge", active_ids=self.charge.ids,
        )
        if user:
            Wizard = Wizard.with_user(user)
        return Wizard.create(values)

    def test_article_example_moves_copay_to_primary(self):
        self.assertRecordValues(self.charge, [
            {"patient_responsibility": 30.0, "primary_responsibility": 49.0, "balance": 79.0},
        ])
        wizard = self._open_wizard("medical.charge.responsibility", user=self.biller)
        self.assertRecordValues(wizard, [
            {"patient_amount": 30.0, "primary_amount": 49.0, "amount_difference": 0.0},
        ])
        wizard.write({"patient_amount": 0.0, "primary_amount": 79.0})
        wizard.action_apply()

        self.assertRecordValues(self.charge, [
            {"patient_responsibility": 0.0, "patient_due": 0.0,
             "primary_responsibility": 79.0, "primary_due": 79.0, "balance": 79.0},
        ])
        reclass = self.charge.ledger_line_ids.filtered(
            lambda line: line.medical_entry_kind == "responsibility"
        ).sorted("id")
        self.assertEqual(reclass.move_id.journal_id, self.company.medical_adjustment_journal_id)
        self.assertEqual(reclass.move_id.state, "posted")
        self.assertRecordValues(reclass, [
            {"account_id": self.accounts["patient"].id, "partner_id": self.patient.id,
             "balance": -30.0, "medical_party_role": "patient", "reconciled": True},
            {"account_id": self.accounts["payer"].id, "partner_id": self.payer_primary.id,
             "balance": 30.0, "medical_party_role": "primary", "reconciled": False},
        ])
        # The patient's share of the charge entry is settled by the reclassification.
        self.assertRecordValues(self._receivable_lines(self.charge, "patient"), [
            {"balance": 30.0, "amount_residual": 0.0, "reconciled": True},
            {"balance": -30.0, "amount_residual": 0.0, "reconciled": True},
        ])
        self.assertTieOut()

    def test_split_that_does_not_add_up_changes_nothing(self):
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "add up to .*89.00 but the charge total is .*79.00"):
            self.charge._change_responsibility({"patient": 10.0, "primary": 79.0})
        with self.assertRaisesRegex(UserError, "add up"):
            self.charge._change_responsibility({"patient": 0.0, "primary": 49.0})
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertRecordValues(self.charge, [
            {"patient_responsibility": 30.0, "primary_responsibility": 49.0},
        ])

    def test_move_to_secondary_and_refusals(self):
        self.charge._change_responsibility({"patient": 30.0, "primary": 19.0, "secondary": 30.0})
        self.assertRecordValues(self.charge, [
            {"primary_due": 19.0, "secondary_due": 30.0, "secondary_responsibility": 30.0},
        ])
        self.assertRecordValues(self._receivable_lines(self.charge, "secondary"), [
            {"partner_id": self.payer_secondary.id, "account_id": self.accounts["payer"].id,
             "balance": 30.0},
        ])
        with self.assertRaisesRegex(UserError, "no tertiary policy"):
            self.charge._change_responsibility({"patient": 29.0, "primary": 19.0,
                                                "secondary": 30.0, "tertiary": 1.0})
        with self.assertRaisesRegex(UserError, "negative"):
            self.charge._change_responsibility({"patient": 50.0, "primary": -1.0,
                                                "secondary": 30.0})
        with self.assertRaisesRegex(UserError, "already the charge's shares"):
            self.charge._change_responsibility({"patient": 30.0, "primary": 19.0,
                                                "secondary": 30.0})
        self.assertTieOut()

    def test_write_off_posts_and_reconciles(self):
        wizard = self._open_wizard(
            "medical.charge.write.off", user=self.biller, party="primary", amount=19.0,
            reason_id=self.reason_contractual.id,
        )
        self.assertEqual(wizard.amount_due, 49.0)
        wizard.action_write_off()

        lines = self.charge.ledger_line_ids.filtered(
            lambda line: line.medical_entry_kind == "write_off"
        ).sorted("id")
        self.assertRecordValues(lines, [
            {"account_id": self.accounts["write_off"].id, "balance": 19.0,
             "partner_id": self.payer_primary.id, "medical_party_role": False,
             "medical_write_off_reason_id": self.reason_contractual.id},
            {"account_id": self.accounts["payer"].id, "balance": -19.0,
             "partner_id": self.payer_primary.id, "medical_party_role": "primary",
             "medical_write_off_reason_id": self.reason_contractual.id},
        ])
        self.assertRecordValues(self.charge, [
            {"primary_responsibility": 49.0, "primary_write_off": 19.0, "primary_due": 30.0,
             "total_write_off": 19.0, "balance": 60.0, "has_details": True},
        ])
        self.assertTrue(lines[1].reconciled)
        # Only what is still owed can be moved away from the primary.
        with self.assertRaisesRegex(UserError, "at most that"):
            self.charge._change_responsibility({"patient": 79.0, "primary": 0.0})
        self.assertTieOut()

    def test_adjustment_in_locked_period_is_refused(self):
        self.company.fiscalyear_lock_date = "2026-03-05"
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "locked period"):
            self.charge.with_context(medical_date="2026-03-04")._write_off(
                "patient", 5.0, self.reason_contractual,
            )
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.charge.patient_due, 30.0)

    def test_write_off_refuses_more_than_due(self):
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "cannot exceed"):
            self.charge._write_off("patient", 30.01, self.reason_contractual)
        with self.assertRaisesRegex(UserError, "above zero"):
            self.charge._write_off("patient", 0.0, self.reason_contractual)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def test_front_desk_cannot_write_off(self):
        with self.assertRaises(AccessError):
            self._open_wizard(
                "medical.charge.write.off", user=self.front_desk, party="patient", amount=5.0,
                reason_id=self.reason_contractual.id,
            )

    def test_reversal_mirrors_every_item(self):
        self.charge._change_responsibility({"patient": 0.0, "primary": 79.0})
        self.charge._write_off("primary", 9.0, self.reason_contractual)
        wizard = self.env["medical.charge.reverse"].with_user(self.biller).with_context(
            active_model="medical.charge", active_ids=self.charge.ids,
        ).create({"reason": "Wrong code billed"})
        wizard.action_reverse()

        self.assertEqual(self.charge.state, "reversed")
        reversal = self.charge.reversal_move_id
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(self.charge.move_id.state, "posted", "The original stays as posted")
        # Every account the charge touched nets to zero and nothing is left open.
        totals = {}
        for line in self.charge.ledger_line_ids:
            totals[line.account_id] = totals.get(line.account_id, 0.0) + line.balance
        self.assertTrue(all(self.currency.is_zero(total) for total in totals.values()))
        self.assertTrue(all(line.reconciled for line in self._receivable_lines(self.charge)))
        self.assertRecordValues(self.charge, [
            {"balance": 0.0, "patient_responsibility": 0.0, "primary_responsibility": 0.0},
        ])
        with self.assertRaisesRegex(UserError, "only posted charges"):
            self.charge._write_off("primary", 1.0, self.reason_contractual)
        self.assertTieOut()
