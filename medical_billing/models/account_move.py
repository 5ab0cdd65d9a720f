from odoo import _, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    medical_credit_application = fields.Boolean(
        readonly=True, copy=False,
        help="Applies a patient's unapplied credit to charges; deleting the money that "
        "made the credit reverses it too.",
    )

    def _medical_reverse(self, reason):
        """Undo billing entries: unreconcile them and post reversals reconciled with them,
        on each entry's own date, or today when that date is locked."""
        self.line_ids.remove_move_reconcile()
        today = fields.Date.context_today(self)
        reversals = self.env["account.move"]
        for move in self:
            locked = move.company_id._get_violated_lock_dates(move.date, False, move.journal_id)
            reversals |= move._reverse_moves(
                [{"date": today if locked else move.date,
                  "ref": _("Deleted: %(ref)s (%(reason)s)", ref=move.ref, reason=reason)}],
                cancel=True,
            )
        self.line_ids.medical_charge_id.invalidate_recordset()
        return reversals
