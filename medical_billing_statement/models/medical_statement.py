import uuid
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons.medical_billing.models.account_move_line import PAYER_ROLES
from odoo.addons.medical_billing.wkhtmltopdf import wkhtmltopdf_is_patched
from odoo.addons.payment.controllers.portal import PaymentPortal
from odoo.exceptions import UserError
from odoo.tools import split_every

# Aging of what a patient owes, by the age of each open item (from the date of the entry
# that made the patient owe it): the statement's buckets, upper limits included.
AGING_BUCKETS = [
    ("current", "Current", 30),
    ("31_60", "31-60 Days", 60),
    ("61_90", "61-90 Days", 90),
    ("91_120", "91-120 Days", 120),
    ("over_120", "Over 120 Days", None),
]
DELIVERIES = [("email", "E-mail"), ("print", "Mail Room")]
# What a statement said when it was sent: never written again.
FROZEN_FIELDS = frozenset({
    "name", "partner_id", "patient_ids", "account_number", "company_id", "clinic_id", "run_id",
    "date", "date_from", "date_due", "amount_due", "amount_insurance", "aging_current",
    "aging_31_60", "aging_61_90", "aging_91_120", "aging_over_120", "oldest_days",
    "dunning_level_id", "dunning_message", "is_last_level", "delivery",
})
# Statements rendered per wkhtmltopdf call: Odoo splits the file into one kept PDF each.
# A wkhtmltopdf without Odoo's patched Qt renders one document per call only.
RENDER_BATCH = 100


def aging_bucket(age_days):
    for key, __, limit in AGING_BUCKETS:
        if limit is None or age_days <= limit:
            return key
    return AGING_BUCKETS[-1][0]


class MedicalStatement(models.Model):
    """A patient statement as sent: what one responsible person (the patient, or the
    guarantor of several patients) owed on its date, read from the posted patient
    receivable items. Its PDF is made once, when the statement is recorded, and kept."""

    _name = "medical.statement"
    _description = "Patient Statement"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner", string="Responsible", required=True, readonly=True, index=True,
        help="Who the statement is addressed to: the patient, or the guarantor of the "
        "patients it lists.",
    )
    patient_ids = fields.Many2many("res.partner", string="Patients", readonly=True)
    account_number = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    clinic_id = fields.Many2one("medical.clinic", readonly=True,
                                help="Set when the run was for one clinic only.")
    run_id = fields.Many2one("medical.statement.run", readonly=True, index=True,
                             ondelete="restrict")
    date = fields.Date(string="Statement Date", required=True, readonly=True, index=True)
    date_from = fields.Date(string="Activity Since", readonly=True,
                            help="The first day of the activity the statement lists.")
    date_due = fields.Date(string="Due Date", readonly=True)
    amount_due = fields.Monetary(readonly=True, help="The patients' open receivable items "
                                 "on the statement date, less their unapplied credit.")
    amount_insurance = fields.Monetary(string="Pending with Insurance", readonly=True)
    aging_current = fields.Monetary(string="Current", readonly=True)
    aging_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    aging_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    aging_91_120 = fields.Monetary(string="91-120 Days", readonly=True)
    aging_over_120 = fields.Monetary(string="Over 120 Days", readonly=True)
    oldest_days = fields.Integer(string="Oldest Balance (Days)", readonly=True)
    dunning_level_id = fields.Many2one("medical.dunning.level", readonly=True)
    dunning_message = fields.Text(readonly=True, help="As printed on the statement.")
    is_last_level = fields.Boolean(
        string="Last Dunning Level", readonly=True,
        help="The statement printed the company's last dunning message: the account may go "
        "to collections.",
    )
    delivery = fields.Selection(DELIVERIES, readonly=True, required=True)
    attachment_id = fields.Many2one("ir.attachment", string="Document", readonly=True,
                                    copy=False)
    date_link_expiry = fields.Date(
        string="Online Link Valid Until", readonly=True,
        help="After this day the statement's online page and payment refuse the link.",
    )
    transaction_ids = fields.One2many("payment.transaction", "medical_statement_id",
                                      string="Online Payments", readonly=True)
    in_collections = fields.Boolean(related="partner_id.medical_in_collections")

    # ------------------------------------------------------------------
    # Reading the ledger
    # ------------------------------------------------------------------

    @api.model
    def _collect(self, company, date, clinic=None, patients=None, date_from_of=None,
                 with_activity=True):
        """What each responsible person owes on ``date``, read from the posted billing
        items of ``company`` in a few grouped queries: {responsible: values}.

        Held charges are left out; patients and responsible persons in collections too.
        ``patients`` limits the reading (else every patient with an open balance);
        ``date_from_of`` gives the first activity day per responsible (else the day after
        the last statement, or the oldest open item for a first statement); the ledger's
        activity lines are read only ``with_activity``."""
        Item = self.env["account.move.line"].sudo()
        not_held = ["|", ("medical_charge_id", "=", False),
                    ("medical_charge_id.hold_statement", "=", False)]
        base = [("company_id", "=", company.id), ("parent_state", "=", "posted"),
                ("reconciled", "=", False), ("date", "<=", date), *not_held]
        if clinic:
            base.append(("medical_charge_id.treating_clinic_id", "=", clinic.id))
        patient_domain = [*base, ("medical_party_role", "=", "patient")]
        if patients is not None:
            patient_domain.append(("partner_id", "in", patients.ids))
        open_items = [
            (patient, charge, item_date, amount)
            for patient, charge, item_date, amount in Item._read_group(
                patient_domain, ["partner_id", "medical_charge_id", "date:day"],
                ["amount_residual:sum"])
            if not company.currency_id.is_zero(amount)
        ]
        by_patient = defaultdict(list)
        for patient, charge, item_date, amount in open_items:
            by_patient[patient.with_env(self.env)].append({
                "patient": patient.with_env(self.env), "charge": charge.with_env(self.env),
                "date": item_date, "amount": amount, "age": (date - item_date).days,
            })
        responsible_of = {}
        for patient in self.env["res.partner"].concat(*by_patient):
            responsible = patient._medical_statement_responsible()
            if not (patient.medical_in_collections or responsible.medical_in_collections):
                responsible_of[patient] = responsible
        patients_of = defaultdict(lambda: self.env["res.partner"])
        for patient, responsible in responsible_of.items():
            patients_of[responsible] |= patient
        all_patients = self.env["res.partner"].concat(*responsible_of)

        pending = defaultdict(list)
        for patient, charge, payer, amount in Item._read_group(
                [*base, ("medical_party_role", "in", PAYER_ROLES),
                 ("medical_patient_id", "in", all_patients.ids)],
                ["medical_patient_id", "medical_charge_id", "partner_id"],
                ["amount_residual:sum"]):
            if not company.currency_id.is_zero(amount):
                pending[patient.with_env(self.env)].append({
                    "patient": patient.with_env(self.env),
                    "charge": charge.with_env(self.env), "payer": payer.with_env(self.env),
                    "amount": amount,
                })

        responsibles = self.env["res.partner"].concat(*patients_of)
        last_dates = dict(self._read_group(
            [("partner_id", "in", responsibles.ids), ("company_id", "=", company.id)],
            ["partner_id"], ["date:max"]))
        # (days, level) of the company's dunning levels, the lowest first.
        levels = [(level.days, level) for level in self.env["medical.dunning.level"].search(
            [("company_id", "=", company.id)], order="days")]
        results = {}
        for responsible in responsibles:
            items = sorted((item for patient in patients_of[responsible]
                            for item in by_patient[patient]),
                           key=lambda item: (item["date"], item["charge"].id))
            last_date = last_dates.get(responsible)
            date_from = (date_from_of or {}).get(responsible) \
                or (last_date and last_date + timedelta(days=1)) \
                or min(item["date"] for item in items)
            results[responsible] = self._figures(
                company, date, items, levels, last_date=last_date, date_from=date_from,
                patients=patients_of[responsible],
                pending=[line for patient in patients_of[responsible]
                         for line in pending[patient]],
            )
        if with_activity:
            self._add_activity(results, company, date, clinic)
        return results

    @api.model
    def _figures(self, company, date, items, levels, **values):
        currency = company.currency_id
        aging = dict.fromkeys((key for key, *__ in AGING_BUCKETS), 0.0)
        for item in items:
            # Unapplied credit counts against what is due now.
            aging[aging_bucket(item["age"]) if item["amount"] > 0 else "current"] \
                += item["amount"]
        owed_ages = [item["age"] for item in items if item["amount"] > 0]
        oldest = max(owed_ages, default=0)
        reached = [level for days, level in levels if days <= oldest]
        level = reached[-1] if reached else self.env["medical.dunning.level"]
        return {
            **values,
            "company": company,
            "date": date,
            "open_items": items,
            "amount_due": currency.round(sum(item["amount"] for item in items)),
            "amount_insurance": currency.round(sum(line["amount"]
                                                   for line in values["pending"])),
            "aging": {key: currency.round(amount) for key, amount in aging.items()},
            "oldest_days": oldest,
            "level": level,
            "is_last_level": bool(level) and level == levels[-1][1],
        }

    @api.model
    def _add_activity(self, results, company, date, clinic):
        """The patient ledger's lines since each statement's first activity day, in one
        search for all of them (held charges left out)."""
        if not results:
            return
        patients = self.env["res.partner"].concat(
            *(values["patients"] for values in results.values()))
        first_day = min(values["date_from"] for values in results.values())
        # The lines with every field printed, in the one query: the ledger is a view, and
        # reading its fields afterwards would run it again for each batch of lines.
        domain = [
            ("patient_id", "in", patients.ids), ("date", ">=", first_day),
            ("date", "<=", date), ("company_id", "=", company.id),
            "|", ("charge_id", "=", False), ("charge_id.hold_statement", "=", False),
        ]
        if clinic:
            domain += ["|", ("charge_id", "=", False),
                       ("charge_id.treating_clinic_id", "=", clinic.id)]
        lines = self.env["medical.ledger.report"].search_fetch(domain, [
            "date", "patient_id", "charge_id", "entry_type", "description", "charges",
            "credits", "line_order"])
        by_patient = defaultdict(list)
        for line in lines:
            by_patient[line.patient_id].append(line)
        for values in results.values():
            values["activity"] = sorted(
                (line for patient in values["patients"] for line in by_patient[patient]
                 if line.date >= values["date_from"]),
                key=lambda line: (line.date, line.patient_id.id, line.line_order))

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------

    @api.model
    def _prepare_vals(self, responsible, values, delivery, run=None):
        company = values["company"]
        aging = values["aging"]
        level = values["level"]
        patients = values["patients"]
        return {
            "partner_id": responsible.id,
            "patient_ids": [fields.Command.set(patients.ids)],
            "account_number": responsible.patient_account_number
            or ", ".join(filter(None, patients.mapped("patient_account_number"))),
            "company_id": company.id,
            "clinic_id": run.clinic_id.id if run else False,
            "run_id": run.id if run else False,
            "date": values["date"],
            "date_from": values["date_from"],
            "date_due": values["date"] + timedelta(days=company.medical_statement_due_days),
            "amount_due": values["amount_due"],
            "amount_insurance": values["amount_insurance"],
            **{f"aging_{key}": aging[key] for key, *__ in AGING_BUCKETS},
            "oldest_days": values["oldest_days"],
            "dunning_level_id": level.id,
            "dunning_message": level.message or False,
            "is_last_level": values["is_last_level"],
            "delivery": delivery,
            "date_link_expiry": values["date"] + timedelta(
                days=company.medical_statement_link_days),
        }

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "medical.statement", sequence_date=vals.get("date"))
            # Every statement has its online link from the start, as portal.mixin makes
            # it (uuid4), without a write per statement afterwards.
            vals.setdefault("access_token", str(uuid.uuid4()))
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) & FROZEN_FIELDS:
            raise UserError(_("A statement is kept as it was sent: its figures and its "
                              "document do not change. Record a new statement run instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Statements are kept as sent: they cannot be deleted."))

    def _keep_documents(self):
        """Render each statement once and keep the file: in batches, split by Odoo into one
        PDF per statement (the report's attachment), reused by every later print."""
        report = self.env.ref("medical_billing_statement.action_report_statement")
        Report = self.env["ir.actions.report"].sudo()
        batch_size = RENDER_BATCH if wkhtmltopdf_is_patched() else 1
        for ids in split_every(batch_size, self.ids):
            batch = self.browse(ids)
            __, kind = Report._render_qweb_pdf(report, batch.ids)
            for statement in batch:
                attachment = report.retrieve_attachment(statement) if kind == "pdf" \
                    else statement._keep_html(report)
                statement.attachment_id = attachment

    def _keep_html(self, report):
        # Odoo renders HTML instead of a PDF under its test runner (no wkhtmltopdf there),
        # and splits nothing: each statement's page is kept on its own.
        content, __ = self.env["ir.actions.report"].sudo()._render_qweb_html(report, self.ids)
        return self.env["ir.attachment"].sudo().create({
            "name": f"{self.name.replace('/', '-')}.html", "raw": content,
            "mimetype": "text/html", "res_model": self._name, "res_id": self.id,
            "company_id": self.company_id.id,
        })

    def _send_by_email(self):
        template = self.env.ref("medical_billing_statement.mail_template_medical_statement")
        template.send_mail_batch(self.ids)

    # ------------------------------------------------------------------
    # Screens, portal and payment
    # ------------------------------------------------------------------

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/medical/statements/{statement.id}"
        return result

    def _link_is_valid(self, today=None):
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        return bool(self.date_link_expiry) and today <= self.date_link_expiry

    def _open_items_now(self):
        """The statement's patients' open items today (what an online payment pays)."""
        self.ensure_one()
        values = self._collect(self.company_id, fields.Date.context_today(self),
                               patients=self.patient_ids,
                               date_from_of={self.partner_id: self.date},
                               with_activity=False)
        return values.get(self.partner_id, {}).get("open_items", [])

    def _amount_payable_now(self):
        return self.currency_id.round(sum(item["amount"] for item in self._open_items_now()))

    def _portal_page_values(self, access_token):
        """What the statement's online page shows: the statement, what is owed today and,
        when something is, the payment form of the providers that can take it."""
        self.ensure_one()
        amount = self._amount_payable_now()
        values = {"statement": self, "amount_payable": amount, "access_token": access_token,
                  "page_name": "medical_statement"}
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            return values
        partner, company, currency = self.partner_id, self.company_id, self.currency_id
        availability_report = {}
        providers = self.env["payment.provider"].sudo()._get_compatible_providers(
            company.id, partner.id, amount, currency_id=currency.id,
            report=availability_report)
        return {
            **values,
            "show_tokenize_input_mapping":
                PaymentPortal._compute_show_tokenize_input_mapping(providers),
            "reference_prefix": self.name,
            "amount": amount,
            "currency": currency,
            "partner_id": partner.id,
            "providers_sudo": providers,
            "payment_methods_sudo": self.env["payment.method"].sudo()
            ._get_compatible_payment_methods(providers.ids, partner.id,
                                             currency_id=currency.id,
                                             report=availability_report),
            "tokens_sudo": self.env["payment.token"].sudo(),
            "availability_report": availability_report,
            "transaction_route": f"/my/medical/statements/{self.id}/transaction",
            "landing_route": f"{self.access_url}?access_token={access_token}",
        }

    def _pay_online(self, transaction):
        """Apply a completed online payment to the patients' open items, oldest first
        (whoever of them owes it), the rest as credit of the first patient. The money is
        booked by Odoo's own payment of the transaction (on the provider's journal); the
        patient payments settle its receivable credit. Called once per transaction."""
        self.ensure_one()
        receipt = transaction.payment_id.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
            and line.credit and not line.reconciled)
        if len(receipt) != 1:
            raise UserError(_(
                "The online payment %(reference)s has no Odoo payment to apply: check the "
                "payment provider's journal.", reference=transaction.reference))
        amount_left = transaction.amount
        by_patient = defaultdict(float)
        for item in self._open_items_now():
            if item["amount"] <= 0 or self.currency_id.compare_amounts(amount_left, 0) <= 0:
                continue
            applied = min(item["amount"], amount_left)
            by_patient[item["patient"]] += applied
            amount_left -= applied
        if self.currency_id.compare_amounts(amount_left, 0) > 0:
            by_patient[self.patient_ids.sorted("id")[:1]] += amount_left
        payments = self.env["medical.payment"].sudo().create([{
            "kind": "payment",
            "patient_id": patient.id,
            "company_id": self.company_id.id,
            "amount": self.currency_id.round(amount),
            "method": "online",
            "memo": transaction.reference,
            "date": transaction.payment_id.date,
            "receipt_line_id": receipt.id,
        } for patient, amount in by_patient.items()])
        payments.action_post()
        self.message_post(body=_("Paid online: %(amount)s (%(reference)s).",
                                 amount=self.currency_id.format(transaction.amount),
                                 reference=transaction.reference))
        return payments

    def action_send_to_collections(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "medical.collections.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": [fields.Command.set(self.partner_id.ids)]},
        }

    def action_open_document(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("This statement has no document."))
        return {"type": "ir.actions.act_url", "target": "new",
                "url": f"/web/content/{self.attachment_id.id}?download=true"}
