from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .medical_posted_guard import (
    billing_operation_method,
    check_money_delete_rights,
    in_billing_operation,
)

PAYMENT_METHODS = [("cash", "Cash"), ("check", "Check"), ("card", "Credit Card"),
                   ("online", "Online Payment")]
CARD_TYPES = [("visa", "Visa"), ("mastercard", "Mastercard"), ("amex", "American Express"),
              ("discover", "Discover"), ("other", "Other")]
CREDIT_FORWARD_REASONS = [
    ("prepayment", "Prepayment for care"),
    ("supplements", "Supplements paid, not yet received"),
    ("overpayment", "Overpayment in previous software"),
    ("other", "Other"),
]
# The number of each kind (ir.sequence codes): a patient payment takes its entry's number in
# the patient payments journal (MPAY/...); the other kinds are numbered apart, so that a
# refund or a transfer never reads as a payment. Both sides of a transfer share one number.
KIND_SEQUENCE_CODES = {
    "credit_forward": "medical.credit.forward",
    "refund": "medical.refund",
    "transfer_out": "medical.transfer",
    "transfer_in": "medical.transfer",
}
# How each kind counts in the money received: payments in, refunds out; a credit forward
# was received by earlier software and a transfer moves credit between patients.
RECEIVED_SIGNS = {"payment": 1, "refund": -1}
# Kinds that only billing operations make (a refund of a payment, both sides of a transfer).
MADE_BY_BILLING_KINDS = ("refund", "transfer_out", "transfer_in")


class MedicalPayment(models.Model):
    """Patient money: a payment, a credit brought forward from previous software, a refund
    of a payment, or either side of a credit transfer between patients (``kind``).

    Posting a payment or a credit forward applies it to the patient's oldest open charges
    first (by date of service, then charge) across cases; what is left stays as an unapplied
    credit on the patient's receivable, which applies itself to the next charges posted.
    """

    _name = "medical.payment"
    _description = "Patient Payment"
    _inherit = ["mail.thread", "medical.posted.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _medical_protected_fields = frozenset({
        "state", "name", "move_id", "delete_move_id", "delete_reason", "refunded_payment_id",
        "transfer_counterpart_id", "related_move_ids",
    })
    _medical_editable_after_posting = frozenset({"memo"})

    name = fields.Char(readonly=True, copy=False, default="/")
    kind = fields.Selection(
        [("payment", "Payment"), ("credit_forward", "Credit Forward"), ("refund", "Refund"),
         ("transfer_out", "Outgoing Transfer"), ("transfer_in", "Incoming Transfer")],
        required=True, default="payment", readonly=True, index=True,
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
    refunded_payment_id = fields.Many2one(
        "medical.payment", readonly=True, copy=False, index="btree_not_null",
    )
    transfer_counterpart_id = fields.Many2one(
        "medical.payment", readonly=True, copy=False,
        help="The other patient's side of a credit transfer.",
    )
    receipt_line_id = fields.Many2one(
        "account.move.line", string="Money Received", readonly=True, copy=False,
        help="Money already booked by Odoo (an online payment's receipt) that this payment "
        "applies to the patient's charges: its receivable credit is settled instead of the "
        "patient payments journal's account being debited.",
    )
    related_move_ids = fields.Many2many(
        "account.move", string="Related Entries", readonly=True, copy=False,
        help="Entries posted with this one, undone with it: the charges a refund re-opened.",
    )
    amount_applied = fields.Monetary(
        compute="_compute_amounts", help="What of the payment settles charges.",
    )
    amount_unapplied = fields.Monetary(
        compute="_compute_amounts", help="What of the payment is still a credit.",
    )
    amount_refunded = fields.Monetary(compute="_compute_amounts")
    refund_ids = fields.One2many("medical.payment", "refunded_payment_id", string="Refunds")
    amount_received = fields.Monetary(
        string="Received", compute="_compute_amount_received", store=True,
        help="Money that came in: a posted payment in full, a posted refund as money out "
        "(negative). Credit forwards (received by earlier software), transfers between "
        "patients and deleted payments count zero.",
    )

    @api.depends("kind", "state", "amount")
    def _compute_amount_received(self):
        for payment in self:
            sign = RECEIVED_SIGNS.get(payment.kind, 0) if payment.state == "posted" else 0
            payment.amount_received = sign * payment.amount

    @api.depends("move_id.line_ids.amount_residual", "state", "refund_ids.state")
    def _compute_amounts(self):
        for payment in self:
            posted = payment.state == "posted" and payment.kind in ("payment", "credit_forward")
            unapplied = -sum(payment._credit_lines().mapped("amount_residual"))
            refunded = sum(payment.refund_ids.filtered(
                lambda refund: refund.state == "posted").mapped("amount"))
            payment.amount_unapplied = unapplied if posted else 0.0
            payment.amount_refunded = refunded
            payment.amount_applied = payment.amount - unapplied - refunded if posted else 0.0

    def _credit_lines(self):
        """The patient's receivable items of the entry that name no charge: its credit
        (read as superuser: billing roles have no accounting rights)."""
        return self.sudo().move_id.line_ids.filtered(
            lambda line: line.medical_party_role and not line.medical_charge_id
            and line.partner_id == self.patient_id and line.balance < 0
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

    def _creation_message(self):
        """Say what was created: "Refund created", not "Patient Payment created"."""
        self.ensure_one()
        if self.kind == "payment":
            return super()._creation_message()
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        return _("%(kind)s created", kind=kind)

    @api.model
    def _next_number(self, kind, company, date, move):
        """The number of a new money record of ``kind`` (see KIND_SEQUENCE_CODES); its
        entry's number when the kind has no sequence."""
        code = KIND_SEQUENCE_CODES.get(kind)
        number = code and self.env["ir.sequence"].sudo().with_company(company).next_by_code(
            code, sequence_date=date,
        )
        return number or move.name

    def _medical_frozen_hint(self):
        return _("Use Delete Payment, which reverses its entry and re-opens the balances it "
                 "settled, then post it again as it should be.")

    @api.model_create_multi
    def create(self, vals_list):
        if not in_billing_operation(self.env) and any(
                vals.get("kind") in MADE_BY_BILLING_KINDS for vals in vals_list):
            raise UserError(_(
                "Refunds and credit transfers are made with the Refund and Transfer Credit "
                "buttons of the patient's Payments tab, not created directly."
            ))
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    @billing_operation_method
    def action_post(self):
        # The user's own right to post payments; the entries are then made as superuser
        # (see account.move._medical_create_entries).
        self.check_access("write")
        for payment in self.sorted("id"):
            if payment.state != "draft":
                raise UserError(_("%(payment)s is already posted.", payment=payment.name))
            payment.company_id._medical_check_setup()
            journal = payment._journal()
            payment.company_id._medical_check_open_date(payment.date, journal)
            payment.patient_id._medical_lock_for_payment()
            move = self.env["account.move"]._medical_create_entries(payment._prepare_move_vals())
            move.action_post()
            move.line_ids._medical_reconcile()
            payment._settle_receipt(move)
            payment.write({
                "state": "posted",
                "move_id": move.id,
                "name": self._next_number(payment.kind, payment.company_id, payment.date, move),
            })
        self.patient_id._medical_invalidate_balances()
        return True

    def _settle_receipt(self, move):
        """Reconcile the money received elsewhere with the item of ``move`` that takes it."""
        receipt = self.sudo().receipt_line_id
        if receipt:
            taken = move.line_ids.filtered(lambda line: line.account_id == receipt.account_id
                                           and not line.medical_party_role)
            (taken | receipt).reconcile()

    def _journal(self):
        self.ensure_one()
        company = self.company_id
        return company.medical_payment_journal_id if self.kind == "payment" \
            else company.medical_adjustment_journal_id

    def _prepare_move_vals(self):
        self.ensure_one()
        journal = self._journal()
        receipt = self.sudo().receipt_line_id
        debit_account = receipt.account_id or (
            journal.default_account_id if self.kind == "payment"
            else self.company_id.medical_credit_forward_account_id)
        label = self._label()
        return self.env["account.move"]._medical_entry_vals(journal, self.date, label, [
            {"name": label, "account_id": debit_account.id,
             "partner_id": (receipt.partner_id or self.patient_id).id, "balance": self.amount},
            *self.patient_id._medical_prepare_application_vals(
                self.company_id, self.amount, label, leave_credit=True,
            ),
        ])

    def _label(self):
        self.ensure_one()
        if self.kind == "credit_forward":
            reason = dict(CREDIT_FORWARD_REASONS).get(self.credit_forward_reason) or ""
            return _("Credit forward: %(reason)s %(memo)s", reason=reason,
                     memo=self.memo or "").strip()
        method = dict(PAYMENT_METHODS)[self.method]
        # An online payment names its transaction (kept in the memo).
        detail = {"check": self.check_number, "card": self.card_last4,
                  "online": self.memo}.get(self.method)
        if detail:
            return _("Patient payment (%(method)s %(detail)s)", method=method, detail=detail)
        return _("Patient payment (%(method)s)", method=method)

    # ------------------------------------------------------------------
    # Deleting
    # ------------------------------------------------------------------

    @billing_operation_method
    def _delete(self, reason):
        """Undo posted money records: unreconcile and reverse their entries (on their own
        date, or today when that date is locked), re-opening what they settled. Credit
        applications that used the money are undone with it; a transfer goes as a pair."""
        check_money_delete_rights(self.env)
        if not reason:
            raise UserError(_("Say why the payment is deleted: the reason stays in its trail."))
        records = self | self.transfer_counterpart_id
        if any(record.state != "posted" for record in records):
            raise UserError(_("Only posted payments, refunds and transfers can be deleted."))
        records.patient_id._medical_lock_for_payment()
        # The entries are read and reversed as superuser (billing roles have no accounting
        # rights), once the user's right to delete the records is checked (above).
        own_moves = records.sudo().move_id | records.sudo().related_move_ids
        made_credit = own_moves.line_ids.filtered(
            lambda line: line.medical_party_role and not line.medical_charge_id
            and line.balance < 0
        )
        consumers = made_credit.matched_debit_ids.debit_move_id.move_id - own_moves
        blockers = consumers.filtered(lambda move: not move.medical_credit_application)
        if blockers:
            raise UserError(_(
                "This money was already refunded or transferred (%(entries)s): delete that "
                "refund or transfer first.",
                entries=", ".join(blockers.mapped("name")),
            ))
        (own_moves | consumers)._medical_reverse(reason)
        for record in records:
            record.write({
                "state": "deleted",
                "delete_reason": reason,
                "delete_move_id": record.sudo().move_id.reversal_move_ids[:1].id,
            })
            record.message_post(body=_("Deleted: %(reason)s", reason=reason))
        records.patient_id._medical_invalidate_balances()

    # ------------------------------------------------------------------
    # Refunds and transfers
    # ------------------------------------------------------------------

    @billing_operation_method
    def _refund(self, amount, reason, date=None, method="cash", reopen_charges=False):
        """Pay back ``amount`` of a posted payment. Only what of it is still unapplied can
        go back, unless ``reopen_charges``: then the newest charges it paid open again for
        the rest."""
        self.ensure_one()
        currency = self.currency_id
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        if self.state != "posted" or self.kind not in ("payment", "credit_forward"):
            raise UserError(_("Only a posted payment or credit forward can be refunded."))
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(_("Enter a refund amount above zero."))
        if not reason:
            raise UserError(_("Say why the money goes back: the reason stays in the trail."))
        self.patient_id._medical_lock_for_payment()
        self.invalidate_recordset(["amount_unapplied", "amount_applied", "amount_refunded"])
        excess = currency.round(amount - self.amount_unapplied)
        if currency.compare_amounts(excess, 0) > 0 and not reopen_charges:
            raise UserError(_(
                "Only %(unapplied)s of this payment is unapplied; refunding %(amount)s would "
                "re-open charges it paid. Confirm re-opening the newest charges, or refund "
                "%(unapplied)s at most.",
                unapplied=currency.format(self.amount_unapplied), amount=currency.format(amount),
            ))
        if currency.compare_amounts(excess, self.amount_applied) > 0:
            raise UserError(_(
                "%(amount)s is more than what is left of the payment to refund "
                "(%(left)s: %(total)s less %(refunded)s already refunded).",
                amount=currency.format(amount), total=currency.format(self.amount),
                left=currency.format(self.amount - self.amount_refunded),
                refunded=currency.format(self.amount_refunded),
            ))
        journal = self.company_id.medical_payment_journal_id
        self.company_id._medical_check_open_date(date, journal)
        reopened = self._reopen_paid_charges(excess, date) \
            if currency.compare_amounts(excess, 0) > 0 else self.env["account.move"]
        refund = self.create({
            "kind": "refund", "patient_id": self.patient_id.id, "company_id": self.company_id.id,
            "amount": amount, "date": date, "method": method, "memo": reason,
            "clinic_id": self.clinic_id.id, "refunded_payment_id": self.id,
            "related_move_ids": [(6, 0, reopened.ids)],
        })
        label = _("Refund of %(payment)s: %(reason)s", payment=self.name, reason=reason)
        move = self.env["account.move"]._medical_create_entry(
            journal, date, label, [
                {"name": label, "medical_entry_kind": "payment", "medical_party_role": "patient",
                 "partner_id": self.patient_id.id,
                 "account_id": self.company_id.medical_patient_receivable_account_id.id,
                 "balance": amount},
                {"name": label, "account_id": journal.default_account_id.id,
                 "partner_id": self.patient_id.id, "balance": -amount},
            ],
        )
        move.action_post()
        refund_item = move.line_ids.filtered("medical_party_role")
        open_credits = (self._credit_lines() | reopened.line_ids).filtered(
            lambda line: line.medical_party_role and not line.medical_charge_id
            and not line.reconciled
        )
        (refund_item | open_credits).reconcile()
        refund.write({
            "state": "posted", "move_id": move.id,
            "name": self._next_number("refund", self.company_id, date, move),
        })
        self.patient_id._medical_invalidate_balances()
        return refund

    def _paid_charge_items(self):
        """The items that paid charges with this payment's money: those of its own entry,
        and those of the credit applications that used its credit."""
        self.ensure_one()
        applications = self._credit_lines().matched_debit_ids.debit_move_id.move_id.filtered(
            "medical_credit_application")
        return (self.sudo().move_id | applications).line_ids.filtered(
            lambda line: line.medical_charge_id and line.medical_party_role == "patient"
            and line.balance < 0
        )

    def _reopen_paid_charges(self, amount, date):
        """Take ``amount`` of this payment back from the newest charges it paid (itself or
        through its credit applied later), as a credit of the patient: one entry in the
        adjustments journal."""
        company = self.company_id
        currency = company.currency_id
        paid_items = self._paid_charge_items().sorted(
            lambda line: (line.medical_charge_id.date_service, line.medical_charge_id.id),
            reverse=True)
        reopenable = -sum(paid_items.mapped("balance"))
        if currency.compare_amounts(amount, reopenable) > 0:
            raise UserError(_(
                "%(payment)s paid %(paid)s of charges; the rest of it was transferred to "
                "another patient or refunded: re-opening %(amount)s is not possible. Delete "
                "that transfer first, or refund less. Nothing was posted.",
                payment=self.name, paid=currency.format(reopenable),
                amount=currency.format(amount),
            ))
        label = _("Re-opened for the refund of %(payment)s", payment=self.name)
        line_vals, left = [], amount
        for item in paid_items:
            if currency.compare_amounts(left, 0) <= 0:
                break
            taken = min(left, -item.balance)
            line_vals.append(item.medical_charge_id._prepare_receivable_line_vals(
                "patient", taken, "payment", label,
            ))
            left = currency.round(left - taken)
        line_vals.append({
            "name": label, "medical_entry_kind": "payment", "medical_party_role": "patient",
            "partner_id": self.patient_id.id,
            "account_id": company.medical_patient_receivable_account_id.id,
            "balance": -amount,
        })
        move = self.env["account.move"]._medical_create_entry(
            company.medical_adjustment_journal_id, date, label, line_vals,
        )
        move.action_post()
        return move

    @api.model
    @billing_operation_method
    def _transfer_credit(self, from_patient, to_patient, amount, reason, date=None):
        """Move unapplied credit from one patient to another; the receiving patient's credit
        applies itself to their oldest open charges."""
        company = from_patient.company_id or self.env.company
        currency = company.currency_id
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        if from_patient == to_patient:
            raise UserError(_("Pick two different patients for a credit transfer."))
        if not (from_patient.is_patient and to_patient.is_patient):
            raise UserError(_("Credit can only be transferred between patients."))
        if not reason:
            raise UserError(_("Say why the credit moves: the reason stays in both ledgers."))
        (from_patient | to_patient)._medical_lock_for_payment()
        available = from_patient._medical_credits(company).get(from_patient, 0.0)
        if currency.compare_amounts(amount, 0) <= 0 or \
                currency.compare_amounts(amount, available) > 0:
            raise UserError(_(
                "%(patient)s has %(credit)s of unapplied credit: transfer an amount above "
                "zero and no more than that.",
                patient=from_patient.name, credit=currency.format(available),
            ))
        company._medical_check_open_date(date, company.medical_adjustment_journal_id)
        label = _("Credit transfer %(giver)s to %(receiver)s: %(reason)s", reason=reason,
                  giver=from_patient.name, receiver=to_patient.name)
        account = company.medical_patient_receivable_account_id
        move = self.env["account.move"]._medical_create_entry(
            company.medical_adjustment_journal_id, date, label, [
                {"name": label, "medical_entry_kind": "payment", "medical_party_role": "patient",
                 "partner_id": patient.id, "account_id": account.id, "balance": balance}
                for patient, balance in ((from_patient, amount), (to_patient, -amount))
            ],
        )
        move.action_post()
        move.line_ids._medical_reconcile()
        common = {"company_id": company.id, "amount": amount, "date": date, "memo": reason,
                  "state": "posted", "move_id": move.id,
                  "name": self._next_number("transfer_out", company, date, move)}
        outgoing, incoming = self.create([
            {**common, "kind": "transfer_out", "patient_id": from_patient.id},
            {**common, "kind": "transfer_in", "patient_id": to_patient.id},
        ])
        outgoing.transfer_counterpart_id = incoming
        incoming.transfer_counterpart_id = outgoing
        to_patient._medical_apply_credits(company)
        (from_patient | to_patient)._medical_invalidate_balances()
        return outgoing, incoming
