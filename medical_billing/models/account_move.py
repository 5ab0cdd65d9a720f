from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    medical_credit_application = fields.Boolean(
        readonly=True, copy=False,
        help="Applies a patient's unapplied credit to charges; deleting the money that "
        "made the credit reverses it too.",
    )
