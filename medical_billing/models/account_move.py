from odoo import _, api, fields, models
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools.sql import create_index

from .account_move_line import BILLING_TAGS, value_changes
from .medical_posted_guard import billing_operation_method, in_billing_operation

# Serves the lookup that numbers every entry (see AccountMove.init).
JOURNAL_DATE_INDEX = "account_move_medical_journal_date_idx"
# What of a posted billing entry only billing code changes. Its number, reference and
# notes stay free, and so does what Odoo itself writes on it while reconciling.
PROTECTED_ENTRY_FIELDS = frozenset({
    "state", "journal_id", "company_id", "date", "partner_id", "currency_id", "move_type",
    "reversed_entry_id", "medical_credit_application",
})


class AccountMove(models.Model):
    """Billing entries are changed only by billing code.

    A billing entry is an entry with an item that carries a billing tag (BILLING_TAGS: a
    charge, a responsible party, an entry kind...): billing code makes them, in the billing
    journals, and they stay billing entries if the company's billing journals are changed
    later. Outside a billing operation (a method run in
    medical_posted_guard.billing_operation, a flag on the transaction's cursor that no
    client can send) they are not reset to draft, cancelled, deleted, duplicated, reversed
    from Accounting, or written on once posted; their items are not rewritten
    (account.move.line.write), and their receivable items are neither reconciled nor
    unreconciled by hand (account.move.line._reconcile_plan, account.partial.reconcile,
    account.full.reconcile). The refusal names the billing action to use instead. Their
    bank and cash items stay free for the accountant's bank reconciliation."""

    _name = "account.move"
    _inherit = ["account.move", "medical.complete.values.mixin"]

    medical_credit_application = fields.Boolean(
        readonly=True, copy=False,
        help="Applies a patient's unapplied credit to charges; deleting the money that "
        "made the credit reverses it too.",
    )

    def init(self):
        res = super().init()
        # Odoo numbers each entry after finding the latest entry of its journal up to its
        # date (sequence.mixin, ordered by date). Odoo's own index puts the company between
        # journal and date, so that lookup sorts every entry of the journal: 8 ms a charge
        # entry at 20,000 entries, and growing. With this one it reads one row.
        create_index(self.env.cr, JOURNAL_DATE_INDEX, self._table, ["journal_id", "date DESC"])
        return res

    @api.model
    def _medical_entry_vals(self, journal, date, ref, line_vals, **move_vals):
        """Create values of a billing entry in the company currency (``line_vals``: name,
        account, partner, balance, and the billing tags), completed with every value Odoo
        would otherwise precompute on create. Given all of them, create skips building a
        draft record per item to compute them, which is much of the cost of posting charges
        in batches. test_entry_vals checks them against the values Odoo computes itself.
        Create them with _medical_create_entries.

        The items also carry the stored values Odoo would compute for a new draft item
        (amounts due, the entry's date and reference, the ledger keys), which create keeps
        (see medical.complete.values.mixin).

        The entry names no partner: Odoo would make that partner a follower of the entry,
        so that a message sent from it would reach the patient. Each item names its own."""
        company = journal.company_id
        currency = company.currency_id
        taxes = self.env["account.tax.repartition.line"].browse(
            [vals["tax_repartition_line_id"] for vals in line_vals
             if vals.get("tax_repartition_line_id")]
        )
        tax_by_repartition = {line.id: line.tax_id for line in taxes}
        products = self.env["product.product"].browse(
            [vals["product_id"] for vals in line_vals if vals.get("product_id")]
        )
        uom_by_product = {product.id: product.uom_id.id for product in products}
        accounts = self.env["account.account"].browse([vals["account_id"] for vals in line_vals])
        reconcilable = {
            account.id for account in accounts
            if account.reconcile or account.account_type in ("asset_cash", "liability_credit_card")
        }
        charges = self.env["medical.charge"].browse(
            [vals["medical_charge_id"] for vals in line_vals if vals.get("medical_charge_id")]
        )
        charge_keys = {charge.id: (charge.patient_id.id, charge.case_id.id) for charge in charges}
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": company.id,
            "currency_id": currency.id,
            "date": date,
            "ref": ref,
            "delivery_date": False,
            "invoice_payment_term_id": False,
            "partner_shipping_id": False,
            "fiscal_position_id": False,
            "invoice_currency_rate": 0.0,
            **move_vals,
            "line_ids": [
                (0, 0, {
                    "journal_id": journal.id,
                    "company_id": company.id,
                    "company_currency_id": currency.id,
                    "currency_id": currency.id,
                    "display_type": "product",
                    "sequence": 100,
                    "debit": max(vals["balance"], 0.0),
                    "credit": max(-vals["balance"], 0.0),
                    "amount_currency": vals["balance"],
                    "tax_ids": [(6, 0, [])],
                    "tax_line_id": tax.id,
                    "tax_group_id": tax.tax_group_id.id,
                    "product_uom_id": uom_by_product.get(vals.get("product_id"), False),
                    "quantity": 1.0,
                    "price_unit": 0.0,
                    "analytic_distribution": False,
                    **self._medical_new_item_vals(vals, date, ref, currency,
                                                  vals["account_id"] in reconcilable, charge_keys),
                    **vals,
                })
                for vals in line_vals
                for tax in [tax_by_repartition.get(vals.get("tax_repartition_line_id"),
                                                   self.env["account.tax"])]
            ],
        }

    @api.model
    def _medical_new_item_vals(self, vals, date, ref, currency, reconcilable, charge_keys):
        """Stored values that Odoo computes for a new draft item, as it computes them."""
        balance = vals["balance"]
        patient_id, case_id = charge_keys.get(vals.get("medical_charge_id"), (False, False))
        if not patient_id and vals.get("medical_party_role") == "patient":
            patient_id = vals.get("partner_id", False)
        item_vals = {
            "date": date,
            "ref": ref,
            "move_name": False,
            "parent_state": "draft",
            "invoice_date": False,
            "payment_id": False,
            "statement_line_id": False,
            "statement_id": False,
            "amount_residual": balance if reconcilable else 0.0,
            "amount_residual_currency": balance if reconcilable else 0.0,
            "reconciled": reconcilable and currency.is_zero(balance),
            "medical_patient_id": patient_id,
            "medical_case_id": case_id,
        }
        if vals.get("tax_ids", [(6, 0, [])]) == [(6, 0, [])]:
            # An entry's item without taxes totals its amount.
            item_vals["price_subtotal"] = item_vals["price_total"] = balance
            if not vals.get("tax_repartition_line_id"):
                item_vals["tax_tag_invert"] = False
        return item_vals

    @api.model
    def _medical_create_entries(self, vals_list):
        """Create entries from _medical_entry_vals, keeping every value given (see
        medical.complete.values.mixin and account.move.line._sanitize_vals).

        Billing roles have no accounting rights of their own: billing code checks what the
        user may do (writing the charge, payment or EOB the entries are for) and creates,
        posts and reconciles their entries as superuser. The entries are returned in
        superuser mode for those steps (the user and company stay the same); hand them to
        the user with ``.sudo(False)``."""
        # skip_invoice_line_sync: Odoo's invoice line sync does nothing for entries, but
        # would have the debit and credit of every item computed again.
        moves = self.sudo().with_context(medical_complete_vals=True,
                                         skip_invoice_line_sync=True).create(vals_list)
        return moves.with_env(self.env).sudo()

    @api.model
    def _medical_create_entry(self, journal, date, ref, line_vals, **move_vals):
        return self._medical_create_entries(
            [self._medical_entry_vals(journal, date, ref, line_vals, **move_vals)])

    @billing_operation_method
    def _medical_reverse(self, reason):
        """Undo billing entries: unreconcile them and post reversals reconciled with them,
        on each entry's own date, or today when that date is locked.

        One rule for every undo: it takes back what the entries did, and what happened
        since carries along. A charge reversed since keeps the adjustments its reversal
        already took back (they are posted again on it); money paid since on a share the
        entries created becomes the party's credit (medical.charge._medical_carry_credits).

        Runs the accounting as superuser (see _medical_create_entries), after the caller
        checked the user's right to undo the billing record; returns the reversals in
        superuser mode too."""
        moves = self.sudo()
        moves.line_ids.remove_move_reconcile()
        today = fields.Date.context_today(self)
        reversals = moves.env["account.move"]
        for move in moves:
            locked = move.company_id._get_violated_lock_dates(move.date, False, move.journal_id)
            reversals |= move._reverse_moves(
                [{"date": today if locked else move.date,
                  "ref": _("Deleted: %(ref)s (%(reason)s)", ref=move.ref, reason=reason)}],
                cancel=True,
            )
        moves._medical_keep_on_reversed_charges(reversals, reason)
        charges = moves.line_ids.medical_charge_id.with_env(self.env)
        charges.invalidate_recordset()
        charges.with_context(medical_date=today)._medical_carry_credits(reason)
        return reversals

    def _medical_keep_on_reversed_charges(self, reversals, reason):
        """A charge reversal mirrors every adjustment of the charge: an adjustment undone
        after it would be taken back twice and re-open the reversed charge. Post those
        items again (the reversal of the reversal), so that the reversed charge stays
        settled and every account nets as before."""
        items = reversals.line_ids.filtered(
            lambda line: line.medical_charge_id.state == "reversed"
            and line.medical_entry_kind != "payment"
        )
        # One entry per company posts them again for every reversed charge.
        for company_items in items.grouped("company_id").values():
            charges = company_items.medical_charge_id.sudo(False)
            charges._post_adjustment([
                {
                    # env._: Odoo's _ finds no language inside a comprehension.
                    "name": self.env._("%(charge)s stays reversed: %(reason)s",
                                       charge=item.medical_charge_id.display_name,
                                       reason=reason),
                    "medical_charge_id": item.medical_charge_id.id,
                    "medical_entry_kind": item.medical_entry_kind,
                    "medical_party_role": item.medical_party_role,
                    "medical_write_off_reason_id": item.medical_write_off_reason_id.id,
                    "medical_adjustment_group": item.medical_adjustment_group,
                    "medical_adjustment_reason": item.medical_adjustment_reason,
                    "partner_id": item.partner_id.id,
                    "account_id": item.account_id.id,
                    "balance": -item.balance,
                    "tax_ids": [(6, 0, item.tax_ids.ids)],
                    "tax_repartition_line_id": item.tax_repartition_line_id.id,
                    "tax_base_amount": item.tax_base_amount,
                }
                for item in company_items
            ], _("Reversed charges stay reversed: %(reason)s", reason=reason))

    # ------------------------------------------------------------------
    # Protection of billing entries
    # ------------------------------------------------------------------

    def _medical_billing_entries(self):
        """The billing entries among these: those with an item that carries a billing tag."""
        billing_ids = {
            line.move_id.id for line in self.sudo().line_ids
            if any(line[name] for name in BILLING_TAGS)
        }
        return self.filtered(lambda move: move.id in billing_ids)

    def _medical_check_not_billing(self, action):
        """Refuse ``action`` on these entries when some are billing entries, outside a
        billing operation."""
        if in_billing_operation(self.env):
            return
        entries = self._medical_billing_entries()
        if entries:
            entries._medical_raise_protected(action)

    def _medical_raise_protected(self, action, instead=None):
        """Refuse ``action`` on these billing entries, naming what to do instead: by
        default, the billing action that undoes them."""
        names = self.sudo().mapped("display_name")
        raise UserError(_(
            "%(action)s is not possible on %(entries)s: billing entries are changed only "
            "from Medical Billing, which keeps the charges, payments and balances in step "
            "with them. %(instead)s Nothing was changed.",
            action=action,
            entries=", ".join(names[:5]) + (", ..." if len(names) > 5 else ""),
            instead=instead or self._medical_undo_hint(),
        ))

    def _medical_undo_hint(self):
        """What to do in Medical Billing instead of changing these billing entries by hand:
        the action that undoes the money event of each (the entries of money first)."""
        moves = self.sudo()
        env = moves.env
        ids = moves.ids
        hints = []
        eobs = env["medical.eob"].search([("move_id", "in", ids)])
        if eobs:
            hints.append(_(
                "Delete the EOB (%(eobs)s) from Medical Billing > Billing > EOBs: it reverses "
                "the entry and re-opens what the EOB paid.",
                eobs=", ".join(eobs.mapped("display_name")),
            ))
        payments = env["medical.payment"].search(
            ["|", ("move_id", "in", ids), ("related_move_ids", "in", ids)])
        if payments:
            hints.append(_(
                "Delete the payment (%(payments)s) from the patient's Payments tab: it "
                "reverses the entry and re-opens the charges it paid.",
                payments=", ".join(payments.mapped("display_name")),
            ))
        elif moves.filtered("medical_credit_application"):
            hints.append(_(
                "The entry applies a patient's credit: delete the payment that made the "
                "credit from the patient's Payments tab, which undoes its applications too."
            ))
        batches = env["medical.write.off.batch"].search([("move_id", "in", ids)])
        if batches:
            hints.append(_(
                "Delete the bulk write-off (%(batches)s) from Medical Billing > Billing > "
                "Bulk Write-offs.",
                batches=", ".join(batches.mapped("display_name")),
            ))
        charges = env["medical.charge"].search([("move_id", "in", ids)])
        if charges:
            hints.append(_(
                "Reverse the charge (%(charges)s) from Medical Billing > Billing > Charges: "
                "a corrected charge is then posted anew.",
                charges=", ".join(charges.mapped("display_name")),
            ))
        if not hints:
            hints.append(_(
                "Correct it from Medical Billing instead: change the responsibility or write "
                "off from the charge, or reverse the charge from Medical Billing > Billing > "
                "Charges. A deletion's reversal stays as the trail."
            ))
        return " ".join(hints)

    def button_draft(self):
        self._medical_check_not_billing(_("Resetting to draft"))
        return super().button_draft()

    def button_cancel(self):
        self._medical_check_not_billing(_("Cancelling"))
        return super().button_cancel()

    def action_reverse(self):
        self._medical_check_not_billing(_("Reversing from Accounting"))
        return super().action_reverse()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # Odoo's Reverse wizard (account.move.reversal) and any other reversal: billing
        # entries are reversed by _medical_reverse, inside a billing operation.
        self._medical_check_not_billing(_("Reversing from Accounting"))
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)

    def copy(self, default=None):
        # A duplicate would post the charges, payments or adjustments a second time.
        self._medical_check_not_billing(_("Duplicating"))
        return super().copy(default=default)

    def unlink(self):
        # Before Odoo's own checks, which delete the items first: the user sees what to do.
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            self._medical_check_not_billing(_("Deleting"))
        return super().unlink()

    def write(self, vals):
        if not in_billing_operation(self.env):
            self._medical_check_entry_write(vals)
        return super().write(vals)

    def _medical_check_entry_write(self, vals):
        """Refuse changing what a posted billing entry books: its own fields, and its items
        (updates of items are checked as the items' own writes)."""
        changed = set(vals) & PROTECTED_ENTRY_FIELDS
        commands = [command for name in ("line_ids", "invoice_line_ids")
                    for command in vals.get(name) or ()]
        for command in commands:
            if command[0] == Command.UPDATE:
                self.env["account.move.line"].browse(command[1]) \
                    ._medical_check_item_write(command[2])
        items_changed = any(command[0] != Command.UPDATE for command in commands)
        if not changed and not items_changed:
            return
        entries = self.filtered(lambda move: move.state != "draft")._medical_billing_entries()
        entries = entries.filtered(lambda move: items_changed or any(
            value_changes(move, vals, name) for name in changed))
        if entries:
            fields_changed = sorted(changed | ({"line_ids"} if items_changed else set()))
            entries._medical_raise_protected(_(
                "Changing %(fields)s",
                fields=", ".join(self._fields[name].string for name in fields_changed),
            ))
