from odoo import Command
from odoo.addons.medical_billing.tests.common import MedicalBillingCommon


class MedicalClaimCommon(MedicalBillingCommon):
    """The billing fixtures, with what a claim needs: a billing provider (NPI, tax id,
    address), a rendering provider, a clinic, a payer billed on paper and one billed
    electronically, and a patient address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({
            "street": "123 Main St", "city": "Springfield", "zip": "62701",
            "state_id": cls.env.ref("base.state_us_14").id, "country_id": cls.env.ref("base.us").id,
            "phone": "217-555-0100",
        })
        cls.clinic = cls.env["medical.clinic"].create({
            "name": "Main Street Clinic", "partner_id": cls.company.partner_id.id,
            "place_of_service": "11",
        })
        cls.billing_provider = cls.env["medical.provider"].create({
            "name": "Healthy Spine Clinic", "npi": "1245319599", "tax_id": "371234567",
            "taxonomy_code": "111N00000X", "is_billing": True, "is_treating": False,
            "partner_id": cls.company.partner_id.id,
        })
        cls.provider = cls.env["medical.provider"].create({
            "name": "Jane Smith", "npi": "1234567893", "taxonomy_code": "111N00000X",
            "is_treating": True,
        })
        cls.patient.write({
            "street": "9 Elm St", "city": "Springfield", "zip": "62702", "sex": "female",
            "state_id": cls.env.ref("base.state_us_14").id, "country_id": cls.env.ref("base.us").id,
        })
        cls.payer_primary.write({
            "payer_submission": "electronic", "street": "100 Insurance Way",
            "city": "Hartford", "zip": "06101", "state_id": cls.env.ref("base.state_us_7").id,
        })
        cls.payer_secondary.write({"payer_submission": "paper"})
        cls.policy_primary.copay_amount = 0.0

    def _billable_charge(self, product=None, date="2026-03-02", case=None, **values):
        """A posted charge with everything a claim needs."""
        charge = self._create_charges({
            "product_id": (product or self.code_adjustment).id, "date_service": date,
            "billing_provider_id": self.billing_provider.id,
            "treating_provider_id": self.provider.id, "treating_clinic_id": self.clinic.id,
            **values,
        }, case=case)
        charge.action_post()
        return charge

    @classmethod
    def _modifier(cls, code, name):
        """The modifier of ``code`` (codes are unique: demo data may have it already)."""
        Modifier = cls.env["medical.modifier"]
        return Modifier.search([("code", "=", code)], limit=1) \
            or Modifier.create({"code": code, "name": name})

    def _claims_for(self, charges, user=None, **wizard_values):
        """Claims made by the Create Claims dialog opened on ``charges`` (its button)."""
        wizard = self.env["medical.claim.create"].with_user(user or self.env.user).with_context(
            active_model="medical.charge", active_ids=charges.ids,
        ).create(wizard_values)
        action = wizard.action_create_claims()
        return self.env["medical.claim"].search(action["domain"]) if action.get("domain") \
            else self.env["medical.claim"].browse(action["res_id"])

    def _eob(self, charge, paid, adjustments, payer=None, date="2026-03-09"):
        return self.env["medical.eob"].create({
            "payer_id": (payer or self.payer_primary).id,
            "reference": f"CHK-{charge.id}",
            "date": date,
            "amount_total": paid,
            "line_ids": [Command.create({
                "charge_id": charge.id,
                "paid": paid,
                "adjustment_ids": [
                    Command.create({"group_code": group, "reason_code": reason, "amount": amount})
                    for group, reason, amount in adjustments
                ],
            })],
        })
