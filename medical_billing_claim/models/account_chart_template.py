from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        # A fresh database loads its chart after every module's demo data: the demo
        # claims are made then, for that company only.
        if self.env["ir.module.module"]._get("medical_billing_claim").demo:
            self.env["medical.charge"]._create_demo_claims(company)
        return result
