from odoo import _, api, fields, models

from .medical_claim import dialog_action


class MedicalCase(models.Model):
    _inherit = "medical.case"

    claim_ids = fields.One2many("medical.claim", "case_id", string="Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")

    @api.depends("claim_ids")
    def _compute_claim_count(self):
        counts = dict(self.env["medical.claim"]._read_group(
            [("case_id", "in", self.ids)], ["case_id"], ["__count"]))
        for case in self:
            case.claim_count = counts.get(case._origin, 0)

    def action_create_claims(self):
        return dialog_action(self, "medical.claim.create", _("Create Claims"))

    def action_open_claims(self):
        self.ensure_one()
        return self.claim_ids._get_records_action(
            name=_("Claims of %(case)s", case=self.name),
            context={"search_default_current": 0},
        )
