from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.medical_payment import PAYMENT_METHODS


class MedicalPaymentRefund(models.TransientModel):
    _name = "medical.payment.refund"
    _inherit = ["medical.confirm.once.mixin"]
    _description = "Refund a Patient Payment"

    payment_id = fields.Many2one("medical.payment", required=True, readonly=True)
    currency_id = fields.Many2one(related="payment_id.currency_id")
    amount_unapplied = fields.Monetary(related="payment_id.amount_unapplied")
    amount = fields.Monetary(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    method = fields.Selection(PAYMENT_METHODS, required=True, default="cash")
    reason = fields.Char(required=True)
    reopen_charges = fields.Boolean(
        string="Re-open Newest Charges",
        help="Refund more than the unapplied amount: the newest charges this payment paid "
        "become open again for the difference.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        payment = self.env["medical.payment"].browse(self.env.context.get("active_ids", []))
        if self.env.context.get("active_model") != "medical.payment" or len(payment) != 1:
            raise UserError(_("Select one posted payment to refund."))
        if payment.state != "posted" or payment.kind not in ("payment", "credit_forward"):
            raise UserError(_("Only a posted payment or credit forward can be refunded."))
        values.update(payment_id=payment.id, amount=payment.amount_unapplied)
        return values

    def action_refund(self):
        self._check_not_done()
        refund = self.payment_id._refund(
            self.amount, self.reason, date=self.date, method=self.method,
            reopen_charges=self.reopen_charges,
        )
        return {
            "type": "ir.actions.act_window", "res_model": "medical.payment",
            "res_id": refund.id, "view_mode": "form", "target": "current",
        }
