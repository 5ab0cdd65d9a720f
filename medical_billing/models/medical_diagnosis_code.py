import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# ICD-10-CM: a letter, a digit, an alphanumeric, then up to 4 more after an optional dot.
ICD10_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$"


class MedicalDiagnosisCode(models.Model):
    _name = "medical.diagnosis.code"
    _description = "ICD-10 Diagnosis Code"
    _order = "code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, index=True)
    name = fields.Char(string="Description", required=True, translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "An ICD-10 code must be unique."),
    ]

    @api.constrains("code")
    def _check_code(self):
        for record in self:
            if not re.match(ICD10_PATTERN, record.code or ""):
                raise ValidationError(_(
                    "%(code)s is not an ICD-10 code: expected a letter, two characters and "
                    "up to four more after a dot, such as M54.50.",
                    code=record.code,
                ))

    def _compute_display_name(self):
        for code in self:
            code.display_name = f"{code.code} {code.name}"
