from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .medical_posted_guard import billing_operation_method, check_money_delete_rights


class MedicalEob(models.Model):
    """A payer's explanation of benefits, posted by hand: one check or EFT, and per charge
    line what the payer paid and how it adjusted the rest."""

    _name = "medical.eob"
    _description = "Explanation of Benefits"
    _inherit = ["mail.thread", "mail.activity.mixin", "medical.posted.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _medical_protected_fields = frozenset({"state", "name", "move_id", "delete_reason"})
    # A scanned image may still be attached to a posted EOB.
    _medical_editable_after_posting = frozenset({"document", "document_name"})

    name = fields.Char(readonly=True, copy=False, default="/")
    payer_id = fields.Many2one(
        "res.partner", required=True, index=True, check_company=True, tracking=True,
        domain="[('is_payer', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True,
                       tracking=True)
    payment_method = fields.Selection([("check", "Check"), ("eft", "EFT")], default="check",
                                      required=True)
    reference = fields.Char(string="Check / EFT Number", required=True, tracking=True)
    amount_total = fields.Monetary(string="Total Paid", required=True, tracking=True)
    line_ids = fields.One2many("medical.eob.line", "eob_id", string="Charge Lines")
    amount_lines_paid = fields.Monetary(compute="_compute_amount_lines_paid")
    document = fields.Binary(string="Scanned EOB", attachment=True)
    document_name = fields.Char()
    patient_ids = fields.Many2many("res.partner", compute="_compute_patient_ids",
                                   string="Patients")
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("deleted", "Deleted")],
        default="draft", required=True, readonly=True, copy=False, tracking=True, index=True,
    )
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False,
        index="btree_not_null",
    )
    delete_reason = fields.Char(readonly=True, copy=False, tracking=True)
    remittance_id = fields.Many2one(
        "medical.remittance", readonly=True, copy=False, index="btree_not_null",
        check_company=True,
        help="The payer's payment (check or EFT) this EOB is part of: its entry carries the "
        "deposit of the whole payment.",
    )
    payer_claim_number = fields.Char(
        readonly=True, copy=False, index="btree_not_null",
        help="The payer's own number of the claim this EOB answers (from its remittance).",
    )
    reversed_eob_id = fields.Many2one(
        "medical.eob", string="Reverses", readonly=True, copy=False, check_company=True,
        help="The EOB whose posting the payer took back: this one's amounts are negative.",
    )

    @api.depends("line_ids.paid")
    def _compute_amount_lines_paid(self):
        for eob in self:
            eob.amount_lines_paid = sum(eob.line_ids.mapped("paid"))

    @api.depends("line_ids.charge_id")
    def _compute_patient_ids(self):
        for eob in self:
            eob.patient_ids = eob.line_ids.charge_id.patient_id

    def _medical_frozen_hint(self):
        return _("Delete the EOB with its button, which reverses its entry, then enter it "
                 "again as it should be.")

    def action_view_document(self):
        self.ensure_one()
        if not self.document:
            raise UserError(_("No scanned image is attached to %(eob)s.", eob=self.name))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/medical.eob/{self.id}/document/{self.document_name or ''}"
                   "?download=false",
            "target": "new",
        }

    @api.constrains("payer_id", "company_id")
    def _check_lines_charges(self):
        self.line_ids._check_charge()

    @api.constrains("payer_id", "company_id", "remittance_id")
    def _check_remittance(self):
        for eob in self.filtered("remittance_id"):
            remittance = eob.remittance_id
            if (remittance.payer_id, remittance.company_id) != (eob.payer_id, eob.company_id):
                raise ValidationError(_(
                    "%(eob)s is from %(payer)s, but the payment %(payment)s is from "
                    "%(other)s: an EOB belongs to a payment of its own payer and company.",
                    eob=eob.name, payer=eob.payer_id.name, payment=remittance.display_name,
                    other=remittance.payer_id.name))

    @billing_operation_method
    def action_post(self):
        # The user's own right to post EOBs (billers); the entries are then made as
        # superuser (see account.move._medical_create_entries).
        self.check_access("write")
        for eob in self:
            if eob.remittance_id.state == "draft":
                raise UserError(_(
                    "%(eob)s is part of the payer's payment %(payment)s: post the payment, "
                    "which posts its EOBs with one deposit.",
                    eob=eob.name, payment=eob.remittance_id.display_name))
            eob._check_draft()
            # Its patient responsibility and a patient payment posted meanwhile would each
            # miss the other: post one after the other.
            eob.line_ids.charge_id.patient_id._medical_lock_for_payment()
            eob._check_postable()
            journal = eob.company_id.medical_payer_payment_journal_id
            eob.company_id._medical_check_open_date(eob.date, journal)
            move_vals = eob._prepare_move_vals()
            move = self.env["account.move"]
            if move_vals["line_ids"]:
                # Complete and balanced: no syncing of dynamic lines (see the payer payment).
                move = self.env["account.move"].with_context(
                    skip_invoice_sync=True)._medical_create_entries(move_vals)
                move.action_post()
                move.line_ids._medical_reconcile()
            eob._set_posted(move)
        return True

    def _restored_by_reversals(self):
        """{(charge, role): amount} the reversals among these EOBs give back to the payer:
        what the EOBs they reverse paid and adjusted, owed again once they post."""
        restored = defaultdict(float)
        for line in self.filtered("reversed_eob_id").line_ids:
            restored[line.charge_id, line.role] -= line.paid + sum(
                line.adjustment_ids._posted().mapped("amount"))
        return restored

    def _check_draft(self):
        for eob in self:
            if eob.state != "draft":
                raise UserError(_("%(eob)s is already posted.", eob=eob.name))

    def _set_posted(self, move):
        """Mark these EOBs posted with ``move``, the entry that carries them (none for a
        denial: no money moved). Modules add what follows a payer's answer here."""
        if move:
            self.write({"state": "posted", "move_id": move.id, "name": move.name})
        else:
            self._post_denials()
        self.line_ids.charge_id.patient_id._medical_invalidate_balances()

    def _post_denials(self):
        """EOBs whose lines all pay 0.00 and post no adjustment: the payer denied the
        charges. Each is kept, posted, with no journal entry (no money moved, and Odoo
        posts no entry without items); the charges stay owed by the payer."""
        for eob in self:
            eob.write({"state": "posted", "name": _(
                "Denial %(reference)s", reference=eob.payer_claim_number or eob.reference)})
            eob.message_post(body=_(
                "Posted as a denial: the payer paid and adjusted nothing, so no journal "
                "entry was made and the charges stay owed by %(payer)s.",
                payer=eob.payer_id.name,
            ))

    def _check_postable(self, restored=None):
        """Refuse what cannot post; ``restored`` ({(charge, role): amount}) is what
        reversals posted in the same entry give back to the payer first."""
        self.company_id._medical_check_setup()
        for eob in self:
            currency = eob.currency_id
            if not eob.line_ids:
                raise UserError(_("Add the EOB's charge lines before posting it."))
            difference = currency.round(eob.amount_total - eob.amount_lines_paid)
            if not currency.is_zero(difference):
                raise UserError(_(
                    "The lines of %(eob)s pay %(lines)s but its total is %(total)s "
                    "(difference %(difference)s): fix the amounts so that they add up.",
                    eob=eob.name, lines=currency.format(eob.amount_lines_paid),
                    total=currency.format(eob.amount_total),
                    difference=currency.format(difference),
                ))
        self.line_ids._check_postable(restored)  # one read of the charges' figures

    def _prepare_move_vals_together(self):
        """One entry for these EOBs of one payment, on its date: their items, and their
        money taken from the unapplied account, where the payment's deposit put it."""
        first = self[:1]
        company = first.company_id
        label = _("EOBs %(payer)s %(reference)s", payer=first.payer_id.name,
                  reference=first.reference)
        money = sum(self.mapped("amount_total"))
        line_vals = [] if first.currency_id.is_zero(money) else [{
            "name": label, "account_id": company.medical_unapplied_payer_account_id.id,
            "partner_id": first.payer_id.id, "balance": money,
        }]
        for eob in self:
            eob_label = eob._entry_label()
            for line in eob.line_ids:
                line_vals += line._prepare_move_line_vals(eob_label)
        return self.env["account.move"]._medical_entry_vals(
            company.medical_payer_payment_journal_id, first.remittance_id.date or first.date,
            label, line_vals)

    def _prepare_move_vals(self):
        self.ensure_one()
        journal = self.company_id.medical_payer_payment_journal_id
        label = self._entry_label()
        line_vals = self._prepare_funding_line_vals(label)
        for line in self.line_ids:
            line_vals += line._prepare_move_line_vals(label)
        return self.env["account.move"]._medical_entry_vals(journal, self.date, label, line_vals)

    def _entry_label(self):
        self.ensure_one()
        return _("EOB %(payer)s %(reference)s", payer=self.payer_id.name,
                 reference=self.reference)

    def _prepare_funding_line_vals(self, label):
        """Where the money an EOB pays comes from: the bank (the payer payments journal's
        account) for the check or EFT it came with; for an EOB added to a payer's payment
        already deposited (a remittance claim resolved later), the unapplied payments
        account that holds its money since."""
        self.ensure_one()
        if self.currency_id.is_zero(self.amount_total):
            return []
        account = self.company_id.medical_unapplied_payer_account_id \
            if self.remittance_id else \
            self.company_id.medical_payer_payment_journal_id.default_account_id
        return [{"name": label, "account_id": account.id, "partner_id": self.payer_id.id,
                 "balance": self.amount_total}]

    @billing_operation_method
    def _delete(self, reason):
        check_money_delete_rights(self.env)
        if not reason:
            raise UserError(_("Say why the EOB is deleted: the reason stays in its trail."))
        for eob in self:
            if eob.state != "posted":
                raise UserError(_("Only posted EOBs can be deleted."))
            if eob.move_id and self.search_count([("move_id", "=", eob.move_id.id)]) > 1:
                raise UserError(_(
                    "%(eob)s was posted with the payer's payment %(payment)s, in one entry "
                    "with other EOBs: delete the payment, which takes back all its EOBs.",
                    eob=eob.name, payment=eob.remittance_id.display_name))
            eob.sudo().move_id._medical_reverse(reason)
        self._set_deleted(reason)

    def _set_deleted(self, reason):
        """Mark these posted EOBs deleted (their entries reversed). Modules add what
        follows here."""
        for eob in self:
            eob.write({"state": "deleted", "delete_reason": reason})
            eob.message_post(body=_("EOB deleted: %(reason)s", reason=reason))
        self.line_ids.charge_id.patient_id._medical_invalidate_balances()
