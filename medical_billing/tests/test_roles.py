"""The clinic's role matrix (DOMAIN.md, Roles): what each billing role does through the
billing screens, and what it cannot do. Front desk has no accounting rights of its own:
billing code posts, reconciles and reads the journal for it, after its own checks."""
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import MedicalBillingCommon

ACCOUNTING_MODELS = (
    "account.move", "account.move.line", "account.partial.reconcile", "account.payment",
)


@freeze_time("2026-03-20")
@tagged("post_install", "-at_install")
class TestRoles(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["medical.provider"].create({
            "name": "Dr. Lee", "npi": "1234567893", "is_treating": True, "is_billing": True,
        })

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def assertNoAccountingRights(self, user):
        for model in ACCOUNTING_MODELS:
            for operation in ("create", "write", "unlink"):
                self.assertFalse(
                    self.env[model].with_user(user).has_access(operation),
                    f"{user.login} may {operation} {model}",
                )
            with self.assertRaises(AccessError):
                self.env[model].with_user(user).check_access("create")

    def _enter_and_post_visit(self, user):
        """The front desk's visit: codes typed on the case's Charges tab, then Post."""
        case = self.case.with_user(user)
        charges = self._enter_visit(case, (self.code_adjustment, self.code_exercise))
        case.action_post_charges()
        return charges

    def _post_eob(self, user, charge, paid):
        eob = self.env["medical.eob"].with_user(user).create({
            "payer_id": self.payer_primary.id, "reference": "CHK-7", "date": "2026-03-19",
            "amount_total": paid,
            "line_ids": [Command.create({"charge_id": charge.id, "paid": paid})],
        })
        eob.action_post()
        return eob

    def _charge_wizard(self, model, user, charges, **values):
        return self.env[model].with_user(user).with_context(
            active_model="medical.charge", active_ids=charges.ids, active_id=charges[:1].id,
        ).create(values)

    # ------------------------------------------------------------------
    # Front desk
    # ------------------------------------------------------------------

    def test_front_desk_has_no_accounting_rights_nor_a_billers(self):
        self.assertNoAccountingRights(self.front_desk)
        self.assertFalse(self.front_desk.has_group("account.group_account_invoice"))
        charge = self._post_charge(date_service="2026-03-02")
        with self.assertRaises(AccessError):
            self._charge_wizard("medical.charge.write.off", self.front_desk, charge,
                                party="patient", amount=5.0,
                                reason_id=self.reason_contractual.id)
        with self.assertRaises(AccessError):
            self._charge_wizard("medical.charge.responsibility", self.front_desk, charge,
                                patient_amount=0.0, primary_amount=79.0)
        eob = self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": "CHK-8", "date": "2026-03-19",
            "amount_total": 49.0,
            "line_ids": [Command.create({"charge_id": charge.id, "paid": 49.0})],
        })
        with self.assertRaises(AccessError):
            eob.with_user(self.front_desk).action_post()
        self.assertEqual(eob.state, "draft")
        self.assertFalse(eob.move_id)
        # Nor reads the journal directly: the billing screens read it for them.
        with self.assertRaises(AccessError):
            charge.with_user(self.front_desk).sudo(False).ledger_line_ids.mapped("balance")

    def test_front_desk_posts_a_visit_from_the_case_and_reads_its_figures(self):
        self.assertNoAccountingRights(self.front_desk)
        charges = self._enter_and_post_visit(self.front_desk)
        self.assertEqual(charges.mapped("state"), ["posted", "posted"])
        self.assertEqual(charges.env.user, self.front_desk)
        # The figures the front desk sees, read from the journal by billing code.
        adjustment, exercise = charges.sorted(lambda c: c.product_id != self.code_adjustment)
        self.assertRecordValues(adjustment | exercise, [
            {"patient_due": 30.0, "primary_due": 49.0, "balance": 79.0},
            {"patient_due": 0.0, "primary_due": 100.0, "balance": 100.0},
        ])
        self.assertEqual(charges.search_count([("balance", "!=", 0),
                                               ("id", "in", charges.ids)]), 2)
        self.assertAlmostEqual(self.patient.with_user(self.front_desk).medical_balance, 30.0)
        self.assertAlmostEqual(self.case.with_user(self.front_desk).balance, 179.0)
        # The journal says the same (read by the test as the account manager).
        items = self._receivable_lines(adjustment.with_user(self.env.user))
        self.assertRecordValues(items, [
            {"partner_id": self.patient.id, "balance": 30.0, "parent_state": "posted"},
            {"partner_id": self.payer_primary.id, "balance": 49.0, "parent_state": "posted"},
        ])

    def test_front_desk_posts_a_payment_and_reads_the_ledger_and_day_sheet(self):
        self.assertNoAccountingRights(self.front_desk)
        self._enter_and_post_visit(self.front_desk)
        payment = self._post_payment_dialog(self.front_desk, amount=50.0, method="cash")
        self.assertRecordValues(payment, [
            {"state": "posted", "amount_applied": 30.0, "amount_unapplied": 20.0},
        ])
        self.assertTrue(payment.sudo().move_id.line_ids.full_reconcile_id)
        patient = self.patient.with_user(self.front_desk)
        # Nothing owed; the 20.00 left is the patient's credit (a negative balance).
        self.assertAlmostEqual(patient.medical_balance, -20.0)
        self.assertAlmostEqual(patient.medical_credit, 20.0)
        # The ledger screen.
        with Form(self.env["medical.patient.ledger"].with_user(self.front_desk).with_context(
                active_model="res.partner", active_ids=self.patient.ids)) as screen:
            self.assertAlmostEqual(screen.patient_balance, -20.0)
            self.assertAlmostEqual(screen.credit, 20.0)
            self.assertTrue(len(screen.line_ids))
        # The day sheet.
        sheet = self.env["medical.day.sheet"].with_user(self.front_desk).create({
            "date_from": "2026-03-18", "date_to": "2026-03-20",
        })
        html = self.env["ir.actions.report"].with_user(self.front_desk)._render_qweb_html(
            "medical_billing.report_day_sheet", sheet.ids,
        )[0].decode()
        self.assertIn("Maria Alvarez", html)
        self.assertIn("50.00", html)

    # ------------------------------------------------------------------
    # Biller
    # ------------------------------------------------------------------

    def test_biller_posts_eobs_and_write_offs_but_deletes_no_money(self):
        self.assertNoAccountingRights(self.biller)
        charge = self._post_charge(date_service="2026-03-02")
        eob = self._post_eob(self.biller, charge, 40.0)
        self.assertEqual(eob.state, "posted")
        wizard = self._charge_wizard(
            "medical.charge.write.off", self.biller, charge, party="primary", amount=9.0,
            reason_id=self.reason_contractual.id,
        )
        wizard.action_write_off()
        self.assertRecordValues(charge.with_user(self.biller), [
            {"primary_paid": 40.0, "primary_write_off": 9.0, "primary_due": 0.0,
             "patient_due": 30.0},
        ])
        payment = self._post_payment_dialog(self.front_desk, amount=30.0, method="cash")
        # Deleting money is the Billing Manager's.
        with self.assertRaises(AccessError):
            self.env["medical.payment.delete"].with_user(self.biller).with_context(
                active_model="medical.payment", active_ids=payment.ids,
            ).create({"reason": "Typo"})
        with self.assertRaises(AccessError):
            payment.with_user(self.biller)._delete("Typo")
        with self.assertRaises(AccessError):
            eob.with_user(self.biller)._delete("Typo")
        with self.assertRaises(AccessError):
            self._charge_wizard("medical.charge.bulk.write.off", self.biller, charge,
                                reason_id=self.reason_contractual.id)
        self.assertEqual(payment.state, "posted")
        self.assertEqual(eob.state, "posted")
        self.assertAlmostEqual(charge.balance, 0.0)

    # ------------------------------------------------------------------
    # Billing Manager
    # ------------------------------------------------------------------

    def test_billing_manager_saves_settings_edits_fees_and_deletes_money(self):
        manager = self.billing_manager
        self.assertFalse(manager.has_group("base.group_system"))
        self.assertEqual(
            self.env.ref("medical_billing.group_medical_billing_manager").name,
            "Billing Manager",
        )
        self.assertNoAccountingRights(manager)
        # The billing settings, saved without being a system administrator.
        write_off = self.env["account.account"].create({
            "name": "Courtesy write-offs", "code": "MWO2", "account_type": "income",
        })
        with Form(self.env["medical.billing.settings"].with_user(manager)) as settings:
            self.assertEqual(settings.medical_write_off_account_id, self.accounts["write_off"])
            settings.medical_write_off_account_id = write_off
        settings.record.action_save()
        self.assertEqual(self.company.medical_write_off_account_id, write_off)
        self.assertEqual(self.company.medical_charge_journal_id.code, "MCHG")
        with self.assertRaises(AccessError):
            self.env["medical.billing.settings"].with_user(self.biller).create({})
        # A fee schedule price.
        with Form(self.fee_schedule.with_user(manager)) as schedule:
            with schedule.line_ids.edit(0) as line:
                line.price = 85.0
        self.assertEqual(self.fee_schedule._line_for(self.code_exercise).price, 85.0)
        # Deleting money.
        charge = self._post_charge(date_service="2026-03-02")
        payment = self._post_payment_dialog(self.front_desk, amount=30.0, method="cash")
        self.assertAlmostEqual(charge.patient_due, 0.0)
        self.env["medical.payment.delete"].with_user(manager).with_context(
            active_model="medical.payment", active_ids=payment.ids,
        ).create({"reason": "Typo"}).action_delete()
        self.assertEqual(payment.state, "deleted")
        # The trail is the manager's own, though billing code reversed the entry as
        # superuser.
        self.assertEqual(payment.message_ids[:1].author_id, manager.partner_id)
        charge.invalidate_recordset()
        self.assertAlmostEqual(charge.with_user(manager).patient_due, 30.0)

    # ------------------------------------------------------------------
    # Accountant
    # ------------------------------------------------------------------

    def test_accountant_reads_billing_and_changes_none_of_it(self):
        charge = self._post_charge(date_service="2026-03-02")
        eob = self._post_eob(self.env.user, charge, 40.0)
        payment = self._post_payment_dialog(self.front_desk, amount=30.0, method="cash")
        accountant = self.accountant
        self.assertFalse(accountant.has_group("medical_billing.group_medical_billing_user"))
        as_accountant = charge.with_user(accountant)
        self.assertRecordValues(as_accountant, [
            {"patient_paid": 30.0, "primary_paid": 40.0, "primary_due": 9.0, "balance": 9.0},
        ])
        self.assertEqual(as_accountant.case_id.with_user(accountant).name, "Low back pain")
        self.assertEqual(payment.with_user(accountant).amount, 30.0)
        self.assertEqual(eob.with_user(accountant).line_ids.adjustment_ids.ids, [])
        self.assertEqual(eob.with_user(accountant).amount_total, 40.0)
        screen = self.env["medical.patient.ledger"].with_user(accountant).with_context(
            active_model="res.partner", active_ids=self.patient.ids,
        ).create({})
        self.assertAlmostEqual(screen.closing_balance, 9.0)
        for model in ("medical.charge", "medical.payment", "medical.eob", "medical.case",
                      "medical.policy", "medical.fee.schedule"):
            for operation in ("create", "write", "unlink"):
                self.assertFalse(self.env[model].with_user(accountant).has_access(operation),
                                 f"The accountant may {operation} {model}")
        draft = self._create_charges({"product_id": self.code_exercise.id})
        with self.assertRaises(AccessError):
            draft.with_user(accountant).write({"description": "Edited"})
        with self.assertRaises(AccessError):
            self.case.with_user(accountant).write({"name": "Edited"})
        with self.assertRaises(AccessError):
            self.env["medical.charge"].with_user(accountant).create({
                "case_id": self.case.id, "product_id": self.code_adjustment.id,
            })
        # The billing menus are the accountant's, but not the configuration.
        menus = self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids()
        self.assertIn(self.env.ref("medical_billing.medical_charge_menu").id, menus)
        self.assertIn(self.env.ref("medical_billing.medical_tie_out_menu").id, menus)
        self.assertNotIn(self.env.ref("medical_billing.medical_billing_menu_config").id, menus)
