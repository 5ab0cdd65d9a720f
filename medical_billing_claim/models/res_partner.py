from odoo import _, api, fields, models

from .medical_claim import dialog_action


class ResPartner(models.Model):
    _inherit = "res.partner"

    medical_follow_up_days = fields.Integer(
        string="Follow-up Days", default=30,
        help="Days this payer is given to pay a claim it accepted; after them the claim "
        "enters the follow-up queue of Balances Due You.",
    )
    medical_claim_count = fields.Integer(
        compute="_compute_medical_claim_count",
        groups="medical_billing.group_medical_billing_user,account.group_account_readonly",
    )

    @api.depends("medical_case_ids")
    def _compute_medical_claim_count(self):
        counts = dict(self.env["medical.claim"]._read_group(
            [("patient_id", "in", self.ids)], ["patient_id"], ["__count"]))
        for partner in self:
            partner.medical_claim_count = counts.get(partner._origin, 0)

    def action_create_claims(self):
        return dialog_action(self, "medical.claim.create", _("Create Claims"))

    def action_open_account_activity(self):
        """Account Activity: every version of every claim of the patient, with its
        document as first made."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing_claim.medical_claim_action")
        action.update(
            name=_("Account Activity of %(patient)s", patient=self.name),
            domain=[("patient_id", "=", self.id)],
            context={"search_default_current": 0},
        )
        return action
