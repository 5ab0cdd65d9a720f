from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

PAYMENT_METHODS = [("cash", "Cash"), ("check", "Check"), ("card", "Credit Card")]
CARD_TYPES = [("visa", "Visa"), ("mastercard", "Mastercard"), ("amex", "American Express"),
              ("discover", "Discover"), ("other", "Other")]
CREDIT_FORWARD_REASONS = [
    ("prepayment", "Prepayment for care"),
    ("supplements", "Supplements paid, not yet received"),
    ("overpayment", "Overpayment in previous software"),
    ("other", "Other"),
]


class MedicalPayment(models.Model):
    """Money a patient paid (or a credit brought forward from previous software).

    Posting applies it to the patient's oldest open charges first (by date of service, then
    charge) across cases; what is left stays as an unapplied credit on the patient's
    receivable, which applies itself to the next charges posted.
    """

    _name = "medical.payment"
    _description = "Patient Payment"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    kind = fields.Selection(
        [("payment", "Payment"), ("credit_forward", "Credit Forward")],
        required=True, default="payment", readonly=True,
    )
    patient_id = fields.Many2one(
        "res.partner", required=True, index=True, check_company=True, tracking=True,
        domain="[('is_patient', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True,
                       tracking=True)
    amount = fields.Monetary(required=True, tracking=True)
    clinic_id = fields.Many2one("medical.clinic", check_company=True, index=True)
    method = fields.Selection(PAYMENT_METHODS, default="cash")
    check_number = fields.Char()
    card_type = fields.Selection(CARD_TYPES)
    card_last4 = fields.Char(string="Card Last 4 Digits", size=4)
    card_authorization = fields.Char(string="Authorization Code")
    credit_forward_reason = fields.Selection(CREDIT_FORWARD_REASONS)
    memo = fields.Char()
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("deleted", "Deleted")],
        default="draft", required=True, readonly=True, copy=False, tracking=True, index=True,
    )
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False)
    delete_move_id = fields.Many2one(
        "account.move", string="Deletion Entry", readonly=True, copy=False,
    )
    delete_reason = fields.Char(readonly=True, copy=False, tracking=True)
    amount_applied = fields.Monetary(
        compute="_compute_amounts", help="What of the payment settles charges.",
    )
    amount_unapplied = fields.Monetary(
        compute="_compute_amounts", help="What of the payment is still a credit.",
    )

    @api.depends("move_id.line_ids.amount_residual", "state")
    def _compute_amounts(self):
        for payment in self:
            credit_lines = payment._credit_lines()
            payment.amount_unapplied = -sum(credit_lines.mapped("amount_residual"))
            payment.amount_applied = payment.amount - payment.amount_unapplied \
                if payment.state == "posted" else 0.0

    def _credit_lines(self):
        """The receivable items of the payment entry that name no charge: its credit."""
        return self.move_id.line_ids.filtered(
            lambda line: line.medical_party_role and not line.medical_charge_id
        )

    @api.constrains("amount", "method", "card_last4", "check_number")
    def _check_payment(self):
        for payment in self:
            if payment.currency_id.compare_amounts(payment.amount, 0) <= 0:
                raise ValidationError(_("Enter a payment amount above zero."))
            if payment.card_last4 and not (
                len(payment.card_last4) == 4 and payment.card_last4.isdigit()
            ):
                raise ValidationError(_(
                    "Keep only the last 4 digits of the card (never the full number)."
                ))
            if payment.kind == "payment" and payment.method == "check" \
                    and not payment.check_number:
                raise ValidationError(_("Enter the check number of a check payment."))

    @api.depends("name", "amount", "patient_id")
    def _compute_display_name(self):
        for payment in self:
            payment.display_name = payment.name if payment.name != "/" else _("Draft payment")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if any(payment.state != "draft" for payment in self):
            raise UserError(_(
                "A posted payment is kept for the trail: use Delete Payment, which reverses "
                "its entry and re-opens the balances it settled."
            ))

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    def action_post(self):
        for payment in self.sorted("id"):
            if payment.state != "draft":
                raise UserError(_("%(payment)s is already posted.", payment=payment.name))
            payment.company_id._medical_check_setup()
            journal = payment._journal()
            payment.company_id._medical_check_open_date(payment.date, journal)
            payment.patient_id._medical_lock_for_payment()
            move = self.env["account.move"].create(payment._prepare_move_vals())
            move.action_post()
            move.line_ids._medical_reconcile()
            payment.write({
                "state": "posted",
                "move_id": move.id,
                "name": move.name,
            })
        self.patient_id._medical_invalidate_balances()
        return True

    def _journal(self):
        self.ensure_one()
        company = self.company_id
        return company.medical_payment_journal_id if self.kind == "payment" \
            else company.medical_adjustment_journal_id

    def _prepare_move_vals(self):
        self.ensure_one()
        journal = self._journal()
        debit_account = journal.default_account_id if self.kind == "payment" \
            else self.company_id.medical_credit_forward_account_id
        label = self._label()
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "ref": label,
            "partner_id": self.patient_id.id,
            "line_ids": [
                (0, 0, {"name": label, "account_id": debit_account.id,
                        "partner_id": self.patient_id.id, "balance": self.amount}),
                *[(0, 0, vals) for vals in self.patient_id._medical_prepare_application_vals(
                    self.company_id, self.amount, label, leave_credit=True,
                )],
            ],
        }

    def _label(self):
        self.ensure_one()
        if self.kind == "credit_forward":
            reason = dict(CREDIT_FORWARD_REASONS).get(self.credit_forward_reason) or ""
            return _("Credit forward: %(reason)s %(memo)s", reason=reason,
                     memo=self.memo or "").strip()
        method = dict(PAYMENT_METHODS)[self.method]
        detail = self.check_number if self.method == "check" else self.card_last4
        if detail:
            return _("Patient payment (%(method)s %(detail)s)", method=method, detail=detail)
        return _("Patient payment (%(method)s)", method=method)

    # ------------------------------------------------------------------
    # Deleting
    # ------------------------------------------------------------------

    def _delete(self, reason):
        """Undo posted payments: unreconcile and reverse their entries (on the payment date,
        or today when that date is locked), re-opening what they settled. A credit of the
        payment that was applied to later charges is taken back from them too."""
        if not reason:
            raise UserError(_("Say why the payment is deleted: the reason stays in its trail."))
        for payment in self:
            if payment.state != "posted":
                raise UserError(_("Only posted payments can be deleted."))
            payment.patient_id._medical_lock_for_payment()
            applications = payment._credit_lines()._all_reconciled_lines().move_id \
                - payment.move_id
            moves = applications | payment.move_id
            moves.line_ids.remove_move_reconcile()
            reversals = self.env["account.move"]
            for move in moves:
                date = move.date
                if move.company_id._get_violated_lock_dates(date, False, move.journal_id):
                    date = fields.Date.context_today(self)
                reversals |= move._reverse_moves(
                    [{"date": date, "ref": _("Deleted: %(ref)s (%(reason)s)", ref=move.ref,
                                             reason=reason)}],
                    cancel=True,
                )
            # The charges that the payment's entries settled are open again.
            (moves | reversals).line_ids.medical_charge_id.invalidate_recordset()
            payment.write({
                "state": "deleted",
                "delete_reason": reason,
                "delete_move_id": payment.move_id.reversal_move_ids[:1].id,
            })
            payment.message_post(body=_("Payment deleted: %(reason)s", reason=reason))
        self.patient_id._medical_invalidate_balances()

