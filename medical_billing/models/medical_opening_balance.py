import base64
import csv
import hashlib
import io
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .account_move_line import PAYER_ROLES
from .medical_posted_guard import billing_operation_method

# The columns of an opening balance file (a header row names them, in any order).
OPENING_COLUMNS = ("patient", "date_of_birth", "date_of_service", "payer_id", "amount")


class MedicalOpeningBalance(models.Model):
    """What patients and payers owed in the system the clinic leaves, brought over as
    opening charges: one charge per patient and date of service, with each party's share
    as its receivable item, all in one balanced entry against the company's undistributed
    earnings (Odoo's opening balance account). Checked first (a dry run with the totals
    per party); a file posted once posts nothing the second time."""

    _name = "medical.opening.balance"
    _description = "Opening Balances"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: _("Opening balances"))
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Opening Date", required=True, default=fields.Date.context_today,
        help="The date of the opening entry: the day billing starts in Odoo.",
    )
    file = fields.Binary(attachment=True, copy=False)
    file_name = fields.Char()
    checksum = fields.Char(readonly=True, copy=False, index=True)
    state = fields.Selection([("draft", "Draft"), ("checked", "Checked"),
                              ("posted", "Posted")], string="Status", default="draft",
                             readonly=True, tracking=True)
    line_ids = fields.One2many("medical.opening.balance.line", "batch_id", readonly=True)
    move_id = fields.Many2one("account.move", string="Opening Entry", readonly=True,
                              copy=False)
    amount_patient = fields.Monetary(string="Patients Owe", compute="_compute_totals")
    amount_payer = fields.Monetary(string="Payers Owe", compute="_compute_totals")
    amount_total = fields.Monetary(string="Total", compute="_compute_totals")
    summary = fields.Text(string="Totals per Party", compute="_compute_totals")

    @api.depends("line_ids.amount", "line_ids.payer_id")
    def _compute_totals(self):
        for batch in self:
            by_party = defaultdict(float)
            for line in batch.line_ids:
                by_party[line.payer_id.name or _("Patients")] += line.amount
            patients = by_party.get(_("Patients"), 0.0)
            batch.amount_patient = patients
            batch.amount_total = sum(by_party.values())
            batch.amount_payer = batch.amount_total - patients
            batch.summary = "\n".join(
                f"{party}: {batch.currency_id.format(amount)}"
                for party, amount in sorted(by_party.items()))

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_posted(self):
        if any(batch.state == "posted" for batch in self):
            raise UserError(_("Posted opening balances stay: reverse their charges instead."))

    # ------------------------------------------------------------------
    # Dry run
    # ------------------------------------------------------------------

    def action_check(self):
        """Read the file into lines (what posting will make), or say which rows are wrong
        and change nothing."""
        for batch in self:
            batch._check_not_posted()
            rows = batch._read_rows()
            lines, errors = batch._lines_from_rows(rows)
            if errors:
                raise UserError(_("Nothing was checked: fix these rows and upload the file "
                                  "again.\n%(errors)s", errors="\n".join(errors)))
            batch.write({"line_ids": [fields.Command.clear()] + [
                fields.Command.create(vals) for vals in lines], "state": "checked"})
        return True

    def _check_not_posted(self):
        self.ensure_one()
        if self.state == "posted":
            raise UserError(_("%(batch)s is already posted.", batch=self.name))
        if not self.file:
            raise UserError(_("Upload the opening balance file first."))
        checksum = hashlib.sha256(base64.b64decode(self.file)).hexdigest()
        earlier = self.search([("checksum", "=", checksum), ("state", "=", "posted"),
                               ("company_id", "=", self.company_id.id)], limit=1)
        if earlier:
            raise UserError(_(
                "This file was already posted as %(batch)s on %(date)s: nothing was posted "
                "again.", batch=earlier.name, date=earlier.date))
        self.checksum = checksum

    def _read_rows(self):
        try:
            text = base64.b64decode(self.file).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(_("The file is not UTF-8 text: save it as CSV (UTF-8) and "
                              "upload it again.")) from None
        reader = csv.DictReader(io.StringIO(text))
        missing = set(OPENING_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise UserError(_("The file's first row must name the columns %(columns)s; "
                              "missing: %(missing)s.", columns=", ".join(OPENING_COLUMNS),
                              missing=", ".join(sorted(missing))))
        return list(reader)

    def _lines_from_rows(self, rows):
        """(line values, errors by row): each row matched to its patient (name and date of
        birth), its payer (payer id; empty: the patient owes it) and the payer's rank on
        the patient's policies in force at the date of service. The patients and payers
        of the whole file are read in one search each."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        company_domain = [("company_id", "in", [self.company_id.id, False])]
        names = {(row["patient"] or "").strip() for row in rows} - {""}
        patients = Partner.search([
            ("is_patient", "=", True), *company_domain,
            *expression.OR([[("name", "=ilike", name)] for name in names]),
        ]) if names else Partner
        patients_by_key = defaultdict(lambda: Partner)
        for patient in patients:
            patients_by_key[patient.name.lower(), patient.birthdate] |= patient
        codes = {(row["payer_id"] or "").strip() for row in rows} - {""}
        # {payer id: payer name}, to say which payer a row names.
        known_codes = {payer.payer_code: payer.name for payer in Partner.search([
            ("is_payer", "=", True), ("payer_code", "in", list(codes)), *company_domain,
        ])} if codes else {}
        lines, errors = [], []
        for number, row in enumerate(rows, start=2):  # the header is row 1
            try:
                lines.append(self._line_from_row(row, patients_by_key, known_codes))
            except (UserError, ValueError) as error:
                message = error.args[0] if error.args else str(error)
                errors.append(_("Row %(row)s: %(error)s", row=number, error=message))
        return lines, errors

    def _line_from_row(self, row, patients_by_key, known_codes):
        name = (row["patient"] or "").strip()
        birthdate = fields.Date.to_date(row["date_of_birth"].strip() or None)
        patients = patients_by_key[name.lower(), birthdate]
        if len(patients) != 1:
            raise UserError(_("no single patient %(name)s born %(date)s: import the patient "
                              "first, or fix the name or date of birth.",
                              name=name, date=birthdate or "?") if not patients else
                            _("several patients %(name)s born %(date)s.",
                              name=name, date=birthdate))
        date_service = fields.Date.to_date(row["date_of_service"].strip() or None) \
            or self.date
        if date_service > self.date:
            raise UserError(_("the date of service %(date)s is after the opening date.",
                              date=date_service))
        amount = float(row["amount"])
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(_("the amount must be above zero (bring credits over as credit "
                              "forwards)."))
        payer = self.env["res.partner"]
        policy = self.env["medical.policy"]
        code = (row["payer_id"] or "").strip()
        if code:
            if code not in known_codes:
                raise UserError(_("no payer has the payer id %(code)s.", code=code))
            # The payer of that id on whom the patient has a policy in force then.
            policy = patients.medical_policy_ids.filtered(
                lambda p: p.payer_id.payer_code == code and p._covers(date_service))[:1]
            if not policy:
                raise UserError(_("%(patient)s has no policy with %(payer)s in force on "
                                  "%(date)s: import the patient's policies first.",
                                  patient=name, payer=known_codes[code], date=date_service))
            payer = policy.payer_id
        return {"patient_id": patients.id, "date_service": date_service,
                "payer_id": payer.id, "policy_id": policy.id,
                "amount": self.currency_id.round(amount)}

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    @billing_operation_method
    def action_post(self):
        self.ensure_one()
        if not self.env.user.has_group("medical_billing.group_medical_billing_manager"):
            raise UserError(_("Only a Billing Manager posts opening balances."))
        self._check_not_posted()
        self.action_check()  # the file as it is now, against the patients as they are now
        company = self.company_id
        company._medical_check_setup()
        company._medical_check_open_date(self.date, company.medical_charge_journal_id)
        charges, shares = self._make_charges()
        move = self._post_entry(charges, shares)
        charges.with_context(tracking_disable=True).write({"state": "posted",
                                                            "move_id": move.id})
        charges._log_posting()
        self.write({"state": "posted", "move_id": move.id})
        charges.patient_id._medical_apply_credits(company)
        self.message_post(body=_("Posted %(count)s opening charges, %(total)s in all.",
                                 count=len(charges),
                                 total=self.currency_id.format(self.amount_total)))
        return True

    def _make_charges(self):
        """One charge per patient and date of service on the patient's opening case, and
        {charge: {role: amount}}."""
        product = self._opening_product()
        cases = self._opening_cases(self.line_ids.grouped("patient_id"))
        by_visit = self.line_ids.grouped(lambda line: (line.patient_id, line.date_service))
        vals_list, visit_shares = [], []
        for (patient, date_service), lines in by_visit.items():
            case = cases[patient]
            roles = {policy: role for role, policy in case._policies_by_role().items()}
            shares = defaultdict(float)
            for line in lines:
                shares[roles[line.policy_id] if line.policy_id else "patient"] += line.amount
            total = sum(shares.values())
            vals_list.append({
                "case_id": case.id, "date_service": date_service, "product_id": product.id,
                "description": _("Opening balance"), "price_unit": total,
                "fee_price_unit": total, "tax_ids": [fields.Command.clear()],
                # Billed in the system the clinic leaves: not billed again from here.
                "hold_claim": True,
            })
            visit_shares.append(dict(shares))
        charges = self.env["medical.charge"].create(vals_list)
        for charge, lines in zip(charges, by_visit.values(), strict=True):
            lines.charge_id = charge
        return charges, dict(zip(charges, visit_shares, strict=True))

    def _post_entry(self, charges, shares):
        company = self.company_id
        opening_account = company.get_unaffected_earnings_account()
        line_vals = []
        for charge in charges:
            for vals in charge._prepare_charge_line_vals(shares[charge]):
                if vals["account_id"] == company.medical_revenue_account_id.id:
                    vals["account_id"] = opening_account.id
                line_vals.append(vals)
        move = self.env["account.move"].with_context(skip_invoice_sync=True)\
            ._medical_create_entries([self.env["account.move"]._medical_entry_vals(
                company.medical_charge_journal_id, self.date, self.name, line_vals)])
        move.action_post()
        return move.sudo(False)

    def _opening_cases(self, lines_by_patient):
        """{patient: the patient's case of opening balances}: an existing one whose policies
        bill these payers (their ranks stay as they are: posted charges read them), else a
        new one with the policies ranked as the patient's other cases rank them. Read and
        made in one search and one create."""
        Case = self.env["medical.case"]
        existing = Case.search([
            ("patient_id", "in", [patient.id for patient in lines_by_patient]),
            ("is_opening_balance", "=", True), ("company_id", "=", self.company_id.id),
        ]).grouped("patient_id")
        cases, new_vals = {}, {}
        for patient, lines in lines_by_patient.items():
            policies = self._ranked_policies(patient, lines.policy_id)
            cases[patient] = next(
                (case for case in existing.get(patient, Case)
                 if set(policies) <= set(case._policies_by_role().values())), None)
            if not cases[patient]:
                new_vals[patient] = {
                    "name": _("Opening balances"), "patient_id": patient.id,
                    "date_start": min(lines.mapped("date_service")),
                    "is_opening_balance": True,
                    **{f"{role}_policy_id": policy.id
                       for role, policy in zip(PAYER_ROLES, policies, strict=False)},
                }
        cases.update(zip(new_vals, Case.create(list(new_vals.values())), strict=True))
        return cases

    def _ranked_policies(self, patient, policies):
        if len(policies) > len(PAYER_ROLES):
            raise UserError(_("%(patient)s has balances with more than three payers.",
                              patient=patient.name))
        known_rank = {}
        for case in patient.medical_case_ids.filtered(lambda c: not c.is_opening_balance):
            for role, policy in case._policies_by_role().items():
                known_rank.setdefault(policy, PAYER_ROLES.index(role))
        return policies.sorted(lambda policy: (known_rank.get(policy, 3), policy.id))

    def _opening_product(self):
        product = self.env["product.product"].search(
            [("default_code", "=", "OPENING"), ("medical_code_type", "=", "opening"),
             ("company_id", "in", [self.company_id.id, False])], limit=1)
        return product or self.env["product.product"].sudo().create({
            "name": _("Opening balance"), "default_code": "OPENING", "type": "service",
            "medical_code_type": "opening", "list_price": 0.0, "sale_ok": False,
            "taxes_id": [fields.Command.clear()], "company_id": self.company_id.id,
        }).sudo(False)


class MedicalOpeningBalanceLine(models.Model):
    _name = "medical.opening.balance.line"
    _description = "Opening Balance Line"
    _order = "patient_id, date_service, id"

    batch_id = fields.Many2one("medical.opening.balance", required=True, ondelete="cascade",
                               index=True)
    company_id = fields.Many2one(related="batch_id.company_id", store=True)
    currency_id = fields.Many2one(related="batch_id.currency_id")
    patient_id = fields.Many2one("res.partner", required=True)
    date_service = fields.Date(string="DOS", required=True)
    payer_id = fields.Many2one("res.partner", string="Owed By Payer",
                               help="Empty: the patient owes it.")
    policy_id = fields.Many2one("medical.policy")
    amount = fields.Monetary(required=True)
    charge_id = fields.Many2one("medical.charge", readonly=True)
