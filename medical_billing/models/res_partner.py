from odoo import api, fields, models

CLAIM_FILING_INDICATORS = [
    ("CI", "Commercial insurance"),
    ("BL", "Blue Cross / Blue Shield"),
    ("HM", "Health maintenance organization"),
    ("MA", "Medicare Part A"),
    ("MB", "Medicare Part B"),
    ("MC", "Medicaid"),
    ("CH", "TRICARE / CHAMPUS"),
    ("VA", "Veterans Affairs plan"),
    ("WC", "Workers' compensation"),
    ("AM", "Automobile medical"),
    ("OF", "Other federal program"),
    ("ZZ", "Mutually defined"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_patient = fields.Boolean(string="Patient")
    patient_account_number = fields.Char(copy=False, index="btree_not_null", readonly=True)
    birthdate = fields.Date(string="Date of Birth")
    sex = fields.Selection([("female", "Female"), ("male", "Male"), ("unknown", "Unknown")])
    medical_fee_schedule_id = fields.Many2one(
        "medical.fee.schedule", string="Fee Schedule", check_company=True,
        help="Prices the charges of this patient's cases that name no fee schedule of their own.",
    )
    guarantor_id = fields.Many2one(
        "res.partner", help="Who answers for the patient's bills when it is not the patient.",
    )
    medical_case_ids = fields.One2many("medical.case", "patient_id", string="Cases")
    medical_charge_ids = fields.One2many("medical.charge", "patient_id", string="Charges")
    medical_policy_ids = fields.One2many("medical.policy", "patient_id", string="Policies")
    medical_case_count = fields.Integer(compute="_compute_medical_case_count")
    medical_balance = fields.Monetary(
        string="Patient Balance", compute="_compute_medical_balance",
        currency_field="currency_id",
        help="What the patient still owes on posted charges, from the journal items.",
    )

    is_payer = fields.Boolean(string="Insurance Payer")
    payer_submission = fields.Selection(
        [("electronic", "Electronic"), ("paper", "Paper")],
        string="Claim Submission", default="electronic",
    )
    payer_code = fields.Char(
        string="Payer ID", help="Identifier of the payer at the clearinghouse.",
    )
    claim_filing_indicator = fields.Selection(CLAIM_FILING_INDICATORS, default="CI")

    _sql_constraints = [
        (
            "patient_account_number_uniq",
            "unique(patient_account_number, company_id)",
            "A patient account number must be unique per company.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("is_patient") and "company_id" not in vals:
                # Patients are private to the company that treats them.
                vals["company_id"] = self.env.company.id
            if vals.get("is_patient") and not vals.get("patient_account_number"):
                vals["patient_account_number"] = self.env["ir.sequence"].next_by_code(
                    "medical.patient.account"
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("is_patient"):
            for partner in self.filtered(lambda p: not p.patient_account_number):
                partner.patient_account_number = self.env["ir.sequence"].next_by_code(
                    "medical.patient.account"
                )
        return super().write(vals)

    @api.depends("medical_case_ids")
    def _compute_medical_case_count(self):
        counts = dict(self.env["medical.case"]._read_group(
            [("patient_id", "in", self.ids)], ["patient_id"], ["__count"]
        ))
        for partner in self:
            partner.medical_case_count = counts.get(partner, 0)

    def _compute_medical_balance(self):
        balances = self.env["account.move.line"]._medical_residual_by(
            "partner_id", [("partner_id", "in", self.ids), ("medical_party_role", "=", "patient")]
        )
        for partner in self:
            partner.medical_balance = balances.get(partner, 0.0)

    def action_open_medical_charges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_charge_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action

    def action_open_medical_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_case_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action
