from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .account_move_line import PARTY_ROLES, PAYER_ROLES


class MedicalEobLine(models.Model):
    _name = "medical.eob.line"
    _inherit = ["medical.posted.guard.mixin"]
    _medical_protected_fields = frozenset()
    _description = "EOB Charge Line"
    _order = "eob_id, id"
    _check_company_auto = True

    eob_id = fields.Many2one("medical.eob", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="eob_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="eob_id.currency_id")
    payer_id = fields.Many2one(related="eob_id.payer_id")
    # The picker offers the posted charges the EOB's payer still owes on; the EOB view
    # gives it the medical_charge_picker context, for labels with patient, DOS and code.
    charge_id = fields.Many2one(
        "medical.charge", required=True, index=True, check_company=True,
        domain="[('state', '=', 'posted'), ('open_payer_ids', '=', payer_id)]",
    )
    patient_id = fields.Many2one(related="charge_id.patient_id", store=True)
    date_service = fields.Date(related="charge_id.date_service")
    role = fields.Selection(
        PARTY_ROLES, string="Payer Rank", compute="_compute_role", store=True,
        help="Where the EOB's payer stands on this charge.",
    )
    billed = fields.Monetary(
        compute="_compute_billed", store=True, readonly=False,
        help="What the EOB's payer was billed for the charge: its share of the charge.",
    )
    allowed = fields.Monetary(
        compute="_compute_allowed", store=True, readonly=False,
        help="What the payer accepted for the service; the billed amount until changed.",
    )
    paid = fields.Monetary()
    adjustment_ids = fields.One2many("medical.eob.adjustment", "line_id", string="Adjustments")
    adjustments_display = fields.Char(compute="_compute_adjustments_display",
                                      string="Adjustment Codes")
    remark_codes = fields.Char(help="Remark codes (RARC) of the line, separated by spaces.")

    @api.depends("charge_id", "eob_id.payer_id")
    def _compute_role(self):
        for line in self:
            line.role = next((
                role for role in PAYER_ROLES
                if line.charge_id[f"{role}_payer_id"] == line.eob_id.payer_id
            ), False)

    @api.depends("charge_id", "role")
    def _compute_billed(self):
        # A payer is billed its share of the charge: the whole fee schedule total would
        # bill a secondary for what the primary and the patient owe. A charge not posted
        # yet has no shares: its total then.
        figures = self.charge_id._origin._ledger_figures()
        for line in self:
            charge = line.charge_id
            line.billed = figures[charge._origin.id][line.role]["responsibility"] \
                if line.role and charge.state == "posted" else charge.amount_fee_total

    @api.depends("billed")
    def _compute_allowed(self):
        for line in self:
            line.allowed = line.billed

    @api.constrains("charge_id", "eob_id")
    def _check_charge(self):
        # sudo: a charge of a company the user cannot read must be refused all the same.
        for line in self.sudo():
            charge, eob = line.charge_id, line.eob_id
            if charge.company_id != eob.company_id:
                raise ValidationError(_(
                    "A charge of %(charge_company)s cannot be on an EOB of %(company)s: pick "
                    "a charge of the EOB's company.",
                    charge_company=charge.company_id.name, company=eob.company_id.name,
                ))
            payers = charge.primary_payer_id | charge.secondary_payer_id \
                | charge.tertiary_payer_id
            if eob.payer_id not in payers:
                raise ValidationError(_(
                    "%(payer)s is not a payer of charge %(charge)s: pick a charge it was "
                    "billed for, or correct the case's policies first.",
                    payer=eob.payer_id.name,
                    charge=charge.with_context(medical_charge_picker=True).display_name,
                ))

    @api.depends("adjustment_ids.group_code", "adjustment_ids.reason_code",
                 "adjustment_ids.amount")
    def _compute_adjustments_display(self):
        for line in self:
            line.adjustments_display = ", ".join(
                f"{adj.group_code}-{adj.reason_code} {line.currency_id.format(adj.amount)}"
                for adj in line.adjustment_ids
            )

    def _check_postable(self, restored=None):
        currency = self.currency_id[:1]
        restored = restored or {}
        figures = self.charge_id._ledger_figures()  # one query for every line's charge
        # The lines of one charge on one EOB settle the same amount owed: they are checked
        # together, or each would pass against the whole of it and the charge be paid twice.
        lines_by_charge = self.eob_id.line_ids.grouped(lambda line: (line.eob_id, line.charge_id))
        for line in self:
            charge = line.charge_id
            if not line.role:
                raise UserError(_(
                    "%(payer)s is not a payer of charge %(charge)s: pick a charge it was "
                    "billed for, or correct the case's policies first.",
                    payer=line.eob_id.payer_id.name, charge=charge.display_name,
                ))
            amounts = [line.paid, *line.adjustment_ids.mapped("amount")]
            if line.eob_id.reversed_eob_id:
                # A payer's reversal takes back what its EOB posted: negative amounts only.
                line._check_reversal()
                continue
            if any(currency.compare_amounts(amount, 0) < 0 for amount in amounts):
                raise UserError(_(
                    "Line %(charge)s has a negative amount: enter paid and adjusted amounts "
                    "as positive numbers (post a correction as a separate EOB).",
                    charge=charge.display_name,
                ))
            charge_lines = lines_by_charge[line.eob_id, charge]
            due = figures[charge.id][line.role]["due"] + restored.get((charge, line.role), 0.0)
            settled = sum(charge_lines.mapped("paid")) + sum(
                charge_lines.adjustment_ids._posted().mapped("amount"))
            if currency.compare_amounts(settled, due) > 0:
                if len(charge_lines) > 1:
                    raise UserError(_(
                        "%(count)s lines of this EOB are on %(charge)s: together they pay "
                        "and adjust %(settled)s but %(payer)s only owes %(due)s. Keep one "
                        "line per charge, or check the amounts against the EOB.",
                        count=len(charge_lines), charge=charge.display_name,
                        settled=currency.format(settled), payer=line.eob_id.payer_id.name,
                        due=currency.format(due),
                    ))
                raise UserError(_(
                    "On %(charge)s the EOB pays and adjusts %(settled)s but %(payer)s only "
                    "owes %(due)s: check the amounts against the EOB.",
                    charge=charge.display_name, settled=currency.format(settled),
                    payer=line.eob_id.payer_id.name, due=currency.format(due),
                ))
            if any(not adj.reason_code for adj in line.adjustment_ids):
                raise UserError(_("Each adjustment needs its reason code (e.g. 45)."))

    def _check_reversal(self):
        """A reversal line takes back at most what the reversed EOB posted on the charge."""
        self.ensure_one()
        currency = self.currency_id
        original = self.eob_id.reversed_eob_id.line_ids.filtered(
            lambda line: line.charge_id == self.charge_id and line.role == self.role)
        # (amount taken back, amount the reversed EOB posted), for the payment and each code
        taken = [(-self.paid, sum(original.mapped("paid")))] + [
            (-adjustment.amount, sum(original.adjustment_ids.filtered(
                lambda posted, adjustment=adjustment: (posted.group_code, posted.reason_code)
                == (adjustment.group_code, adjustment.reason_code)).mapped("amount")))
            for adjustment in self.adjustment_ids
        ]
        if not original or any(
                currency.compare_amounts(amount, 0) < 0
                or currency.compare_amounts(amount, posted) > 0 for amount, posted in taken):
            raise UserError(_(
                "The reversal of %(eob)s on %(charge)s takes back more than it posted, or "
                "something it did not post: a reversal's amounts are negative and at most "
                "those of the EOB it reverses.",
                eob=self.eob_id.reversed_eob_id.name, charge=self.charge_id.display_name,
            ))

    def _next_party(self):
        """Who owes a patient-responsibility amount: the next payer rank on the charge,
        else the patient."""
        self.ensure_one()
        return self.charge_id._next_party(self.role)

    def _prepare_move_line_vals(self, label):
        self.ensure_one()
        charge = self.charge_id
        currency = self.currency_id
        codes = {"medical_eob_line_id": self.id}
        vals_list = []
        if not currency.is_zero(self.paid):
            vals_list.append({
                **charge._prepare_receivable_line_vals(self.role, -self.paid, "payment", label),
                **codes,
            })
        for adjustment in self.adjustment_ids._posted().filtered(
                lambda adj: not currency.is_zero(adj.amount)):
            adjustment_codes = {**codes, "medical_adjustment_group": adjustment.group_code,
                                "medical_adjustment_reason": adjustment.reason_code}
            adj_label = f"{label} {adjustment.group_code}-{adjustment.reason_code}"
            if adjustment.disposition == "transfer":
                vals_list += [
                    {**charge._prepare_receivable_line_vals(
                        self.role, -adjustment.amount, "responsibility", adj_label),
                     **adjustment_codes},
                    {**charge._prepare_receivable_line_vals(
                        self._next_party(), adjustment.amount, "responsibility", adj_label),
                     **adjustment_codes},
                ]
            else:
                vals_list += [
                    {**line_vals, **adjustment_codes}
                    for line_vals in charge._prepare_write_off_line_vals(
                        self.role, adjustment.amount, adj_label,
                    )
                ]
        return vals_list

    def _medical_is_frozen(self):
        self.ensure_one()
        return self.eob_id.state != "draft"

    def _medical_frozen_hint(self):
        return self.eob_id[:1]._medical_frozen_hint()
