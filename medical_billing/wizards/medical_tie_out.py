from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

PARTY_KINDS = [("patient", "Patient"), ("payer", "Payer")]


class MedicalTieOut(models.TransientModel):
    """Billing open balances against the ledger, per party, on a date.

    Billing open: the balance of the billing receivable items (those tagged with a party)
    dated on or before the date, i.e. charges owed less unapplied credits. Ledger: every
    posted item on the billing receivable accounts dated on or before the date. Anything
    posted on those accounts outside billing shows as a difference.

    A read-only screen (its form has ``edit="0"``: the web client shows no save/discard
    indicator); Refresh reads the ledger again.
    """

    _name = "medical.tie.out"
    _description = "Billing Tie-out"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many(
        "medical.tie.out.line", "tie_out_id", string="Lines",
        compute="_compute_line_ids", store=True, readonly=True,
    )
    patient_billing_open = fields.Monetary(compute="_compute_totals")
    patient_ledger_balance = fields.Monetary(compute="_compute_totals")
    patient_difference = fields.Monetary(compute="_compute_totals")
    payer_billing_open = fields.Monetary(compute="_compute_totals")
    payer_ledger_balance = fields.Monetary(compute="_compute_totals")
    payer_difference = fields.Monetary(compute="_compute_totals")
    billing_open = fields.Monetary(compute="_compute_totals")
    ledger_balance = fields.Monetary(compute="_compute_totals")
    difference = fields.Monetary(compute="_compute_totals")
    is_balanced = fields.Boolean(
        compute="_compute_totals",
        help="No party shows a difference between billing and the ledger.",
    )

    # Checks the totals cannot show: each can be wrong while everything ties out.
    charge_problems = fields.Text(
        compute="_compute_checks",
        help="Charges whose journal items break a billing rule: a party owing a negative "
        "amount, shares that don't add up to the charge total, a reversed charge left open.",
    )
    unposted_entry_count = fields.Integer(
        string="Unposted Billing Entries", compute="_compute_checks",
        help="Entries of the billing journals that are not posted: billing posts every "
        "entry it makes, so one in draft or cancelled was changed outside billing.",
    )

    @api.depends("company_id", "date")
    def _compute_checks(self):
        for tie_out in self:
            company = tie_out.company_id
            if not company:
                tie_out.charge_problems = False
                tie_out.unposted_entry_count = 0
                continue
            problems = self.env["medical.charge"]._medical_integrity_problems(company)
            tie_out.charge_problems = "\n".join(
                f"{charge.patient_id.name}, {charge.display_name}: {problem}"
                for charge, problem in problems
            ) or False
            tie_out.unposted_entry_count = self.env["account.move"].search_count(
                tie_out._unposted_entries_domain())

    def _unposted_entries_domain(self):
        return [("journal_id", "in", self.company_id._medical_journals().ids),
                ("state", "!=", "posted")]

    def action_open_unposted_entries(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Unposted billing entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": self._unposted_entries_domain(),
        }

    @api.depends("date")
    def _compute_display_name(self):
        for tie_out in self:
            tie_out.display_name = _(
                "Tie-out on %(date)s", date=format_date(self.env, tie_out.date),
            )

    @api.constrains("company_id")
    def _check_company_id(self):
        self._check_company_allowed()

    def _check_company_allowed(self):
        """The company must be one the user works in: the view's domain limits the picker
        only, and the figures are read for whatever company is given (RPC)."""
        # The user's own environment: computes run as superuser, which has every company.
        allowed = self.env(su=False).companies
        for tie_out in self:
            if tie_out.company_id and tie_out.company_id not in allowed:
                # The company is not named: the user may not even read it.
                raise UserError(_(
                    "The tie-out only shows a company you work in (%(companies)s): pick one "
                    "of these. If the company is one of yours, select it in the company "
                    "switcher first.",
                    companies=", ".join(allowed.mapped("name")),
                ))

    @api.depends("company_id", "date")
    def _compute_line_ids(self):
        for tie_out in self:
            lines = [Command.clear()]
            if tie_out.company_id and tie_out.date:
                tie_out._check_company_allowed()
                lines += [Command.create(vals) for vals in tie_out._prepare_line_vals()]
            tie_out.line_ids = lines

    @api.depends("line_ids.billing_open", "line_ids.ledger_balance", "line_ids.party_kind")
    def _compute_totals(self):
        for tie_out in self:
            currency = tie_out.currency_id or self.env.company.currency_id
            totals = defaultdict(float)
            for line in tie_out.line_ids:
                totals[f"{line.party_kind}_billing_open"] += line.billing_open
                totals[f"{line.party_kind}_ledger_balance"] += line.ledger_balance
            for kind, __ in PARTY_KINDS:
                billing_open = currency.round(totals[f"{kind}_billing_open"])
                ledger_balance = currency.round(totals[f"{kind}_ledger_balance"])
                tie_out[f"{kind}_billing_open"] = billing_open
                tie_out[f"{kind}_ledger_balance"] = ledger_balance
                tie_out[f"{kind}_difference"] = currency.round(billing_open - ledger_balance)
            tie_out.billing_open = currency.round(
                tie_out.patient_billing_open + tie_out.payer_billing_open
            )
            tie_out.ledger_balance = currency.round(
                tie_out.patient_ledger_balance + tie_out.payer_ledger_balance
            )
            tie_out.difference = currency.round(tie_out.billing_open - tie_out.ledger_balance)
            tie_out.is_balanced = all(
                currency.is_zero(line.difference) for line in tie_out.line_ids
            )

    def _receivable_accounts(self):
        self.ensure_one()
        return self.company_id.medical_patient_receivable_account_id \
            | self.company_id.medical_payer_receivable_account_id

    def _tie_out_figures(self):
        """{(party kind, partner id): [billing open, ledger balance]} on the date."""
        self.ensure_one()
        company = self.company_id
        # Under the user's record rules: the lines are a stored compute, run as superuser.
        Line = self.env["account.move.line"].sudo(False)
        dated = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("date", "<=", self.date),
        ]
        billing = Line._read_group(
            [*dated, ("medical_party_role", "!=", False)],
            ["medical_party_role", "partner_id"], ["balance:sum"],
        )
        ledger = Line._read_group(
            [*dated, ("account_id", "in", self._receivable_accounts().ids)],
            ["account_id", "partner_id"], ["balance:sum"],
        )
        payer_account = company.medical_payer_receivable_account_id
        figures = defaultdict(lambda: [0.0, 0.0])
        for role, partner, balance in billing:
            kind = "patient" if role == "patient" else "payer"
            figures[kind, partner.id][0] += balance
        for account, partner, balance in ledger:
            kind = "payer" if account == payer_account else "patient"
            figures[kind, partner.id][1] += balance
        return figures

    def _prepare_line_vals(self):
        self.ensure_one()
        currency = self.company_id.currency_id
        figures = self._tie_out_figures()
        return [
            {
                "currency_id": currency.id,
                "party_kind": kind,
                "partner_id": partner_id or False,
                "billing_open": currency.round(billing_open),
                "ledger_balance": currency.round(ledger_balance),
            }
            for (kind, partner_id), (billing_open, ledger_balance) in sorted(
                figures.items(), key=lambda item: (item[0][0], item[0][1] or 0)
            )
            if not (currency.is_zero(billing_open) and currency.is_zero(ledger_balance))
        ]

    def action_refresh(self):
        """Read the ledger again (entries may have been posted since the screen opened)."""
        self.ensure_one()
        self._check_company_allowed()
        self.line_ids = [Command.clear(), *[
            Command.create(vals) for vals in self._prepare_line_vals()
        ]]
        return True


class MedicalTieOutLine(models.TransientModel):
    _name = "medical.tie.out.line"
    _description = "Billing Tie-out Line"
    _order = "party_kind desc, difference desc, id"

    tie_out_id = fields.Many2one("medical.tie.out", required=True, ondelete="cascade")
    currency_id = fields.Many2one("res.currency", readonly=True)
    party_kind = fields.Selection(PARTY_KINDS, required=True)
    partner_id = fields.Many2one("res.partner", string="Party")
    billing_open = fields.Monetary(
        help="Charges owed less unapplied credits, from the billing journal items.",
    )
    ledger_balance = fields.Monetary(
        help="Balance of the billing receivable account for this party in the ledger.",
    )
    difference = fields.Monetary(compute="_compute_difference", store=True)

    @api.depends("billing_open", "ledger_balance")
    def _compute_difference(self):
        for line in self:
            line.difference = line.currency_id.round(line.billing_open - line.ledger_balance) \
                if line.currency_id else line.billing_open - line.ledger_balance

    def action_open_items(self):
        """The journal items behind the line: billing items and the receivable account's."""
        self.ensure_one()
        tie_out = self.tie_out_id
        tie_out._check_company_allowed()
        role_domain = [("medical_party_role", "=", "patient")] \
            if self.party_kind == "patient" \
            else [("medical_party_role", "in", ("primary", "secondary", "tertiary"))]
        account = tie_out.company_id.medical_patient_receivable_account_id \
            if self.party_kind == "patient" \
            else tie_out.company_id.medical_payer_receivable_account_id
        return {
            "type": "ir.actions.act_window",
            "name": _("Journal Items"),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "domain": [
                ("company_id", "=", tie_out.company_id.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", tie_out.date),
                ("partner_id", "=", self.partner_id.id),
                "|", ("account_id", "=", account.id), *role_domain,
            ],
            "context": {"search_default_group_by_account": 1},
        }
