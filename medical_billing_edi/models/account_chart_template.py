from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        # The demo charges are posted by now (medical_billing): claim and answer them.
        self.env["medical.claim.batch"]._create_edi_demo(company)
        return result
