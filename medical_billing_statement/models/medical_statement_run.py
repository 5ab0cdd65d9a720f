from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .medical_statement import DELIVERIES


class MedicalStatementRun(models.Model):
    """A statement run: every account that owes more than the minimum and had no
    statement for the set number of days gets one. Previewed first (nothing recorded),
    then recorded: statements made and kept, e-mailed or gathered in one file to print."""

    _name = "medical.statement.run"
    _description = "Statement Run"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(readonly=True, copy=False, default="/")
    state = fields.Selection([("draft", "Draft"), ("done", "Recorded")], string="Status",
                             default="draft", readonly=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    clinic_id = fields.Many2one(
        "medical.clinic", check_company=True,
        help="Only the charges treated at this clinic. Empty: every clinic.",
    )
    date = fields.Date(string="Statement Date", required=True,
                       default=fields.Date.context_today)
    min_amount = fields.Monetary(
        string="Minimum Balance",
        default=lambda self: self.env.company.medical_statement_min_amount,
        help="Accounts owing this much or less get no statement.",
    )
    interval_days = fields.Integer(
        string="Days Since Last Statement",
        default=lambda self: self.env.company.medical_statement_interval_days,
        help="Accounts whose last statement is more recent than this get none.",
    )
    line_ids = fields.One2many("medical.statement.run.line", "run_id", string="Preview",
                               readonly=True)
    statement_ids = fields.One2many("medical.statement", "run_id", readonly=True)
    statement_count = fields.Integer(compute="_compute_counts")
    email_count = fields.Integer(string="E-mailed", compute="_compute_counts")
    print_count = fields.Integer(string="To Print", compute="_compute_counts")
    amount_total = fields.Monetary(string="Total Due", compute="_compute_counts")
    print_attachment_id = fields.Many2one(
        "ir.attachment", string="Mail Room File", readonly=True, copy=False,
        help="The statements to mail on paper, in one file to print.",
    )

    _sql_constraints = [
        ("min_amount_positive", "CHECK(min_amount >= 0)",
         "The minimum balance of a statement run cannot be negative."),
        ("interval_days_positive", "CHECK(interval_days >= 0)",
         "The days since the last statement cannot be negative."),
    ]

    @api.depends("line_ids", "statement_ids", "state")
    def _compute_counts(self):
        for run in self:
            rows = run.statement_ids if run.state == "done" else run.line_ids
            run.statement_count = len(rows)
            run.email_count = len(rows.filtered(lambda row: row.delivery == "email"))
            run.print_count = run.statement_count - run.email_count
            run.amount_total = sum(rows.mapped("amount_due"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("medical.statement.run")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(run.state == "done" for run in self):
            raise UserError(_("A recorded statement run is kept with its statements."))

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------

    def _candidates(self):
        """{responsible: values} of the accounts this run sends a statement to."""
        self.ensure_one()
        self.company_id._medical_check_setup()
        problems = self.company_id._medical_statement_problems()
        if problems:
            raise UserError(_("Statements cannot be made yet for %(company)s. %(problems)s",
                              company=self.company_id.name, problems=" ".join(problems)))
        results = self.env["medical.statement"]._collect(
            self.company_id, self.date, clinic=self.clinic_id)
        currency = self.currency_id
        latest = self.date - timedelta(days=self.interval_days)
        return {
            responsible: values for responsible, values in results.items()
            if currency.compare_amounts(values["amount_due"], self.min_amount) > 0
            and not (values["last_date"] and values["last_date"] > latest)
        }

    @staticmethod
    def _delivery(responsible):
        return "email" if responsible.medical_statement_by_email and responsible.email \
            else "print"

    def action_preview(self):
        """List what recording would send, recording nothing."""
        self._check_draft()
        for run in self:
            run.line_ids = [fields.Command.clear()] + [
                fields.Command.create({
                    "partner_id": responsible.id,
                    "patient_ids": [fields.Command.set(values["patients"].ids)],
                    "amount_due": values["amount_due"],
                    "amount_insurance": values["amount_insurance"],
                    "oldest_days": values["oldest_days"],
                    "dunning_level_id": values["level"].id,
                    "last_date": values["last_date"],
                    "delivery": run._delivery(responsible),
                }) for responsible, values in run._candidates().items()
            ]
        return True

    def action_record(self):
        """Make the statements from the ledger as it is now, keep their documents, e-mail
        those that go by e-mail and gather the others in one file for the mail room."""
        self._check_draft()
        Statement = self.env["medical.statement"]
        for run in self:
            candidates = run._candidates()
            if not candidates:
                raise UserError(_(
                    "No account gets a statement: none owes more than %(minimum)s without a "
                    "statement in the last %(days)s days (held charges and accounts in "
                    "collections are left out).",
                    minimum=run.currency_id.format(run.min_amount), days=run.interval_days))
            statements = Statement.create([
                Statement._prepare_vals(responsible, values, run._delivery(responsible), run)
                for responsible, values in candidates.items()
            ])
            statements._keep_documents()
            by_email = statements.filtered(lambda statement: statement.delivery == "email")
            if by_email:
                by_email._send_by_email()
            to_print = statements - by_email
            if to_print:
                run.print_attachment_id = run._mail_room_file(to_print)
            run.write({"state": "done", "line_ids": [fields.Command.clear()]})
            run.message_post(body=_(
                "Recorded %(count)s statements: %(emailed)s e-mailed, %(printed)s to print.",
                count=len(statements), emailed=len(by_email), printed=len(to_print)))
        return True

    def _mail_room_file(self, statements):
        # The kept documents, reloaded by the report (attachment_use), in one file.
        report = self.env.ref("medical_billing_statement.action_report_statement")
        content, kind = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
            report, statements.ids)
        return self.env["ir.attachment"].sudo().create({
            "name": f"{self.name.replace('/', '-')}-mail-room.{kind}", "raw": content,
            "mimetype": "application/pdf" if kind == "pdf" else "text/html",
            "res_model": self._name, "res_id": self.id, "company_id": self.company_id.id,
        })

    def _check_draft(self):
        if any(run.state != "draft" for run in self):
            raise UserError(_("This statement run is already recorded."))

    @api.model
    def _cron_record_runs(self):
        """The scheduled run: each company that asks for it, every clinic at once."""
        companies = self.env["res.company"].search([("medical_statement_auto", "=", True)])
        for company in companies:
            run = self.with_company(company).create({"company_id": company.id})
            if run._candidates():
                run.action_record()
            else:
                run.unlink()

    def action_open_statements(self):
        self.ensure_one()
        return self.statement_ids._get_records_action(
            name=_("Statements of %(run)s", run=self.name))

    def action_open_print_file(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "new",
                "url": f"/web/content/{self.print_attachment_id.id}?download=true"}


class MedicalStatementRunLine(models.Model):
    """One account of a run's preview: what its statement would say."""

    _name = "medical.statement.run.line"
    _description = "Statement Run Preview Line"
    _order = "amount_due desc, id"

    run_id = fields.Many2one("medical.statement.run", required=True, ondelete="cascade",
                             index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Responsible", required=True)
    patient_ids = fields.Many2many("res.partner", string="Patients")
    amount_due = fields.Monetary()
    amount_insurance = fields.Monetary(string="Pending with Insurance")
    oldest_days = fields.Integer(string="Oldest Balance (Days)")
    dunning_level_id = fields.Many2one("medical.dunning.level")
    last_date = fields.Date(string="Last Statement")
    delivery = fields.Selection(DELIVERIES)
