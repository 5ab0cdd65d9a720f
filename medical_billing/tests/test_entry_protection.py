"""Billing entries and their items are changed only by billing code (issue findings 1 and
8): from Odoo's accounting, resetting, cancelling, deleting, duplicating, reversing or
rewriting them, and reconciling or unreconciling their receivables by hand, are refused
with a message that names the billing action to use, for an accountant as for the front
desk. The bank side of billing payments stays free for the bank reconciliation."""
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from ..models.medical_posted_guard import billing_operation
from .common import MedicalBillingCommon

ITEM_FIELDS = [
    "move_id", "account_id", "partner_id", "name", "date", "debit", "credit", "balance",
    "amount_residual", "reconciled", "matching_number", "full_reconcile_id", "parent_state",
    "medical_charge_id", "medical_party_role", "medical_entry_kind", "medical_eob_line_id",
    "medical_write_off_reason_id", "medical_adjustment_group", "medical_adjustment_reason",
    "medical_patient_id", "medical_case_id",
]


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestEntryProtection(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        # Full accounting rights, with the features Odoo shows an accountant (bank
        # statements among them).
        cls.accountant = new_test_user(
            cls.env, login="accountant",
            groups="account.group_account_manager,account.group_account_user", **company)
        cls.billing_manager = new_test_user(
            cls.env, login="billing_manager",
            groups="medical_billing.group_medical_billing_manager", **company)
        cls.other_patient = cls.env["res.partner"].create({
            "name": "Sam Okafor", "is_patient": True,
        })
        cls.cash_account = cls.company.medical_payment_journal_id.default_account_id

    def setUp(self):
        super().setUp()
        # A settled visit (copay paid, payer paid by EOB), an open one, and one whose
        # patient share was written off in bulk. Each visit: patient 30.00, primary 49.00.
        self.paid_charge = self._post_charge(date_service="2026-03-02")
        self.open_charge = self._post_charge(date_service="2026-03-03")
        self.written_off_charge = self._post_charge(date_service="2026-03-04")
        self.batch = self._bulk_write_off(self.written_off_charge)
        self.payment = self._pay(30.0)
        self.eob = self._eob(self.paid_charge, 49.0)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _pay(self, amount, patient=None, user=None):
        payment = self.env["medical.payment"].with_user(user or self.env.user).create({
            "patient_id": (patient or self.patient).id, "amount": amount, "method": "cash",
        })
        payment.action_post()
        return payment

    def _eob(self, charge, paid, user=None):
        eob = self.env["medical.eob"].with_user(user or self.env.user).create({
            "payer_id": self.payer_primary.id, "reference": "CHK-88", "date": "2026-03-09",
            "amount_total": paid,
            "line_ids": [Command.create({"charge_id": charge.id, "paid": paid})],
        })
        eob.action_post()
        return eob

    def _bulk_write_off(self, charges, user=None):
        wizard = self.env["medical.charge.bulk.write.off"].with_user(user or self.env.user) \
            .with_context(active_model="medical.charge", active_ids=charges.ids) \
            .create({"reason_id": self.reason_contractual.id, "party": "patient", "mode": "full"})
        wizard.action_write_off()
        return self.env["medical.write.off.batch"].search([], order="id desc", limit=1)

    def _item(self, charge, role):
        """The receivable item that assigned ``role`` its share of ``charge``."""
        return charge.move_id.line_ids.filtered(
            lambda line: line.medical_charge_id == charge and line.medical_party_role == role)

    def _journal(self):
        """Every entry, journal item and reconciliation, as stored."""
        self.env.invalidate_all()
        return (
            self.env["account.move"].search_read(
                [], ["name", "state", "journal_id", "date", "ref"], order="id"),
            self.env["account.move.line"].search_read([], ITEM_FIELDS, order="id"),
            self.env["account.partial.reconcile"].search_read(
                [], ["debit_move_id", "credit_move_id", "amount", "full_reconcile_id"],
                order="id"),
        )

    def assertRefused(self, call, pattern):
        """``call(user)`` is refused with ``pattern`` for an accountant (full accounting
        rights), and for the front desk (no accounting rights at all: refused by its access
        rights, or by the guard), and changes nothing in the journal."""
        before = self._journal()
        for user in (self.accountant, self.front_desk):
            with self.subTest(user=user.login):
                if user == self.front_desk:
                    with self.assertRaises(UserError):  # AccessError is a UserError
                        call(user)
                else:
                    with self.assertRaisesRegex(UserError, pattern):
                        call(user)
                self.assertEqual(self._journal(), before)

    def assertCharges(self, expected):
        """``expected``: {charge: {role: due}}; roles not named owe nothing."""
        for charge, dues in expected.items():
            charge.invalidate_recordset()
            self.assertEqual(
                {role: charge[f"{role}_due"] for role in ("patient", "primary", "secondary")},
                {"patient": 0.0, "primary": 0.0, "secondary": 0.0, **dues},
                charge.display_name,
            )

    # ------------------------------------------------------------------
    # Each route of Odoo's accounting, refused
    # ------------------------------------------------------------------

    def test_reset_to_draft_is_refused(self):
        for move, hint in ((self.paid_charge.move_id, "Reverse the charge"),
                           (self.payment.move_id, "Delete the payment"),
                           (self.eob.move_id, "Delete the EOB"),
                           (self.batch.move_id, "Delete the bulk write-off")):
            with self.subTest(entry=move.name):
                self.assertRefused(lambda user, move=move: move.with_user(user).button_draft(),
                                   f"Resetting to draft is not possible on .*{hint}")
                self.assertRefused(
                    lambda user, move=move: move.with_user(user).write({"state": "draft"}),
                    f"Changing Status is not possible on .*{hint}")
        self.assertEqual(self.paid_charge.move_id.state, "posted")
        self.assertCharges({self.paid_charge: {}, self.open_charge: {"patient": 30.0,
                                                                      "primary": 49.0}})

    def test_cancel_is_refused(self):
        for move, hint in ((self.payment.move_id, "Delete the payment"),
                           (self.open_charge.move_id, "Reverse the charge")):
            with self.subTest(entry=move.name):
                self.assertRefused(lambda user, move=move: move.with_user(user).button_cancel(),
                                   f"Cancelling is not possible on .*{hint}")

    def test_delete_is_refused(self):
        self.assertRefused(lambda user: self.eob.move_id.with_user(user).unlink(),
                           "Deleting is not possible on .*Delete the EOB")
        self.assertRefused(lambda user: self.batch.move_id.line_ids[:1].with_user(user).unlink(),
                           "Deleting journal items is not possible on .*Delete the bulk write-off")
        self.assertRefused(lambda user: self.open_charge.move_id.with_user(user).copy(),
                           "Duplicating is not possible on .*Reverse the charge")

    def test_odoo_reversal_wizard_is_refused(self):
        def reverse(user, move):
            # The Reverse action of Journal Entries, as an entry's user sees its form.
            reversal = Form(self.env["account.move.reversal"].with_user(user).with_context(
                active_model="account.move", active_ids=move.ids))
            reversal.date = "2026-03-10"
            reversal.save().refund_moves()

        for move, hint in ((self.open_charge.move_id, "Reverse the charge"),
                           (self.batch.move_id, "Delete the bulk write-off")):
            with self.subTest(entry=move.name):
                self.assertRefused(lambda user, move=move: reverse(user, move),
                                   f"Reversing from Accounting is not possible on .*{hint}")
                self.assertRefused(lambda user, move=move: move.with_user(user).action_reverse(),
                                   f"Reversing from Accounting is not possible on .*{hint}")
        self.assertFalse(self.open_charge.move_id.reversal_move_ids)

    def test_item_rewrites_are_refused(self):
        patient_item = self._item(self.open_charge, "patient")
        payer_item = self._item(self.open_charge, "primary")
        eob_item = self.eob.move_id.line_ids.filtered("medical_party_role")
        write_off_item = self.batch.move_id.line_ids.filtered("medical_party_role")
        pattern = "Changing %s of journal items is not possible on .*%s"
        for item, vals, label, hint in (
            (patient_item, {"balance": 10.0}, "Balance", "Reverse the charge"),
            (patient_item, {"debit": 300.0}, "Debit", "Reverse the charge"),
            (patient_item, {"partner_id": self.other_patient.id}, "Partner", "Reverse the charge"),
            (patient_item, {"account_id": self.accounts["payer"].id}, "Account",
             "Reverse the charge"),
            (patient_item, {"date": "2026-03-01"}, "Date", "Reverse the charge"),
            (patient_item, {"medical_charge_id": self.paid_charge.id}, "Medical Charge",
             "Reverse the charge"),
            (payer_item, {"medical_party_role": "secondary"}, "Responsible Party",
             "Reverse the charge"),
            (payer_item, {"medical_entry_kind": "write_off"}, "Medical Entry Kind",
             "Reverse the charge"),
            (eob_item, {"medical_eob_line_id": False}, "EOB Line", "Delete the EOB"),
            (eob_item, {"medical_adjustment_group": "CO", "medical_adjustment_reason": "45"},
             "Adjustment Group, Adjustment Reason", "Delete the EOB"),
            (write_off_item, {"medical_write_off_reason_id": False}, "Write-off Reason",
             "Delete the bulk write-off"),
            (patient_item, {"medical_patient_id": self.other_patient.id}, "Ledger Patient",
             "Reverse the charge"),
        ):
            with self.subTest(field=label):
                self.assertRefused(
                    lambda user, item=item, vals=vals: item.with_user(user).write(vals),
                    pattern % (label, hint))
        # Through the entry, as a form would save it.
        entry = self.open_charge.move_id
        self.assertRefused(lambda user: entry.with_user(user).write({"line_ids": [
            Command.update(patient_item.id, {"balance": 10.0}),
            Command.update(payer_item.id, {"balance": 69.0}),
        ]}), "Changing Balance of journal items is not possible on .*Reverse the charge")
        self.assertRefused(lambda user: entry.with_user(user).write({"line_ids": [
            Command.create({"account_id": self.accounts["patient"].id, "balance": 0.0}),
        ]}), "Changing Journal Items is not possible on .*Reverse the charge")
        self.assertRefused(lambda user: entry.with_user(user).write({"date": "2026-03-05"}),
                           "Changing Date is not possible on .*Reverse the charge")

        # Tagging an item of an entry made by hand would make it count in billing.
        manual = self.env["account.move"].create({
            "move_type": "entry", "journal_id": self.company_data["default_journal_misc"].id,
            "date": "2026-03-08",
            "line_ids": [
                Command.create({"account_id": self.accounts["patient"].id,
                                "partner_id": self.patient.id, "balance": 12.0}),
                Command.create({"account_id": self.accounts["revenue"].id, "balance": -12.0}),
            ],
        })
        manual.action_post()
        self.assertRefused(
            lambda user: manual.line_ids[0].with_user(user).write(
                {"medical_party_role": "patient"}),
            "Changing Responsible Party of journal items is not possible on .*Billing tags")

        # Labels stay free, on billing items as on any other.
        patient_item.with_user(self.accountant).write({"name": "Copay, DOS 03/03"})
        manual.line_ids[0].with_user(self.accountant).write({"partner_id": self.payer_primary.id})
        self.assertRecordValues(patient_item | manual.line_ids[0], [
            {"name": "Copay, DOS 03/03", "balance": 30.0, "partner_id": self.patient.id},
            {"name": False, "balance": 12.0, "partner_id": self.payer_primary.id},
        ])

    def test_manual_reconcile_is_refused(self):
        # The payment's item on the paid charge, left open beside it as an item reconciled
        # by hand before this protection could have left it; and another patient's
        # unapplied credit.
        paid_item = self.payment.move_id.line_ids.filtered("medical_party_role")
        with billing_operation(self.env):
            paid_item.remove_move_reconcile()
        other_credit = self._pay(25.0, patient=self.other_patient).move_id.line_ids \
            .filtered("medical_party_role")
        open_item = self._item(self.open_charge, "patient")
        pattern = "Reconciling billing receivables by hand is not possible on .*Post what " \
                  "settles them in Medical Billing"
        for credit in (paid_item, other_credit):
            with self.subTest(credit=credit.move_id.name):
                self.assertRefused(
                    lambda user, credit=credit: (credit | open_item).with_user(user).reconcile(),
                    pattern)
                self.assertRefused(
                    lambda user, credit=credit: self.env["account.partial.reconcile"]
                    .with_user(user).create({
                        "debit_move_id": open_item.id, "credit_move_id": credit.id,
                        "amount": 25.0, "debit_amount_currency": 25.0,
                        "credit_amount_currency": 25.0,
                    }),
                    "Matching billing receivables by hand is not possible on .*Reverse the charge")
        self.assertCharges({self.open_charge: {"patient": 30.0, "primary": 49.0}})

    def test_unreconcile_is_refused(self):
        patient_item = self._item(self.paid_charge, "patient")
        payer_item = self._item(self.paid_charge, "primary")
        for item, hint in ((patient_item, "Delete the payment"), (payer_item, "Delete the EOB")):
            with self.subTest(item=item.medical_party_role):
                self.assertRefused(lambda user, item=item: item.with_user(user)
                                   .remove_move_reconcile(),
                                   f"Unreconciling billing receivables is not possible on .*{hint}")
                self.assertRefused(
                    lambda user, item=item: self.env["account.move.line"].with_user(user)
                    .with_context(active_ids=item.ids).action_unreconcile_match_entries(),
                    f"Unreconciling billing receivables is not possible on .*{hint}")
        self.assertCharges({self.paid_charge: {}})
        # A later payment still goes to what is owed, not to the paid charge.
        self._pay(30.0)
        self.assertCharges({self.paid_charge: {}, self.open_charge: {"primary": 49.0}})

    def test_unlink_of_a_partial_is_refused(self):
        item = self._item(self.paid_charge, "patient")
        partial = item.matched_credit_ids
        self.assertEqual(len(partial), 1)
        self.assertRefused(lambda user: partial.with_user(user).unlink(),
                           "Unreconciling billing receivables is not possible on .*Delete the "
                           "payment")
        self.assertRefused(lambda user: partial.with_user(user).write({"amount": 10.0}),
                           "Changing the reconciliation of billing receivables is not possible")
        self.assertRefused(lambda user: item.full_reconcile_id.with_user(user).unlink(),
                           "Unreconciling billing receivables is not possible on .*Delete the "
                           "payment")
        self.assertTrue(item.reconciled)

    # ------------------------------------------------------------------
    # What stays possible
    # ------------------------------------------------------------------

    def test_billing_operations_still_work(self):
        fresh = self._create_charges({"product_id": self.code_adjustment.id,
                                      "date_service": "2026-03-05"})
        fresh.with_user(self.front_desk).action_post()
        self.assertCharges({fresh: {"patient": 30.0, "primary": 49.0}})

        # Patient money goes to the oldest charge first.
        payment = self._pay(60.0, user=self.front_desk)
        self.assertCharges({self.open_charge: {"primary": 49.0}, fresh: {"primary": 49.0}})

        eob = self._eob(self.open_charge, 49.0, user=self.biller)
        write_off = fresh.with_user(self.biller)._write_off("primary", 9.0,
                                                            self.reason_contractual)
        self.assertCharges({self.open_charge: {}, fresh: {"primary": 40.0}})

        reversed_charge = self._post_charge(date_service="2026-03-06")
        reversed_charge.with_user(self.biller)._reverse("Entered twice")
        self.assertEqual(reversed_charge.state, "reversed")
        self.assertCharges({reversed_charge: {}})

        # A refund beyond the unapplied money re-opens the newest charges it paid.
        refund = payment.with_user(self.biller)._refund(40.0, "Moved away",
                                                        reopen_charges=True)
        self.assertCharges({self.open_charge: {"patient": 10.0}, fresh: {"patient": 30.0,
                                                                          "primary": 40.0}})

        # Another patient's credit, transferred, pays the oldest open charges.
        self._pay(25.0, patient=self.other_patient, user=self.front_desk)
        outgoing, __ = self.env["medical.payment"].with_user(self.biller)._transfer_credit(
            self.other_patient, self.patient, 25.0, "Family account")
        self.assertCharges({self.open_charge: {}, fresh: {"patient": 15.0, "primary": 40.0}})

        # Deleting re-opens what was settled.
        outgoing.with_user(self.billing_manager)._delete("Wrong family")
        self.assertCharges({self.open_charge: {"patient": 10.0},
                            fresh: {"patient": 30.0, "primary": 40.0}})
        refund.with_user(self.billing_manager)._delete("Check never sent")
        self.assertCharges({self.open_charge: {}, fresh: {"primary": 40.0}})
        eob.with_user(self.billing_manager)._delete("Posted to the wrong payer")
        self.assertCharges({self.open_charge: {"primary": 49.0}, fresh: {"primary": 40.0}})
        self.batch.with_user(self.billing_manager)._delete("Wrong reason")
        self.assertCharges({self.written_off_charge: {"patient": 30.0, "primary": 49.0}})
        self.assertTieOut()
        self.assertFalse(self.env["medical.charge"]._medical_integrity_problems(self.company))

        # What billing made stays out of reach of Odoo's accounting.
        for move, hint in ((fresh.move_id, "Reverse the charge"),
                           (payment.move_id, "Delete the payment"),
                           (refund.move_id, "Delete the payment"),
                           (eob.move_id, "Delete the EOB"),
                           (self.batch.move_id, "Delete the bulk write-off"),
                           (write_off, "Correct it from Medical Billing"),
                           (reversed_charge.reversal_move_id, "Correct it from Medical Billing"),
                           (eob.sudo().move_id.reversal_move_ids,
                            "Correct it from Medical Billing")):
            with self.subTest(entry=move.name):
                self.assertRefused(lambda user, move=move: move.with_user(user).button_draft(),
                                   f"Resetting to draft is not possible on .*{hint}")

    def test_bank_side_stays_free(self):
        """The accountant reconciles the cash item of a patient payment with the line of
        the cash journal's statement that took the money to the bank, and undoes it."""
        bank_item = self.payment.move_id.line_ids.filtered(
            lambda line: line.account_id == self.cash_account)
        statement_line = self.env["account.bank.statement.line"].with_user(self.accountant) \
            .create({
                "journal_id": self.company.medical_payment_journal_id.id,
                "date": "2026-03-10", "payment_ref": "Deposit to the bank", "amount": -30.0,
            })
        deposit_item = statement_line.move_id.line_ids.filtered(
            lambda line: line.account_id == self.cash_account)
        (bank_item | deposit_item).with_user(self.accountant).reconcile()
        self.assertRecordValues(bank_item | deposit_item, [
            {"balance": 30.0, "amount_residual": 0.0, "reconciled": True},
            {"balance": -30.0, "amount_residual": 0.0, "reconciled": True},
        ])
        self.assertEqual(bank_item.matching_number, deposit_item.matching_number)
        self.assertTrue(bank_item.full_reconcile_id)

        bank_item.with_user(self.accountant).remove_move_reconcile()
        self.assertRecordValues(bank_item, [{"amount_residual": 30.0, "reconciled": False,
                                             "matching_number": False}])
        (bank_item | deposit_item).with_user(self.accountant).reconcile()
        self.assertTrue(bank_item.reconciled)

        # The receivable side of the same entry stays billing's.
        self.assertRefused(lambda user: self.payment.move_id.with_user(user).button_draft(),
                           "Resetting to draft is not possible on .*Delete the payment")
        self.assertTrue(bank_item.reconciled)
        self.assertTieOut()
