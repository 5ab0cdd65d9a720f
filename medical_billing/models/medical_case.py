from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from .account_move_line import PARTY_ROLES, PAYER_ROLES

MAX_CASE_DIAGNOSES = 12


class MedicalCase(models.Model):
    _name = "medical.case"
    _description = "Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    patient_id = fields.Many2one(
        "res.partner", required=True, index=True, check_company=True, tracking=True,
        domain="[('is_patient', '=', True)]",
    )
    date_start = fields.Date(
        string="Start Date", required=True, default=fields.Date.context_today, tracking=True,
    )
    date_end = fields.Date(string="End Date", tracking=True)
    is_opening_balance = fields.Boolean(
        readonly=True, help="Holds the opening charges brought over from the clinic's former "
        "system.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    primary_policy_id = fields.Many2one(
        "medical.policy", check_company=True, tracking=True,
        domain="[('patient_id', '=', patient_id)]",
    )
    secondary_policy_id = fields.Many2one(
        "medical.policy", check_company=True, tracking=True,
        domain="[('patient_id', '=', patient_id)]",
    )
    tertiary_policy_id = fields.Many2one(
        "medical.policy", check_company=True, tracking=True,
        domain="[('patient_id', '=', patient_id)]",
    )
    fee_schedule_id = fields.Many2one(
        "medical.fee.schedule", compute="_compute_fee_schedule_id", store=True, readonly=False,
        check_company=True, tracking=True,
    )
    diagnosis_ids = fields.One2many("medical.case.diagnosis", "case_id", string="Diagnoses")
    referring_provider_id = fields.Many2one(
        "medical.provider", check_company=True, domain="[('is_referring', '=', True)]",
    )
    charge_ids = fields.One2many("medical.charge", "case_id", string="Charges")
    charge_count = fields.Integer(compute="_compute_charge_count")
    draft_charge_count = fields.Integer(compute="_compute_charge_count")
    balance = fields.Monetary(
        string="Case Balance", compute="_compute_balance",
        help="What patient and payers still owe on the case's posted charges.",
    )
    note = fields.Html()

    def write(self, vals):
        if "patient_id" in vals:
            billed = self.filtered(lambda case: case.patient_id.id != vals["patient_id"] and any(
                charge.state != "draft" for charge in case.charge_ids))
            if billed:
                raise UserError(_(
                    "%(cases)s has posted charges of %(patient)s, whose journal items and "
                    "ledger stay with them: the case's patient cannot change. Open a new case "
                    "for the other patient (and reverse the charges posted here by mistake).",
                    cases=", ".join(billed.mapped("name")),
                    patient=", ".join(billed.patient_id.mapped("name")),
                ))
        return super().write(vals)

    @api.depends("patient_id")
    def _compute_fee_schedule_id(self):
        for case in self:
            if not case.fee_schedule_id:
                case.fee_schedule_id = case.patient_id.medical_fee_schedule_id

    @api.depends("charge_ids.state")
    def _compute_charge_count(self):
        counts = defaultdict(int)
        for case, state, count in self.env["medical.charge"]._read_group(
            [("case_id", "in", self._origin.ids)], ["case_id", "state"], ["__count"]
        ):
            counts[case] += count
            counts[case, state] += count
        for case in self:
            case.charge_count = counts[case._origin]
            case.draft_charge_count = counts[case._origin, "draft"]

    @api.depends("charge_ids.balance")
    def _compute_balance(self):
        # Read through the origin: the ledger screen shows the cases inside a new record,
        # where they are new records themselves.
        balances = self.env["account.move.line"]._medical_residual_by(
            "medical_case_id", [("medical_case_id", "in", self._origin.ids)]
        )
        for case in self:
            case.balance = balances.get(case._origin, 0.0)

    @api.constrains("diagnosis_ids")
    def _check_diagnosis_count(self):
        for case in self:
            if len(case.diagnosis_ids) > MAX_CASE_DIAGNOSES:
                raise ValidationError(_(
                    "Case %(case)s has %(count)s diagnoses: a case holds at most 12. Remove "
                    "the ones no longer treated.",
                    case=case.name, count=len(case.diagnosis_ids),
                ))

    @api.constrains("primary_policy_id", "secondary_policy_id", "tertiary_policy_id", "patient_id")
    def _check_policies(self):
        for case in self:
            policies = case._policies_by_role()
            if any(policy.patient_id != case.patient_id for policy in policies.values()):
                raise ValidationError(_(
                    "Case %(case)s can only hold policies of its patient %(patient)s.",
                    case=case.name, patient=case.patient_id.name,
                ))
            if len(set(policies.values())) != len(policies):
                raise ValidationError(_(
                    "Case %(case)s names the same policy at two ranks: pick a different "
                    "policy for each rank.", case=case.name,
                ))
            if policies.get("tertiary") and not policies.get("secondary") or \
                    policies.get("secondary") and not policies.get("primary"):
                raise ValidationError(_(
                    "Case %(case)s skips a rank: fill primary, then secondary, then tertiary.",
                    case=case.name,
                ))

    def _policies_by_role(self, date=None):
        """Policies of the case by payer rank, only those in force at ``date`` if given.

        With a date, the policies bill a visit: a policy in force whose payer is archived
        is refused (see _check_payers_billable)."""
        self.ensure_one()
        policies = {role: self[f"{role}_policy_id"] for role in PAYER_ROLES}
        policies = {
            role: policy for role, policy in policies.items()
            if policy and (not date or policy._covers(date))
        }
        if date:
            self._check_payers_billable(policies, date)
        return policies

    def _check_payers_billable(self, policies, date):
        """Refuse to bill a visit to an archived payer.

        Leaving its policy out would move its share to the next payer or to the patient
        without anyone deciding it: the biller ends the policy, or restores the payer."""
        self.ensure_one()
        for role, policy in policies.items():
            if not policy.payer_id.active:
                raise UserError(_(
                    "%(payer)s, the %(rank)s payer of case %(case)s, is archived: it cannot "
                    "be billed for the visit of %(date)s. End policy %(policy)s before that "
                    "date (Effective To) or take it off the case, or restore the payer; "
                    "then post the charges.",
                    payer=policy.payer_id.name, rank=dict(PARTY_ROLES)[role].lower(),
                    case=self.name, date=format_date(self.env, date),
                    policy=policy.display_name,
                ))

    def action_post_charges(self):
        """The Post button of the Charges tab: post the visit's draft charges."""
        return self.charge_ids._post_drafts_of(", ".join(self.mapped("name")))

    def action_open_charges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_charge_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id}
        return action
