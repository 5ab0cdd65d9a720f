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
    remittance_ids = fields.Many2many("medical.remittance", readonly=True)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        fields_by_model = {"medical.payment": "payment_ids", "medical.eob": "eob_ids",
                           "medical.remittance": "remittance_ids"}
        if model not in fields_by_model:
            raise UserError(_("Select the posted payments or EOBs to delete."))
        records = self.env[model].browse(self.env.context.get("active_ids", []))
        if not records or any(record.state != "posted" for record in records):
            raise UserError(_("Only posted payments, refunds, transfers and EOBs can be "
                              "deleted."))
        values[fields_by_model[model]] = [(6, 0, records.ids)]
        return values

    def action_delete(self):
        self._check_not_done()
        for records in (self.payment_ids, self.eob_ids, self.remittance_ids):
            if records:
                records._delete(self.reason)
        return {"type": "ir.actions.act_window_close"}
