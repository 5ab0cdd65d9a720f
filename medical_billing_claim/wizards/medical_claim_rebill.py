from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

REBILL_MODES = [
    ("resubmit", "Resubmit"),
    ("correct", "Rebill Corrected (frequency 7)"),
    ("void", "Void (frequency 8)"),
]


class MedicalClaimRebill(models.TransientModel):
    """Resubmit, correct or void claims: a new version of each, built again from the
    charges as they are now, sent at once in a new batch. The versions they replace keep
    their documents and history."""

    _name = "medical.claim.rebill"
    _description = "Resubmit, Correct or Void Claims"

    claim_ids = fields.Many2many("medical.claim", string="Claims", readonly=True)
    mode = fields.Selection(REBILL_MODES, required=True, default="resubmit")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") != "medical.claim":
            raise UserError(_("Open Resubmit from claims."))
        claims = self.env["medical.claim"].browse(self.env.context.get("active_ids") or [])
        if not claims:
            raise UserError(_("Select the claims to resubmit, correct or void."))
        values["claim_ids"] = [Command.set(claims.ids)]
        return values

    def action_rebill(self):
        self.ensure_one()
        if not self.env.user.has_group("medical_billing.group_medical_billing_biller"):
            raise AccessError(_(
                "Only billers resubmit, correct or void claims. Nothing was changed."))
        versions = self.claim_ids._rebill(self.mode)
        return versions.action_send()
