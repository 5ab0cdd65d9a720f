from odoo import api, models
from odoo.addons.medical_billing.wizards.medical_billing_settings import setting_field

from ..models.res_company import ResCompany

EDI_SETTINGS = [
    "medical_edi_submitter_name", "medical_edi_submitter_id", "medical_edi_contact_name",
    "medical_edi_contact_phone", "medical_edi_contact_email", "medical_edi_receiver_name",
    "medical_edi_receiver_id", "medical_edi_usage", "medical_edi_isa_sender_qualifier",
    "medical_edi_isa_sender_id", "medical_edi_isa_receiver_qualifier",
    "medical_edi_isa_receiver_id", "medical_edi_gs_sender_code", "medical_edi_gs_receiver_code",
]


class MedicalBillingSettings(models.TransientModel):
    """The clearinghouse enrollment of the company, kept by the Billing Manager."""

    _inherit = "medical.billing.settings"

    medical_edi_submitter_name = setting_field(ResCompany.medical_edi_submitter_name)
    medical_edi_submitter_id = setting_field(ResCompany.medical_edi_submitter_id)
    medical_edi_contact_name = setting_field(ResCompany.medical_edi_contact_name)
    medical_edi_contact_phone = setting_field(ResCompany.medical_edi_contact_phone)
    medical_edi_contact_email = setting_field(ResCompany.medical_edi_contact_email)
    medical_edi_receiver_name = setting_field(ResCompany.medical_edi_receiver_name)
    medical_edi_receiver_id = setting_field(ResCompany.medical_edi_receiver_id)
    medical_edi_usage = setting_field(ResCompany.medical_edi_usage)
    medical_edi_isa_sender_qualifier = setting_field(ResCompany.medical_edi_isa_sender_qualifier)
    medical_edi_isa_sender_id = setting_field(ResCompany.medical_edi_isa_sender_id)
    medical_edi_isa_receiver_qualifier = setting_field(
        ResCompany.medical_edi_isa_receiver_qualifier)
    medical_edi_isa_receiver_id = setting_field(ResCompany.medical_edi_isa_receiver_id)
    medical_edi_gs_sender_code = setting_field(ResCompany.medical_edi_gs_sender_code)
    medical_edi_gs_receiver_code = setting_field(ResCompany.medical_edi_gs_receiver_code)

    @api.model
    def _settings_fields(self):
        return [*super()._settings_fields(), *EDI_SETTINGS]
