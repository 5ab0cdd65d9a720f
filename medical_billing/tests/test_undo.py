"""Undoing money takes back what the event did; what happened since carries along: never a
negative amount owed by a party on a charge, never a reversed charge with anything open."""
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.medical_posted_guard import billing_operation
from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestUndo(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy_primary.copay_amount = 0.0

    def _charge_of(self, amount, patient_share=0.0, date="2026-03-02"):
        """A posted charge of ``amount`` (98941 priced at it), the patient owing
        ``patient_share`` and the primary the rest."""
        self.code_adjustment.lst_price = amount
        charge = self._post_charge(date_service=date)
        if patient_share:
            charge._change_responsibility({"patient": patient_share,
                                           "primary": amount - patient_share})
        return charge

    def _pay(self, amount, **values):
        payment = self.env["medical.payment"].create({
            "patient_id": self.patient.id, "amount": amount, "method": "cash", **values,
        })
        payment.action_post()
        return payment

    def _eob(self, charge, paid, adjustments):
        eob = self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": "CHK-77", "date": "2026-03-05",
            "amount_total": paid,
            "line_ids": [Command.create({
                "charge_id": charge.id, "paid": paid,
                "adjustment_ids": [
                    Command.create({"group_code": group, "reason_code": code, "amount": amount})
                    for group, code, amount in adjustments
                ],
            })],
        })
        eob.action_post()
        return eob

    def _dues(self, charge):
        charge.invalidate_recordset()
        return {role: charge[f"{role}_due"] for role in ("patient", "primary", "secondary")}

    def assertOwes(self, charge, **dues):
        expected = {"patient": 0.0, "primary": 0.0, "secondary": 0.0, **dues}
        self.assertEqual(self._dues(charge), expected)
        items = charge.ledger_line_ids.filtered(
            lambda line: line.medical_party_role and line.parent_state == "posted")
        for role, due in expected.items():
            residual = sum(items.filtered(lambda line, role=role: line.medical_party_role == role)
                           .mapped("amount_residual"))
            self.assertAlmostEqual(residual, due, msg=f"{role} items of {charge.display_name}")

    def test_deleting_an_eob_whose_pr_share_the_patient_paid_leaves_a_credit(self):
        """Defect A: the patient's payment of the PR share stays the patient's money."""
        self.case.secondary_policy_id = False  # the PR share goes to the patient
        charge = self._charge_of(100.0)
        eob = self._eob(charge, 60.0, [("CO", "45", 20.0), ("PR", "1", 20.0)])
        self.assertOwes(charge, patient=20.0)
        self._pay(20.0)
        self.assertOwes(charge)
        eob._delete("Wrong payer")
        self.assertOwes(charge, primary=100.0)
        self.patient.invalidate_recordset()
        self.assertAlmostEqual(self.patient.medical_credit, 20.0)
        self.assertAlmostEqual(self.patient.medical_balance, -20.0)
        self.assertTieOut()

    def test_deleting_a_refund_whose_reopened_charge_was_paid_again_leaves_a_credit(self):
        """Defect B."""
        charge = self._charge_of(100.0, patient_share=100.0)
        payment = self._pay(100.0)
        refund = payment._refund(30.0, "Card dispute", reopen_charges=True)
        self.assertOwes(charge, patient=30.0)
        self._pay(30.0)
        self.assertOwes(charge)
        refund._delete("Refund not sent")
        self.assertOwes(charge)
        self.patient.invalidate_recordset()
        self.assertAlmostEqual(self.patient.medical_credit, 30.0)
        self.assertTieOut()

    def test_refund_reopening_money_applied_by_a_later_credit_application(self):
        """Defect C: the credit of the payment paid a later charge by itself."""
        self.case.write({"secondary_policy_id": False, "primary_policy_id": False})
        payment = self._pay(150.0)
        charge = self._charge_of(100.0)  # no policy: the patient owes it all
        self.assertOwes(charge)  # the credit applied itself
        refund = payment._refund(80.0, "Moving away", reopen_charges=True)
        self.assertEqual(refund.state, "posted")
        self.assertOwes(charge, patient=30.0)
        self.patient.invalidate_recordset()
        self.assertAlmostEqual(self.patient.medical_credit, 0.0)
        self.assertAlmostEqual(self.patient.medical_balance, 30.0)
        refund_items = refund.move_id.line_ids
        self.assertAlmostEqual(sum(refund_items.mapped("balance")), 0.0)
        self.assertTieOut()

    def test_refund_cannot_reopen_money_transferred_away(self):
        payment = self._pay(50.0)
        sibling = self.env["res.partner"].create({"name": "Sam Alvarez", "is_patient": True})
        self.env["medical.payment"]._transfer_credit(self.patient, sibling, 50.0, "Family")
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "transferred to another patient"):
            payment._refund(50.0, "Moving away", reopen_charges=True)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def test_deleting_an_eob_after_its_charge_was_reversed(self):
        """Defect D, EOB: the reversal took the adjustment back already."""
        charge = self._charge_of(100.0)
        eob = self._eob(charge, 0.0, [("CO", "45", 30.0)])
        charge._reverse("Wrong code")
        self.assertOwes(charge)
        write_off_account = self.accounts["write_off"]
        before = sum(self.env["account.move.line"].search(
            [("account_id", "=", write_off_account.id), ("parent_state", "=", "posted")]
        ).mapped("balance"))
        eob._delete("Keyed twice")
        self.assertOwes(charge)
        self.assertEqual(charge.state, "reversed")
        after = sum(self.env["account.move.line"].search(
            [("account_id", "=", write_off_account.id), ("parent_state", "=", "posted")]
        ).mapped("balance"))
        self.assertAlmostEqual(after, before, msg="The reversed charge's write-off nets to 0")
        self.assertTieOut()

    def test_deleting_a_bulk_write_off_after_its_charge_was_reversed(self):
        """Defect D, bulk write-off."""
        charge = self._charge_of(100.0, patient_share=100.0)
        wizard = self.env["medical.charge.bulk.write.off"].with_context(
            active_model="medical.charge", active_ids=charge.ids,
        ).create({"reason_id": self.reason_contractual.id, "party": "patient", "mode": "full"})
        wizard.action_write_off()
        batch = self.env["medical.write.off.batch"].search([], order="id desc", limit=1)
        self.assertOwes(charge)
        charge._reverse("Wrong patient")
        batch._delete("Wrong charge")
        self.assertOwes(charge)
        self.assertTieOut()

    def test_payment_applies_to_what_a_charge_owes_net(self):
        """Defect E: an item left open beside the charge's own item on the same charge (here
        a write-off unreconciled, as an undo could leave it and as Odoo's screens did before
        billing items were protected) does not absorb more than the charge owes."""
        charge = self._charge_of(100.0, patient_share=100.0)
        write_off = charge._write_off("patient", 10.0, self.reason_contractual)
        with billing_operation(self.env):
            write_off.line_ids.filtered("medical_party_role").remove_move_reconcile()
        self.assertOwes(charge, patient=90.0)
        self._pay(100.0)
        self.assertOwes(charge)
        self.patient.invalidate_recordset()
        self.assertAlmostEqual(self.patient.medical_credit, 10.0)
        self.assertTieOut()

    def test_tie_out_lists_charges_that_break_a_rule_even_when_totals_tie(self):
        charge = self._charge_of(100.0, patient_share=100.0)
        tie_out = self.env["medical.tie.out"].create({"date": "2026-03-10"})
        self.assertFalse(tie_out.charge_problems)
        self.assertEqual(tie_out.unposted_entry_count, 0)
        # Money taken off a charge's patient share by hand, as no billing operation does:
        # the patient now owes a negative amount, and the totals still tie out.
        charge._post_adjustment([
            charge._prepare_receivable_line_vals("patient", -130.0, "payment", "Stray"),
            {"name": "Stray", "account_id": self.accounts["write_off"].id,
             "balance": 130.0},
        ], "Stray")
        draft = self.env["account.move"].create({
            "journal_id": self.company.medical_adjustment_journal_id.id, "date": "2026-03-10",
        })
        tie_out = self.env["medical.tie.out"].create({"date": "2026-03-10"})
        self.assertTrue(tie_out.is_balanced)
        self.assertIn("Patient owes", tie_out.charge_problems)
        self.assertIn(charge.display_name, tie_out.charge_problems)
        self.assertEqual(tie_out.unposted_entry_count, 1)
        self.assertEqual(self.env["account.move"].search(
            tie_out.action_open_unposted_entries()["domain"]), draft)
