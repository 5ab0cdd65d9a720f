from contextlib import contextmanager

from odoo import api, fields, models
from odoo.tools import SQL

LEDGER_ENTRY_TYPES = [
    ("charge", "Charge"),
    ("fee_write_off", "Fee Schedule Write-off"),
    ("charge_reversal", "Charge Reversal"),
    ("fee_write_off_reversal", "Fee Schedule Write-off Reversal"),
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
            "parent_state", "medical_patient_id", "medical_case_id", "medical_charge_id",
            "medical_entry_kind", "medical_party_role",
        ],
        "account.move": ["ref", "date", "currency_id", "state", "reversed_entry_id",
                         "medical_credit_application"],
        "medical.charge": ["patient_id", "case_id", "company_id", "product_id", "description",
                           "reversal_move_id"],
        "medical.payment": ["move_id", "patient_id", "kind"],
        "medical.eob": ["move_id"],
        "product.product": ["default_code"],
        "res.company": ["medical_fee_schedule_account_id", "medical_revenue_account_id"],
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

    @contextmanager
    def _without_jit(self):
        # PostgreSQL's JIT compiler would spend more time compiling the ledger query (over
        # 100 ms for a long history, whose cost estimate passes jit_above_cost) than it
        # saves on a single patient's lines; off for this query only (an error rolls the
        # transaction back, and the setting with it).
        self.env.cr.execute("SET LOCAL jit = off")
        yield
        self.env.cr.execute("SET LOCAL jit TO DEFAULT")

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        with self._without_jit():
            return super().search_fetch(domain, field_names, offset, limit, order)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None,
                    order=None):
        with self._without_jit():
            return super()._read_group(domain, groupby, aggregates, having, offset, limit,
                                       order)

    @property
    def _table_query(self):
        # One pass over the patient's own items (index on medical_patient_id): the ledger's
        # cost follows the patient's history, not the practice's. "items" groups the
        # receivable items of one entry, case, charge (for charges and write-offs) and kind,
        # with the fee-schedule write-off of a charge in the same group.
        return SQL(
            """
            WITH items AS NOT MATERIALIZED (
                SELECT aml.move_id, aml.company_id, aml.company_currency_id AS currency_id,
                       aml.date, aml.medical_patient_id AS patient_id,
                       aml.medical_case_id AS case_id,
                       CASE WHEN aml.medical_entry_kind IN ('charge', 'write_off')
                            THEN aml.medical_charge_id END AS charge_id,
                       aml.medical_entry_kind AS kind,
                       MIN(aml.id) FILTER (WHERE aml.medical_party_role IS NOT NULL) AS id,
                       SUM(aml.balance) FILTER (WHERE aml.medical_party_role IS NOT NULL)
                           AS amount,
                       SUM(CASE WHEN aml.medical_party_role = 'patient'
                                THEN aml.balance ELSE 0 END) AS patient_amount,
                       SUM(CASE WHEN aml.medical_party_role != 'patient'
                                THEN aml.balance ELSE 0 END) AS payer_amount,
                       MIN(aml.id) FILTER (WHERE aml.account_id = fee_account.id) AS fee_id,
                       SUM(aml.balance) FILTER (WHERE aml.account_id = fee_account.id)
                           AS fee_amount,
                       -- The revenue item names the charge's line when no party owes
                       -- anything of it (a code priced 0.00 on the fee schedule).
                       MIN(aml.id) FILTER (WHERE aml.medical_party_role IS NULL
                                             AND aml.account_id != fee_account.id)
                           AS revenue_id
                  FROM account_move_line aml
                  JOIN res_company company ON company.id = aml.company_id
            CROSS JOIN LATERAL (SELECT company.medical_fee_schedule_account_id AS id)
                       fee_account
                 WHERE aml.parent_state = 'posted'
                   AND aml.medical_patient_id IS NOT NULL
                   AND (aml.medical_party_role IS NOT NULL
                        OR (aml.medical_entry_kind = 'charge'
                            AND aml.account_id IN (company.medical_fee_schedule_account_id,
                                                   company.medical_revenue_account_id)))
              GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            ),
            lines AS NOT MATERIALIZED (
                -- Each group gives its own line (unless its entry was deleted: reversed
                -- or a reversal), and a charge's fee-schedule write-off a line after it.
                SELECT line.id, i.move_id, i.company_id, i.currency_id, i.date,
                       i.patient_id, i.case_id, i.charge_id, line.entry_type,
                       line.description, line.amount, line.patient_amount,
                       line.payer_amount, line.rank
                  FROM items i
                  -- One index lookup per entry and charge of the patient: OFFSET 0 keeps
                  -- PostgreSQL from joining (and so scanning) all the practice's entries
                  -- or charges, which it chose for a long history.
            CROSS JOIN LATERAL (
                       SELECT m.id, m.ref, m.reversed_entry_id, m.medical_credit_application
                         FROM account_move m WHERE m.id = i.move_id OFFSET 0
                   ) move
             LEFT JOIN LATERAL (
                       SELECT c.reversal_move_id,
                              CONCAT_WS(' ', product.default_code, c.description) AS label
                         FROM medical_charge c
                    LEFT JOIN product_product product ON product.id = c.product_id
                        WHERE c.id = i.charge_id OFFSET 0
                   ) charge ON TRUE
             LEFT JOIN medical_payment payment
                    ON payment.move_id = i.move_id AND payment.patient_id = i.patient_id
            CROSS JOIN LATERAL (VALUES (
                       COALESCE(i.id, i.revenue_id),
                       CASE
                           WHEN i.kind = 'charge' AND charge.reversal_move_id = i.move_id
                               THEN 'charge_reversal'
                           WHEN i.kind = 'charge' THEN 'charge'
                           WHEN i.kind IN ('write_off', 'responsibility') THEN i.kind
                           WHEN EXISTS (SELECT 1 FROM medical_eob eob
                                         WHERE eob.move_id = i.move_id)
                               THEN 'insurance_payment'
                           WHEN move.medical_credit_application THEN 'credit_applied'
                           WHEN payment.id IS NOT NULL THEN payment.kind
                           ELSE 'credit_reopened'
                       END,
                       CASE WHEN i.charge_id IS NOT NULL AND i.kind = 'charge'
                            THEN charge.label
                            ELSE move.ref END,
                       COALESCE(i.amount, 0) + COALESCE(i.fee_amount, 0),
                       i.patient_amount, i.payer_amount,
                       CASE WHEN i.kind = 'charge' THEN 0 ELSE 2 END,
                       COALESCE(i.id, i.revenue_id) IS NOT NULL
                       AND move.reversed_entry_id IS NULL
                       AND NOT EXISTS (SELECT 1 FROM account_move reversal
                                        WHERE reversal.reversed_entry_id = move.id
                                          AND reversal.state = 'posted')
                   ), (
                       i.fee_id,
                       CASE WHEN charge.reversal_move_id = i.move_id
                            THEN 'fee_write_off_reversal' ELSE 'fee_write_off' END,
                       charge.label,
                       -i.fee_amount, 0, 0, 1, i.fee_id IS NOT NULL
                   )) AS line(id, entry_type, description, amount, patient_amount,
                              payer_amount, rank, shown)
                 WHERE line.shown
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
