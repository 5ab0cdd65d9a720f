from odoo import api, fields, models

from .account_move_line import ADJUSTMENT_GROUPS

# What posting an adjustment does with the amount: patient responsibility (PR) moves to
# the next payer or the patient, the other groups are written off; a remittance rule may
# instead leave an amount with the payer for the biller to review. An amount the ledger
# already holds (a copay the patient owes since the charge was posted, a prior payer's
# part quoted by a secondary) is kept as data and posts nothing.
DISPOSITIONS = [
    ("write_off", "Write off"),
    ("transfer", "Move to next party"),
    ("review", "Leave for review"),
    ("none", "Already in the ledger"),
]
UNPOSTED_DISPOSITIONS = ("review", "none")


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
    disposition = fields.Selection(
        DISPOSITIONS, compute="_compute_disposition", store=True, readonly=False,
        required=True, precompute=True,
        help="Write off: the payer's share is written off. Move to next party: the next "
        "payer or the patient owes it. Leave for review: nothing is posted, the payer still "
        "owes it until the biller acts. Already in the ledger: nothing is posted (a copay "
        "the patient owes since the charge was posted, a prior payer's part).",
    )
    description = fields.Char(help="The reason code in words, as the payer's remittance "
                              "gave it.")

    @api.depends("group_code")
    def _compute_disposition(self):
        for adjustment in self:
            adjustment.disposition = "transfer" if adjustment.group_code == "PR" \
                else "write_off"

    def _posted(self):
        """The adjustments that post an entry."""
        return self.filtered(
            lambda adjustment: adjustment.disposition not in UNPOSTED_DISPOSITIONS)

    def _medical_is_frozen(self):
        self.ensure_one()
        return self.line_id.eob_id.state != "draft"

    def _medical_frozen_hint(self):
        return self.line_id.eob_id[:1]._medical_frozen_hint()
