from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestBadInput(MedicalBillingCommon):

    def assertNothingPosted(self, moves_before):
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def test_charge_amounts_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "quantity above zero"):
            self._create_charges({"product_id": self.code_adjustment.id, "units": 0})
        with self.assertRaisesRegex(ValidationError, "negative price"):
            self._create_charges({"product_id": self.code_adjustment.id, "price_unit": -1})
        with self.assertRaisesRegex(ValidationError, "above its price list"):
            self._create_charges({"product_id": self.code_adjustment.id,
                                  "fee_price_unit": 80.0})
        with self.assertRaisesRegex(ValidationError, "not a billing code"):
            self._create_charges({"product_id": self.product_a.id})

    def test_future_date_of_service_is_refused(self):
        charge = self._create_charges({"product_id": self.code_adjustment.id,
                                       "date_service": "2026-03-11"})
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "in the future"):
            charge.action_post()
        self.assertEqual(charge.state, "draft")
        self.assertNothingPosted(moves_before)

    def test_locked_period_is_refused(self):
        self.company.fiscalyear_lock_date = "2026-02-28"
        charge = self._create_charges({"product_id": self.code_adjustment.id,
                                       "date_service": "2026-02-27"})
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "locked period"):
            charge.action_post()
        self.assertEqual(charge.state, "draft")
        self.assertNothingPosted(moves_before)

    def test_diagnosis_mapping_is_checked(self):
        with self.assertRaisesRegex(ValidationError, "at most 4"):
            self._create_charges({"product_id": self.code_adjustment.id,
                                  "diagnosis_ids": [Command.set(self.case.diagnosis_ids.ids)]})
        other_case = self.case.copy({"diagnosis_ids": [
            Command.create({"diagnosis_code_id": self.diagnoses[0].id}),
        ]})
        with self.assertRaisesRegex(ValidationError, "diagnoses of its case"):
            self._create_charges({"product_id": self.code_adjustment.id,
                                  "diagnosis_ids": [Command.set(other_case.diagnosis_ids.ids)]})
        charge = self._create_charges({"product_id": self.code_adjustment.id})
        self.assertEqual(len(charge.diagnosis_ids), 4, "Defaults to the first four of the case")
        self.assertEqual(charge.diagnosis_ids.mapped("pointer"), ["A", "B", "C", "D"])

    def test_case_rules(self):
        codes = self.env["medical.diagnosis.code"].create([
            {"code": f"S13.{n}", "name": f"Sprain {n}"} for n in range(13)
        ])
        with self.assertRaisesRegex(ValidationError, "at most 12"):
            self.env["medical.case"].create({
                "name": "Too many", "patient_id": self.patient.id,
                "diagnosis_ids": [Command.create({"diagnosis_code_id": c.id}) for c in codes],
            })
        with self.assertRaisesRegex(ValidationError, "skips a rank"):
            self.env["medical.case"].create({
                "name": "Gap", "patient_id": self.patient.id,
                "secondary_policy_id": self.policy_secondary.id,
            })
        other_patient = self.env["res.partner"].create({"name": "Other", "is_patient": True})
        with self.assertRaisesRegex(ValidationError, "policies of its patient"):
            self.env["medical.case"].create({
                "name": "Wrong policy", "patient_id": other_patient.id,
                "primary_policy_id": self.policy_primary.id,
            })

    def test_codes_and_identifiers_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "not an ICD-10 code"):
            self.env["medical.diagnosis.code"].create({"code": "12345", "name": "Bad"})
        with self.assertRaisesRegex(ValidationError, "check digit"):
            self.env["medical.provider"].create({"name": "Dr. Typo", "npi": "1234567890"})
        provider = self.env["medical.provider"].create({"name": "Dr. Ok", "npi": "1234567893"})
        self.assertEqual(provider.display_name, "Dr. Ok (1234567893)")
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self._create_policy(self.payer_primary, coinsurance_percent=120)
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            self._create_policy(self.payer_primary, date_end="2025-12-31")

    def test_posted_charge_is_frozen(self):
        charge = self._post_charge()
        with self.assertRaisesRegex(UserError, "Reverse the charge"):
            charge.units = 2
        with self.assertRaisesRegex(UserError, "Only draft records can be deleted"):
            charge.unlink()
        with self.assertRaisesRegex(UserError, "already posted"):
            charge.action_post()
        charge.note = "Notes and billing holds stay editable"
        charge.hold_claim = True
        self.assertTrue(charge.hold_claim)
        draft = self._create_charges({"product_id": self.code_adjustment.id})
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_company_without_chart_gets_a_clear_error(self):
        company = self.env["res.company"].create({"name": "No Chart Clinic"})
        self.assertFalse(company.medical_charge_journal_id)
        with self.assertRaisesRegex(UserError, "not set up for medical billing"):
            company._medical_check_setup()
