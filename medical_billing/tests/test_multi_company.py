from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestMultiCompany(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Uptown Clinic")["company"]
        cls.user_b = new_test_user(
            cls.env, login="biller_b", groups="medical_billing.group_medical_billing_biller",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )

    def test_other_company_sees_and_uses_nothing(self):
        charge = self._post_charge()
        self.assertEqual(self.patient.company_id, self.company)
        as_b = self.env(user=self.user_b)
        self.assertFalse(as_b["medical.charge"].search([]))
        self.assertFalse(as_b["medical.case"].search([]))
        self.assertFalse(as_b["medical.policy"].search([]))
        self.assertFalse(as_b["res.partner"].search([("is_patient", "=", True)]))
        with self.assertRaises(AccessError):
            as_b["medical.charge"].browse(charge.id).read(["balance"])
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            as_b["medical.case"].create({"name": "Stolen", "patient_id": self.patient.id})

    def test_each_company_has_its_own_setup_and_tie_out(self):
        self.assertTrue(self.company_b.medical_charge_journal_id)
        self.assertNotEqual(self.company_b.medical_charge_journal_id,
                            self.company.medical_charge_journal_id)
        self._post_charge()
        tie_out_b = self.assertTieOut(self.company_b)
        self.assertEqual(tie_out_b["billing_open"], 0.0)
        self.assertEqual(self.assertTieOut()["billing_open"], 79.0)

    def test_case_cannot_mix_companies(self):
        with self.assertRaises(UserError):
            self.env["medical.case"].with_company(self.company_b).create({
                "name": "Cross company", "patient_id": self.patient.id,
                "company_id": self.company_b.id,
            })
