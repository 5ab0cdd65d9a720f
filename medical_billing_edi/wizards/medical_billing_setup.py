from odoo import _, models


class MedicalBillingSetup(models.TransientModel):
    _inherit = "medical.billing.setup"

    def _steps(self):
        problems = self.company_id._medical_edi_settings_problems()
        return [*super()._steps(), self._step(
            _("Clearinghouse settings for electronic claims"), not problems,
            _("Fill in %(fields)s (Settings, Electronic Claims) before sending 837P files.",
              fields=", ".join(problems)),
            "medical_billing.medical_billing_settings_action",
            optional=not self.env["res.partner"].search_count(
                [("is_payer", "=", True), ("payer_submission", "=", "electronic")]),
        )]
