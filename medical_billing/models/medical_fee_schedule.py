from odoo import _, fields, models


class MedicalFeeSchedule(models.Model):
    _name = "medical.fee.schedule"
    _description = "Fee Schedule"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("medical.fee.schedule.line", "fee_schedule_id", string="Prices")
    note = fields.Html()

    def get_import_templates(self):
        return [{"label": _("Import Template for Fee Schedules"),
                 "template": "/medical_billing/static/xls/medical_fee_schedules.csv"}]

    def _line_for(self, product):
        """The price line of ``product`` on this schedule, or an empty recordset."""
        self.ensure_one()
        return self.line_ids.filtered(lambda line: line.product_id == product)[:1]
