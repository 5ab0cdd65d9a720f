from odoo import _, api, fields, models
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .medical_complete_values import defined_in_known_module, medical_kept_fields
from .medical_posted_guard import billing_operation_method, in_billing_operation

PARTY_ROLES = [
    ("patient", "Patient"),
    ("primary", "Primary"),
    ("secondary", "Secondary"),
    ("tertiary", "Tertiary"),
]
PAYER_ROLES = ("primary", "secondary", "tertiary")

# What a billing journal item records. Responsibility is the sum of the receivable items
# of the kinds that assign it (the charge itself and moves between parties); a reversal
# mirrors each item with the item's own kind.
ENTRY_KINDS = [
    ("charge", "Charge"),
    ("responsibility", "Responsibility Change"),
    ("write_off", "Write-off"),
    ("payment", "Payment"),
]
RESPONSIBILITY_KINDS = ("charge", "responsibility")
# The billing tags of a journal item: billing code sets them, and an entry with a tagged
# item is a billing entry (see account.move).
BILLING_TAGS = (
    "medical_charge_id", "medical_party_role", "medical_entry_kind", "medical_eob_line_id",
    "medical_write_off_reason_id", "medical_adjustment_group", "medical_adjustment_reason",
)
# What of a posted billing item only billing code changes: what it books and whose it is
# (the tags, and the ledger keys computed from them). Its label, due date and analytics
# stay free, and so does what Odoo writes on it when reconciling (residuals, reconciled,
# matching number, full reconcile).
TAGGING_FIELDS = frozenset({*BILLING_TAGS, "medical_patient_id", "medical_case_id"})
PROTECTED_ITEM_FIELDS = frozenset({
    *TAGGING_FIELDS,
    "debit", "credit", "balance", "amount_currency", "currency_id", "account_id",
    "partner_id", "date", "move_id", "company_id", "journal_id", "display_type", "tax_ids",
    "tax_line_id", "tax_repartition_line_id", "tax_base_amount",
})
# Claim adjustment group codes (X12): patient responsibility moves to the next party; the
# others are written off.
ADJUSTMENT_GROUPS = [
    ("CO", "CO - Contractual obligation"),
    ("PR", "PR - Patient responsibility"),
    ("OA", "OA - Other adjustment"),
    ("PI", "PI - Payer initiated reduction"),
    ("CR", "CR - Correction and reversal"),
]


def value_changes(record, vals, name):
    """Whether writing ``vals`` changes field ``name`` of ``record`` (values as a write
    gets them: ids, strings for dates)."""
    field = record._fields[name]
    if field.type in ("many2one", "one2many", "many2many", "monetary", "float"):
        return record.env["account.move"]._field_will_change(record, vals, name)
    return field.convert_to_cache(record[name], record) \
        != field.convert_to_cache(vals[name], record)


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "medical.complete.values.mixin"]

    # The billing tags are copied, so that a reversal made by Odoo (_reverse_moves) undoes
    # each figure its original counted.
    medical_charge_id = fields.Many2one(
        "medical.charge", index="btree_not_null",
        readonly=True,
    )
    medical_party_role = fields.Selection(
        PARTY_ROLES, string="Responsible Party", readonly=True,
        help="Set on the receivable items of a charge: whose share of the charge this is.",
    )
    medical_entry_kind = fields.Selection(ENTRY_KINDS, readonly=True)
    medical_patient_id = fields.Many2one(
        "res.partner", string="Ledger Patient", compute="_compute_medical_ledger_keys",
        store=True, index="btree_not_null",
        help="The patient whose ledger shows this billing item (also for a payer's share).",
    )
    medical_case_id = fields.Many2one(
        "medical.case", string="Case", compute="_compute_medical_ledger_keys", store=True,
        help="The case of the item's charge: the ledger groups and totals by it.",
    )
    medical_adjustment_group = fields.Selection(
        ADJUSTMENT_GROUPS, string="Adjustment Group", readonly=True,
        help="Claim adjustment group code of an EOB adjustment.",
    )
    medical_adjustment_reason = fields.Char(
        string="Adjustment Reason", readonly=True,
        help="Claim adjustment reason code (CARC) of an EOB adjustment, e.g. 45.",
    )
    medical_eob_line_id = fields.Many2one(
        "medical.eob.line", string="EOB Line", readonly=True, index="btree_not_null",
    )
    medical_write_off_reason_id = fields.Many2one(
        "medical.write.off.reason", string="Write-off Reason", readonly=True,
    )

    def _sanitize_vals(self, vals):
        # Entries created by account.move._medical_create_entries give each item's balance,
        # debit and credit, consistent; Odoo would drop debit and credit, and then compute
        # them again on a draft record. Kept only while no other module sanitizes values
        # or computes debit and credit its own way (see medical.complete.values.mixin).
        if self.env.context.get("medical_complete_vals") \
                and {"balance", "debit", "credit"} <= vals.keys() \
                and {"debit", "credit"} <= medical_kept_fields(self) \
                and defined_in_known_module(type(self), "_sanitize_vals"):
            return vals
        return super()._sanitize_vals(vals)

    @api.depends("medical_charge_id.case_id", "medical_party_role", "partner_id")
    def _compute_medical_ledger_keys(self):
        for line in self:
            line.medical_patient_id = line.medical_charge_id.patient_id or (
                line.partner_id if line.medical_party_role == "patient" else False
            )
            line.medical_case_id = line.medical_charge_id.case_id

    @billing_operation_method
    def _medical_reconcile(self):
        """Reconcile these billing receivable items with the open items they settle: those
        of the same charge, party and account; an item that names no charge settles the
        party's unapplied credits (or open debits) on that account. One batched
        reconciliation for all of them, as a billing operation (by hand, billing receivables
        are not reconciled: see _reconcile_plan).

        Runs as superuser: billing roles have no accounting rights, and billing code calls
        it on the items it has just posted; the items found are those of their companies."""
        lines = self.sudo()
        items = lines.filtered(lambda line: line.medical_party_role and not line.reconciled)
        if not items:
            return
        # A search on the posted state, or sorted by entry, would write the items just
        # posted at once: the state is checked on the items found.
        domain = [("company_id", "in", items.company_id.ids),
                  ("medical_party_role", "!=", False), ("reconciled", "=", False)]
        charged = items.filtered("medical_charge_id")
        uncharged = items - charged
        found = lines.browse()
        if charged:
            found |= lines.search(
                [*domain, ("medical_charge_id", "in", charged.medical_charge_id.ids)],
                order="id")
        if uncharged:
            found |= lines.search([
                *domain, ("medical_charge_id", "=", False),
                ("partner_id", "in", uncharged.partner_id.ids),
                ("account_id", "in", uncharged.account_id.ids),
            ], order="id")
        open_items = items | found.filtered(lambda line: line.parent_state == "posted")
        groups = open_items.grouped(
            lambda line: (line.medical_charge_id, line.account_id, line.partner_id)
        )
        # The ids of the items once: intersecting each group with the items would cost
        # groups x items, quadratic in the size of a remittance.
        item_ids = set(items.ids)
        plan = [
            lines.sorted(lambda line: (line.date, line.id)) for lines in groups.values()
            if not item_ids.isdisjoint(lines.ids)
            and lines.filtered(lambda line: line.amount_residual > 0)
            and lines.filtered(lambda line: line.amount_residual < 0)
        ]
        if plan:
            # No line sync of the reconciled entries (Odoo's would read their items, writing
            # the items just posted): reconciling changes none of the lines it syncs.
            lines.with_context(skip_invoice_sync=True)._reconcile_plan(plan)

    def _medical_residual_by(self, groupby, domain):
        """Open amount of posted billing receivables of the user's companies, summed per
        value of ``groupby`` (a billing figure: read as superuser, for billing roles have no
        accounting rights, with the company explicit). The groups come back in the user's
        environment."""
        return {
            key.with_env(self.env) if isinstance(key, models.BaseModel) else key: amount
            for key, amount in self.sudo()._read_group(
                [*domain, ("company_id", "in", self.env.companies.ids),
                 ("parent_state", "=", "posted"), ("medical_party_role", "!=", False)],
                [groupby], ["amount_residual:sum"],
            )
        }

    # ------------------------------------------------------------------
    # Protection of billing items (see account.move)
    # ------------------------------------------------------------------

    @api.model
    def _reconcile_plan(self, reconciliation_plan):
        """Every reconciliation (reconcile(), Odoo's reconcile wizard and widgets, the bank
        reconciliation): billing receivables (items with a responsible party) are matched
        only by billing code. Their other items, the bank and cash side of billing
        payments, stay free for the bank reconciliation."""
        if not in_billing_operation(self.env):
            items = _plan_items(self.browse(), reconciliation_plan)
            receivables = items.filtered("medical_party_role")
            if receivables:
                receivables.move_id._medical_raise_protected(
                    _("Reconciling billing receivables by hand"),
                    instead=_(
                        "Post what settles them in Medical Billing instead (a patient payment, "
                        "an EOB, a write-off, a responsibility change or a credit transfer): it "
                        "matches them with what they settle itself, oldest charge first. The "
                        "bank and cash items of billing payments can still be reconciled with "
                        "bank statements."
                    ),
                )
        return super()._reconcile_plan(reconciliation_plan)

    @api.model_create_multi
    def create(self, vals_list):
        if not in_billing_operation(self.env):
            moves = self.env["account.move"].browse(
                {vals["move_id"] for vals in vals_list if vals.get("move_id")})
            moves.filtered(lambda move: move.state != "draft")._medical_check_not_billing(
                _("Adding journal items"))
        return super().create(vals_list)

    def write(self, vals):
        if not in_billing_operation(self.env):
            self._medical_check_item_write(vals)
        return super().write(vals)

    def _medical_check_item_write(self, vals):
        """Refuse changing what a posted billing item books or whose it is, tagging a posted
        item of another entry, and moving an item into a posted billing entry."""
        protected = set(vals) & PROTECTED_ITEM_FIELDS
        if not protected:
            return
        target = self.env["account.move"].browse(vals.get("move_id") or [])
        if target.state not in (False, "draft") and self.move_id - target:
            target._medical_check_not_billing(_("Moving journal items into an entry"))
        posted = self.filtered(lambda line: line.parent_state != "draft")
        if not posted:
            return
        billing = posted.move_id._medical_billing_entries()
        # Tagging an item of another entry would make it count in billing.
        lines = posted if protected & TAGGING_FIELDS \
            else posted.filtered(lambda line: line.move_id in billing)
        names = sorted(name for name in protected
                       if any(value_changes(line, vals, name) for line in lines))
        if not names:
            return
        moves = lines.filtered(
            lambda line: any(value_changes(line, vals, name) for name in names)).move_id
        action = _("Changing %(fields)s of journal items",
                   fields=", ".join(self._fields[name].string for name in names))
        if moves & billing:
            (moves & billing)._medical_raise_protected(action)
        moves._medical_raise_protected(action, instead=_(
            "Billing tags are given by Medical Billing to the entries it posts: post the money "
            "event there instead."))

    def unlink(self):
        # Before Odoo's own checks: the user sees what to do instead.
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            self.move_id.filtered(lambda move: move.state != "draft") \
                ._medical_check_not_billing(_("Deleting journal items"))
        return super().unlink()


def _plan_items(items, plan):
    """The journal items of a reconciliation plan (recordsets and nested plans)."""
    for step in plan:
        items |= step if isinstance(step, models.BaseModel) else _plan_items(items, step)
    return items
