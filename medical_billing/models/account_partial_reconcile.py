from odoo import api, models

# Context key of a billing reconciliation (account.move.line._medical_reconcile): a list
# that collects the items to number, numbered once when the reconciliation ends.
PENDING_MATCHING_KEY = "medical_pending_matching_ids"


def write_at_flush(records, fname, values):
    """Put ``values`` of stored field ``fname`` in the cache of ``records``, to be written at
    the next flush with the records' other pending changes (in the same UPDATE), as the
    ORM keeps what a compute assigns."""
    records.env.cache.update(records, records._fields[fname], values, dirty=True)


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model
    def _update_matching_number(self, amls):
        # Odoo numbers the reconciled items after creating the partials, and again after
        # creating the full reconciles, each time with an UPDATE of every item; each new row
        # version goes into every index of account_move_line. A billing reconciliation
        # numbers them once, at its end (account.move.line._medical_number_matches).
        pending = self.env.context.get(PENDING_MATCHING_KEY)
        if pending is not None:
            pending.extend(amls.ids)
            return None
        return super()._update_matching_number(amls)
