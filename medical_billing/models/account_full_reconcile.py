from odoo import Command, _, api, models
from odoo.addons.account.models.account_full_reconcile import (
    AccountFullReconcile as OdooFullReconcile,
)

from .account_partial_reconcile import PENDING_MATCHING_KEY, write_at_flush
from .medical_posted_guard import in_billing_operation


class AccountFullReconcile(models.Model):
    _inherit = "account.full.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        """In a billing reconciliation, link the items and partials to their full reconcile
        in the cache, where Odoo's create links them with UPDATEs of its own: the items are
        then written once, with their residual and matching number (see
        account.move.line._medical_reconcile)."""
        pending = self.env.context.get(PENDING_MATCHING_KEY)
        if pending is None:
            return super().create(vals_list)
        links = [
            (_linked_ids(vals.pop("reconciled_line_ids")),
             _linked_ids(vals.pop("partial_reconcile_ids")))
            for vals in vals_list
        ]
        # Only the SQL links and the numbering of Odoo's create are left out; they are done
        # here and at the end of the reconciliation.
        fulls = super(OdooFullReconcile, self).create(vals_list)
        for full, (line_ids, partial_ids) in zip(fulls, links, strict=True):
            write_at_flush(self.env["account.move.line"].browse(line_ids), "full_reconcile_id",
                           [full.id] * len(line_ids))
            write_at_flush(self.env["account.partial.reconcile"].browse(partial_ids),
                           "full_reconcile_id", [full.id] * len(partial_ids))
            pending.extend(line_ids)
        # The links were not written through the one2many fields: read them afresh. (Not
        # with invalidate_recordset, which would first write the items' full reconciles.)
        self.env.cache.invalidate([(fulls._fields[name], fulls.ids)
                                   for name in ("reconciled_line_ids", "partial_reconcile_ids")])
        return fulls

    def unlink(self):
        # A full reconcile goes with its partials (account.partial.reconcile.unlink, which
        # checks them); alone, it would leave billing receivables half reconciled.
        if not in_billing_operation(self.env):
            items = self.sudo().reconciled_line_ids
            if items.filtered("medical_party_role"):
                items.move_id.with_env(self.env)._medical_raise_protected(
                    _("Unreconciling billing receivables"))
        return super().unlink()


def _linked_ids(commands):
    """The ids that link and set commands name (those Odoo's reconciliation gives)."""
    ids = []
    for command in commands:
        if command[0] == Command.LINK:
            ids.append(command[1])
        elif command[0] == Command.SET:
            ids.extend(command[2])
        else:
            raise ValueError(f"Unexpected command: {command}")
    return ids
