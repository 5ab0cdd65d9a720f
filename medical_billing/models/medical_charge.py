from collections import defaultdict

from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .account_move_line import PARTY_ROLES, PAYER_ROLES, RESPONSIBILITY_KINDS
from .medical_posted_guard import billing_operation_method

MAX_CHARGE_DIAGNOSES = 4
# Aging buckets of the open charges, by days past the date of service, with the
# colour index of Odoo's palette that the list shows (10 green, 3 yellow, 2 orange, 1 red).
AGING_BUCKETS = [
    ("current", "Under 30 days", 30, 10),
    ("30_60", "30-60 days", 60, 3),
    ("60_90", "60-90 days", 90, 2),
    ("over_90", "Over 90 days", None, 1),
]
# Per party: what it was charged, paid, had written off, and still owes.
LEDGER_FIGURES = ("responsibility", "paid", "write_off", "due")


def _ledger_amount(string):
    return fields.Monetary(string=string, compute="_compute_ledger_figures", store=True)


class MedicalCharge(models.Model):
    _name = "medical.charge"
    _description = "Charge"
    _inherit = ["mail.thread", "medical.posted.guard.mixin"]
    _order = "date_service, id"
    _check_company_auto = True
    _medical_protected_fields = frozenset({"state", "move_id", "reversal_move_id"})
    _medical_editable_after_posting = frozenset({
        "note", "hold_patient_receipt", "hold_statement", "hold_claim", "treating_provider_id",
        "billing_provider_id", "treating_clinic_id", "scheduled_clinic_id", "diagnosis_ids",
    })

    case_id = fields.Many2one(
        "medical.case", required=True, index=True, check_company=True, tracking=True,
        readonly=False, ondelete="restrict",
    )
    patient_id = fields.Many2one(related="case_id.patient_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("reversed", "Reversed")],
        default="draft", required=True, readonly=True, copy=False, tracking=True, index=True,
    )
    date_service = fields.Date(
        string="DOS", required=True, default=fields.Date.context_today, index=True,
        tracking=True,
    )
    product_id = fields.Many2one(
        "product.product", string="Code", required=True, check_company=True, tracking=True,
        domain="[('medical_code_type', '!=', False)]",
    )
    description = fields.Char(compute="_compute_description", store=True, readonly=False)
    units = fields.Float(default=1.0, digits="Product Unit of Measure", tracking=True)
    modifier1_id = fields.Many2one("medical.modifier", string="Modifier 1")
    modifier2_id = fields.Many2one("medical.modifier", string="Modifier 2")
    modifier3_id = fields.Many2one("medical.modifier", string="Modifier 3")
    modifier4_id = fields.Many2one("medical.modifier", string="Modifier 4")
    diagnosis_ids = fields.Many2many(
        "medical.case.diagnosis", string="ICD Mapping",
        compute="_compute_diagnosis_ids", store=True, readonly=False,
        domain="[('case_id', '=', case_id)]",
        help="The case's diagnoses this charge treats (at most 4); deselect the others.",
    )
    treating_provider_id = fields.Many2one(
        "medical.provider", check_company=True, domain="[('is_treating', '=', True)]",
    )
    billing_provider_id = fields.Many2one(
        "medical.provider", check_company=True, domain="[('is_billing', '=', True)]",
    )
    treating_clinic_id = fields.Many2one("medical.clinic", check_company=True)
    scheduled_clinic_id = fields.Many2one("medical.clinic", check_company=True)
    hold_patient_receipt = fields.Boolean(help="Keep this charge off patient receipts.")
    hold_statement = fields.Boolean(help="Keep this charge off patient statements.")
    hold_claim = fields.Boolean(help="Keep this charge off insurance claims.")
    note = fields.Text()

    # Prices, frozen once posted: they are the amounts of the charge's journal entry.
    fee_schedule_id = fields.Many2one(
        "medical.fee.schedule", compute="_compute_fee_schedule_id", store=True, readonly=False,
        check_company=True,
    )
    price_unit = fields.Monetary(
        string="Charge", compute="_compute_price_unit", store=True, readonly=False,
        help="Unit price of the code on the clinic's price list.",
    )
    fee_price_unit = fields.Monetary(
        string="Fee Schedule Charge", compute="_compute_fee_price_unit", store=True, readonly=False,
        help="Unit price of the code on the fee schedule of the case or patient.",
    )
    tax_ids = fields.Many2many(
        "account.tax", string="Taxes", compute="_compute_tax_ids", store=True, readonly=False,
        check_company=True, domain="[('type_tax_use', '=', 'sale')]",
    )
    amount_list_untaxed = fields.Monetary(
        string="Price List Amount", compute="_compute_amounts", store=True,
    )
    amount_list_tax = fields.Monetary(
        string="Total Schedule Tax", compute="_compute_amounts", store=True,
        help="Sales tax on the price list amount, before the fee schedule write-off.",
    )
    amount_list_total = fields.Monetary(
        string="Total Charge", compute="_compute_amounts", store=True,
    )
    amount_fee_untaxed = fields.Monetary(
        string="Fee Schedule Amount", compute="_compute_amounts", store=True,
    )
    amount_fee_tax = fields.Monetary(
        string="Fee Schedule Tax", compute="_compute_amounts", store=True,
        help="Sales tax on the fee schedule amount: the tax actually charged.",
    )
    amount_fee_total = fields.Monetary(
        string="Fee Schedule Total Charge", compute="_compute_amounts", store=True,
        help="What patient and payers owe together: the sum of the responsibility shares.",
    )
    amount_fee_write_off = fields.Monetary(
        string="Fee Schedule Write Off", compute="_compute_amounts", store=True,
    )

    # Payers of the case at the date of service, kept as posted.
    primary_payer_id = fields.Many2one(
        "res.partner", compute="_compute_payers", store=True,
    )
    secondary_payer_id = fields.Many2one(
        "res.partner", compute="_compute_payers", store=True,
    )
    tertiary_payer_id = fields.Many2one(
        "res.partner", compute="_compute_payers", store=True,
    )

    coverage_warning = fields.Char(
        compute="_compute_coverage_warning",
        help="Why the patient will owe the whole charge: no policy of the case covers its "
        "date of service.",
    )
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False)
    reversal_move_id = fields.Many2one(
        "account.move", string="Reversal Entry", readonly=True, copy=False,
    )
    ledger_line_ids = fields.One2many(
        "account.move.line", "medical_charge_id", string="Journal Items", readonly=True,
    )

    # Figures read from the posted journal items (see _compute_ledger_figures), stored so
    # that lists of open balances filter and sum columns instead of the whole history.
    patient_responsibility = _ledger_amount("Patient Charge")
    patient_paid = _ledger_amount("Patient Paid")
    patient_write_off = _ledger_amount("Patient Write Off")
    patient_due = _ledger_amount("Patient Owes")
    primary_responsibility = _ledger_amount("Primary Payer Charge")
    primary_paid = _ledger_amount("Primary Paid")
    primary_write_off = _ledger_amount("Primary Write Off")
    primary_due = _ledger_amount("Primary Owes")
    secondary_responsibility = _ledger_amount("Secondary Payer Charge",
    )
    secondary_paid = _ledger_amount("Secondary Paid")
    secondary_write_off = _ledger_amount("Secondary Write Off")
    secondary_due = _ledger_amount("Secondary Owes")
    tertiary_responsibility = _ledger_amount("Tertiary Payer Charge",
    )
    tertiary_paid = _ledger_amount("Tertiary Paid")
    tertiary_write_off = _ledger_amount("Tertiary Write Off")
    tertiary_due = _ledger_amount("Tertiary Owes")
    balance = fields.Monetary(
        compute="_compute_ledger_figures", store=True,
        help="What patient and payers still owe on the charge together.",
    )
    total_write_off = fields.Monetary(
        compute="_compute_ledger_figures", store=True,
        help="Fee schedule write-off plus every write-off posted against the charge.",
    )
    has_details = fields.Boolean(
        string="+", compute="_compute_details",
        help="The charge has an EOB, a modifier or a write-off.",
    )
    details_summary = fields.Char(
        string="Details", compute="_compute_details",
        help="What the '+' marks: the charge's EOBs, modifiers and write-offs.",
    )
    days_past_due = fields.Integer(compute="_compute_aging")
    aging_bucket = fields.Selection(
        [(key, label) for key, label, *__ in AGING_BUCKETS], compute="_compute_aging",
        search="_search_aging_bucket",
    )
    aging_color = fields.Integer(compute="_compute_aging")

    @api.model_create_multi
    def create(self, vals_list):
        # A charge's trail starts when it is posted (its tracked state, its entry): a
        # "created" message for every code entered would bury a busy case's chatter, and
        # costs a quarter of creating charges in batches (Odoo's own flag).
        charges = super(MedicalCharge, self.with_context(mail_create_nolog=True)).create(
            vals_list)
        return charges.with_env(self.env)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("product_id")
    def _compute_description(self):
        for charge in self:
            charge.description = charge.product_id.name

    @api.depends("case_id")
    def _compute_diagnosis_ids(self):
        for charge in self:
            if charge.state == "draft":
                charge.diagnosis_ids = charge.case_id.diagnosis_ids[:MAX_CHARGE_DIAGNOSES]

    @api.depends("case_id.fee_schedule_id")
    def _compute_fee_schedule_id(self):
        for charge in self:
            if charge.state == "draft":
                charge.fee_schedule_id = charge.case_id.fee_schedule_id

    # One compute per price field: the web client sends the fields its view shows, and a
    # value given for one field of a shared compute would keep the others from computing.
    @api.depends("product_id")
    def _compute_price_unit(self):
        for charge in self.filtered(lambda c: c.state == "draft"):
            charge.price_unit = charge.product_id.lst_price

    @api.depends("product_id", "fee_schedule_id")
    def _compute_fee_price_unit(self):
        for charge in self.filtered(lambda c: c.state == "draft"):
            line = charge._fee_schedule_line()
            charge.fee_price_unit = line.price if line else charge.product_id.lst_price

    @api.depends("product_id", "fee_schedule_id")
    def _compute_tax_ids(self):
        for charge in self.filtered(lambda c: c.state == "draft"):
            line = charge._fee_schedule_line()
            charge.tax_ids = line.tax_ids if line else charge.product_id.taxes_id.filtered_domain(
                self.env["account.tax"]._check_company_domain(charge.company_id)
            )

    def _fee_schedule_line(self):
        """The fee schedule's line for the charge's code; none: the price list applies."""
        self.ensure_one()
        return self.fee_schedule_id._line_for(self.product_id) if self.fee_schedule_id \
            else self.env["medical.fee.schedule.line"]

    @api.depends("price_unit", "fee_price_unit", "units", "tax_ids")
    def _compute_amounts(self):
        for charge in self:
            list_untaxed, list_taxes = charge._tax_breakdown(charge.price_unit)
            fee_untaxed, fee_taxes = charge._tax_breakdown(charge.fee_price_unit)
            list_tax = sum(tax["amount"] for tax in list_taxes)
            fee_tax = sum(tax["amount"] for tax in fee_taxes)
            charge.amount_list_untaxed = list_untaxed
            charge.amount_list_tax = list_tax
            charge.amount_list_total = list_untaxed + list_tax
            charge.amount_fee_untaxed = fee_untaxed
            charge.amount_fee_tax = fee_tax
            charge.amount_fee_total = fee_untaxed + fee_tax
            charge.amount_fee_write_off = list_untaxed - fee_untaxed

    @api.depends(
        "date_service", "case_id.primary_policy_id", "case_id.secondary_policy_id",
        "case_id.tertiary_policy_id",
    )
    def _compute_payers(self):
        for charge in self:
            if charge.state != "draft":
                continue
            policies = charge.case_id._policies_by_role(charge.date_service) \
                if charge.case_id and charge.date_service else {}
            for role in PAYER_ROLES:
                charge[f"{role}_payer_id"] = policies[role].payer_id if role in policies \
                    else False

    @api.depends("state", "primary_payer_id", "case_id", "date_service",
                 "case_id.primary_policy_id",
                 "case_id.primary_policy_id.date_start", "case_id.primary_policy_id.date_end")
    def _compute_coverage_warning(self):
        for charge in self:
            case = charge.case_id
            if charge.state == "posted" and not charge.primary_payer_id:
                charge.coverage_warning = _(
                    "Billed to the patient in full: no policy covered the date of service.")
            elif charge.state != "draft" or not case or not charge.date_service:
                charge.coverage_warning = False
            elif not case.primary_policy_id:
                charge.coverage_warning = _(
                    "The case has no policy: the patient will owe the whole charge "
                    "(self-pay). Add the patient's policy to the case to bill a payer.")
            elif "primary" not in case._policies_by_role(charge.date_service):
                charge.coverage_warning = _(
                    "No policy of the case covers %(date)s: the patient will owe the whole "
                    "charge. Check the policy's dates.", date=charge.date_service)
            else:
                charge.coverage_warning = False

    @api.depends(
        "ledger_line_ids.balance", "ledger_line_ids.amount_residual",
        "ledger_line_ids.parent_state", "ledger_line_ids.medical_party_role",
        "ledger_line_ids.medical_entry_kind", "amount_fee_write_off",
    )
    def _compute_ledger_figures(self):
        # A charge being entered (a new record in a form) has no journal items yet, and may
        # have no company: its figures are zero, read through its origin if it has one.
        figures = self._origin._ledger_figures()
        # One assignment per figure and amount (and currency, which rounds it) for all the
        # charges that share it: a posting computes thousands of charges whose figures
        # mostly repeat (zero for the parties not billed, the same prices), and assigning
        # each figure of each charge apart cost more than reading the figures.
        charge_ids = defaultdict(list)
        for charge in self:
            by_role = figures[charge._origin.id]
            currency_id = charge.currency_id.id
            amounts = {
                f"{role}_{figure}": by_role[role][figure]
                for role, __ in PARTY_ROLES for figure in LEDGER_FIGURES
            }
            amounts["balance"] = sum(by_role[role]["due"] for role in by_role)
            amounts["total_write_off"] = charge.amount_fee_write_off + sum(
                by_role[role]["write_off"] for role in by_role)
            for fname, amount in amounts.items():
                charge_ids[fname, currency_id, amount].append(charge.id)
        for (fname, __, amount), ids in charge_ids.items():
            self.browse(ids)[fname] = amount

    @api.depends("total_write_off", "amount_fee_write_off",
                 "modifier1_id", "modifier2_id", "modifier3_id", "modifier4_id")
    def _compute_details(self):
        # Any posted EOB line counts, a denial (no money moved, no journal item) too.
        with_eob = {charge.id for [charge] in self.env["medical.eob.line"]._read_group(
            [("charge_id", "in", self._origin.ids), ("eob_id.state", "=", "posted")],
            ["charge_id"],
        )}
        for charge in self:
            currency = charge.currency_id or self.env.company.currency_id
            party_write_off = charge.total_write_off - charge.amount_fee_write_off
            modifiers = charge._modifiers()
            details = [
                _("EOB") if charge._origin.id in with_eob else "",
                _("Modifier %(codes)s", codes=" ".join(modifiers.mapped("code")))
                if modifiers else "",
                _("Write-off %(amount)s", amount=currency.format(party_write_off))
                if not currency.is_zero(party_write_off) else "",
            ]
            charge.details_summary = ", ".join(detail for detail in details if detail)
            charge.has_details = bool(charge.details_summary)

    def _ledger_figures(self):
        """{charge id: {role: {figure: amount}}} from the posted receivable journal items.

        Read as superuser (billing roles have no accounting rights): the charges are the
        user's own, read under the user's rights, and their company is explicit."""
        figures = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(LEDGER_FIGURES, 0.0)))
        groups = self.env["account.move.line"].sudo()._read_group(
            [
                ("company_id", "in", self.company_id.ids),
                ("medical_charge_id", "in", self.ids),
                ("parent_state", "=", "posted"),
                ("medical_party_role", "!=", False),
            ],
            ["medical_charge_id", "medical_party_role", "medical_entry_kind"],
            ["balance:sum", "amount_residual:sum"],
        )
        for charge, role, kind, balance, residual in groups:
            role_figures = figures[charge.id][role]
            role_figures["due"] += residual
            if kind in RESPONSIBILITY_KINDS:
                role_figures["responsibility"] += balance
            elif kind == "write_off":
                role_figures["write_off"] -= balance
            elif kind == "payment":
                role_figures["paid"] -= balance
        return figures

    @api.depends("date_service", "state")
    @api.depends_context("date")
    def _compute_aging(self):
        today = fields.Date.context_today(self)
        open_charges = self.filtered(lambda c: c.state == "posted" and c.balance > 0)
        for charge in self:
            if charge not in open_charges:
                charge.days_past_due = 0
                charge.aging_bucket = False
                charge.aging_color = 0
                continue
            days = max((today - charge.date_service).days, 0)
            key, color = next(
                (key, color) for key, __, limit, color in AGING_BUCKETS
                if limit is None or days < limit
            )
            charge.days_past_due = days
            charge.aging_bucket = key
            charge.aging_color = color

    def _search_aging_bucket(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(_("Aging can only be searched for one or more buckets."))
        today = fields.Date.context_today(self)
        keys = [value] if isinstance(value, str) else list(value)
        domains = []
        lower = 0
        for key, __, limit, __ in AGING_BUCKETS:
            if key in keys:
                bucket = [("date_service", "<=", fields.Date.subtract(today, days=lower))]
                if limit is not None:
                    bucket.append(("date_service", ">", fields.Date.subtract(today, days=limit)))
                domains.append(bucket)
            lower = limit or lower
        if not domains:
            return [("id", "=", False)]
        bucket_domain = ["|"] * (len(domains) - 1) + [term for d in domains for term in d]
        return [("state", "=", "posted"), ("balance", "!=", 0), *bucket_domain]

    @api.depends("product_id", "date_service")
    def _compute_display_name(self):
        for charge in self:
            code = charge.product_id.default_code or charge.product_id.name or ""
            charge.display_name = f"{charge.date_service or ''} {code}".strip()

    # ------------------------------------------------------------------
    # Constraints and protection
    # ------------------------------------------------------------------

    @api.constrains("diagnosis_ids", "case_id")
    def _check_diagnoses(self):
        for charge in self:
            if len(charge.diagnosis_ids) > MAX_CHARGE_DIAGNOSES:
                raise ValidationError(_(
                    "Charge %(charge)s points at %(count)s diagnoses: a charge maps at most "
                    "4. Deselect the others in its ICD Mapping.",
                    charge=charge.display_name, count=len(charge.diagnosis_ids),
                ))
            if charge.diagnosis_ids.case_id - charge.case_id:
                raise ValidationError(_(
                    "Charge %(charge)s can only point at diagnoses of its case %(case)s.",
                    charge=charge.display_name, case=charge.case_id.name,
                ))

    @api.constrains("units", "price_unit", "fee_price_unit", "product_id")
    def _check_amounts(self):
        for charge in self:
            currency = charge.currency_id
            if charge.units <= 0:
                raise ValidationError(_(
                    "Charge %(charge)s has %(units)s units: enter a quantity above zero.",
                    charge=charge.display_name, units=charge.units,
                ))
            if currency.compare_amounts(charge.price_unit, 0) < 0 or \
                    currency.compare_amounts(charge.fee_price_unit, 0) < 0:
                raise ValidationError(_(
                    "Charge %(charge)s has a negative price: prices are zero or more; to "
                    "credit a patient use a write-off or a refund.",
                    charge=charge.display_name,
                ))
            if currency.compare_amounts(charge.fee_price_unit, charge.price_unit) > 0:
                raise ValidationError(_(
                    "The fee schedule price of %(charge)s (%(fee)s) is above its price list "
                    "price (%(list)s): fix the fee schedule or the price list.",
                    charge=charge.display_name, fee=charge.fee_price_unit,
                    list=charge.price_unit,
                ))
            if not charge.product_id.medical_code_type:
                raise ValidationError(_(
                    "%(product)s is not a billing code: set its Billing Code Type first.",
                    product=charge.product_id.display_name,
                ))

    def _medical_frozen_hint(self):
        return _("Reverse the charge and post a corrected one instead: the reversal keeps "
                 "the trail in the journal.")

    def _modifiers(self):
        self.ensure_one()
        return self.modifier1_id | self.modifier2_id | self.modifier3_id | self.modifier4_id

    def action_delete_draft(self):
        """The trash button of draft rows (posted charges are reversed, never deleted)."""
        self.unlink()
        return True

    def action_open_details(self):
        """The '+' button: the EOBs that pay the charge, or the charge itself (modifiers
        and write-offs show on its form)."""
        self.ensure_one()
        eobs = self.sudo().ledger_line_ids.filtered(
            lambda line: line.parent_state == "posted"
        ).medical_eob_line_id.eob_id.sudo(False)
        if eobs:
            return {
                "type": "ir.actions.act_window",
                "name": _("EOBs of %(charge)s", charge=self.display_name),
                "res_model": "medical.eob",
                "view_mode": "list,form" if len(eobs) > 1 else "form",
                "res_id": eobs.id if len(eobs) == 1 else False,
                "domain": [("id", "in", eobs.ids)],
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "medical.charge",
            "view_mode": "form",
            "res_id": self.id,
        }

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Journal Entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.ledger_line_ids.move_id.ids)],
        }

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    def _tax_breakdown(self, price_unit):
        """Untaxed amount and rounded tax amounts (one per tax repartition line)."""
        self.ensure_one()
        currency = self.currency_id or self.env.company.currency_id
        if not self.tax_ids:  # most billing codes: no need for the tax engine
            return currency.round(price_unit * self.units), []
        result = self.tax_ids.compute_all(
            price_unit, currency=currency, quantity=self.units, product=self.product_id,
            partner=self.patient_id, rounding_method="round_per_line",
        )
        taxes = [
            {**tax, "amount": currency.round(tax["amount"])}
            for tax in result["taxes"]
        ]
        return currency.round(result["total_excluded"]), taxes

    @billing_operation_method
    def action_post(self):
        # The user's own right to post charges; the entries are then made as superuser
        # (see account.move._medical_create_entries).
        self.check_access("write")
        charges = self.filtered(lambda c: c.state == "draft")
        if not charges:
            raise UserError(_("Select draft charges to post: these are already posted."))
        charges.company_id._medical_check_setup()
        charges._check_postable()
        # A payment posted meanwhile for one of these patients would not see these charges
        # and leave its money unapplied beside them: post one after the other.
        charges.patient_id._medical_lock_for_payment()
        warnings = {charge: charge.coverage_warning for charge in charges
                    if charge.coverage_warning}
        # One entry per company and date of service for all the visits posted together
        # (a day's visits are usually posted at once): Odoo numbers and totals each entry,
        # which costs more than its items. Each item names its charge and party.
        days = charges.sorted(lambda c: (c.date_service, c.case_id.id, c.id)).grouped(
            lambda c: (c.company_id, c.date_service)
        )
        move_vals = [day._prepare_day_move_vals() for day in days.values()]
        # The entries come complete (tax lines included) and balanced, and the charges
        # keep the trail in their own chatter: skip Odoo's line syncing and the entries'
        # creation messages, which cost more than the entries themselves in batches.
        moves = self.env["account.move"].with_context(
            skip_invoice_sync=True, mail_create_nolog=True, tracking_disable=True,
        )._medical_create_entries(move_vals)
        moves.action_post()  # as superuser, see account.move._medical_create_entries
        # Write the posted items in one pass: the credit lookup below would write their state
        # alone, then their entry number in a second pass over the same rows.
        moves.line_ids.flush_recordset()
        # No tracking message per charge (a batch posts thousands): each case's chatter
        # says which charges were posted, in which entries (which keep who and when).
        charges.with_context(tracking_disable=True).write({"state": "posted"})
        for move, day in zip(moves, days.values(), strict=True):
            day.move_id = move
        charges._log_posting()
        for company, company_charges in charges.grouped("company_id").items():
            company_charges.patient_id._medical_apply_credits(company)
        return charges._coverage_notification(warnings)

    def _log_posting(self):
        """One message on each case: the charges just posted and their entries."""
        bodies = {
            case.id: escape(self.env._(
                "Charges posted: %(charges)s (%(entries)s).",
                charges=", ".join(case_charges.mapped("display_name")),
                entries=", ".join(case_charges.move_id.sudo().mapped("name")),
            ))
            for case, case_charges in self.grouped("case_id").items()
        }
        self.case_id._message_log_batch(bodies=bodies)

    def _coverage_notification(self, warnings):
        """Posted charges that no policy covers bill the patient in full: say so to the user
        who posted them (each charge keeps saying it, see _compute_coverage_warning)."""
        if not warnings:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "title": _("Billed to the patient in full"),
                "message": "\n".join(f"{charge.display_name}: {warning}"
                                     for charge, warning in warnings.items()),
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _post_drafts_of(self, owner):
        """Post the draft charges among these, those of ``owner`` (a case or a patient)."""
        drafts = self.filtered(lambda charge: charge.state == "draft")
        if not drafts:
            raise UserError(_(
                "%(owner)s has no draft charge to post: enter the visit's codes on the "
                "Charges tab of its case first.", owner=owner,
            ))
        return drafts.action_post()

    @api.model
    def _post_demo_charges(self, company=None):
        """Post the demo charges, then the demo payments and EOBs, once their company can
        post: a fresh database loads its chart of accounts only after every module's data,
        so this also runs from account.chart.template._post_load_data, for that company
        only (loading another company's chart must not touch, or even read, demo records
        its user may not see). Demo records named *_draft stay draft."""
        for model in ("medical.charge", "medical.payment", "medical.eob"):
            demo_ids = self.env["ir.model.data"].sudo().search([
                ("module", "=", "medical_billing"),
                ("model", "=", model),
                ("name", "not like", "%_draft"),
            ]).mapped("res_id")
            domain = [("id", "in", demo_ids), ("state", "=", "draft")]
            if company:
                domain.append(("company_id", "=", company.id))
            records = self.env[model].search(domain).filtered(
                lambda r: r.company_id.medical_charge_journal_id
            )
            for record in records.sorted("id"):
                record.action_post()

    def _check_postable(self):
        today = fields.Date.context_today(self)
        for charge in self:
            if charge.coverage_warning and charge.company_id.medical_uncovered_charges == "refuse":
                raise UserError(_(
                    "%(charge)s is not posted: %(warning)s Your clinic's settings refuse "
                    "such charges (Billing Settings).",
                    charge=charge.display_name, warning=charge.coverage_warning,
                ))
            charge.company_id._medical_check_open_date(
                charge.date_service, charge.company_id.medical_charge_journal_id,
                has_tax=bool(charge.tax_ids),
            )
            if charge.date_service > today:
                raise UserError(_(
                    "Charge %(charge)s is dated %(date)s, in the future: post it on or after "
                    "the date of service.",
                    charge=charge.display_name, date=charge.date_service,
                ))

    def _prepare_day_move_vals(self):
        """One balanced entry for these charges of one company and date of service: the
        items of each visit (case and DOS), whose copay applies once."""
        company = self.company_id
        date = self[0].date_service
        line_vals = []
        for case, visit in self.grouped("case_id").items():
            copay_left = case._policies_by_role(date).get(
                "primary", self.env["medical.policy"]
            ).copay_amount
            for charge in visit:
                shares, copay_left = charge._initial_shares(copay_left)
                line_vals += charge._prepare_charge_line_vals(shares)
        return self.env["account.move"]._medical_entry_vals(
            company.medical_charge_journal_id, date,
            # The date only: no patient, case title or diagnosis, since every invoicing
            # user reads the journal; each item names its charge.
            _("Charges, DOS %(date)s", date=date),
            line_vals,
        )

    def _initial_shares(self, copay_left):
        """Who owes what of the charge: copay, then coinsurance to the patient, the rest to
        the primary payer; no policy in force, the patient owes all."""
        self.ensure_one()
        currency = self.currency_id
        total = self.amount_fee_total
        primary = self.case_id._policies_by_role(self.date_service).get("primary")
        if not primary:
            return {"patient": total}, copay_left
        copay = min(copay_left, total)
        coinsurance = currency.round((total - copay) * primary.coinsurance_percent / 100)
        patient = copay + coinsurance
        return {"patient": patient, "primary": total - patient}, copay_left - copay

    def _prepare_charge_line_vals(self, shares):
        self.ensure_one()
        company = self.company_id
        base = {
            "medical_charge_id": self.id,
            "medical_entry_kind": "charge",
            "partner_id": self.patient_id.id,
            "tax_ids": [(6, 0, self.tax_ids.ids)],
        }
        label = f"{self.product_id.default_code or ''} {self.description or ''}".strip()
        lines = [{
            **base,
            "name": label,
            "account_id": company.medical_revenue_account_id.id,
            "product_id": self.product_id.id,
            "quantity": self.units,
            "balance": -self.amount_list_untaxed,
        }]
        if not self.currency_id.is_zero(self.amount_fee_write_off):
            lines.append({
                **base,
                "name": _("Fee schedule write-off: %(label)s", label=label),
                "account_id": company.medical_fee_schedule_account_id.id,
                "balance": self.amount_fee_write_off,
            })
        __, taxes = self._tax_breakdown(self.fee_price_unit)
        lines += [
            {
                **base,
                "tax_ids": [(6, 0, [])],
                "name": tax["name"],
                "account_id": tax["account_id"] or company.medical_revenue_account_id.id,
                "balance": -tax["amount"],
                "tax_repartition_line_id": tax["tax_repartition_line_id"],
                "tax_base_amount": self.amount_fee_untaxed,
            }
            for tax in taxes if not self.currency_id.is_zero(tax["amount"])
        ]
        lines += [
            self._prepare_receivable_line_vals(role, amount, "charge", label)
            for role, amount in shares.items() if not self.currency_id.is_zero(amount)
        ]
        return lines

    # ------------------------------------------------------------------
    # Parties and receivables
    # ------------------------------------------------------------------

    def _next_party(self, role):
        """Who owes what the ``role`` payer moves on (patient responsibility): the next
        payer rank on the charge, else the patient."""
        self.ensure_one()
        later_ranks = PAYER_ROLES[PAYER_ROLES.index(role) + 1:]
        return next((rank for rank in later_ranks if self[f"{rank}_payer_id"]), "patient")

    def _party_partner(self, role):
        self.ensure_one()
        return self.patient_id if role == "patient" else self[f"{role}_payer_id"]

    def _receivable_account(self, role):
        company = self.company_id
        return company.medical_patient_receivable_account_id if role == "patient" \
            else company.medical_payer_receivable_account_id

    def _prepare_receivable_line_vals(self, role, balance, kind, label):
        self.ensure_one()
        return {
            "name": label,
            "medical_charge_id": self.id,
            "medical_entry_kind": kind,
            "medical_party_role": role,
            "partner_id": self._party_partner(role).id,
            "account_id": self._receivable_account(role).id,
            "balance": balance,
            "date_maturity": self.date_service,
        }

    def _post_adjustment(self, line_vals, ref):
        """Post an entry in the adjustments journal and reconcile what it settles."""
        company = self.company_id
        company._medical_check_setup()
        date = fields.Date.to_date(self.env.context.get("medical_date")) \
            or fields.Date.context_today(self)
        company._medical_check_open_date(
            date, company.medical_adjustment_journal_id,
            has_tax=any(vals.get("tax_repartition_line_id") for vals in line_vals),
        )
        move = self.env["account.move"]._medical_create_entry(
            company.medical_adjustment_journal_id, date, ref, line_vals,
        )
        move.action_post()
        move.line_ids._medical_reconcile()
        self.patient_id._medical_invalidate_balances()
        return move

    def _check_posted(self):
        for charge in self:
            if charge.state != "posted":
                raise UserError(_(
                    "Charge %(charge)s is %(state)s: only posted charges can be adjusted.",
                    charge=charge.display_name,
                    state=dict(self._fields["state"].selection)[charge.state],
                ))

    def _medical_carry_credits(self, reason):
        """After an undo: a party must never owe a negative amount on a charge. Money it
        paid on a share that is gone (moved back to another party, or re-opened and paid
        again) leaves the charge as that party's unapplied credit, and a patient's credit
        applies itself to the oldest open charges, as any credit does. Open items left
        beside each other on one charge and party are first reconciled together."""
        open_items = self.sudo().ledger_line_ids.filtered(
            lambda line: line.medical_party_role and line.parent_state == "posted"
            and not line.reconciled
        )
        open_items._medical_reconcile()
        self.invalidate_recordset()
        figures = self._ledger_figures()
        for charges in self.grouped("company_id").values():
            # One entry per company carries every charge's credit.
            line_vals = []
            for charge in charges:
                currency = charge.currency_id
                label = _("Credit left by the undo of %(reason)s: %(charge)s", reason=reason,
                          charge=charge.display_name)
                for role, __ in PARTY_ROLES:
                    due = figures[charge.id][role]["due"]
                    if currency.compare_amounts(due, 0) >= 0:
                        continue
                    carried = charge._prepare_receivable_line_vals(role, -due, "payment", label)
                    line_vals += [carried, {
                        **carried, "medical_charge_id": False, "balance": due,
                        "date_maturity": False,
                    }]
            if line_vals:
                charges._post_adjustment(
                    line_vals, _("Credit left by the undo of %(reason)s", reason=reason))
        for company, charges in self.grouped("company_id").items():
            charges.patient_id._medical_apply_credits(company)

    @api.model
    def _medical_integrity_problems(self, company):
        """Charges of ``company`` whose journal items break a billing rule, even when the
        totals tie out: a party owing a negative amount, shares that don't add up to the
        charge total, a reversed charge with anything open. [(charge, problem text)]."""
        currency = company.currency_id
        groups = self.env["account.move.line"]._read_group(
            [("company_id", "=", company.id), ("parent_state", "=", "posted"),
             ("medical_charge_id", "!=", False), ("medical_party_role", "!=", False)],
            ["medical_charge_id", "medical_party_role", "medical_entry_kind"],
            ["balance:sum", "amount_residual:sum"],
        )
        dues, shares = defaultdict(float), defaultdict(float)
        for charge, role, kind, balance, residual in groups:
            dues[charge, role] += residual
            if kind in RESPONSIBILITY_KINDS:
                shares[charge] += balance
        problems = []
        for (charge, role), due in dues.items():
            if currency.compare_amounts(due, 0) < 0:
                problems.append((charge, _(
                    "%(party)s owes %(due)s: a negative amount.",
                    party=dict(PARTY_ROLES)[role], due=currency.format(due),
                )))
            elif charge.state == "reversed" and not currency.is_zero(due):
                problems.append((charge, _(
                    "Reversed, yet %(party)s still owes %(due)s.",
                    party=dict(PARTY_ROLES)[role], due=currency.format(due),
                )))
        for charge, total in shares.items():
            expected = 0.0 if charge.state == "reversed" else charge.amount_fee_total
            if currency.compare_amounts(total, expected) != 0:
                problems.append((charge, _(
                    "The shares add up to %(total)s, not to the charge total %(expected)s.",
                    total=currency.format(total), expected=currency.format(expected),
                )))
        return sorted(problems, key=lambda problem: (problem[0].date_service, problem[0].id))

    # ------------------------------------------------------------------
    # Responsibility, write-off, reversal
    # ------------------------------------------------------------------

    def _change_responsibility(self, new_shares):
        """Move amounts between the responsible parties of one charge.

        ``new_shares`` maps each role to what it should owe in all; the shares must add up
        to the charge total, and a party's share cannot drop below what it already paid or
        had written off.
        """
        self.ensure_one()
        self._check_posted()
        currency = self.currency_id
        figures = self._ledger_figures()[self.id]
        new_shares = {role: new_shares.get(role, 0.0) for role, __ in PARTY_ROLES}
        total = sum(new_shares.values())
        if currency.compare_amounts(total, self.amount_fee_total) != 0:
            raise UserError(_(
                "The responsibility shares add up to %(total)s but the charge total is "
                "%(charge_total)s: change the amounts so that they add up (difference "
                "%(difference)s). Nothing was changed.",
                total=currency.format(total), charge_total=currency.format(self.amount_fee_total),
                difference=currency.format(self.amount_fee_total - total),
            ))
        line_vals = []
        label = _("Responsibility change: %(charge)s", charge=self.display_name)
        for role, label_role in PARTY_ROLES:
            amount = new_shares[role]
            current = figures[role]
            delta = currency.round(amount - current["responsibility"])
            if currency.is_zero(delta):
                continue
            if currency.compare_amounts(amount, 0) < 0:
                raise UserError(_("%(party)s cannot owe a negative amount.", party=label_role))
            if delta > 0 and not self._party_partner(role):
                raise UserError(_(
                    "The case has no %(party)s policy in force on %(date)s: add one to the "
                    "case before moving an amount to it.",
                    party=label_role.lower(), date=self.date_service,
                ))
            if currency.compare_amounts(-delta, current["due"]) > 0:
                raise UserError(_(
                    "%(party)s still owes %(due)s of this charge; you can move at most that "
                    "away from it (you asked for %(asked)s).",
                    party=label_role, due=currency.format(current["due"]),
                    asked=currency.format(-delta),
                ))
            line_vals.append(self._prepare_receivable_line_vals(
                role, delta, "responsibility", label,
            ))
        if not line_vals:
            raise UserError(_("These are already the charge's shares: nothing to change."))
        return self._post_adjustment(line_vals, label)

    def _write_off(self, role, amount, reason):
        self.ensure_one()
        self._check_posted()
        currency = self.currency_id
        due = self._ledger_figures()[self.id][role]["due"]
        party = dict(PARTY_ROLES)[role]
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(_("Enter a write-off amount above zero."))
        if currency.compare_amounts(amount, due) > 0:
            raise UserError(_(
                "%(party)s owes %(due)s on %(charge)s: a write-off cannot exceed that "
                "(you entered %(amount)s).",
                party=party, due=currency.format(due), charge=self.display_name,
                amount=currency.format(amount),
            ))
        label = _("Write-off (%(reason)s): %(charge)s", reason=reason.name,
                  charge=self.display_name)
        return self._post_adjustment(
            self._prepare_write_off_line_vals(role, amount, label, reason), label,
        )

    def _prepare_write_off_line_vals(self, role, amount, label, reason=None):
        """The two items of a write-off: the expense (or contra-revenue) side and the
        receivable side it settles, both tagged with the charge."""
        self.ensure_one()
        account = reason.with_company(self.company_id).account_id if reason else False
        common = {"medical_write_off_reason_id": reason.id if reason else False}
        return [
            {
                **common,
                "name": label,
                "medical_charge_id": self.id,
                "medical_entry_kind": "write_off",
                "partner_id": self._party_partner(role).id,
                "account_id": (account or self.company_id.medical_write_off_account_id).id,
                "balance": amount,
            },
            {**self._prepare_receivable_line_vals(role, -amount, "write_off", label), **common},
        ]

    @billing_operation_method
    def _reverse(self, reason):
        """Cancel posted charges with an entry that mirrors every journal item they have."""
        self._check_posted()
        paid = self.filtered(lambda c: any(
            not c.currency_id.is_zero(c[f"{role}_paid"]) for role, __ in PARTY_ROLES
        ))
        if paid:
            raise UserError(_(
                "%(charges)s already received payments: refund or unapply the payments "
                "before reversing the charge.",
                charges=", ".join(paid.mapped("display_name")),
            ))
        moves = self.env["account.move"]
        for charge in self:
            label = _("Reversal of %(charge)s: %(reason)s", charge=charge.display_name,
                      reason=reason)
            line_vals = [
                {
                    "name": label,
                    "medical_charge_id": charge.id,
                    # Each mirror keeps its original's kind, so every figure nets to zero.
                    "medical_entry_kind": line.medical_entry_kind,
                    "medical_party_role": line.medical_party_role,
                    "medical_write_off_reason_id": line.medical_write_off_reason_id.id,
                    "partner_id": line.partner_id.id,
                    "account_id": line.account_id.id,
                    "balance": -line.balance,
                    "tax_ids": [(6, 0, line.tax_ids.ids)],
                    "tax_repartition_line_id": line.tax_repartition_line_id.id,
                    "tax_base_amount": line.tax_base_amount,
                }
                for line in charge.sudo().ledger_line_ids
                if line.parent_state == "posted" and line.medical_entry_kind != "payment"
            ]
            move = charge._post_adjustment(line_vals, label)
            charge.write({"state": "reversed", "reversal_move_id": move.id})
            charge.message_post(body=label)
            moves |= move
        return moves.sudo(False)
