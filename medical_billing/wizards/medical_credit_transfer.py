from odoo import _, api, fields, models


class MedicalCreditTransfer(models.TransientModel):
    _name = "medical.credit.transfer"
    _description = "Transfer Patient Credit"

    from_patient_id = fields.Many2one("res.partner", string="From", required=True, readonly=True)
    to_patient_id = fields.Many2one(
        "res.partner", string="To", required=True,
        domain="[('is_patient', '=', True), ('id', '!=', from_patient_id)]",
    )
    currency_id = fields.Many2one(related="from_patient_id.currency_id")
    available_credit = fields.Monetary(related="from_patient_id.medical_credit")
    amount = fields.Monetary(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        patient = self.env["res.partner"]._medical_active_patient(
            _("Open the patient whose credit you transfer."))
        values.update(from_patient_id=patient.id, amount=patient.medical_credit)
        return values

    def action_transfer(self):
        self.ensure_one()
        self.env["medical.payment"]._transfer_credit(
            self.from_patient_id, self.to_patient_id, self.amount, self.reason, date=self.date,
        )
        return {"type": "ir.actions.act_window_close"}
