from odoo import fields, models

from .account_move_line import ADJUSTMENT_GROUPS


class MedicalEobAdjustment(models.Model):
    _name = "medical.eob.adjustment"
    _inherit = ["medical.posted.guard.mixin"]
    _medical_protected_fields = frozenset()
    _description = "EOB Adjustment"
    _order = "line_id, id"

    line_id = fields.Many2one("medical.eob.line", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
    group_code = fields.Selection(ADJUSTMENT_GROUPS, string="Group", required=True,
                                  default="CO")
    reason_code = fields.Char(
        string="Reason", required=True, help="Claim adjustment reason code, e.g. 45, 1, 2, 3.",
    )
    amount = fields.Monetary(required=True)

    def _medical_is_frozen(self):
        self.ensure_one()
        return self.line_id.eob_id.state != "draft"

    def _medical_frozen_hint(self):
        return self.line_id.eob_id[:1]._medical_frozen_hint()
