from odoo import fields, models
from odoo.addons.medical_billing.models.res_partner import PATIENT_DATA_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    medical_statement_by_email = fields.Boolean(
        string="E-mail Statements", default=True, groups=PATIENT_DATA_GROUPS,
        help="Statements go by e-mail to this person's address; otherwise, or without an "
        "address, they are printed for the mail room.",
    )
    medical_statement_ids = fields.One2many(
        "medical.statement", "partner_id", string="Statements", groups=PATIENT_DATA_GROUPS,
    )
    medical_statement_count = fields.Integer(
        compute="_compute_medical_statement_count", groups=PATIENT_DATA_GROUPS,
    )

    def _compute_medical_statement_count(self):
        counts = dict(self.env["medical.statement"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.medical_statement_count = counts.get(partner, 0)

    def action_open_medical_statements(self):
        self.ensure_one()
        return self.medical_statement_ids._get_records_action(
            name=self.env._("Statements"), context={"default_partner_id": self.id})

    def _medical_statement_responsible(self):
        """Who receives the patient's statement: the guarantor, else the patient."""
        self.ensure_one()
        return self.guarantor_id or self
