from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

# (company field, account name, account type)
BILLING_ACCOUNTS = [
    ("medical_patient_receivable_account_id", "Patient Receivable", "asset_receivable"),
    ("medical_payer_receivable_account_id", "Insurance Receivable", "asset_receivable"),
    ("medical_revenue_account_id", "Patient Service Revenue", "income"),
    ("medical_fee_schedule_account_id", "Fee Schedule Adjustments", "income"),
    ("medical_write_off_account_id", "Billing Write-offs", "income"),
    ("medical_credit_forward_account_id", "Patient Credits Brought Forward", "equity"),
    ("medical_unapplied_payer_account_id", "Unapplied Insurance Payments",
     "liability_current"),
    ("medical_payer_interest_account_id", "Insurance Interest", "income_other"),
    ("medical_payer_recoupment_account_id", "Insurance Overpayments and Recoupments",
     "liability_current"),
    ("medical_payer_withholding_account_id", "Insurance Withholdings and Balances Forward",
     "asset_current"),
]
UNCOVERED_CHARGE_POLICIES = [
    ("warn", "Warn, and bill the patient in full"),
    ("refuse", "Refuse to post"),
]
# (company field, journal name, code, type)
BILLING_JOURNALS = [
    ("medical_charge_journal_id", "Patient Charges", "MCHG", "general"),
    ("medical_adjustment_journal_id", "Billing Adjustments", "MADJ", "general"),
    ("medical_payment_journal_id", "Patient Payments", "MPAY", "cash"),
    ("medical_payer_payment_journal_id", "Insurance Payments", "MINS", "bank"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    medical_charge_journal_id = fields.Many2one(
        "account.journal", string="Charges Journal", check_company=True,
        domain="[('type', '=', 'general')]",
    )
    medical_adjustment_journal_id = fields.Many2one(
        "account.journal", string="Adjustments Journal", check_company=True,
        domain="[('type', '=', 'general')]",
    )
    medical_payment_journal_id = fields.Many2one(
        "account.journal", string="Patient Payments Journal", check_company=True,
        domain="[('type', 'in', ('cash', 'bank'))]",
    )
    medical_payer_payment_journal_id = fields.Many2one(
        "account.journal", string="Insurance Payments Journal", check_company=True,
        domain="[('type', 'in', ('cash', 'bank'))]",
    )
    medical_credit_forward_account_id = fields.Many2one(
        "account.account", string="Credit Forward Account", check_company=True,
        help="Offsets the patient credits brought in from previous software.",
    )
    medical_patient_receivable_account_id = fields.Many2one(
        "account.account", string="Patient Receivable Account", check_company=True,
        domain="[('account_type', '=', 'asset_receivable')]",
    )
    medical_payer_receivable_account_id = fields.Many2one(
        "account.account", string="Insurance Receivable Account", check_company=True,
        domain="[('account_type', '=', 'asset_receivable')]",
    )
    medical_revenue_account_id = fields.Many2one(
        "account.account", string="Service Revenue Account", check_company=True,
    )
    medical_fee_schedule_account_id = fields.Many2one(
        "account.account", string="Fee Schedule Write-off Account", check_company=True,
        help="Contra-revenue account for the difference between the price list and the "
        "fee schedule.",
    )
    medical_write_off_account_id = fields.Many2one(
        "account.account", string="Default Write-off Account", check_company=True,
        help="Used by write-off reasons that name no account of their own.",
    )
    # Remittances: the part of a payer's payment no EOB applied yet, and its provider-level
    # adjustments (PLB), by kind.
    medical_unapplied_payer_account_id = fields.Many2one(
        "account.account", string="Unapplied Insurance Payments Account", check_company=True,
        help="Holds the money of a payer's payment that no claim took yet (a remittance "
        "claim left to resolve) until it is applied.",
    )
    medical_payer_interest_account_id = fields.Many2one(
        "account.account", string="Insurance Interest Account", check_company=True,
        help="Interest a payer adds to its payment (provider adjustment L6).",
    )
    medical_payer_recoupment_account_id = fields.Many2one(
        "account.account", string="Insurance Recoupments Account", check_company=True,
        help="What a payer takes back from its payment for an earlier overpayment "
        "(provider adjustments WO, 72, J1...).",
    )
    medical_payer_withholding_account_id = fields.Many2one(
        "account.account", string="Insurance Withholdings Account", check_company=True,
        help="What a payer holds back or carries forward (provider adjustments FB, IR, "
        "and any other kind).",
    )
    medical_uncovered_charges = fields.Selection(
        UNCOVERED_CHARGE_POLICIES, string="Charges No Policy Covers", default="warn",
        required=True,
        help="A charge whose date of service no policy of its case covers bills the patient "
        "in full: warn and post it, or refuse to post it until the case has a policy.",
    )

    def _medical_billing_setup(self):
        """Create the missing billing accounts and journals of companies that have a chart.

        A company without a chart of accounts is skipped: it gets its accounts when a chart
        is loaded (see account.chart.template._post_load_data).
        """
        for company in self.filtered("chart_template"):
            vals = {}
            for field_name, name, account_type in BILLING_ACCOUNTS:
                if not company[field_name]:
                    vals[field_name] = company._medical_create_account(name, account_type).id
            for field_name, name, code, journal_type in BILLING_JOURNALS:
                if not company[field_name]:
                    vals[field_name] = company._medical_create_journal(
                        name, code, journal_type,
                    ).id
            if vals:
                company.write(vals)

    def _medical_journals(self):
        """The billing journals of these companies."""
        return self.env["account.journal"].union(*(
            company[field_name] for company in self for field_name, *__ in BILLING_JOURNALS
        ))

    def _medical_check_open_date(self, date, journal, has_tax=False):
        """Refuse a billing entry dated in a locked period (Odoo would silently move it),
        and a money event (payment, EOB, adjustment, write-off, refund, transfer) dated
        after today. Entries of the charges journal are dated by their date of service,
        which medical.charge refuses in the future itself, with its own message."""
        self.ensure_one()
        date = fields.Date.to_date(date)
        violations = self._get_violated_lock_dates(date, has_tax, journal)
        if violations:
            raise UserError(_(
                "%(date)s is in a locked period (%(locks)s). Post it with a date after the "
                "lock date, or ask your accountant to reopen the period. Nothing was posted.",
                date=date, locks=self._format_lock_dates(violations),
            ))
        if journal != self.medical_charge_journal_id \
                and date > fields.Date.context_today(self):
            raise UserError(_(
                "%(date)s is after today: money cannot be posted in the future. Use "
                "today's date or an earlier one. Nothing was posted.",
                date=format_date(self.env, date),
            ))

    @api.model
    def _medical_billing_setup_all(self):
        """Run on install and update, before the demo data: set up every company."""
        self.search([])._medical_billing_setup()  # pylint: disable=no-search-all

    def _medical_create_account(self, name, account_type):
        self.ensure_one()
        Account = self.env["account.account"].with_company(self)
        sibling = Account.search(
            [*Account._check_company_domain(self), ("account_type", "=", account_type)],
            order="code", limit=1,
        )
        start_code = sibling.code or ("121000" if account_type == "asset_receivable" else "400000")
        return Account.create({
            "name": name,
            "code": Account._search_new_account_code(start_code),
            "account_type": account_type,
            "reconcile": account_type == "asset_receivable",
            "company_ids": [(6, 0, self.ids)],
        })

    def _medical_create_journal(self, name, code, journal_type):
        self.ensure_one()
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [*Journal._check_company_domain(self), ("code", "=", code)], limit=1
        )
        return journal or Journal.create({
            "name": name,
            "code": code,
            "type": journal_type,
            "company_id": self.id,
        })

    def _medical_setup_problems(self):
        """The labels of the billing accounts and journals the company still lacks."""
        self.ensure_one()
        return [
            self._fields[field_name].string
            for field_name, *__ in BILLING_ACCOUNTS + BILLING_JOURNALS
            if not self[field_name]
        ]

    def _medical_check_setup(self):
        """Raise a clear error when the company cannot post billing entries yet."""
        for company in self:
            missing = company._medical_setup_problems()
            if missing:
                raise UserError(_(
                    "Company %(company)s is not set up for medical billing (missing: "
                    "%(missing)s). Load a chart of accounts in Accounting settings, or set "
                    "these in Medical Billing > Configuration > Settings.",
                    company=company.name, missing=", ".join(missing),
                ))

    def _medical_tie_out(self):
        """Billing open balances against the ledger balance of the billing receivables.

        The first is what the billing screens show (open amounts of the items tagged with a
        party); the second is every posted item on the receivable accounts the billing
        journals use. They differ when something bypasses billing or is left unreconciled.
        """
        self.ensure_one()
        accounts = self.medical_patient_receivable_account_id \
            | self.medical_payer_receivable_account_id
        Line = self.env["account.move.line"]
        billing_open = sum(Line._medical_residual_by(
            "company_id", [("company_id", "=", self.id)]
        ).values())
        ledger = Line._read_group(
            [("company_id", "=", self.id), ("account_id", "in", accounts.ids),
             ("parent_state", "=", "posted")],
            [], ["balance:sum"],
        )[0][0]
        return {"billing_open": billing_open, "ledger_balance": ledger}

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._medical_billing_setup()
        return companies
