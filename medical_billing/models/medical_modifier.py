from odoo import fields, models


class MedicalModifier(models.Model):
    _name = "medical.modifier"
    _description = "Procedure Modifier"
    _order = "code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, size=2)
    name = fields.Char(string="Description", required=True, translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A modifier code must be unique."),
    ]

    def _compute_display_name(self):
        for modifier in self:
            modifier.display_name = f"{modifier.code} {modifier.name}"
