from odoo import _, models


class MedicalBillingSetup(models.TransientModel):
    _inherit = "medical.billing.setup"

    def _steps(self):
        problems = self.company_id._medical_statement_problems()
        if not self.env["medical.dunning.level"].search_count(
                [("company_id", "=", self.company_id.id)]):
            problems.append(_("Add the dunning messages (Configuration > Dunning Levels)."))
        return [*super()._steps(), self._step(
            _("Patient statements: the address payments are sent to, the dunning messages"),
            not problems, " ".join(problems),
            "medical_billing_statement.medical_dunning_level_action",
        )]
