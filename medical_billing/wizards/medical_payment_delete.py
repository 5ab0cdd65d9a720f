from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MedicalPaymentDelete(models.TransientModel):
    _name = "medical.payment.delete"
    _description = "Delete Patient Payments"

    payment_ids = fields.Many2many("medical.payment", required=True, readonly=True)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        payments = self.env["medical.payment"].browse(self.env.context.get("active_ids", []))
        if self.env.context.get("active_model") != "medical.payment" or not payments:
            raise UserError(_("Select the posted payments to delete."))
        if any(payment.state != "posted" for payment in payments):
            raise UserError(_("Only posted payments can be deleted."))
        values["payment_ids"] = [(6, 0, payments.ids)]
        return values

    def action_delete(self):
        self.ensure_one()
        self.payment_ids._delete(self.reason)
        return {"type": "ir.actions.act_window_close"}
