from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.account_move_line import PARTY_ROLES
from ..models.medical_posted_guard import billing_operation_method


class MedicalChargeBulkWriteOff(models.TransientModel):
    _name = "medical.charge.bulk.write.off"
    _inherit = ["medical.confirm.once.mixin"]
    _description = "Bulk Write-off of Charges"

    charge_ids = fields.Many2many("medical.charge", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    party = fields.Selection([*PARTY_ROLES, ("all", "All parties")], required=True,
                             default="patient")
    mode = fields.Selection(
        [("full", "Full balance"), ("under", "Balances under a threshold")],
        required=True, default="full",
    )
    threshold = fields.Monetary()
    reason_id = fields.Many2one("medical.write.off.reason", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        charges = self.env["medical.charge"].browse(self.env.context.get("active_ids", []))
        if self.env.context.get("active_model") != "medical.charge" or not charges:
            raise UserError(_("Select the charges to write off in the charges list."))
        if len(charges.company_id) > 1:
            raise UserError(_("Select charges of one company at a time."))
        charges._check_posted()
        values.update(charge_ids=[(6, 0, charges.ids)], company_id=charges.company_id.id)
        return values

    @billing_operation_method
    def action_write_off(self):
        self._check_not_done()
        currency = self.currency_id
        if self.mode == "under" and currency.compare_amounts(self.threshold, 0) <= 0:
            raise UserError(_("Enter a threshold above zero, or write off full balances."))
        batch = self.env["medical.write.off.batch"].create({
            "company_id": self.company_id.id,
            "date": self.date,
            "reason_id": self.reason_id.id,
            "party": self.party,
            "threshold": self.threshold if self.mode == "under" else 0.0,
            "charge_ids": [(6, 0, self.charge_ids.ids)],
        })
        batch.with_context(medical_date=self.date)._write_off()
        return {
            "type": "ir.actions.act_window", "res_model": "medical.write.off.batch",
            "res_id": batch.id, "view_mode": "form", "target": "current",
        }
