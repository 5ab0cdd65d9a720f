from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    medical_edi_submitter_name = fields.Char(
        related="company_id.medical_edi_submitter_name", readonly=False)
    medical_edi_submitter_id = fields.Char(
        related="company_id.medical_edi_submitter_id", readonly=False)
    medical_edi_contact_name = fields.Char(
        related="company_id.medical_edi_contact_name", readonly=False)
    medical_edi_contact_phone = fields.Char(
        related="company_id.medical_edi_contact_phone", readonly=False)
    medical_edi_contact_email = fields.Char(
        related="company_id.medical_edi_contact_email", readonly=False)
    medical_edi_receiver_name = fields.Char(
        related="company_id.medical_edi_receiver_name", readonly=False)
    medical_edi_receiver_id = fields.Char(
        related="company_id.medical_edi_receiver_id", readonly=False)
    medical_edi_isa_sender_qualifier = fields.Selection(
        related="company_id.medical_edi_isa_sender_qualifier", readonly=False)
    medical_edi_isa_sender_id = fields.Char(
        related="company_id.medical_edi_isa_sender_id", readonly=False)
    medical_edi_isa_receiver_qualifier = fields.Selection(
        related="company_id.medical_edi_isa_receiver_qualifier", readonly=False)
    medical_edi_isa_receiver_id = fields.Char(
        related="company_id.medical_edi_isa_receiver_id", readonly=False)
    medical_edi_gs_sender_code = fields.Char(
        related="company_id.medical_edi_gs_sender_code", readonly=False)
    medical_edi_gs_receiver_code = fields.Char(
        related="company_id.medical_edi_gs_receiver_code", readonly=False)
    medical_edi_usage = fields.Selection(related="company_id.medical_edi_usage", readonly=False)
