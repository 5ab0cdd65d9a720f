from odoo import fields
from odoo.addons.medical_billing.tests.common import MedicalBillingCommon


class StatementCommon(MedicalBillingCommon):
    """Self-pay patients with charges of known ages, on a statement date of 2026-06-30."""

    statement_date = fields.Date.to_date("2026-06-30")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("medical_billing.group_medical_billing_biller")
        # Only the levels of this test's company count, whatever the database holds.
        cls.env["medical.dunning.level"].search([("company_id", "=", cls.company.id)]).unlink()
        cls.levels = cls.env["medical.dunning.level"].create([
            {"name": f"{days} days", "days": days, "message": f"Over {days} days: pay now.",
             "company_id": cls.company.id}
            for days in (30, 60, 90, 120)
        ])
        cls.company.partner_id.write({"street": "250 Main Street", "city": "Springfield",
                                      "zip": "62701"})
        cls.company.write({"medical_statement_min_amount": 5.0,
                           "medical_statement_interval_days": 30,
                           "medical_statement_due_days": 15,
                           "medical_statement_link_days": 90})

    def _self_pay_patient(self, name, **values):
        patient = self.env["res.partner"].create({"name": name, "is_patient": True, **values})
        case = self.env["medical.case"].create({
            "name": f"Care of {name}", "patient_id": patient.id, "date_start": "2026-01-01",
        })
        return patient, case

    def _post_charges(self, case, *dates, product=None, **values):
        charges = self._create_charges(*[
            {"product_id": (product or self.code_adjustment).id, "date_service": date,
             **values} for date in dates
        ], case=case)
        charges.action_post()
        return charges

    def _run(self, date=None, **values):
        run = self.env["medical.statement.run"].create({
            "date": date or self.statement_date, **values})
        run.action_record()
        return run

    def _patient_items(self, patients, held=False):
        """The open patient receivable items of ``patients``, straight from the ledger."""
        items = self.env["account.move.line"].search([
            ("partner_id", "in", patients.ids), ("medical_party_role", "=", "patient"),
            ("parent_state", "=", "posted"), ("reconciled", "=", False),
        ])
        return items.filtered(lambda item: held or not item.medical_charge_id.hold_statement)

    @staticmethod
    def _by_email(partner, email="payer@example.com"):
        partner.write({"email": email, "medical_statement_by_email": True})
        return partner
