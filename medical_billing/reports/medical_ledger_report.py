from odoo import api, fields, models
from odoo.tools import SQL

LEDGER_ENTRY_TYPES = [
    ("charge", "Charge"),
    ("fee_write_off", "Fee Schedule Write-off"),
    ("charge_reversal", "Charge Reversal"),
    ("responsibility", "Responsibility Change"),
    ("write_off", "Write-off"),
    ("payment", "Payment"),
    ("insurance_payment", "Insurance Payment"),
    ("credit_forward", "Credit Forward"),
    ("refund", "Refund"),
    ("transfer_out", "Outgoing Transfer"),
    ("transfer_in", "Incoming Transfer"),
    ("credit_applied", "Credit Applied"),
    ("credit_reopened", "Charge Re-opened"),
]


class MedicalLedgerReport(models.Model):
    """The patient ledger: one line per billing event of a patient, read from the posted
    billing journal items, with running balances.

    A line groups the receivable items of one entry for one patient, case and kind (and
    charge, for charges and write-offs). Charges show at the price list, so each charge
    line has its fee-schedule write-off as a credit line of its own. Deleted payments,
    refunds, transfers, EOBs and write-off batches leave the ledger with their reversal.
    """

    _name = "medical.ledger.report"
    _description = "Patient Ledger"
    _auto = False
    _order = "date, line_order"
    _rec_name = "description"
    # What the query reads: flushed before each search, so the ledger sees pending writes.
    _depends = {
        "account.move.line": [
            "move_id", "company_id", "company_currency_id", "date", "balance", "account_id",
            "parent_state", "medical_patient_id", "medical_charge_id", "medical_entry_kind",
            "medical_party_role",
        ],
        "account.move": ["ref", "date", "currency_id", "state", "reversed_entry_id",
                         "medical_credit_application"],
        "medical.charge": ["patient_id", "case_id", "company_id", "product_id", "description",
                           "reversal_move_id"],
        "medical.payment": ["move_id", "patient_id", "kind"],
        "medical.eob": ["move_id"],
        "product.product": ["default_code"],
        "res.company": ["medical_fee_schedule_account_id"],
    }

    patient_id = fields.Many2one("res.partner", readonly=True, index=True)
    case_id = fields.Many2one("medical.case", readonly=True)
    charge_id = fields.Many2one("medical.charge", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(readonly=True)
    entry_type = fields.Selection(LEDGER_ENTRY_TYPES, string="Type", readonly=True)
    description = fields.Char(readonly=True)
    line_order = fields.Integer(readonly=True, help="Position of the line in its patient's "
                                "ledger: by date, entry, then charge before its write-offs.")
    charges = fields.Monetary(readonly=True)
    credits = fields.Monetary(readonly=True)
    patient_amount = fields.Monetary(
        string="Patient Change", readonly=True,
        help="How this line changes what the patient owes.",
    )
    payer_amount = fields.Monetary(
        string="Payer Change", readonly=True, help="How this line changes what payers owe.",
    )
    balance = fields.Monetary(string="Account Balance", readonly=True,
                              help="Running balance of the patient's account.")
    patient_balance = fields.Monetary(readonly=True, help="Running patient balance.")
    payer_balance = fields.Monetary(readonly=True, help="Running payer balance.")
    case_balance = fields.Monetary(readonly=True, help="Running balance of the line's case.")
    payer_balance_display = fields.Char(
        string="Payer Balance ", compute="_compute_payer_balance_display",
        help="Running payer balance; a payer credit shows in parentheses.",
    )

    @api.depends("payer_balance", "currency_id")
    def _compute_payer_balance_display(self):
        for line in self:
            line.payer_balance_display = line._format_signed(line.payer_balance)

    def _format_signed(self, amount):
        """Amounts as the practice reads them: a credit (negative) in parentheses."""
        currency = self.currency_id or self.env.company.currency_id
        if currency.compare_amounts(amount, 0) < 0:
            return f"({currency.format(-amount)})"
        return currency.format(amount)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH receivable AS NOT MATERIALIZED (
                SELECT MIN(aml.id) AS id,
                       aml.move_id, aml.company_id, aml.company_currency_id AS currency_id,
                       aml.date, aml.medical_patient_id AS patient_id,
                       charge.case_id,
                       CASE WHEN aml.medical_entry_kind IN ('charge', 'write_off')
                            THEN aml.medical_charge_id END AS charge_id,
                       aml.medical_entry_kind AS kind,
                       SUM(aml.balance) AS amount,
                       SUM(CASE WHEN aml.medical_party_role = 'patient'
                                THEN aml.balance ELSE 0 END) AS patient_amount,
                       SUM(CASE WHEN aml.medical_party_role != 'patient'
                                THEN aml.balance ELSE 0 END) AS payer_amount
                  FROM account_move_line aml
             LEFT JOIN medical_charge charge ON charge.id = aml.medical_charge_id
                 WHERE aml.parent_state = 'posted'
                   AND aml.medical_party_role IS NOT NULL
                   AND aml.medical_patient_id IS NOT NULL
              GROUP BY 2, 3, 4, 5, 6, 7, 8, 9
            ),
            fee_write_off AS NOT MATERIALIZED (
                SELECT aml.id, aml.move_id, aml.medical_charge_id AS charge_id, aml.balance
                  FROM account_move_line aml
                  JOIN res_company company ON company.id = aml.company_id
                 WHERE aml.parent_state = 'posted'
                   AND aml.medical_entry_kind = 'charge'
                   AND aml.medical_party_role IS NULL
                   AND aml.account_id = company.medical_fee_schedule_account_id
            ),
            lines AS NOT MATERIALIZED (
                SELECT r.id, r.move_id, r.company_id, r.currency_id, r.date, r.patient_id,
                       r.case_id, r.charge_id,
                       CASE
                           WHEN r.kind = 'charge' AND charge.reversal_move_id = r.move_id
                               THEN 'charge_reversal'
                           WHEN r.kind = 'charge' THEN 'charge'
                           WHEN r.kind IN ('write_off', 'responsibility') THEN r.kind
                           WHEN eob.id IS NOT NULL THEN 'insurance_payment'
                           WHEN move.medical_credit_application THEN 'credit_applied'
                           WHEN payment.id IS NOT NULL THEN payment.kind
                           ELSE 'credit_reopened'
                       END AS entry_type,
                       CASE WHEN r.charge_id IS NOT NULL AND r.kind = 'charge'
                            THEN CONCAT_WS(' ', product.default_code, charge.description)
                            ELSE move.ref END AS description,
                       r.amount + COALESCE(fee.balance, 0) AS amount,
                       r.patient_amount, r.payer_amount,
                       CASE WHEN r.kind = 'charge' THEN 0 ELSE 2 END AS rank
                  FROM receivable r
                  JOIN account_move move ON move.id = r.move_id
             LEFT JOIN medical_charge charge ON charge.id = r.charge_id
             LEFT JOIN product_product product ON product.id = charge.product_id
             LEFT JOIN fee_write_off fee
                    ON fee.move_id = r.move_id AND fee.charge_id = r.charge_id
                   AND r.kind = 'charge'
             LEFT JOIN medical_eob eob ON eob.move_id = r.move_id
             LEFT JOIN medical_payment payment
                    ON payment.move_id = r.move_id AND payment.patient_id = r.patient_id
                 WHERE move.reversed_entry_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM account_move reversal
                                    WHERE reversal.reversed_entry_id = move.id
                                      AND reversal.state = 'posted')
             UNION ALL
                SELECT fee.id, fee.move_id, charge.company_id, move.currency_id, move.date,
                       charge.patient_id, charge.case_id, charge.id, 'fee_write_off',
                       CONCAT_WS(' ', product.default_code, charge.description),
                       -fee.balance, 0, 0, 1
                  FROM fee_write_off fee
                  JOIN medical_charge charge ON charge.id = fee.charge_id
                  JOIN account_move move ON move.id = fee.move_id
             LEFT JOIN product_product product ON product.id = charge.product_id
            )
            SELECT id, move_id, company_id, currency_id, date, patient_id, case_id,
                   charge_id, entry_type, description,
                   ROW_NUMBER() OVER by_patient AS line_order,
                   GREATEST(amount, 0) AS charges,
                   GREATEST(-amount, 0) AS credits,
                   patient_amount, payer_amount,
                   SUM(amount) OVER by_patient AS balance,
                   SUM(patient_amount) OVER by_patient AS patient_balance,
                   SUM(payer_amount) OVER by_patient AS payer_balance,
                   SUM(amount) OVER (PARTITION BY patient_id, case_id
                                     ORDER BY date, move_id, charge_id, rank, id)
                       AS case_balance
              FROM lines
            WINDOW by_patient AS (PARTITION BY patient_id
                                  ORDER BY date, move_id, charge_id, rank, id)
            """
        )
