from odoo import _, api, fields, models
from odoo.exceptions import UserError

POINTER_LETTERS = "ABCDEFGHIJKL"


class MedicalCaseDiagnosis(models.Model):
    _name = "medical.case.diagnosis"
    _description = "Case Diagnosis"
    _order = "case_id, sequence, id"

    case_id = fields.Many2one("medical.case", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    diagnosis_code_id = fields.Many2one("medical.diagnosis.code", string="ICD-10", required=True)
    pointer = fields.Char(
        compute="_compute_pointer", help="Letter (A to L) that claims use to point at it.",
    )

    @api.depends("case_id.diagnosis_ids", "sequence")
    def _compute_pointer(self):
        for diagnosis in self:
            position = diagnosis.case_id.diagnosis_ids.ids.index(diagnosis.id) \
                if diagnosis.id in diagnosis.case_id.diagnosis_ids.ids else -1
            diagnosis.pointer = POINTER_LETTERS[position] if 0 <= position < 12 else ""

    @api.depends("diagnosis_code_id", "pointer")
    def _compute_display_name(self):
        for diagnosis in self:
            code = diagnosis.diagnosis_code_id
            diagnosis.display_name = f"{diagnosis.pointer}: {code.code} {code.name}" \
                if diagnosis.pointer else f"{code.code} {code.name}"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_on_posted_charges(self):
        """Posted charges point at their diagnoses; their claims would lose the pointer."""
        # sudo: a charge the user cannot read keeps the diagnosis all the same.
        charges = self.env["medical.charge"].sudo().search([
            ("diagnosis_ids", "in", self.ids), ("state", "!=", "draft"),
        ])
        for diagnosis in self:
            used_by = charges.filtered_domain([("diagnosis_ids", "in", diagnosis.ids)])
            if used_by:
                code = diagnosis.diagnosis_code_id
                label = " ".join(filter(None, (code.code, code.name)))
                raise UserError(_(
                    "Diagnosis %(code)s of case %(case)s is in the ICD mapping of charges "
                    "already posted (%(charges)s): their claims point at it, so it stays on "
                    "the case. Add the new diagnoses next to it, or open a new case for a new "
                    "episode of care.",
                    code=label, case=diagnosis.case_id.name,
                    charges=", ".join(used_by[:5].mapped("display_name")),
                ))
