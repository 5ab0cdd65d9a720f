from odoo import models

# Where the override below notes the journal items it computed, on the transaction's
# cursor (the test reads it back).
COMPUTED_KEY = "medical_billing_override_test_computed"


class AccountMoveLine(models.Model):
    """What a localisation or a reconciliation add-on does: compute a field of journal
    items its own way. Billing entries are created with that field's value given
    (medical.complete.values.mixin); this computation must run on them all the same."""

    _inherit = "account.move.line"

    def _compute_totals(self):
        self.env.cr.cache.setdefault(COMPUTED_KEY, set()).update(self.ids)
        return super()._compute_totals()

    def _compute_account_id(self):
        # As stock_account or a localisation do: the account given to create still wins.
        return super()._compute_account_id()
