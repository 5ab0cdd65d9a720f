from odoo import fields, models

from .medical_claim_batch import PAPER_LAYOUTS


class ResCompany(models.Model):
    _inherit = "res.company"

    medical_claim_paper_layout = fields.Selection(
        PAPER_LAYOUTS, string="Paper Claim Layout", default="plain", required=True,
        help="How paper claims print: the whole CMS-1500 drawn on plain paper, or only the "
        "data, placed for pre-printed red forms.",
    )
