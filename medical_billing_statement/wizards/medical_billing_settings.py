from odoo import api, fields, models
from odoo.addons.medical_billing.wizards.medical_billing_settings import setting_field

from ..models.res_company import ResCompany

STATEMENT_SETTINGS = [
    "medical_statement_min_amount", "medical_statement_interval_days",
    "medical_statement_due_days", "medical_statement_link_days", "medical_statement_auto",
]


class MedicalBillingSettings(models.TransientModel):
    _inherit = "medical.billing.settings"

    currency_id = fields.Many2one(related="company_id.currency_id")
    medical_statement_min_amount = setting_field(ResCompany.medical_statement_min_amount)
    medical_statement_interval_days = setting_field(ResCompany.medical_statement_interval_days)
    medical_statement_due_days = setting_field(ResCompany.medical_statement_due_days)
    medical_statement_link_days = setting_field(ResCompany.medical_statement_link_days)
    medical_statement_auto = setting_field(ResCompany.medical_statement_auto)

    @api.model
    def _settings_fields(self):
        return [*super()._settings_fields(), *STATEMENT_SETTINGS]
