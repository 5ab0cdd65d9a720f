from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.account_move_line import PARTY_ROLES


class MedicalChargeWriteOff(models.TransientModel):
    _name = "medical.charge.write.off"
    _inherit = ["medical.confirm.once.mixin"]
    _description = "Write Off a Charge"

    charge_id = fields.Many2one("medical.charge", required=True, readonly=True)
    currency_id = fields.Many2one(related="charge_id.currency_id")
    party = fields.Selection(PARTY_ROLES, required=True, default="patient")
    amount_due = fields.Monetary(compute="_compute_amount_due", string="Party Owes")
    amount = fields.Monetary(compute="_compute_amount", store=True, readonly=False, required=True)
    reason_id = fields.Many2one("medical.write.off.reason", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        charge = self.env["medical.charge"].browse(self.env.context.get("active_ids", []))
        if self.env.context.get("active_model") != "medical.charge" or len(charge) != 1:
            raise UserError(_("Open one charge to write it off."))
        charge._check_posted()
        values["charge_id"] = charge.id
        return values

    @api.depends("charge_id", "party")
    def _compute_amount_due(self):
        for wizard in self:
            wizard.amount_due = wizard.charge_id[f"{wizard.party}_due"] if wizard.party else 0.0

    @api.depends("amount_due")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.amount_due

    def action_write_off(self):
        self._check_not_done()
        self.charge_id.with_context(medical_date=self.date)._write_off(
            self.party, self.amount, self.reason_id,
        )
        return {"type": "ir.actions.act_window_close"}
