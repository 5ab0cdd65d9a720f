"""Patient data is protected health information: users without a billing role read none of
it (issue 14, item 4)."""
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestPatientData(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.employee = new_test_user(cls.env, login="employee", groups="base.group_user",
                                     **common)
        cls.invoicing = new_test_user(cls.env, login="invoicing",
                                      groups="account.group_account_invoice", **common)
        cls.accountant = new_test_user(cls.env, login="accountant",
                                       groups="account.group_account_readonly", **common)

    def test_users_without_a_billing_role_read_no_patient(self):
        for user in (self.employee, self.invoicing):
            partners = self.env["res.partner"].with_user(user)
            self.assertFalse(partners.search([("id", "=", self.patient.id)]))
            self.assertFalse(partners.search([("name", "ilike", "Maria Alvarez")]))
            with self.assertRaises(AccessError):
                partners.browse(self.patient.id).read(["name"])
            # The patient fields are not even readable on other contacts.
            with self.assertRaises(AccessError):
                partners.browse(self.payer_primary.id).read(["birthdate"])
            # Payers (companies) are ordinary contacts.
            self.assertEqual(partners.browse(self.payer_primary.id).read(["name"])[0]["name"],
                             "Blue Harbor Health")

    def test_billing_roles_and_accountants_read_patients(self):
        for user in (self.front_desk, self.biller, self.accountant):
            [values] = self.env["res.partner"].with_user(user).browse(self.patient.id).read(
                ["name", "birthdate", "patient_account_number"])
            self.assertEqual(values["name"], "Maria Alvarez")
            self.assertEqual(str(values["birthdate"]), "1982-04-17")

    def test_journal_labels_carry_no_case_title(self):
        self.case.name = "Major depressive disorder, recurrent"
        charge = self._post_charge()
        entry = charge.move_id
        labels = [entry.ref, *entry.line_ids.mapped("name")]
        self.assertFalse([label for label in labels if "depressive" in (label or "")])
        self.assertEqual(entry.ref, "Charges, DOS 2026-03-02")
        self.assertIn("98941", " ".join(entry.line_ids.mapped("name")))
