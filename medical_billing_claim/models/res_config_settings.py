from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    medical_claim_paper_layout = fields.Selection(
        related="company_id.medical_claim_paper_layout", readonly=False,
    )
