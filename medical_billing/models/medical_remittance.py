from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .medical_posted_guard import billing_operation_method, check_money_delete_rights

# Provider-level adjustment reason codes (PLB03-1) by the company account they post to.
# A positive amount is taken from the payment, a negative one added to it (interest).
PLB_KINDS = [
    ("interest", "Interest"),
    ("recoupment", "Recoupment of an overpayment"),
    ("withholding", "Withholding or balance forward"),
]
# EOBs posted in one entry: a large remittance posts its EOBs in entries of at most this
# many claims (1,500 items for 3-line claims), each taking its money from the deposit
# through the unapplied account, so that each entry stays one an accountant can open.
# The size costs nothing: 1,000 claims post in the same time in entries of 50 or of 1,000.
EOBS_PER_ENTRY = 100
PLB_KIND_BY_CODE = {"L6": "interest", "WO": "recoupment", "72": "recoupment",
                    "J1": "recoupment", "FB": "withholding", "IR": "withholding"}
PLB_ACCOUNT_FIELDS = {
    "interest": "medical_payer_interest_account_id",
    "recoupment": "medical_payer_recoupment_account_id",
    "withholding": "medical_payer_withholding_account_id",
}


class MedicalRemittance(models.Model):
    """A payer's payment (one check or EFT) with the EOBs it pays, one per claim, and its
    provider-level adjustments. Its deposit entry has one bank item for the whole payment,
    so the accountant matches it with the bank statement line at once, the adjustments'
    items, and the claims' money on the unapplied account; the EOBs' entries take their
    money from there, and what no EOB applied yet stays there."""

    _name = "medical.remittance"
    _description = "Payer Payment"
    _inherit = ["mail.thread", "medical.posted.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _medical_protected_fields = frozenset({"state", "move_id", "name", "delete_reason"})

    name = fields.Char(readonly=True, copy=False, default="/")
    payer_id = fields.Many2one("res.partner", required=True, index=True, check_company=True,
                               domain="[('is_payer', '=', True)]")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    payment_method = fields.Selection([("check", "Check"), ("eft", "EFT"),
                                       ("none", "No Payment")], default="eft", required=True)
    reference = fields.Char(string="Check / EFT Number", required=True, index=True)
    amount_total = fields.Monetary(string="Payment Amount", required=True,
                                   help="What the payer deposited: the check or EFT amount.")
    eob_ids = fields.One2many("medical.eob", "remittance_id", string="EOBs", readonly=True)
    adjustment_ids = fields.One2many("medical.remittance.adjustment", "remittance_id",
                                     string="Provider Adjustments")
    amount_unapplied = fields.Monetary(
        compute="_compute_amount_unapplied",
        help="Money of the payment that no EOB of it applies: held in the unapplied "
        "insurance payments account until its claims are resolved.",
    )
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True,
                              copy=False, index="btree_not_null")
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("deleted", "Deleted")], default="draft",
        required=True, readonly=True, copy=False, tracking=True, index=True,
    )
    delete_reason = fields.Char(readonly=True, copy=False, tracking=True)

    @api.depends("amount_total", "eob_ids.amount_total", "eob_ids.state",
                 "adjustment_ids.amount")
    def _compute_amount_unapplied(self):
        for remittance in self:
            applied = sum(remittance.eob_ids.filtered(lambda eob: eob.state != "deleted")
                          .mapped("amount_total"))
            remittance.amount_unapplied = remittance.amount_total - applied \
                + sum(remittance.adjustment_ids.mapped("amount"))

    @api.depends("payer_id.name", "reference")
    def _compute_display_name(self):
        for remittance in self:
            remittance.display_name = f"{remittance.payer_id.name or ''} " \
                f"{remittance.reference or ''}".strip()

    def _medical_frozen_hint(self):
        return _("Delete the payment with its button, which reverses its entry.")

    @billing_operation_method
    def action_post(self):
        """Post each payment: its deposit, and its draft EOBs with it."""
        for remittance in self:
            remittance._post_deposit()
            remittance._post_eobs(remittance.eob_ids)
        return True

    @billing_operation_method
    def _post_deposit(self):
        """Post the payment's deposit alone: the check or EFT, its provider-level
        adjustments, and the claims' money on the unapplied account, where it waits for
        the EOBs (_post_eobs) posted with it or later."""
        self.ensure_one()
        self.env["medical.eob"].check_access("write")
        if self.state != "draft":
            raise UserError(_("%(payment)s is already posted.", payment=self.display_name))
        company = self.company_id
        company._medical_check_setup()
        company._medical_check_open_date(self.date, company.medical_payer_payment_journal_id)
        deposit_vals = self._prepare_move_vals()
        deposit = self.env["account.move"]
        if deposit_vals["line_ids"]:
            deposit = deposit.with_context(skip_invoice_sync=True)._medical_create_entries(
                [deposit_vals])
            deposit.action_post()
        self.write({"state": "posted", "move_id": deposit.id,
                    "name": deposit.name or self.reference})

    @billing_operation_method
    def _post_eobs(self, eobs):
        """Post ``eobs``, draft EOBs of this posted payment, in entries of at most
        EOBS_PER_ENTRY claims taking their money from the unapplied account: all of them,
        or none if one cannot post."""
        self.ensure_one()
        self.env["medical.eob"].check_access("write")
        if not eobs:
            return
        if self.state != "posted" or eobs.remittance_id != self:
            raise UserError(_("EOBs of %(payment)s post once its deposit is posted.",
                              payment=self.display_name))
        eobs._check_draft()
        eobs.line_ids.charge_id.patient_id._medical_lock_for_payment()
        eobs._check_postable(eobs._restored_by_reversals())
        self.company_id._medical_check_open_date(
            self.date, self.company_id.medical_payer_payment_journal_id)
        # The entries come complete and balanced: skip Odoo's syncing of their dynamic
        # lines when they are posted too (its flag, as for charges), or posting has every
        # item's debit and credit computed again.
        Move = self.env["account.move"].with_context(skip_invoice_sync=True)
        paying = eobs.filtered(lambda eob: any(
            line.paid or line.adjustment_ids._posted() for line in eob.line_ids))
        chunks = [paying[start:start + EOBS_PER_ENTRY]
                  for start in range(0, len(paying), EOBS_PER_ENTRY)]
        moves = Move._medical_create_entries(
            [chunk._prepare_move_vals_together() for chunk in chunks])
        moves.action_post()
        moves.line_ids._medical_reconcile()
        for chunk, move in zip(chunks, moves, strict=True):
            chunk._set_posted(move.sudo(False))
        (eobs - paying)._set_posted(Move)

    def _prepare_move_vals(self):
        """The deposit: the check or EFT on the bank account, the provider-level
        adjustments, and the claims' money on the unapplied account, from where the EOBs'
        entries take it."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        journal = company.medical_payer_payment_journal_id
        label = _("Payment %(payer)s %(reference)s", payer=self.payer_id.name,
                  reference=self.reference)
        payer = self.payer_id.id
        line_vals = []
        if not currency.is_zero(self.amount_total):
            line_vals.append({"name": label, "account_id": journal.default_account_id.id,
                              "partner_id": payer, "balance": self.amount_total})
        for adjustment in self.adjustment_ids:
            line_vals.append({
                "name": f"{label} PLB {adjustment.reason_code} {adjustment.reference or ''}"
                .strip(),
                "account_id": adjustment._account().id, "partner_id": payer,
                "balance": adjustment.amount,
            })
        claims_money = self.amount_total + sum(self.adjustment_ids.mapped("amount"))
        if not currency.is_zero(claims_money):
            line_vals.append({
                "name": _("%(label)s, for its claims", label=label),
                "account_id": company.medical_unapplied_payer_account_id.id,
                "partner_id": payer, "balance": -claims_money,
            })
        return self.env["account.move"]._medical_entry_vals(journal, self.date, label, line_vals)

    @billing_operation_method
    def _delete(self, reason):
        """Take back the whole payment: its entry is reversed, its EOBs deleted."""
        check_money_delete_rights(self.env)
        if not reason:
            raise UserError(_("Say why the payment is deleted: the reason stays in its "
                              "trail."))
        for remittance in self:
            if remittance.state != "posted":
                raise UserError(_("Only posted payments can be deleted."))
            (remittance.move_id | remittance.eob_ids.move_id).sudo()._medical_reverse(reason)
            remittance.write({"state": "deleted", "delete_reason": reason})
            remittance.eob_ids.filtered(lambda eob: eob.state == "posted")._set_deleted(reason)
            remittance.message_post(body=_("Payment deleted: %(reason)s", reason=reason))


class MedicalRemittanceAdjustment(models.Model):
    """A provider-level adjustment of a payer's payment (PLB): interest it adds, an
    earlier overpayment it takes back, what it withholds or carries forward."""

    _name = "medical.remittance.adjustment"
    _inherit = ["medical.posted.guard.mixin"]
    _medical_protected_fields = frozenset()
    _description = "Provider-Level Adjustment"
    _order = "remittance_id, id"

    remittance_id = fields.Many2one("medical.remittance", required=True, ondelete="cascade",
                                    index=True)
    company_id = fields.Many2one(related="remittance_id.company_id", store=True)
    currency_id = fields.Many2one(related="remittance_id.currency_id")
    reason_code = fields.Char(required=True, help="PLB reason code, e.g. L6, WO, FB.")
    reference = fields.Char(help="What the payer refers to: a claim number, a period...")
    kind = fields.Selection(PLB_KINDS, compute="_compute_kind", store=True, readonly=False,
                            required=True, precompute=True)
    description = fields.Char(help="The reason code in words.")
    amount = fields.Monetary(
        required=True,
        help="Taken from the payment when positive (a recoupment), added to it when "
        "negative (interest), as the payer's remittance gives it.",
    )

    @api.depends("reason_code")
    def _compute_kind(self):
        for adjustment in self:
            adjustment.kind = PLB_KIND_BY_CODE.get(adjustment.reason_code, "withholding")

    def _account(self):
        self.ensure_one()
        return self.company_id[PLB_ACCOUNT_FIELDS[self.kind]]

    def _medical_is_frozen(self):
        self.ensure_one()
        return self.remittance_id.state != "draft"

    def _medical_frozen_hint(self):
        return self.remittance_id[:1]._medical_frozen_hint()
