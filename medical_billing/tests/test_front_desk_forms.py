"""The front desk's day through the screens: every path goes through odoo.tests.Form, which
runs the same onchanges as the web client and sends only what the view shows."""
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-20")
@tagged("post_install", "-at_install")
class TestFrontDeskForms(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["medical.provider"].create({
            "name": "Dr. Lee", "npi": "1234567893", "is_treating": True, "is_billing": True,
        })

    def _items(self, charges, account):
        return charges.ledger_line_ids.filtered(lambda line: line.account_id == account)

    def test_charges_entered_on_a_case_post_at_the_fee_schedule(self):
        self.case.fee_schedule_id = self.fee_schedule
        charges = self._enter_visit(self.case, [self.code_adjustment, self.code_exercise])
        adjustment, exercise = charges.sorted(lambda c: c.product_id != self.code_adjustment)
        # 98941 is not on the schedule: the price list applies; 97110 is, at 80.00.
        self.assertRecordValues(adjustment | exercise, [
            {"price_unit": 79.0, "fee_price_unit": 79.0, "amount_fee_total": 79.0,
             "amount_fee_write_off": 0.0},
            {"price_unit": 100.0, "fee_price_unit": 80.0, "amount_fee_total": 80.0,
             "amount_fee_write_off": 20.0},
        ])
        self.assertEqual(self.case.draft_charge_count, 2)
        self.case.action_post_charges()
        self.assertEqual(set(charges.mapped("state")), {"posted"})
        self.assertEqual(self.case.draft_charge_count, 0)
        receivables = self._items(charges, self.accounts["patient"]) \
            | self._items(charges, self.accounts["payer"])
        self.assertAlmostEqual(sum(receivables.mapped("balance")), 159.0)
        self.assertAlmostEqual(sum(self._items(charges, self.accounts["fee_schedule"])
                                   .mapped("balance")), 20.0)
        self.assertAlmostEqual(sum(self._items(charges, self.accounts["revenue"])
                                   .mapped("balance")), -179.0)
        # Copay 30.00 to the patient, the rest to the primary payer.
        self.assertAlmostEqual(sum(charges.mapped("patient_due")), 30.0)
        self.assertAlmostEqual(sum(charges.mapped("primary_due")), 129.0)
        self.assertTieOut()

    def test_new_patient_without_fee_schedule_or_policy_owes_the_price_list(self):
        with Form(self.env["res.partner"]) as patient_form:
            patient_form.name = "Noah Brandt"
            patient_form.is_patient = True
        patient = patient_form.record
        with Form(self.env["medical.case"]) as case_form:
            case_form.name = "Neck pain"
            case_form.patient_id = patient
            case_form.date_start = "2026-03-01"
        case = case_form.record
        charges = self._enter_visit(case, [self.code_adjustment, self.code_exercise])
        self.assertEqual(charges.mapped("fee_price_unit"), charges.mapped("price_unit"))
        # Self-pay is said before posting (on the charge) and when posting (to the user).
        self.assertIn("no policy", Form(charges[0]).coverage_warning)
        notification = patient.action_post_medical_charges()
        self.assertEqual(notification["params"]["type"], "warning")
        self.assertIn("no policy", notification["params"]["message"])
        self.assertIn("Billed to the patient in full", charges[0].coverage_warning)
        self.assertFalse(self._items(charges, self.accounts["fee_schedule"]))
        self.assertRecordValues(self._items(charges, self.accounts["patient"]).sorted("balance"), [
            {"partner_id": patient.id, "balance": 79.0, "amount_residual": 79.0},
            {"partner_id": patient.id, "balance": 100.0, "amount_residual": 100.0},
        ])
        self.assertAlmostEqual(patient.medical_balance, 179.0)
        self.assertEqual(case.balance, 179.0)
        with self.assertRaisesRegex(UserError, "no draft charge"):
            patient.action_post_medical_charges()

    def test_new_charge_from_the_charges_menu(self):
        """Billing > Charges > New: the form opens with no case (no company, no currency)
        yet, and prices itself once a case and a code are chosen."""
        self.case.fee_schedule_id = self.fee_schedule
        charge_form = Form(self.env["medical.charge"])
        self.assertEqual(charge_form.balance, 0.0)
        charge_form.case_id = self.case
        charge_form.date_service = "2026-03-18"
        charge_form.product_id = self.code_exercise
        charge = charge_form.save()
        self.assertRecordValues(charge, [{"fee_price_unit": 80.0, "amount_fee_total": 80.0}])
        charge.action_post()
        self.assertAlmostEqual(charge.balance, 80.0)

    def test_draft_rows_delete_posted_rows_do_not(self):
        charges = self._enter_visit(self.case, [self.code_adjustment, self.code_exercise])
        charges[0].action_post()
        charges[1].action_delete_draft()
        self.assertFalse(charges[1].exists())
        with self.assertRaisesRegex(UserError, "Reverse the charge"):
            charges[0].action_delete_draft()
        # The case's Charges tab offers no trash icon, and deletes draft rows with a button.
        arch = self.env["medical.case"].get_view(view_type="form")["arch"]
        self.assertIn('delete="0"', arch)
        self.assertIn('name="action_delete_draft"', arch)

    def test_plus_marks_eobs_modifiers_and_write_offs_and_opens_them(self):
        plain, modified, written_off = self._enter_visit(
            self.case, [self.code_adjustment] * 3)
        modified.modifier1_id = self.env["medical.modifier"].create(
            {"code": "76", "name": "Repeat procedure, same physician"})
        (plain | modified | written_off).action_post()
        written_off._write_off("primary", 5.0, self.reason_contractual)
        self.assertRecordValues(plain | modified | written_off, [
            {"has_details": False, "details_summary": ""},
            {"has_details": True, "details_summary": "Modifier 76"},
            {"has_details": True,
             "details_summary": f"Write-off {self.currency.format(5.0)}"},
        ])
        eob = self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": "CHK-9", "date": "2026-03-19",
            "amount_total": 20.0,
            "line_ids": [(0, 0, {"charge_id": plain.id, "paid": 20.0})],
        })
        eob.action_post()
        plain.invalidate_recordset(["has_details", "details_summary"])
        self.assertEqual(plain.details_summary, "EOB")
        self.assertEqual(plain.action_open_details()["res_id"], eob.id)
        self.assertEqual(modified.action_open_details()["res_id"], modified.id)

    def test_grouped_charges_total_what_each_party_owes(self):
        charges = self._enter_visit(self.case, [self.code_adjustment, self.code_exercise])
        charges.action_post()
        charges[0]._write_off("patient", 5.0, self.reason_contractual)
        # The list's group-by, as the web client asks for it.
        groups = self.env["medical.charge"].web_read_group(
            [("case_id", "=", self.case.id)],
            ["patient_due:sum", "primary_due:sum", "balance:sum", "total_write_off:sum",
             "patient_write_off:sum"],
            ["patient_id"],
        )["groups"]
        [group] = groups
        self.assertAlmostEqual(group["patient_due"], sum(charges.mapped("patient_due")))
        self.assertAlmostEqual(group["patient_due"], 25.0)
        self.assertAlmostEqual(group["primary_due"], sum(charges.mapped("primary_due")))
        self.assertAlmostEqual(group["balance"], 174.0)
        self.assertAlmostEqual(group["patient_write_off"], 5.0)
        self.assertAlmostEqual(group["total_write_off"], 5.0)
        fields_info = self.env["medical.charge"].fields_get(["patient_due", "balance"],
                                                             ["aggregator"])
        self.assertEqual(fields_info["patient_due"]["aggregator"], "sum")
        self.assertEqual(fields_info["balance"]["aggregator"], "sum")
        # Receivable items of the patient's charges, for the same figures.
        open_items = charges.ledger_line_ids.filtered("medical_party_role")
        self.assertAlmostEqual(sum(open_items.mapped("amount_residual")), 174.0)

    def test_todays_open_charges_are_current(self):
        [charge] = self._enter_visit(self.case, [self.code_adjustment], date="2026-03-20")
        charge.action_post()
        self.assertRecordValues(charge, [{"aging_bucket": "current", "aging_color": 10,
                                          "days_past_due": 0}])

    def test_screens_read_their_currency_without_the_company_field(self):
        """The ledger and tie-out screens show amounts with their currency for a user who
        does not see the company field (single company): the currency comes from it."""
        self.assertFalse(self.front_desk.has_group("base.group_multi_company"))
        ledger = Form(self.env["medical.patient.ledger"].with_user(self.front_desk)
                      .with_context(active_model="res.partner", active_ids=self.patient.ids))
        self.assertEqual(ledger.currency_id, self.currency)
        accountant = self.env.user.copy({"login": "single_company_manager",
                                         "company_ids": [(6, 0, self.company.ids)]})
        accountant.groups_id -= self.env.ref("base.group_multi_company")
        tie_out = Form(self.env["medical.tie.out"].with_user(accountant))
        self.assertEqual(tie_out.currency_id, self.currency)

    def test_clinic_can_refuse_charges_no_policy_covers(self):
        with Form(self.env["medical.billing.settings"].with_user(self.billing_manager)) as form:
            form.medical_uncovered_charges = "refuse"
        form.record.action_save()
        self.assertEqual(self.company.medical_uncovered_charges, "refuse")
        self.case.write({"secondary_policy_id": False, "primary_policy_id": False})
        [charge] = self._enter_visit(self.case, [self.code_adjustment])
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "settings refuse"):
            self.case.with_user(self.front_desk).action_post_charges()
        self.assertEqual(charge.state, "draft")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
