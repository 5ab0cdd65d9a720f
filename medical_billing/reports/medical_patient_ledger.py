from odoo import api, models


class ReportPatientLedger(models.AbstractModel):
    _name = "report.medical_billing.report_patient_ledger"
    _description = "Printed Patient Ledger"

    @api.model
    def _get_report_values(self, docids, data=None):
        screens = self.env["medical.patient.ledger"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "medical.patient.ledger",
            "docs": screens,
            "rows_of": {screen.id: self._rows(screen) for screen in screens},
            # Amounts as the practice reads them: a credit in parentheses.
            "signed_of": {
                screen.id: self.env["medical.ledger.report"].with_company(
                    screen.company_id)._format_signed
                for screen in screens
            },
        }

    def _rows(self, screen):
        """The screen's lines oldest first, each with the running balance of what is
        printed (from the opening balance), and the patient and payer balances."""
        running = screen.opening_balance
        rows = []
        for line in screen.line_ids.sorted(lambda row: (row.date, row.line_order)):
            running += line.charges - line.credits
            rows.append({
                "line": line,
                "balance": line._format_signed(running),
                "patient_balance": line._format_signed(line.patient_balance),
                "payer_balance": line._format_signed(line.payer_balance),
            })
        return rows
