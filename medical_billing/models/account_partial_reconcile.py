from odoo import api, models

# Context key of a billing reconciliation (account.move.line._medical_reconcile): a list
# that collects the items to number, numbered once when the reconciliation ends.
PENDING_MATCHING_KEY = "medical_pending_matching_ids"


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model
    def _update_matching_number(self, amls):
        # Odoo numbers the reconciled items after creating the partials, and again after
        # creating the full reconciles. Each pass rewrites every item, and each new row
        # version goes into every index of account_move_line, so a billing
        # reconciliation numbers them once, at its end, from the same partials.
        pending = self.env.context.get(PENDING_MATCHING_KEY)
        if pending is not None:
            pending.extend(amls.ids)
            return None
        return super()._update_matching_number(amls)
