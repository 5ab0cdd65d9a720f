from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestRefundTransfer(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cash_account = cls.company.medical_payment_journal_id.default_account_id
        cls.other_patient = cls.env["res.partner"].create({"name": "Sam Alvarez",
                                                           "is_patient": True})
        cls.other_case = cls.env["medical.case"].create({
            "name": "Sprain", "patient_id": cls.other_patient.id, "date_start": "2026-01-01",
        })

    def _pay(self, amount, patient=None):
        payment = self.env["medical.payment"].create({
            "patient_id": (patient or self.patient).id, "amount": amount, "date": "2026-03-10",
        })
        payment.action_post()
        return payment

    def test_refund_of_the_unapplied_part(self):
        charge = self._post_charge()  # patient owes 30
        payment = self._pay(50.0)
        wizard = self.env["medical.payment.refund"].with_user(self.biller).with_context(
            active_model="medical.payment", active_ids=payment.ids,
        ).create({"reason": "Overpaid", "method": "cash"})
        self.assertEqual(wizard.amount, 20.0)
        wizard.action_refund()

        refund = payment.refund_ids
        self.assertRecordValues(refund, [{"kind": "refund", "state": "posted", "amount": 20.0}])
        self.assertRecordValues(refund.move_id.line_ids.sorted("id"), [
            {"account_id": self.accounts["patient"].id, "balance": 20.0, "reconciled": True},
            {"account_id": self.cash_account.id, "balance": -20.0, "reconciled": False},
        ])
        self.assertRecordValues(payment, [
            {"amount_applied": 30.0, "amount_unapplied": 0.0, "amount_refunded": 20.0},
        ])
        self.assertEqual(charge.patient_due, 0.0, "The paid charge stays paid")
        self.assertTieOut()

    def test_refund_beyond_unapplied_needs_confirmation_and_reopens_newest(self):
        older = self._post_charge(date_service="2026-03-02")
        newer = self._post_charge(date_service="2026-03-05")
        payment = self._pay(70.0)  # 30 + 30 applied, 10 credit
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "Only .*10.00 of this payment is unapplied"):
            payment._refund(25.0, "Moved away")
        with self.assertRaisesRegex(UserError, "more than what is left"):
            payment._refund(70.01, "Moved away", reopen_charges=True)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

        refund = payment._refund(25.0, "Moved away", reopen_charges=True)
        self.assertRecordValues(older | newer, [
            {"patient_paid": 30.0, "patient_due": 0.0},
            {"patient_paid": 15.0, "patient_due": 15.0},
        ])
        self.assertEqual(len(refund.related_move_ids), 1)
        self.assertEqual(self.patient.medical_credit, 0.0)
        self.assertTieOut()

        refund._delete("Refund check never sent")
        self.assertRecordValues(older | newer, [
            {"patient_paid": 30.0, "patient_due": 0.0},
            {"patient_paid": 30.0, "patient_due": 0.0},
        ])
        self.assertEqual(self.patient.medical_credit, 10.0)
        self.assertTieOut()

    def test_payment_with_refund_cannot_be_deleted_first(self):
        self._post_charge()
        payment = self._pay(50.0)
        refund = payment._refund(20.0, "Overpaid")
        with self.assertRaisesRegex(UserError, "delete that refund or transfer first"):
            payment._delete("Wrong patient")
        refund._delete("Wrong refund")
        payment._delete("Wrong patient")
        self.assertEqual(payment.state, "deleted")
        self.assertTieOut()

    def test_credit_transfer_between_patients(self):
        self._pay(40.0)  # no charges yet: all credit
        other_charge = self._create_charges(
            {"product_id": self.code_adjustment.id}, case=self.other_case,
        )
        other_charge.action_post()  # the other patient owes 79
        outgoing, incoming = self.env["medical.payment"]._transfer_credit(
            self.patient, self.other_patient, 25.0, "Family account",
        )
        self.assertRecordValues(outgoing | incoming, [
            {"kind": "transfer_out", "patient_id": self.patient.id, "amount": 25.0},
            {"kind": "transfer_in", "patient_id": self.other_patient.id, "amount": 25.0},
        ])
        self.assertEqual(outgoing.move_id, incoming.move_id)
        self.assertRecordValues(outgoing.move_id.line_ids.sorted("id"), [
            {"partner_id": self.patient.id, "balance": 25.0, "reconciled": True},
            {"partner_id": self.other_patient.id, "balance": -25.0, "reconciled": True},
        ])
        self.assertEqual(self.patient.medical_credit, 15.0)
        # The incoming credit applied itself to the other patient's open charge.
        self.assertRecordValues(other_charge, [{"patient_paid": 25.0, "patient_due": 54.0}])
        self.assertTieOut()

        with self.assertRaisesRegex(UserError, "no more than that"):
            self.env["medical.payment"]._transfer_credit(
                self.patient, self.other_patient, 15.01, "Too much",
            )
        incoming._delete("Wrong family")
        self.assertEqual((outgoing | incoming).mapped("state"), ["deleted", "deleted"])
        self.assertEqual(self.patient.medical_credit, 40.0)
        self.assertRecordValues(other_charge, [{"patient_paid": 0.0, "patient_due": 79.0}])
        self.assertTieOut()

    def test_transfer_wizard_opens_on_one_patient(self):
        self._pay(30.0)
        Wizard = self.env["medical.credit.transfer"].with_user(self.biller)
        wizard = Wizard.with_context(
            active_model="res.partner", active_ids=self.patient.ids,
        ).create({"to_patient_id": self.other_patient.id, "reason": "Family"})
        self.assertEqual(wizard.amount, 30.0, "Defaults to the whole credit")
        wizard.action_transfer()
        self.assertEqual(self.other_patient.medical_credit, 30.0)
        with self.assertRaisesRegex(UserError, "Open the patient"):
            Wizard.with_context(active_model="res.partner",
                                active_ids=self.payer_primary.ids).create({})
