from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestPatientPayment(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.self_pay_case = cls.env["medical.case"].create({
            "name": "Self-pay", "patient_id": cls.patient.id, "date_start": "2026-01-01",
        })
        cls.cash_account = cls.company.medical_payment_journal_id.default_account_id

    def _pay(self, amount, **values):
        payment = self.env["medical.payment"].create({
            "patient_id": self.patient.id, "amount": amount, "date": "2026-03-10", **values,
        })
        payment.action_post()
        return payment

    def _payment_items(self, payment):
        return payment.move_id.line_ids.sorted("id")

    def test_payment_goes_to_oldest_charge_first_across_cases(self):
        newer = self._post_charge(date_service="2026-03-02")  # case with policies: patient 30
        older = self._create_charges(
            {"product_id": self.code_adjustment.id, "date_service": "2026-03-01"},
            case=self.self_pay_case,
        )
        older.action_post()  # no policy: the patient owes 79
        payment = self._pay(100.0, method="check", check_number="1044")

        self.assertEqual(payment.move_id.journal_id, self.company.medical_payment_journal_id)
        self.assertRecordValues(self._payment_items(payment), [
            {"account_id": self.cash_account.id, "balance": 100.0, "medical_charge_id": False,
             "medical_entry_kind": False, "reconciled": False},
            {"account_id": self.accounts["patient"].id, "balance": -79.0,
             "medical_charge_id": older.id, "medical_entry_kind": "payment", "reconciled": True},
            {"account_id": self.accounts["patient"].id, "balance": -21.0,
             "medical_charge_id": newer.id, "medical_entry_kind": "payment", "reconciled": True},
        ])
        self.assertRecordValues(older | newer, [
            {"patient_paid": 79.0, "patient_due": 0.0},
            {"patient_paid": 21.0, "patient_due": 9.0},
        ])
        self.assertRecordValues(payment, [{"amount_applied": 100.0, "amount_unapplied": 0.0}])
        self.assertTieOut()

    def test_leftover_is_a_credit_that_applies_to_the_next_charge(self):
        first = self._post_charge(date_service="2026-03-02")
        payment = self._pay(50.0)
        self.assertRecordValues(self._payment_items(payment)[1:], [
            {"medical_charge_id": first.id, "medical_party_role": "patient", "balance": -30.0,
             "amount_residual": 0.0},
            {"medical_charge_id": False, "medical_party_role": "patient", "balance": -20.0,
             "amount_residual": -20.0},
        ])
        self.assertEqual(self.patient.medical_credit, 20.0)
        self.assertEqual(payment.amount_unapplied, 20.0)
        self.assertTieOut()

        second = self._post_charge(date_service="2026-03-09")
        self.assertRecordValues(second, [{"patient_paid": 20.0, "patient_due": 10.0}])
        self.assertEqual(self.patient.medical_credit, 0.0)
        application = second.ledger_line_ids.filtered(
            lambda line: line.medical_entry_kind == "payment"
        ).move_id
        self.assertEqual(application.journal_id, self.company.medical_adjustment_journal_id)
        self.assertRecordValues(application.line_ids.sorted("id"), [
            {"account_id": self.accounts["patient"].id, "medical_charge_id": False,
             "balance": 20.0, "reconciled": True},
            {"account_id": self.accounts["patient"].id, "medical_charge_id": second.id,
             "balance": -20.0, "reconciled": True},
        ])
        self.assertTieOut()

    def test_credit_forward(self):
        credit_forward = self.env["medical.payment"].create({
            "kind": "credit_forward", "patient_id": self.patient.id, "amount": 40.0,
            "date": "2026-03-01", "credit_forward_reason": "prepayment",
            "memo": "Prepaid package",
        })
        credit_forward.action_post()
        self.assertRecordValues(self._payment_items(credit_forward), [
            {"account_id": self.company.medical_credit_forward_account_id.id, "balance": 40.0,
             "medical_charge_id": False, "amount_residual": 0.0},
            {"account_id": self.accounts["patient"].id, "balance": -40.0,
             "medical_charge_id": False, "amount_residual": -40.0},
        ])
        charge = self._post_charge()
        self.assertRecordValues(charge, [{"patient_paid": 30.0, "patient_due": 0.0}])
        self.assertEqual(self.patient.medical_credit, 10.0)
        self.assertTieOut()

    def test_delete_payment_reopens_balances(self):
        charge = self._post_charge()
        payment = self._pay(50.0)
        later = self._post_charge(date_service="2026-03-09")  # takes the 20.00 credit
        self.assertEqual(later.patient_paid, 20.0)

        self.env["medical.payment.delete"].with_user(self.billing_manager).with_context(
            active_model="medical.payment", active_ids=payment.ids,
        ).create({"reason": "Posted to the wrong patient"}).action_delete()

        self.assertEqual(payment.state, "deleted")
        self.assertEqual(payment.delete_move_id.date, payment.date)
        self.assertRecordValues(charge | later, [
            {"patient_paid": 0.0, "patient_due": 30.0},
            {"patient_paid": 0.0, "patient_due": 30.0},
        ])
        self.assertEqual(self.patient.medical_credit, 0.0)
        self.assertEqual(self.patient.medical_balance, 60.0)
        self.assertTieOut()

    def test_delete_in_locked_period_reverses_today(self):
        self._post_charge()
        payment = self._pay(30.0)
        self.company.fiscalyear_lock_date = "2026-03-10"
        with freeze_time("2026-03-12"):
            payment._delete("Bounced check")
        self.assertEqual(str(payment.delete_move_id.date), "2026-03-12")
        self.assertTieOut()

    def test_bad_payments_change_nothing(self):
        self._post_charge()
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(ValidationError, "above zero"):
            self._pay(0.0)
        with self.assertRaisesRegex(ValidationError, "last 4 digits"):
            self._pay(10.0, method="card", card_last4="41a1")
        with self.assertRaisesRegex(ValidationError, "check number"):
            self._pay(10.0, method="check")
        self.company.fiscalyear_lock_date = "2026-03-10"
        with self.assertRaisesRegex(UserError, "locked period"):
            self._pay(10.0)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def test_posted_payment_is_kept(self):
        payment = self._pay(10.0)
        with self.assertRaisesRegex(UserError, "Delete Payment"):
            payment.unlink()
        with self.assertRaisesRegex(UserError, "reason"):
            payment._delete("")
