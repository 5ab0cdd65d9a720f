from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

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


# Who reads patient data (protected health information): billing roles and accountants.
PATIENT_DATA_GROUPS = "medical_billing.group_medical_billing_user,account.group_account_readonly"


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_patient = fields.Boolean(string="Patient")
    patient_account_number = fields.Char(
        copy=False, index="btree_not_null", readonly=True, groups=PATIENT_DATA_GROUPS,
    )
    birthdate = fields.Date(string="Date of Birth", groups=PATIENT_DATA_GROUPS)
    sex = fields.Selection(
        [("female", "Female"), ("male", "Male"), ("unknown", "Unknown")],
        groups=PATIENT_DATA_GROUPS,
    )
    medical_fee_schedule_id = fields.Many2one(
        "medical.fee.schedule", string="Fee Schedule", check_company=True,
        help="Prices the charges of this patient's cases that name no fee schedule of their own.",
        groups=PATIENT_DATA_GROUPS,
    )
    guarantor_id = fields.Many2one(
        "res.partner", help="Who answers for the patient's bills when it is not the patient.",
        groups=PATIENT_DATA_GROUPS,
    )
    medical_case_ids = fields.One2many(
        "medical.case", "patient_id", string="Cases", groups=PATIENT_DATA_GROUPS,
    )
    medical_charge_ids = fields.One2many(
        "medical.charge", "patient_id", string="Charges", groups=PATIENT_DATA_GROUPS,
    )
    medical_policy_ids = fields.One2many(
        "medical.policy", "patient_id", string="Policies", groups=PATIENT_DATA_GROUPS,
    )
    medical_case_count = fields.Integer(
        compute="_compute_medical_case_count", groups=PATIENT_DATA_GROUPS,
    )
    medical_draft_charge_count = fields.Integer(
        compute="_compute_medical_draft_charge_count", groups=PATIENT_DATA_GROUPS,
    )
    medical_balance = fields.Monetary(
        string="Patient Balance", compute="_compute_medical_balance",
        currency_field="currency_id",
        help="What the patient still owes on posted charges, from the journal items.",
        groups=PATIENT_DATA_GROUPS,
    )

    medical_payment_ids = fields.One2many(
        "medical.payment", "patient_id", string="Payments", groups=PATIENT_DATA_GROUPS,
    )
    medical_ledger_ids = fields.One2many(
        "medical.ledger.report", "patient_id", string="Ledger", groups=PATIENT_DATA_GROUPS,
    )
    medical_eob_ids = fields.Many2many(
        "medical.eob", compute="_compute_medical_eob_ids", string="EOBs",
        help="Posted EOBs that pay or adjust this patient's charges.",
        groups=PATIENT_DATA_GROUPS,
    )
    medical_credit = fields.Monetary(
        string="Unapplied Credit", compute="_compute_medical_credit",
        currency_field="currency_id",
        help="Money received from the patient and not yet applied to a charge.",
        groups=PATIENT_DATA_GROUPS,
    )

    # An account sent to a collection agency: statements stop, and Balances Due shows it.
    medical_in_collections = fields.Boolean(
        string="In Collections", readonly=True, copy=False, tracking=True,
        groups=PATIENT_DATA_GROUPS,
        help="Sent to a collection agency: left out of statement runs.",
    )
    medical_collections_reason = fields.Char(
        string="Collections Reason", readonly=True, copy=False, tracking=True,
        groups=PATIENT_DATA_GROUPS,
    )
    medical_collections_date = fields.Date(
        string="In Collections Since", readonly=True, copy=False, groups=PATIENT_DATA_GROUPS,
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
            # An import or a quick create gives is_patient by the menu's default only.
            is_patient = vals.get("is_patient", self.env.context.get("default_is_patient"))
            if is_patient and "company_id" not in vals:
                # Patients are private to the company that treats them.
                vals["company_id"] = self.env.company.id
            if is_patient and not vals.get("patient_account_number"):
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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_medical_history(self):
        """A patient or payer with billing history is kept for the ledger and the trail:
        without this, the database refuses the deletion with a raw foreign key error."""
        # sudo and archived records too: history the user cannot see keeps the contact all
        # the same.
        history = [
            ("account.move.line", "partner_id", [("medical_party_role", "!=", False)]),
            ("account.move.line", "medical_patient_id", []),
            ("medical.charge", "patient_id", []),
            ("medical.case", "patient_id", []),
            ("medical.policy", "patient_id", []),
            ("medical.policy", "payer_id", []),
            ("medical.payment", "patient_id", []),
            ("medical.eob", "payer_id", []),
        ]
        used = self.browse()
        for model, field, domain in history:
            groups = self.env[model].sudo().with_context(active_test=False)._read_group(
                [(field, "in", self.ids), *domain], [field],
            )
            used |= self.browse(partner.id for [partner] in groups)
        if used:
            raise UserError(_(
                "%(partners)s has billing history (cases, policies, charges, payments or "
                "journal items), which the ledger and the claims keep. Archive the contact "
                "instead: it leaves the lists and the pickers, and its history stays.",
                partners=", ".join(used.mapped("display_name")),
            ))

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

    @api.depends("medical_charge_ids.state")
    def _compute_medical_draft_charge_count(self):
        counts = dict(self.env["medical.charge"]._read_group(
            [("patient_id", "in", self._origin.ids), ("state", "=", "draft")],
            ["patient_id"], ["__count"],
        ))
        for partner in self:
            partner.medical_draft_charge_count = counts.get(partner._origin, 0)

    def action_post_medical_charges(self):
        """Post the patient's draft charges, from the patient's Charges tab."""
        return self.medical_charge_ids._post_drafts_of(", ".join(self.mapped("name")))

    def action_open_medical_charges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_charge_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action

    @api.model
    def _medical_active_patient(self, message):
        """The one patient a wizard was opened on, or ``message`` as an error."""
        patient = self.browse(self.env.context.get("active_ids", []))
        if self.env.context.get("active_model") != "res.partner" or len(patient) != 1 \
                or not patient.is_patient:
            raise UserError(message)
        return patient

    def action_open_medical_payment(self):
        """The Post button of the Payments tab: a new payment for this patient, in the
        Post Payment dialog (Post and Cancel, no Save)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_payment_action_post"
        )
        action["context"] = {"default_patient_id": self.id,
                             "default_company_id": self.company_id.id or self.env.company.id}
        return action

    def action_open_medical_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_case_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action

    def _compute_medical_eob_ids(self):
        lines = self.env["medical.eob.line"].search([
            ("patient_id", "in", self.ids), ("eob_id.state", "=", "posted"),
        ])
        by_patient = lines.grouped("patient_id")
        for partner in self:
            partner.medical_eob_ids = by_patient.get(partner, lines.browse()).eob_id

    def _compute_medical_credit(self):
        credit_by_patient = self._medical_credits()
        for partner in self:
            partner.medical_credit = credit_by_patient.get(partner, 0.0)

    def _medical_credits(self, company=None):
        """{patient: unapplied credit}, read from the journal items each time."""
        domain = [("partner_id", "in", self.ids), ("medical_party_role", "=", "patient"),
                  ("medical_charge_id", "=", False)]
        if company:
            domain.append(("company_id", "=", company.id))
        residuals = self.env["account.move.line"]._medical_residual_by("partner_id", domain)
        return {partner: -residual for partner, residual in residuals.items()}

    def get_import_templates(self):
        # From the Patients and Payers menus, their own templates.
        if self.env.context.get("default_is_patient"):
            return [{"label": _("Import Template for Patients (with Policies and Cases)"),
                     "template": "/medical_billing/static/xls/medical_patients.csv"}]
        if self.env.context.get("default_is_payer"):
            return [{"label": _("Import Template for Payers"),
                     "template": "/medical_billing/static/xls/medical_payers.csv"}]
        return super().get_import_templates()

    def _medical_send_to_collections(self, reason):
        """Flag the accounts as sent to a collection agency, with the reason in their trail."""
        if not self.env.user.has_group("medical_billing.group_medical_billing_manager"):
            raise AccessError(_("Only a Billing Manager sends accounts to collections."))
        if not (reason or "").strip():
            raise UserError(_("Say why the account goes to collections: the reason stays on "
                              "the patient and in the trail."))
        # Billing roles have no right to edit contacts: the flag is written for them.
        self.sudo().write({
            "medical_in_collections": True,
            "medical_collections_reason": reason.strip(),
            "medical_collections_date": fields.Date.context_today(self),
        })

    def action_medical_leave_collections(self):
        """Take the accounts back from collections: statement runs include them again."""
        if not self.env.user.has_group("medical_billing.group_medical_billing_manager"):
            raise AccessError(_("Only a Billing Manager takes accounts back from "
                                "collections."))
        self.sudo().write({
            "medical_in_collections": False,
            "medical_collections_reason": False,
            "medical_collections_date": False,
        })

    def _medical_invalidate_balances(self):
        self.invalidate_recordset(["medical_credit", "medical_balance"])

    def _medical_lock_for_payment(self):
        """Serialise money applied to the same patient. Updating the row makes a concurrent
        transaction wait here, then fail with a serialization error and be retried on a
        fresh snapshot, so it never applies a balance this one already applied."""
        if not self:
            return
        # The serialization error is expected and retried: no "bad query" in the log.
        self.env.cr.execute(SQL(
            "UPDATE res_partner SET write_date = write_date WHERE id IN %s", tuple(self.ids),
        ), log_exceptions=False)

    def _medical_open_charge_dues(self, company):
        """What the patient owes on each posted charge, oldest first (DOS, then charge):
        the net of the patient's open items on it, so that an item left open beside
        another of the same charge cannot take more than the charge owes. The items are
        read as superuser (billing roles have no accounting rights), in ``company``."""
        self.ensure_one()
        groups = self.env["account.move.line"].sudo()._read_group([
            ("partner_id", "=", self.id),
            ("company_id", "=", company.id),
            ("medical_party_role", "=", "patient"),
            ("medical_charge_id", "!=", False),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
        ], ["medical_charge_id"], ["amount_residual:sum"])
        dues = [(charge.with_env(self.env), due) for charge, due in groups
                if company.currency_id.compare_amounts(due, 0) > 0]
        return sorted(dues, key=lambda pair: (pair[0].date_service, pair[0].id))

    def _medical_prepare_application_vals(self, company, amount, label, leave_credit):
        """Receivable items that apply ``amount`` of the patient's money to the oldest open
        charges; with ``leave_credit``, what is left becomes an unapplied credit item."""
        self.ensure_one()
        currency = company.currency_id
        account = company.medical_patient_receivable_account_id
        vals_list = []
        left = amount
        for charge, due in self._medical_open_charge_dues(company):
            if currency.compare_amounts(left, 0) <= 0:
                break
            applied = min(left, due)
            vals_list.append(charge._prepare_receivable_line_vals(
                "patient", -applied, "payment", label,
            ))
            left = currency.round(left - applied)
        if leave_credit and currency.compare_amounts(left, 0) > 0:
            vals_list.append({
                "name": _("%(label)s: unapplied credit", label=label),
                "medical_entry_kind": "payment",
                "medical_party_role": "patient",
                "partner_id": self.id,
                "account_id": account.id,
                "balance": -left,
            })
        return vals_list

    def _medical_apply_credits(self, company):
        """Apply each patient's unapplied credit to their oldest open charges."""
        credit_by_patient = self._medical_credits(company)
        for patient in self:
            credit = credit_by_patient.get(patient, 0.0)
            if company.currency_id.compare_amounts(credit, 0) <= 0:
                continue
            patient._medical_lock_for_payment()
            label = _("Credit applied")
            applications = patient._medical_prepare_application_vals(
                company, credit, label, leave_credit=False,
            )
            if not applications:
                continue
            applied = -sum(vals["balance"] for vals in applications)
            move = self.env["account.move"]._medical_create_entry(
                company.medical_adjustment_journal_id, fields.Date.context_today(self), label, [
                    {"name": label, "medical_entry_kind": "payment",
                     "medical_party_role": "patient", "partner_id": patient.id,
                     "account_id": company.medical_patient_receivable_account_id.id,
                     "balance": applied},
                    *applications,
                ],
                medical_credit_application=True,
            )
            move.action_post()
            move.line_ids._medical_reconcile()
        self._medical_invalidate_balances()
