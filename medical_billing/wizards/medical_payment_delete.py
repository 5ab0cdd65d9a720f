from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MedicalPaymentDelete(models.TransientModel):
    """Deletes posted money records (patient payments, refunds, transfers, EOBs) by
    reversing their entries; the reason stays in their trail."""

    _name = "medical.payment.delete"
    _inherit = ["medical.confirm.once.mixin"]
    _description = "Delete Payments"

    payment_ids = fields.Many2many("medical.payment", readonly=True)
    eob_ids = fields.Many2many("medical.eob", readonly=True)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        if model not in ("medical.payment", "medical.eob"):
            raise UserError(_("Select the posted payments or EOBs to delete."))
        records = self.env[model].browse(self.env.context.get("active_ids", []))
        if not records or any(record.state != "posted" for record in records):
            raise UserError(_("Only posted payments, refunds, transfers and EOBs can be "
                              "deleted."))
        field = "payment_ids" if model == "medical.payment" else "eob_ids"
        values[field] = [(6, 0, records.ids)]
        return values

    def action_delete(self):
        self._check_not_done()
        for records in (self.payment_ids, self.eob_ids):
            if records:
                records._delete(self.reason)
        return {"type": "ir.actions.act_window_close"}
