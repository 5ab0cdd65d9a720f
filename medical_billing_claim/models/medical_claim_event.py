from odoo import api, fields, models
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation_method

from .medical_claim import CLAIM_STATES

EVENT_KINDS = [
    ("created", "Created"),
    ("submitted", "Submitted"),
    ("ack_999", "999 Acknowledgement"),
    ("ack_277ca", "277CA Claim Status"),
    ("payment", "Payment"),
    ("payment_deleted", "Payment Deleted"),
    ("note", "Follow-up Note"),
    ("resubmitted", "Resubmitted"),
    ("voided", "Voided"),
    ("crossover", "Crossed Over"),
]
LEVELS = [("clearinghouse", "Clearinghouse"), ("payer", "Payer")]


class MedicalClaimEvent(models.Model):
    """One entry of a claim's history: made, sent, each answer of the clearinghouse and
    the payer, payments, follow-up notes, new versions. The claim's state is the one its
    latest event set. Events are records, never edited once written."""

    _name = "medical.claim.event"
    _description = "Claim Status Event"
    _inherit = ["medical.posted.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "kind"

    claim_id = fields.Many2one("medical.claim", required=True, ondelete="cascade", index=True,
                               readonly=True)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    patient_id = fields.Many2one(related="claim_id.patient_id")
    payer_id = fields.Many2one(related="claim_id.payer_id")
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    kind = fields.Selection(EVENT_KINDS, required=True, readonly=True)
    claim_state = fields.Selection(
        CLAIM_STATES, readonly=True,
        help="The state this event put the claim in; empty for a note.",
    )
    level = fields.Selection(LEVELS, readonly=True, help="Who answered.")
    accepted = fields.Boolean(readonly=True)
    status_category = fields.Char(readonly=True, help="Claim status category code (STC01-1).")
    status_code = fields.Char(readonly=True, help="Claim status code (STC01-2).")
    message = fields.Text(readonly=True)
    payer_claim_number = fields.Char(readonly=True)
    batch_id = fields.Many2one("medical.claim.batch", readonly=True, check_company=True)
    eob_id = fields.Many2one("medical.eob", string="EOB", readonly=True, check_company=True,
                             index="btree_not_null", help="The EOB a payment event records.")
    attachment_id = fields.Many2one(
        "ir.attachment", string="File", readonly=True,
        help="The document sent, or the answer file this event was read from.",
    )
    source_reference = fields.Char(
        readonly=True, index="btree_not_null",
        help="Where in an answer file the event comes from: importing the same file again "
        "adds no event.",
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)

    _sql_constraints = [
        ("source_reference_uniq", "unique(claim_id, source_reference)",
         "An answer is recorded once per claim."),
    ]

    def _medical_is_frozen(self):
        return True

    @api.model
    @billing_operation_method
    def _record(self, claims, kind, claim_state=None, **values):
        """One event of ``kind`` on each of ``claims`` (billing code only)."""
        if claim_state is None:
            claim_state = {"created": "draft", "submitted": "submitted"}.get(kind, False)
        return self.create([{
            "claim_id": claim.id, "kind": kind, "claim_state": claim_state, **values,
        } for claim in claims])
