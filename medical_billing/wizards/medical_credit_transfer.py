from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MedicalCreditTransfer(models.TransientModel):
    _name = "medical.credit.transfer"
    _inherit = ["medical.confirm.once.mixin"]
    _description = "Transfer Patient Credit"
    _check_company_auto = True

    from_patient_id = fields.Many2one("res.partner", string="From", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id",
        help="The company of the credit: the giving patient's.",
    )
    to_patient_id = fields.Many2one(
        "res.partner", string="To", required=True, check_company=True,
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

    @api.depends("from_patient_id")
    def _compute_company_id(self):
        for wizard in self:
            # The company the transfer posts in (medical.payment._transfer_credit).
            wizard.company_id = wizard.from_patient_id.company_id or self.env.company

    def _check_patients(self):
        """Credit moves between patients only: the picker offers nothing else, but the
        wizard can be written to directly (RPC)."""
        self.ensure_one()
        for partner in self.from_patient_id | self.to_patient_id:
            if not partner.is_patient:
                raise UserError(_(
                    "%(partner)s is not a patient: credit can only be transferred between "
                    "patients. Pick the patient who receives the credit.",
                    partner=partner.display_name,
                ))

    def action_transfer(self):
        self._check_not_done()
        self._check_patients()
        self.env["medical.payment"]._transfer_credit(
            self.from_patient_id, self.to_patient_id, self.amount, self.reason, date=self.date,
        )
        return {"type": "ir.actions.act_window_close"}
