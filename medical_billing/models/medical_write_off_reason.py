from odoo import fields, models


class MedicalWriteOffReason(models.Model):
    _name = "medical.write.off.reason"
    _description = "Write-off Reason"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one(
        "account.account", company_dependent=True,
        domain="[('account_type', 'in', ('income', 'income_other', 'expense'))]",
        help="Where write-offs of this reason are booked; empty, the company's default "
        "write-off account.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A write-off reason code must be unique."),
    ]
