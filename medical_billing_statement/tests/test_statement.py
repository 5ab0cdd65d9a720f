from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import StatementCommon


@tagged("post_install", "-at_install")
class TestStatement(StatementCommon):

    def setUp(self):
        super().setUp()
        self.ana, self.ana_case = self._self_pay_patient("Ana Reyes")
        # One charge in each aging bucket on 2026-06-30: 10, 46, 81, 112 and 161 days old.
        self.ana_charges = self._post_charges(
            self.ana_case, "2026-06-20", "2026-05-15", "2026-04-10", "2026-03-10",
            "2026-01-20")

    def test_statement_figures_are_the_ledger(self):
        self._post_payment_dialog(patient=self.ana, amount=50.0, method="cash",
                                  date="2026-06-25")
        run = self._run()
        statement = run.statement_ids
        self.assertEqual(len(statement), 1)
        # The amount due is the patient's open receivable items, journal item by item.
        items = self._patient_items(self.ana)
        self.assertAlmostEqual(statement.amount_due, sum(items.mapped("amount_residual")))
        self.assertAlmostEqual(statement.amount_due, 5 * 79.0 - 50.0)
        # The payment went to the oldest charge: 29.00 of it is left, over 120 days.
        self.assertAlmostEqual(statement.aging_over_120, 29.0)
        self.assertAlmostEqual(statement.aging_91_120, 79.0)
        self.assertAlmostEqual(statement.aging_61_90, 79.0)
        self.assertAlmostEqual(statement.aging_31_60, 79.0)
        self.assertAlmostEqual(statement.aging_current, 79.0)
        self.assertEqual(statement.oldest_days, 161)
        self.assertEqual(statement.partner_id, self.ana)
        self.assertEqual(statement.account_number, self.ana.patient_account_number)
        self.assertEqual(statement.date_due, fields.Date.to_date("2026-07-15"))
        self.assertEqual(statement.date_from, fields.Date.to_date("2026-01-20"))
        self.assertEqual(statement.amount_insurance, 0.0)
        self.assertTieOut()

    def test_document_lists_activity_open_items_and_stub(self):
        self._post_payment_dialog(patient=self.ana, amount=50.0, method="cash",
                                  date="2026-06-25")
        statement = self._run().statement_ids
        self.assertTrue(statement.attachment_id, "The statement's document is kept.")
        page = statement.attachment_id.raw.decode()
        for text in ("Activity since", "Patient payment (Cash)", "Amount enclosed",
                     "Send your payment to", statement.name, self.ana.patient_account_number,
                     "Over 120 days: pay now."):
            self.assertIn(text, page)
        self.assertEqual(page.count("Spinal adjustment"), 5 + 5,
                         "Each charge shows in the activity and in what is owed.")

    def test_insurance_pending_is_shown_apart(self):
        charge = self._post_charge(date_service="2026-06-01")
        statement = self._run().statement_ids.filtered(
            lambda statement: statement.partner_id == self.patient)
        payer_due = sum(self._receivable_lines(charge).filtered(
            lambda item: item.medical_party_role != "patient").mapped("amount_residual"))
        self.assertAlmostEqual(statement.amount_insurance, payer_due)
        self.assertAlmostEqual(statement.amount_due, 30.0, msg="The copay only.")
        self.assertIn("Pending with insurance", statement.attachment_id.raw.decode())

    def test_held_charges_are_left_out(self):
        self._post_charges(self.ana_case, "2026-06-22", product=self.code_exercise,
                                  hold_statement=True)
        statement = self._run().statement_ids
        self.assertAlmostEqual(statement.amount_due, 5 * 79.0)
        self.assertAlmostEqual(statement.amount_due, sum(
            self._patient_items(self.ana).mapped("amount_residual")))
        self.assertAlmostEqual(sum(self._patient_items(self.ana, held=True).mapped(
            "amount_residual")), 5 * 79.0 + 100.0)
        self.assertNotIn("Exercise", statement.attachment_id.raw.decode())

    def test_guarantor_gets_one_statement_for_the_patients(self):
        guarantor = self.env["res.partner"].create({"name": "Luis Reyes"})
        self.ana.guarantor_id = guarantor
        child, child_case = self._self_pay_patient("Sofia Reyes", guarantor_id=guarantor.id)
        self._post_charges(child_case, "2026-06-10", product=self.code_exercise)
        statement = self._run().statement_ids
        self.assertEqual(statement.partner_id, guarantor)
        self.assertEqual(statement.patient_ids, self.ana | child)
        self.assertAlmostEqual(statement.amount_due, sum(
            self._patient_items(self.ana | child).mapped("amount_residual")))
        self.assertAlmostEqual(statement.amount_due, 5 * 79.0 + 100.0)
        page = statement.attachment_id.raw.decode()
        self.assertIn("Sofia Reyes", page)
        self.assertIn("Ana Reyes", page)

    def test_dunning_level_follows_the_oldest_balance(self):
        expected = [("2026-02-10", False), ("2026-02-25", "30 days"),
                    ("2026-03-28", "60 days"), ("2026-04-27", "90 days"),
                    ("2026-05-25", "120 days")]
        patient, case = self._self_pay_patient("Dunning Test")
        self._post_charges(case, "2026-01-20")
        for date, level in expected:
            statement = self._run(date=date, interval_days=0).statement_ids.filtered(
                lambda statement: statement.partner_id == patient)
            self.assertEqual(statement.dunning_level_id.name or False, level, date)
            self.assertEqual(statement.is_last_level, level == "120 days", date)
            if level:
                self.assertEqual(statement.dunning_message, f"Over {level}: pay now.")

    def test_collections_takes_the_account_off_runs(self):
        statement = self._run().statement_ids
        self.assertTrue(statement.is_last_level)
        action = statement.with_user(self.billing_manager).action_send_to_collections()
        with Form(self.env[action["res_model"]].with_user(self.billing_manager)
                  .with_context(**action["context"])) as wizard:
            wizard.reason = "No answer to the final notice"
        wizard.record.action_confirm()
        self.assertTrue(self.ana.medical_in_collections)
        self.assertEqual(self.ana.medical_collections_reason, "No answer to the final notice")
        self.assertTrue(statement.in_collections)
        with self.assertRaisesRegex(UserError, "No account gets a statement"):
            self._run(date="2026-09-30")
        self.ana.action_medical_leave_collections()
        self.assertTrue(self._run(date="2026-09-30").statement_ids)

    def test_collections_need_a_reason_and_a_manager(self):
        with self.assertRaisesRegex(UserError, "Say why"):
            self.ana._medical_send_to_collections("  ")
        with self.assertRaisesRegex(AccessError, "Billing Manager"):
            self.ana.with_user(self.biller)._medical_send_to_collections("Bad debt")
        self.assertFalse(self.ana.medical_in_collections)

    def test_run_skips_small_recent_and_settled_accounts(self):
        small, small_case = self._self_pay_patient("Small Balance")
        self._post_charges(small_case, "2026-06-01")
        self._post_payment_dialog(patient=small, amount=77.5, method="cash",
                                  date="2026-06-02")
        paid, paid_case = self._self_pay_patient("Paid Up")
        self._post_charges(paid_case, "2026-06-01")
        self._post_payment_dialog(patient=paid, amount=79.0, method="cash", date="2026-06-02")
        run = self._run()
        self.assertEqual(run.statement_ids.partner_id, self.ana,
                         "1.50 owed is under the 5.00 minimum; nothing owed, no statement.")
        # A statement 20 days ago: none again before 30 days.
        with self.assertRaisesRegex(UserError, "No account gets a statement"):
            self._run(date="2026-07-20")
        self.assertTrue(self._run(date="2026-07-31").statement_ids)

    def test_run_for_one_clinic(self):
        clinic = self.env["medical.clinic"].create({
            "name": "North Clinic",
            "partner_id": self.env["res.partner"].create({"name": "North Clinic"}).id})
        self.ana_charges[0].treating_clinic_id = clinic
        statement = self._run(clinic_id=clinic.id).statement_ids
        self.assertAlmostEqual(statement.amount_due, 79.0)
        self.assertEqual(statement.clinic_id, clinic)

    def test_preview_records_nothing(self):
        self._by_email(self.ana)
        with Form(self.env["medical.statement.run"]) as run_form:
            run_form.date = self.statement_date
            run_form.min_amount = 100.0
        run = run_form.record
        mails_before = self.env["mail.mail"].search_count([])
        run.action_preview()
        self.assertEqual(run.line_ids.partner_id, self.ana)
        self.assertAlmostEqual(run.amount_total, 5 * 79.0)
        self.assertEqual(run.line_ids.delivery, "email")
        self.assertEqual(run.line_ids.dunning_level_id.days, 120)
        self.assertFalse(self.env["medical.statement"].search(
            [("partner_id", "=", self.ana.id)]))
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        run.action_record()
        self.assertEqual(run.state, "done")
        self.assertFalse(run.line_ids)
        self.assertEqual(run.statement_count, 1)

    def test_email_is_queued_with_the_document_and_paper_gathered(self):
        self._by_email(self.ana, "ana@example.com")
        paper, paper_case = self._self_pay_patient("Paper Only", email="paper@example.com",
                                                   medical_statement_by_email=False)
        self._post_charges(paper_case, "2026-06-01")
        run = self._run()
        emailed = run.statement_ids.filtered(lambda statement: statement.delivery == "email")
        printed = run.statement_ids - emailed
        self.assertEqual(emailed.partner_id, self.ana)
        self.assertEqual(printed.partner_id, paper)
        mail = self.env["mail.mail"].search([("model", "=", "medical.statement"),
                                             ("res_id", "=", emailed.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.ana)
        self.assertIn(emailed.access_token, mail.body_html)
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertIn(emailed.name, mail.attachment_ids.raw.decode())
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "medical.statement"),
                                                       ("res_id", "=", printed.id)]))
        self.assertTrue(run.print_attachment_id)
        self.assertIn(printed.name, run.print_attachment_id.raw.decode())
        self.assertNotIn(emailed.name, run.print_attachment_id.raw.decode())

    def test_statement_is_kept_as_sent(self):
        statement = self._run().statement_ids
        document = statement.attachment_id
        kept = document.raw
        self._post_payment_dialog(patient=self.ana, amount=79.0, method="cash")
        self.assertEqual(statement.attachment_id, document)
        self.assertEqual(statement.attachment_id.raw, kept)
        self.assertAlmostEqual(statement.amount_due, 5 * 79.0)
        with self.assertRaisesRegex(UserError, "kept as it was sent"):
            statement.amount_due = 0.0
        with self.assertRaises(UserError):
            statement.unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            statement.sudo().unlink()
        with self.assertRaisesRegex(UserError, "already recorded"):
            statement.run_id.action_record()

    def test_roles(self):
        statement = self._run().statement_ids
        self.assertTrue(statement.with_user(self.front_desk).amount_due)
        with self.assertRaises(UserError):
            self.env["medical.statement.run"].with_user(self.front_desk).create(
                {"date": self.statement_date}).action_record()
        plain_user = self.env["res.users"].create({
            "name": "No Billing", "login": "no_billing",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        with self.assertRaises(UserError):
            statement.with_user(plain_user).read(["amount_due"])

    def test_new_company_gets_the_dunning_levels(self):
        Level = self.env["medical.dunning.level"].sudo()
        main_levels = Level.search([("company_id", "=", self.env.ref("base.main_company").id)])
        self.assertTrue(main_levels)
        company = self.env["res.company"].create({"name": "Second Clinic Inc."})
        levels = Level.search([("company_id", "=", company.id)])
        self.assertEqual(levels.mapped("days"), main_levels.mapped("days"))
        self.assertEqual(levels.mapped("message"), main_levels.mapped("message"))

    def test_settings_screen_sets_the_run_defaults(self):
        with Form(self.env["medical.billing.settings"].with_user(self.billing_manager)) \
                as settings:
            settings.medical_statement_min_amount = 25.0
            settings.medical_statement_interval_days = 60
            settings.medical_statement_due_days = 20
        settings.record.action_save()
        self.assertEqual(self.company.medical_statement_min_amount, 25.0)
        with Form(self.env["medical.statement.run"].with_user(self.biller)) as run_form:
            self.assertEqual(run_form.min_amount, 25.0)
            self.assertEqual(run_form.interval_days, 60)
            run_form.date = self.statement_date
        run_form.record.action_record()
        self.assertEqual(run_form.record.statement_ids.date_due,
                         fields.Date.to_date("2026-07-20"))

    def test_scheduled_run(self):
        self.company.medical_statement_auto = True
        runs_before = self.env["medical.statement.run"].search([])
        self.env["medical.statement.run"]._cron_record_runs()
        run = self.env["medical.statement.run"].search([]) - runs_before
        self.assertEqual(run.state, "done")
        self.assertIn(self.ana, run.statement_ids.partner_id)
