from odoo import api, models
from odoo.addons.medical_billing.wizards.medical_billing_settings import setting_field

from ..models.res_company import ResCompany


class MedicalBillingSettings(models.TransientModel):
    _inherit = "medical.billing.settings"

    medical_claim_paper_layout = setting_field(ResCompany.medical_claim_paper_layout)

    @api.model
    def _settings_fields(self):
        return [*super()._settings_fields(), "medical_claim_paper_layout"]
