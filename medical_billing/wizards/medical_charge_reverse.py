from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MedicalChargeReverse(models.TransientModel):
    _name = "medical.charge.reverse"
    _inherit = ["medical.confirm.once.mixin"]
    _description = "Reverse Charges"

    charge_ids = fields.Many2many("medical.charge", required=True, readonly=True)
    date = fields.Date(
        required=True, default=fields.Date.context_today,
        help="Accounting date of the reversal entry; it must be in an open period.",
    )
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        charges = self.env["medical.charge"].browse(self.env.context.get("active_ids", []))
        if self.env.context.get("active_model") != "medical.charge" or not charges:
            raise UserError(_("Select the posted charges to reverse."))
        charges._check_posted()
        values["charge_ids"] = [(6, 0, charges.ids)]
        return values

    def action_reverse(self):
        self._check_not_done()
        self.charge_ids.with_context(medical_date=self.date)._reverse(self.reason)
        return {"type": "ir.actions.act_window_close"}
