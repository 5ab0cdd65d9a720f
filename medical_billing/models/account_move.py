from odoo import _, api, fields, models
from odoo.tools.sql import create_index

# Serves the lookup that numbers every entry (see AccountMove.init).
JOURNAL_DATE_INDEX = "account_move_medical_journal_date_idx"


class AccountMove(models.Model):
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
        medical.complete.values.mixin and account.move.line._sanitize_vals)."""
        # skip_invoice_line_sync: Odoo's invoice line sync does nothing for entries, but
        # would have the debit and credit of every item computed again.
        moves = self.with_context(medical_complete_vals=True, skip_invoice_line_sync=True) \
            .create(vals_list)
        return moves.with_env(self.env)

    @api.model
    def _medical_create_entry(self, journal, date, ref, line_vals, **move_vals):
        return self._medical_create_entries(
            [self._medical_entry_vals(journal, date, ref, line_vals, **move_vals)])

    def _medical_reverse(self, reason):
        """Undo billing entries: unreconcile them and post reversals reconciled with them,
        on each entry's own date, or today when that date is locked.

        One rule for every undo: it takes back what the entries did, and what happened
        since carries along. A charge reversed since keeps the adjustments its reversal
        already took back (they are posted again on it); money paid since on a share the
        entries created becomes the party's credit (medical.charge._medical_carry_credits)."""
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
        self._medical_keep_on_reversed_charges(reversals, reason)
        charges = self.line_ids.medical_charge_id
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
        for charge, charge_items in items.grouped("medical_charge_id").items():
            label = _("%(charge)s stays reversed: %(reason)s", charge=charge.display_name,
                      reason=reason)
            charge._post_adjustment([
                {
                    "name": label,
                    "medical_charge_id": charge.id,
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
                for item in charge_items
            ], label)
