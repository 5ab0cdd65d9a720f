from odoo import _, api, fields, models


class MedicalPatientLedger(models.TransientModel):
    """The patient ledger screen: the ledger lines of one patient, filtered by case and
    dates, oldest or newest first, with or without the patient/payer breakdown; prints."""

    _name = "medical.patient.ledger"
    _description = "Patient Ledger"

    patient_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    case_id = fields.Many2one("medical.case", domain="[('patient_id', '=', patient_id)]",
                              help="Empty: all cases.")
    date_from = fields.Date()
    date_to = fields.Date()
    newest_first = fields.Boolean(string="Sort newest to oldest")
    show_breakdown = fields.Boolean(string="Display breakdown")
    line_ids = fields.Many2many("medical.ledger.report", compute="_compute_line_ids")
    case_ids = fields.Many2many("medical.case", compute="_compute_case_ids",
                                string="Case Balances")
    opening_balance = fields.Monetary(compute="_compute_line_ids")
    closing_balance = fields.Monetary(string="Account Balance", compute="_compute_line_ids")
    patient_balance = fields.Monetary(
        compute="_compute_line_ids", help="What the patient owes, less the patient's credit.",
    )
    payer_balance = fields.Monetary(compute="_compute_line_ids", help="What payers owe.")
    credit = fields.Monetary(
        string="Unapplied Credit", compute="_compute_line_ids",
        help="Money received and not applied to a charge: the account balance is the case "
        "balances less this credit.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        patient = self.env["res.partner"]._medical_active_patient(
            _("Open one patient to see the ledger."))
        values["patient_id"] = patient.id
        return values

    @api.depends("patient_id")
    def _compute_display_name(self):
        for screen in self:
            screen.display_name = _("Ledger of %(patient)s", patient=screen.patient_id.name)

    def _line_domain(self):
        self.ensure_one()
        domain = [("patient_id", "=", self.patient_id.id),
                  ("company_id", "=", self.company_id.id)]
        if self.case_id:
            domain.append(("case_id", "=", self.case_id.id))
        if self.date_to:
            domain.append(("date", "<=", self.date_to))
        return domain

    @api.depends("patient_id", "company_id", "case_id", "date_from", "date_to", "newest_first")
    def _compute_line_ids(self):
        Ledger = self.env["medical.ledger.report"]
        for screen in self:
            domain = screen._line_domain()
            opening = 0.0
            if screen.date_from:
                opening = Ledger._read_group(
                    [*domain, ("date", "<", screen.date_from)], [], ["charges:sum",
                                                                     "credits:sum"],
                )[0]
                opening = opening[0] - opening[1]
                domain.append(("date", ">=", screen.date_from))
            order = "date desc, line_order desc" if screen.newest_first \
                else "date, line_order"
            screen.line_ids = Ledger.search(domain, order=order)
            totals = Ledger._read_group(domain, [], ["charges:sum", "credits:sum"])[0]
            screen.opening_balance = opening
            screen.closing_balance = opening + totals[0] - totals[1]
            # The breakdown of the closing balance: every line up to the end date.
            patient, payer = Ledger._read_group(
                screen._line_domain(), [], ["patient_amount:sum", "payer_amount:sum"],
            )[0]
            screen.patient_balance = patient
            screen.payer_balance = payer
            # Today's credit: shown for the whole account only (no case, no end date).
            patient = screen.patient_id._origin
            screen.credit = 0.0 if screen.case_id or screen.date_to \
                else patient._medical_credits(screen.company_id).get(patient, 0.0)

    @api.depends("patient_id", "case_id")
    def _compute_case_ids(self):
        for screen in self:
            screen.case_ids = screen.case_id or screen.patient_id.medical_case_ids

    def action_print(self):
        self.ensure_one()
        return self.env.ref("medical_billing.action_report_patient_ledger").report_action(self)
