from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class MedicalClaimFollowUp(models.TransientModel):
    """A follow-up note on claims: shown in the claim lists until a payment is posted
    against the claim, and kept in its history."""

    _name = "medical.claim.follow.up"
    _description = "Claim Follow-up Note"

    claim_ids = fields.Many2many("medical.claim", string="Claims", readonly=True)
    note = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        claims = self.env["medical.claim"].browse(self.env.context.get("active_ids") or [])
        if self.env.context.get("active_model") != "medical.claim" or not claims:
            raise UserError(_("Select the claims to add a follow-up note to."))
        values["claim_ids"] = [Command.set(claims.ids)]
        return values

    def action_add_note(self):
        self.ensure_one()
        self.claim_ids.check_access("read")
        note = (self.note or "").strip()
        if not note:
            raise UserError(_("Write the follow-up note first; nothing was added."))
        self.env["medical.claim.event"]._record(self.claim_ids, "note", message=note)
        return {"type": "ir.actions.act_window_close"}
