from odoo import _, api, models

from .medical_posted_guard import in_billing_operation


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # ------------------------------------------------------------------
    # Protection of billing receivables (see account.move)
    # ------------------------------------------------------------------

    def _medical_check_not_billing(self, action):
        """Refuse ``action`` on partials of billing receivables (items with a responsible
        party) outside a billing operation: it would re-open what they settled, or settle
        a charge with another's money. Partials of the bank side of billing payments stay
        free."""
        if in_billing_operation(self.env):
            return
        items = (self.sudo().debit_move_id | self.sudo().credit_move_id)
        if items.filtered("medical_party_role"):
            # The entries of money first in the hint: deleting one re-opens what it settled.
            items.move_id.with_env(self.env)._medical_raise_protected(action)

    @api.model_create_multi
    def create(self, vals_list):
        if not in_billing_operation(self.env):
            items = self.env["account.move.line"].sudo().browse({
                vals[name] for vals in vals_list for name in ("debit_move_id", "credit_move_id")
                if vals.get(name)
            })
            if items.filtered("medical_party_role"):
                items.move_id.with_env(self.env)._medical_raise_protected(
                    _("Matching billing receivables by hand"))
        return super().create(vals_list)

    def write(self, vals):
        self._medical_check_not_billing(_("Changing the reconciliation of billing receivables"))
        return super().write(vals)

    def unlink(self):
        # remove_move_reconcile(), the unreconcile buttons, resetting an entry to draft.
        self._medical_check_not_billing(_("Unreconciling billing receivables"))
        return super().unlink()
