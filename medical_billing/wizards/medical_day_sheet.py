from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class MedicalDaySheet(models.TransientModel):
    _name = "medical.day.sheet"
    _description = "Print a Day Sheet"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    clinic_id = fields.Many2one(
        "medical.clinic", check_company=True,
        help="Leave empty for the day sheet of all clinics.",
    )
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for sheet in self:
            if sheet.date_from > sheet.date_to:
                raise ValidationError(_(
                    "The day sheet starts on %(start)s, after its end %(end)s: pick a start "
                    "date on or before the end date.",
                    start=format_date(self.env, sheet.date_from),
                    end=format_date(self.env, sheet.date_to),
                ))

    def action_print(self):
        self.ensure_one()
        return self.env.ref("medical_billing.action_report_day_sheet").report_action(self)
