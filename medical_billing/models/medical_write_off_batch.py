from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .account_move_line import PARTY_ROLES
from .medical_posted_guard import (
    billing_operation_method,
    check_money_delete_rights,
    in_billing_operation,
)


class MedicalWriteOffBatch(models.Model):
    """A bulk write-off: one entry that writes off many charges at once, undone as a whole."""

    _name = "medical.write.off.batch"
    _description = "Bulk Write-off"
    _inherit = ["mail.thread", "medical.posted.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _medical_protected_fields = frozenset({"state", "name", "move_id", "delete_reason"})

    name = fields.Char(readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    reason_id = fields.Many2one("medical.write.off.reason", required=True, readonly=True)
    party = fields.Selection(
        [*PARTY_ROLES, ("all", "All parties")], required=True, readonly=True,
    )
    threshold = fields.Monetary(
        readonly=True, help="Only balances under this amount were written off (0: all).",
    )
    charge_ids = fields.Many2many("medical.charge", string="Charges", readonly=True,
                                  check_company=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False)
    amount_total = fields.Monetary(compute="_compute_amount_total")
    state = fields.Selection([("posted", "Posted"), ("deleted", "Deleted")], default="posted",
                             required=True, readonly=True, tracking=True)
    delete_reason = fields.Char(readonly=True, tracking=True)

    def _compute_amount_total(self):
        for batch in self:
            # Read as superuser: billing roles have no accounting rights.
            batch.amount_total = sum(batch.sudo().move_id.line_ids.filtered(
                lambda line: line.medical_party_role).mapped("credit"))

    def _medical_is_frozen(self):
        return True  # a batch is posted as it is made

    def _medical_frozen_hint(self):
        return _("Delete the bulk write-off (which reverses its entry) and make a new one.")

    @api.model_create_multi
    def create(self, vals_list):
        if not in_billing_operation(self.env):
            raise UserError(_(
                "A bulk write-off is made with the Bulk Write-off action of the Charges list, "
                "which posts it: it is not created directly."
            ))
        return super().create(vals_list)

    @billing_operation_method
    def _write_off(self):
        """Post the batch's entry: each selected party's whole open balance on each charge
        (or only the balances under the threshold)."""
        self.ensure_one()
        charges = self.charge_ids
        charges._check_posted()
        currency = self.currency_id
        roles = [role for role, __ in PARTY_ROLES] if self.party == "all" else [self.party]
        figures = charges._ledger_figures()
        label = _("Bulk write-off (%(reason)s)", reason=self.reason_id.name)
        line_vals = []
        for charge in charges:
            for role in roles:
                due = figures[charge.id][role]["due"]
                if currency.compare_amounts(due, 0) <= 0:
                    continue
                if self.threshold and currency.compare_amounts(due, self.threshold) >= 0:
                    continue
                line_vals += charge._prepare_write_off_line_vals(
                    role, due, f"{label}: {charge.display_name}", self.reason_id,
                )
        if not line_vals:
            raise UserError(_(
                "Nothing to write off: the selected charges have no open balance for this "
                "party under the threshold. Nothing was posted."
            ))
        move = charges[:1]._post_adjustment(line_vals, label)
        self.write({"move_id": move.id, "name": move.name})
        charges.patient_id._medical_invalidate_balances()
        return move

    @billing_operation_method
    def _delete(self, reason):
        check_money_delete_rights(self.env)
        if not reason:
            raise UserError(_("Say why the write-off is deleted: the reason stays in its "
                              "trail."))
        for batch in self:
            if batch.state != "posted":
                raise UserError(_("This bulk write-off is already deleted."))
            batch.sudo().move_id._medical_reverse(reason)
            batch.write({"state": "deleted", "delete_reason": reason})
            batch.message_post(body=_("Write-off deleted: %(reason)s", reason=reason))
            batch.charge_ids.patient_id._medical_invalidate_balances()

    def action_delete(self):
        """The Delete write off button: undo the whole batch."""
        self._delete(_("Deleted by %(user)s", user=self.env.user.name))
        return True
