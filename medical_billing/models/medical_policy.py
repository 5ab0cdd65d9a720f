from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .account_move_line import PAYER_ROLES

# X12 individual relationship codes, so claims can use them as they are.
SUBSCRIBER_RELATIONSHIPS = [
    ("18", "Self"),
    ("01", "Spouse"),
    ("19", "Child"),
    ("20", "Employee"),
    ("G8", "Other"),
]


class MedicalPolicy(models.Model):
    _name = "medical.policy"
    _description = "Insurance Policy"
    _inherit = ["mail.thread"]
    _order = "patient_id, date_start desc, id desc"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "res.partner", required=True, index=True, check_company=True,
        domain="[('is_patient', '=', True)]", tracking=True,
    )
    payer_id = fields.Many2one(
        "res.partner", required=True, index=True, check_company=True,
        domain="[('is_payer', '=', True)]", tracking=True,
    )
    member_number = fields.Char(string="Member ID", required=True, tracking=True)
    group_number = fields.Char(tracking=True)
    subscriber_id = fields.Many2one(
        "res.partner", compute="_compute_subscriber_id", store=True, readonly=False,
        help="Who holds the policy: the patient, or the spouse or parent through whom the "
        "patient is covered.",
    )
    subscriber_relationship = fields.Selection(
        SUBSCRIBER_RELATIONSHIPS, string="Patient is Subscriber's", default="18", required=True,
    )
    date_start = fields.Date(string="Effective From", required=True, tracking=True)
    date_end = fields.Date(string="Effective To", tracking=True)
    copay_amount = fields.Monetary(
        string="Copay", help="Owed by the patient per visit, before coinsurance.",
    )
    coinsurance_percent = fields.Float(
        string="Coinsurance (%)", digits=(5, 2),
        help="Share of each charge (after copay) that the patient owes.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("patient_id", "subscriber_relationship")
    def _compute_subscriber_id(self):
        for policy in self:
            if policy.subscriber_relationship == "18" or not policy.subscriber_id:
                policy.subscriber_id = policy.patient_id

    @api.depends("payer_id", "member_number")
    def _compute_display_name(self):
        for policy in self:
            policy.display_name = f"{policy.payer_id.name or ''} - {policy.member_number or ''}"

    @api.constrains("date_start", "date_end", "coinsurance_percent", "copay_amount")
    def _check_terms(self):
        for policy in self:
            if policy.date_end and policy.date_end < policy.date_start:
                raise ValidationError(_(
                    "Policy %(policy)s ends before it starts: set an end date after "
                    "%(start)s or leave it empty.",
                    policy=policy.display_name, start=policy.date_start,
                ))
            if not 0 <= policy.coinsurance_percent <= 100:
                raise ValidationError(_(
                    "Coinsurance of policy %(policy)s must be between 0 and 100%%.",
                    policy=policy.display_name,
                ))
            if policy.currency_id.compare_amounts(policy.copay_amount, 0) < 0:
                raise ValidationError(_(
                    "The copay of policy %(policy)s cannot be negative.",
                    policy=policy.display_name,
                ))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        """A policy that billed posted charges is kept: their claims (and any correction or
        void of them) need its member ID and group."""
        billed = self._billed_charges()
        for policy in self:
            charges = billed[policy]
            if charges:
                raise UserError(_(
                    "Policy %(policy)s is on charges already posted (%(charges)s): their "
                    "claims need its member ID, so it cannot be deleted. To end it, set its "
                    "Effective To date (and archive it to hide it from lists).",
                    policy=policy.display_name,
                    charges=", ".join(charges[:5].mapped("display_name")),
                ))

    def _billed_charges(self):
        """{policy: the posted (or reversed) charges of its patient, dated while it was in
        force, that bill its payer}."""
        # sudo: a charge the user cannot read keeps the policy all the same.
        charges = self.env["medical.charge"].sudo().search([
            ("patient_id", "in", self.patient_id.ids),
            ("state", "!=", "draft"),
            "|", "|", *[(f"{role}_payer_id", "in", self.payer_id.ids) for role in PAYER_ROLES],
        ])
        return {
            policy: charges.filtered_domain([
                ("patient_id", "=", policy.patient_id.id),
                ("date_service", ">=", policy.date_start),
                *([("date_service", "<=", policy.date_end)] if policy.date_end else []),
                "|", "|",
                *[(f"{role}_payer_id", "=", policy.payer_id.id) for role in PAYER_ROLES],
            ])
            for policy in self
        }

    def _covers(self, date):
        self.ensure_one()
        return self.date_start <= date and (not self.date_end or date <= self.date_end)
