from odoo import _, api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    medical_credit_application = fields.Boolean(
        readonly=True, copy=False,
        help="Applies a patient's unapplied credit to charges; deleting the money that "
        "made the credit reverses it too.",
    )

    @api.model
    def _medical_entry_vals(self, journal, date, ref, line_vals, **move_vals):
        """Create values of a billing entry in the company currency (``line_vals``: name,
        account, partner, balance, and the billing tags), completed with every value Odoo
        would otherwise precompute on create. Given all of them, create skips building a
        draft record per item to compute them, which is much of the cost of posting charges
        in batches. test_entry_vals checks them against the values Odoo computes itself.
        Create them with _medical_create_entries.

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
                    **vals,
                })
                for vals in line_vals
                for tax in [tax_by_repartition.get(vals.get("tax_repartition_line_id"),
                                                   self.env["account.tax"])]
            ],
        }

    @api.model
    def _medical_create_entries(self, vals_list):
        """Create entries from _medical_entry_vals, their items keeping the debit and credit
        given (see account.move.line._sanitize_vals)."""
        moves = self.with_context(medical_complete_vals=True).create(vals_list)
        return moves.with_context(medical_complete_vals=False)

    @api.model
    def _medical_create_entry(self, journal, date, ref, line_vals, **move_vals):
        return self._medical_create_entries(
            [self._medical_entry_vals(journal, date, ref, line_vals, **move_vals)])

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
