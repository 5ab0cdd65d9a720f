from odoo import fields, models


class MedicalCollectionsWizard(models.TransientModel):
    """Flag accounts as sent to a collection agency, with the reason."""

    _name = "medical.collections.wizard"
    _description = "Send Accounts to Collections"

    partner_ids = fields.Many2many("res.partner", string="Accounts", required=True)
    reason = fields.Char(required=True, help="Kept on the account and in its trail.")

    def action_confirm(self):
        self.ensure_one()
        self.partner_ids._medical_send_to_collections(self.reason)
        return {"type": "ir.actions.act_window_close"}
