from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.medical_claim import CLAIM_STATES, SUBMISSIONS

BALANCE_KINDS = [("insurance", "Insurance"), ("client", "Client")]
# Aging of a balance in days (since billed for a claim, since the date of service for a
# patient's share): the report's buckets, upper limits included.
AGING_BUCKETS = [
    ("0_30", "0-30 days", 30),
    ("31_60", "31-60 days", 60),
    ("61_90", "61-90 days", 90),
    ("over_90", "Over 90 days", None),
]
# Partial indexes of what the report lists: the claims whose payer owes and paid nothing
# yet, the posted charges whose patient owes and paid nothing yet. Their conditions are
# the report's own, word for word, so that PostgreSQL can use them; they hold the open
# balances only, however long the history is.
OPEN_CLAIM_INDEX = "medical_claim_balance_due_idx"
OPEN_CHARGE_INDEX = "medical_charge_balance_due_idx"


def open_claim_condition(alias=None):
    column = _column_of(alias)
    return SQL("%s > 0 AND %s AND NOT COALESCE(%s, FALSE)", column("amount_due"),
               column("is_current"), column("has_payment"))


def open_charge_condition(alias=None):
    column = _column_of(alias)
    return SQL("%s > 0 AND %s <= 0 AND %s = 'posted'", column("patient_due"),
               column("patient_paid"), column("state"))


def _column_of(alias):
    return lambda name: SQL.identifier(alias, name) if alias else SQL.identifier(name)


# The follow-up queue: why a claim needs the biller, and what to do next.
FOLLOW_UP_REASONS = [
    ("rejected", "Rejected, not resubmitted"),
    ("no_acceptance", "No 277CA acceptance 7 days after submission"),
    ("no_payment", "No payment after the payer's follow-up days"),
]
NEXT_ACTIONS = [
    ("resubmit", "Fix and resubmit"),
    ("correct", "Rebill corrected (frequency 7)"),
    ("call", "Call the payer"),
    ("write_off", "Write off (timely filing passed)"),
]
ACCEPTANCE_DAYS = 7
PAYMENT_DAYS = 30
TIMELY_FILING_DAYS = 365


class MedicalBalanceDue(models.Model):
    """Balances Due You: every balance with no payment posted against it yet.

    Insurance rows: one per active claim (current version, not a void: drafts are the
    claims not yet billed) whose payer posted no EOB or remittance for it (the claim's
    ``has_payment``), with what the payer still owes on the claim's charges (the claim's
    ``amount_due``, read from the payer's posted receivable items of those charges).

    Client rows: one per posted charge whose patient share is open and against which no
    patient money is posted: the patient's posted "payment" items on the charge (payments,
    credit applied, refunds re-opening it) add up to nothing paid (the charge's
    ``patient_paid``). A deleted payment is reversed with items of the same kind, so the
    charge shows again with its balance.

    Both parts read figures the ORM stores from the journal items, through partial indexes
    of the open balances, so the report's cost follows the open balances, not the history.
    """

    _name = "medical.balance.due"
    _description = "Balances Due You"
    _auto = False
    _order = "kind desc, aging desc, id"
    _rec_name = "patient_id"
    # What the query reads: flushed before each search.
    _depends = {
        "medical.claim": [
            "patient_id", "payer_id", "company_id", "submission", "billing_provider_id",
            "service_date_from", "date_submitted", "amount_total", "amount_due", "state",
            "status_message", "has_payer_message", "has_payment", "follow_up_note",
            "original_claim_id", "version", "batch_id", "payer_claim_number", "is_current",
            "rendering_provider_id", "clinic_id", "frequency_code", "date_accepted",
        ],
        "medical.claim.batch": ["attachment_id"],
        "medical.charge": [
            "patient_id", "company_id", "state", "date_service", "billing_provider_id",
            "treating_provider_id", "treating_clinic_id", "patient_due", "patient_paid",
            "patient_responsibility",
        ],
        "res.company": ["currency_id"],
        "res.partner": ["name", "medical_follow_up_days"],
        "medical.claim.event": ["claim_id", "kind", "message", "date"],
    }

    kind = fields.Selection(BALANCE_KINDS, string="Balance Of", readonly=True)
    claim_id = fields.Many2one("medical.claim", readonly=True)
    charge_id = fields.Many2one("medical.charge", readonly=True)
    patient_id = fields.Many2one("res.partner", readonly=True)
    patient_in_collections = fields.Boolean(
        related="patient_id.medical_in_collections", string="In Collections",
        help="The patient's account was sent to a collection agency.",
    )
    payer_id = fields.Many2one("res.partner", readonly=True)
    payer_label = fields.Char(
        string="Billed To", readonly=True,
        help="The payer, with ELECTRONIC before its name for a claim sent electronically.",
    )
    submission = fields.Selection(SUBMISSIONS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    billing_provider_id = fields.Many2one("medical.provider", readonly=True)
    rendering_provider_id = fields.Many2one(
        "medical.provider", readonly=True,
        help="The treating provider: of the claim's first open service line, or of the charge.",
    )
    clinic_id = fields.Many2one("medical.clinic", readonly=True,
                                help="The clinic where the service was given.")
    date_service = fields.Date(string="DOS", readonly=True, help="First date of service.")
    date_billed = fields.Date(string="Billed On", readonly=True,
                              help="When the claim (this version) was sent.")
    days_since_billed = fields.Integer(readonly=True, aggregator="max")
    aging = fields.Integer(
        string="Age (days)", readonly=True, aggregator="max",
        help="Days since the claim was billed (since the date of service while it is not); "
        "for a patient's balance, days since the date of service.",
    )
    aging_bucket = fields.Selection([(key, label) for key, label, __ in AGING_BUCKETS],
                                    string="Aging", readonly=True)
    amount_billed = fields.Monetary(
        string="Billed", readonly=True,
        help="What the claim billed the payer; for a patient, the patient's share of the "
        "charge.",
    )
    balance = fields.Monetary(readonly=True, help="What is still owed, from the ledger.")
    state = fields.Selection(CLAIM_STATES, string="Status", readonly=True)
    status_message = fields.Char(string="Latest Message", readonly=True)
    has_payer_message = fields.Boolean(
        readonly=True, help="The payer itself answered, not only the clearinghouse.")
    follow_up_note = fields.Char(
        readonly=True,
        help="The latest follow-up note of the claim (any of its versions); it leaves the "
        "list with the claim once a payment is posted, and stays in the claim's history.",
    )
    date_accepted = fields.Date(
        readonly=True,
        help="When the payer took the claim in: its accepting 277CA, or the day a paper "
        "claim was sent.",
    )
    follow_up_days = fields.Integer(
        readonly=True, help="Days the payer is given to pay after accepting a claim.")
    follow_up_reason = fields.Selection(FOLLOW_UP_REASONS, readonly=True)
    next_action = fields.Selection(NEXT_ACTIONS, readonly=True)
    original_document_id = fields.Many2one(
        "ir.attachment", readonly=True,
        help="The document of the batch that first sent the claim: a resubmission's is in "
        "the patient's Account Activity.",
    )

    def init(self):
        for index, table, condition in (
            (OPEN_CLAIM_INDEX, "medical_claim", open_claim_condition()),
            (OPEN_CHARGE_INDEX, "medical_charge", open_charge_condition()),
        ):
            self.env.cr.execute(SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (company_id) WHERE %s",
                SQL.identifier(index), SQL.identifier(table), condition,
            ))

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        bucket = SQL(" ").join(
            SQL("WHEN rows.aging <= %s THEN %s", limit, key)
            for key, __, limit in AGING_BUCKETS if limit is not None
        )
        return SQL(
            """
            SELECT rows.*,
                   CASE %(bucket)s ELSE %(last_bucket)s END AS aging_bucket,
                   CASE %(next_action)s END AS next_action
              FROM (
            SELECT rows.*,
                   CASE WHEN rows.state = 'rejected' THEN 'rejected'
                        WHEN rows.submission = 'electronic'
                         AND rows.state IN ('submitted', 'clearinghouse')
                         AND rows.days_since_billed >= %(acceptance_days)s
                        THEN 'no_acceptance'
                        WHEN %(today)s::date - rows.date_accepted >= rows.follow_up_days
                        THEN 'no_payment'
                   END AS follow_up_reason
              FROM (
                SELECT claim.id * 2 AS id,
                       'insurance' AS kind,
                       claim.id AS claim_id,
                       NULL::integer AS charge_id,
                       claim.patient_id,
                       claim.payer_id,
                       CASE WHEN claim.submission = 'electronic'
                            THEN 'ELECTRONIC ' || payer.name ELSE payer.name END AS payer_label,
                       claim.submission,
                       claim.company_id,
                       company.currency_id,
                       claim.billing_provider_id,
                       claim.rendering_provider_id,
                       claim.clinic_id,
                       claim.service_date_from AS date_service,
                       claim.date_submitted::date AS date_billed,
                       %(today)s::date - claim.date_submitted::date AS days_since_billed,
                       %(today)s::date - COALESCE(claim.date_submitted::date,
                                                  claim.service_date_from) AS aging,
                       claim.amount_total AS amount_billed,
                       claim.amount_due AS balance,
                       claim.state,
                       claim.status_message,
                       COALESCE(claim.has_payer_message, FALSE) AS has_payer_message,
                       CASE WHEN claim.version > 1 THEN (
                                SELECT event.message
                                  FROM medical_claim_event event
                                  JOIN medical_claim version
                                    ON version.id = event.claim_id
                                 WHERE version.original_claim_id = claim.original_claim_id
                                   AND event.kind = 'note'
                              ORDER BY event.date DESC, event.id DESC
                                 LIMIT 1)
                            ELSE claim.follow_up_note END AS follow_up_note,
                       batch.attachment_id AS original_document_id,
                       claim.date_accepted,
                       %(follow_up_days)s AS follow_up_days,
                       claim.payer_claim_number IS NOT NULL AS has_payer_claim_number
                  FROM medical_claim claim
                  JOIN res_partner payer ON payer.id = claim.payer_id
                  JOIN res_company company ON company.id = claim.company_id
             LEFT JOIN medical_claim original ON original.id = claim.original_claim_id
             LEFT JOIN medical_claim_batch batch ON batch.id = original.batch_id
                 WHERE %(open_claim)s
                   AND claim.state != 'voided' AND claim.frequency_code != '8'
                   AND claim.company_id IN %(companies)s

             UNION ALL

                SELECT charge.id * 2 + 1 AS id,
                       'client' AS kind,
                       NULL::integer AS claim_id,
                       charge.id AS charge_id,
                       charge.patient_id,
                       NULL::integer AS payer_id,
                       NULL::varchar AS payer_label,
                       NULL::varchar AS submission,
                       charge.company_id,
                       company.currency_id,
                       charge.billing_provider_id,
                       charge.treating_provider_id AS rendering_provider_id,
                       charge.treating_clinic_id AS clinic_id,
                       charge.date_service,
                       NULL::date AS date_billed,
                       NULL::integer AS days_since_billed,
                       %(today)s::date - charge.date_service AS aging,
                       charge.patient_responsibility AS amount_billed,
                       charge.patient_due AS balance,
                       NULL::varchar AS state,
                       NULL::varchar AS status_message,
                       FALSE AS has_payer_message,
                       NULL::text AS follow_up_note,
                       NULL::integer AS original_document_id,
                       NULL::date AS date_accepted,
                       NULL::integer AS follow_up_days,
                       FALSE AS has_payer_claim_number
                  FROM medical_charge charge
                  JOIN res_company company ON company.id = charge.company_id
                 WHERE %(open_charge)s
                   AND charge.company_id IN %(companies)s
              ) rows
              ) rows
            """,
            companies=tuple(self.env.companies.ids),
            open_claim=open_claim_condition("claim"),
            open_charge=open_charge_condition("charge"),
            today=today,
            bucket=bucket,
            last_bucket=AGING_BUCKETS[-1][0],
            next_action=SQL(
                """WHEN rows.follow_up_reason = 'rejected' AND rows.has_payer_claim_number
                   THEN 'correct'
                   WHEN rows.follow_up_reason IN ('rejected', 'no_acceptance') THEN 'resubmit'
                   WHEN rows.follow_up_reason = 'no_payment'
                    AND %(today)s::date - rows.date_service > %(timely)s THEN 'write_off'
                   WHEN rows.follow_up_reason = 'no_payment' THEN 'call'""",
                today=today, timely=TIMELY_FILING_DAYS,
            ),
            acceptance_days=ACCEPTANCE_DAYS,
            # Days a payer has to pay after accepting a claim (0 or empty: PAYMENT_DAYS).
            follow_up_days=SQL("COALESCE(NULLIF(payer.medical_follow_up_days, 0), %s)",
                               PAYMENT_DAYS),
        )

    # ------------------------------------------------------------------ row actions

    def _claims(self):
        claims = self.claim_id
        if not claims:
            raise UserError(_(
                "These are patients' balances: follow-up notes, history, documents and "
                "resubmission are for insurance claims. Select claim rows."))
        return claims

    def action_open_claim(self):
        self.ensure_one()
        if self.kind == "client":
            return self.charge_id._get_records_action(name=_("Charge"))
        return self.claim_id._get_records_action(name=_("Claim"))

    def action_open_history(self):
        self.ensure_one()
        return self._claims().action_open_history()

    def action_open_payer_messages(self):
        """The payer's own answers (277CA of the payer, remittances), all versions."""
        self.ensure_one()
        action = self._claims().action_open_history()
        action["domain"] = [*action["domain"], ("level", "=", "payer")]
        action["name"] = _("Payer Messages of %(claim)s", claim=self.claim_id.display_name)
        return action

    def action_open_original_document(self):
        """The document of the batch that first sent the claim, never a resubmission's."""
        self.ensure_one()
        return self._claims().original_claim_id.action_open_document()

    def action_follow_up(self):
        return self._claims().action_follow_up()

    def action_resubmit(self):
        return self._claims().action_resubmit()

    # ------------------------------------------------------------------ follow-up queue

    @api.model
    def _cron_schedule_follow_up_activities(self):
        """Each company's follow-up queue, as to-dos of the billers."""
        claim_companies = self.env["medical.claim"].sudo()._read_group(
            [("is_current", "=", True)], ["company_id"])
        for (company,) in claim_companies:
            self.with_company(company).with_context(allowed_company_ids=company.ids) \
                ._schedule_follow_up_activities()

    @api.model
    def _schedule_follow_up_activities(self):
        """A to-do on each claim of the follow-up queue for the biller who sent it (who
        made it, when not sent), once per claim and next action."""
        rows = self.search([("kind", "=", "insurance"), ("follow_up_reason", "!=", False)])
        if not rows:
            return self.env["mail.activity"]
        todo = self.env.ref("mail.mail_activity_data_todo")
        existing = self.env["mail.activity"].search([
            ("res_model", "=", "medical.claim"), ("res_id", "in", rows.claim_id.ids),
            ("activity_type_id", "=", todo.id),
        ])
        seen = {(activity.res_id, activity.summary) for activity in existing}
        actions = dict(self._fields["next_action"]._description_selection(self.env))
        reasons = dict(self._fields["follow_up_reason"]._description_selection(self.env))
        model_id = self.env["ir.model"]._get_id("medical.claim")
        vals_list = []
        for row in rows:
            summary = _("Claim follow-up: %(action)s", action=actions[row.next_action])
            if (row.claim_id.id, summary) in seen:
                continue
            claim = row.claim_id
            vals_list.append({
                "res_model_id": model_id,
                "res_id": claim.id,
                "activity_type_id": todo.id,
                "summary": summary,
                "note": _("%(claim)s: %(reason)s. %(message)s", claim=claim.display_name,
                          reason=reasons[row.follow_up_reason],
                          message=row.status_message or ""),
                "user_id": (claim.batch_id.user_id or claim.create_uid).id,
                "date_deadline": fields.Date.context_today(self),
            })
        return self.env["mail.activity"].create(vals_list)

    @api.model
    def _aging_totals(self, domain=None):
        """{(kind, aging bucket): balance} over the rows of ``domain``: one grouped query."""
        return {
            (kind, bucket): balance
            for kind, bucket, balance in self._read_group(
                domain or [], ["kind", "aging_bucket"], ["balance:sum"])
        }
