from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        company._medical_billing_setup()
        self.env["medical.charge"]._post_demo_charges(company)
        return result
