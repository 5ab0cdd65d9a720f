from odoo import fields, models


class MedicalClinic(models.Model):
    _name = "medical.clinic"
    _description = "Clinic"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        "res.partner", string="Address", required=True, check_company=True,
        help="The clinic's address, as printed on claims and statements.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )
    place_of_service = fields.Char(
        default="11", size=2, help="Place of service code billed on claims (11 = office).",
    )
