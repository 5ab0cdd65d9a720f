from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.account_move_line import PARTY_ROLES


class MedicalChargeResponsibility(models.TransientModel):
    _name = "medical.charge.responsibility"
    _inherit = ["medical.confirm.once.mixin"]
    _description = "Change Charge Responsibility"

    charge_id = fields.Many2one("medical.charge", required=True, readonly=True)
    currency_id = fields.Many2one(related="charge_id.currency_id")
    amount_total = fields.Monetary(related="charge_id.amount_fee_total", string="Charge Total")
    primary_payer_id = fields.Many2one(related="charge_id.primary_payer_id")
    secondary_payer_id = fields.Many2one(related="charge_id.secondary_payer_id")
    tertiary_payer_id = fields.Many2one(related="charge_id.tertiary_payer_id")
    patient_amount = fields.Monetary(string="Patient")
    primary_amount = fields.Monetary(string="Primary")
    secondary_amount = fields.Monetary(string="Secondary")
    tertiary_amount = fields.Monetary(string="Tertiary")
    amount_difference = fields.Monetary(
        compute="_compute_amount_difference",
        help="What the shares miss to add up to the charge total; it must be zero.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        charge = self.env["medical.charge"].browse(self.env.context.get("active_ids", []))
        if self.env.context.get("active_model") != "medical.charge" or len(charge) != 1:
            raise UserError(_("Open one charge to change its responsibility."))
        charge._check_posted()
        values["charge_id"] = charge.id
        for role, __ in PARTY_ROLES:
            values[f"{role}_amount"] = charge[f"{role}_responsibility"]
        return values

    @api.depends("amount_total", *(f"{role}_amount" for role, __ in PARTY_ROLES))
    def _compute_amount_difference(self):
        for wizard in self:
            wizard.amount_difference = wizard.amount_total - sum(
                wizard[f"{role}_amount"] for role, __ in PARTY_ROLES
            )

    def action_apply(self):
        self._check_not_done()
        self.charge_id._change_responsibility(
            {role: self[f"{role}_amount"] for role, __ in PARTY_ROLES}
        )
        return {"type": "ir.actions.act_window_close"}
