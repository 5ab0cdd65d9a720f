from collections import defaultdict

from odoo import api, models

from ..models.medical_statement import AGING_BUCKETS


class ReportMedicalStatement(models.AbstractModel):
    """The statement's lines, read from the ledger for all the printed statements at once
    (one reading per company, date and clinic)."""

    _name = "report.medical_billing_statement.report_statement"
    _description = "Patient Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        statements = self.env["medical.statement"].browse(docids)
        groups = defaultdict(lambda: self.env["medical.statement"])
        for statement in statements:
            groups[statement.company_id, statement.date, statement.clinic_id] |= statement
        values_of = {}
        for (company, date, clinic), group in groups.items():
            collected = self.env["medical.statement"]._collect(
                company, date, clinic=clinic, patients=group.patient_ids,
                date_from_of={statement.partner_id: statement.date_from
                              for statement in group},
            )
            for statement in group:
                values_of[statement.id] = collected.get(statement.partner_id, {})
        return {
            "doc_ids": docids,
            "doc_model": "medical.statement",
            "docs": statements,
            "values_of": values_of,
            "aging_buckets": AGING_BUCKETS,
            "entry_types": dict(self.env["medical.ledger.report"]._fields["entry_type"]
                                ._description_selection(self.env)),
        }
