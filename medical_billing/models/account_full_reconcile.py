from odoo import _, models

from .medical_posted_guard import in_billing_operation


class AccountFullReconcile(models.Model):
    _inherit = "account.full.reconcile"

    def unlink(self):
        # A full reconcile goes with its partials (account.partial.reconcile.unlink, which
        # checks them); alone, it would leave billing receivables half reconciled.
        if not in_billing_operation(self.env):
            items = self.sudo().reconciled_line_ids
            if items.filtered("medical_party_role"):
                items.move_id.with_env(self.env)._medical_raise_protected(
                    _("Unreconciling billing receivables"))
        return super().unlink()
