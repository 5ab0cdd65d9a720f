from collections import defaultdict

from odoo import _, api, fields, models
from odoo.addons.medical_billing.models.account_move_line import PAYER_ROLES
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation_method
from odoo.exceptions import UserError

CLAIM_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("clearinghouse", "At Clearinghouse"),
    ("forwarded", "Sent to Payer"),
    ("accepted", "Accepted by Payer"),
    ("rejected", "Rejected"),
    ("paid", "Paid"),
    ("partial", "Partly Paid"),
    ("denied", "Denied"),
    ("voided", "Voided"),
]
# The icon colours of seed 000: red rejected, blue leaving or at the clearinghouse, green
# accepted by the clearinghouse and sent to the payer (and onwards).
STATE_COLORS = {
    "draft": "muted", "submitted": "info", "clearinghouse": "info", "forwarded": "success",
    "accepted": "success", "paid": "success", "partial": "success", "rejected": "danger",
    "denied": "danger", "voided": "muted",
}
FREQUENCY_CODES = [("1", "1 - Original"), ("7", "7 - Replacement"), ("8", "8 - Void")]
SUBMISSIONS = [("electronic", "Electronic"), ("paper", "Paper")]
PAYER_RANKS = [("primary", "Primary"), ("secondary", "Secondary"), ("tertiary", "Tertiary")]
# Service lines one claim holds: the CMS-1500 has six rows; the 837P takes 50 (loop 2400).
MAX_LINES = {"paper": 6, "electronic": 50}
# Where the claim is no longer waiting for the payer's money.
SETTLED_STATES = ("paid", "denied", "voided")


def dialog_action(records, model, name, **context):
    """The action opening dialog ``model`` on ``records`` (its active records)."""
    return {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": model,
        "view_mode": "form",
        "target": "new",
        "context": {"active_model": records._name, "active_ids": records.ids, **context},
    }


class MedicalClaim(models.Model):
    """A bill to one payer for posted charges of one case. It keeps no balance: what the
    payer still owes is read from the payer's receivable items of its charges. Each
    resubmission, correction or void is a new version; earlier ones stay as they were."""

    _name = "medical.claim"
    _description = "Insurance Claim"
    _inherit = ["mail.thread", "mail.activity.mixin", "medical.posted.guard.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Claims are made, sent and answered by billing code; a user changes none of this.
    _medical_protected_fields = frozenset({
        "name", "state", "case_id", "payer_role", "policy_id", "payer_id", "submission",
        "billing_provider_id", "frequency_code", "previous_claim_id", "is_current",
        "payer_claim_number", "batch_id", "line_ids", "event_ids", "company_id",
    })

    name = fields.Char(
        string="Claim Number", readonly=True, copy=False, default="/", index="trigram",
        help="The patient control number sent to the payer (CLM01): answers quote it back.",
    )
    case_id = fields.Many2one(
        "medical.case", required=True, readonly=True, index=True, check_company=True,
        ondelete="restrict",
    )
    patient_id = fields.Many2one(related="case_id.patient_id", store=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_role = fields.Selection(PAYER_RANKS, string="Payer Rank", required=True,
                                  readonly=True)
    policy_id = fields.Many2one("medical.policy", required=True, readonly=True,
                                check_company=True)
    payer_id = fields.Many2one("res.partner", required=True, readonly=True, index=True,
                               check_company=True)
    submission = fields.Selection(SUBMISSIONS, required=True, readonly=True)
    billing_provider_id = fields.Many2one("medical.provider", required=True, readonly=True,
                                          index=True, check_company=True)
    frequency_code = fields.Selection(FREQUENCY_CODES, string="Frequency", default="1",
                                      required=True, readonly=True)
    previous_claim_id = fields.Many2one(
        "medical.claim", string="Previous Version", readonly=True, index="btree_not_null",
        check_company=True,
    )
    original_claim_id = fields.Many2one(
        "medical.claim", compute="_compute_original_claim_id",
        store=True, recursive=True, index=True,
    )
    version_ids = fields.One2many("medical.claim", "original_claim_id", string="Versions")
    version = fields.Integer(compute="_compute_version", store=True, recursive=True)
    is_current = fields.Boolean(
        string="Current Version", default=True, readonly=True, index=True,
        help="The latest version of the claim: earlier ones were resubmitted, corrected or "
        "voided.",
    )
    payer_claim_number = fields.Char(
        readonly=True, copy=False,
        help="The payer's own number for the claim (ICN), from its 277CA or remittance; a "
        "corrected or void version quotes it.",
    )
    batch_id = fields.Many2one("medical.claim.batch", readonly=True, copy=False,
                               index="btree_not_null", check_company=True)
    document_id = fields.Many2one(related="batch_id.attachment_id", string="Document")
    line_ids = fields.One2many("medical.claim.line", "claim_id", string="Service Lines",
                               readonly=True)
    rendering_provider_id = fields.Many2one(
        "medical.provider", compute="_compute_first_line", store=True, index=True,
        help="The treating provider of the claim's first service line (an electronic claim "
        "has one).")
    clinic_id = fields.Many2one(
        "medical.clinic", compute="_compute_first_line", store=True,
        help="The clinic where the first service of the claim was given.")
    event_ids = fields.One2many("medical.claim.event", "claim_id", string="History",
                                readonly=True)
    state = fields.Selection(
        CLAIM_STATES, compute="_compute_status", store=True, index=True,
        help="Where the claim stands, from its latest status event (its History).",
    )
    status_color = fields.Char(compute="_compute_status_color")
    status_message = fields.Char(
        string="Latest Message", compute="_compute_status", store=True,
        help="The latest status message of the claim; its history holds every one.",
    )
    date_submitted = fields.Datetime(
        string="Billed On", compute="_compute_status", store=True, index=True,
        help="When this version was first sent (printed or put in an 837P file).",
    )
    date_accepted = fields.Date(
        compute="_compute_status", store=True,
        help="When the payer took the claim in, while it waits for its payment: its latest "
        "accepting 277CA, or the day a paper claim was sent.",
    )
    has_payer_message = fields.Boolean(
        compute="_compute_status", store=True,
        help="The payer itself answered (a 277CA of the payer or a remittance), not only "
        "the clearinghouse.",
    )
    has_payment = fields.Boolean(
        compute="_compute_status", store=True,
        help="The payer posted an EOB or remittance for the claim's charges.",
    )
    follow_up_note = fields.Text(
        compute="_compute_status", store=True,
        help="The latest follow-up note, shown until a payment is posted against the claim.",
    )
    amount_total = fields.Monetary(string="Billed", compute="_compute_amount_total",
                                   store=True)
    amount_due = fields.Monetary(
        string="Payer Balance", compute="_compute_amount_due", store=True,
        help="What the payer still owes on the claim's charges, from its posted receivable "
        "journal items.",
    )
    amount_prior_paid = fields.Monetary(
        string="Prior Payers Paid", compute="_compute_amount_prior_paid",
        help="What earlier payers paid on these charges, from their posted EOBs (box 29).",
    )
    service_date_from = fields.Date(string="DOS From", compute="_compute_amount_total",
                                    store=True, index=True)
    service_date_to = fields.Date(string="DOS To", compute="_compute_amount_total",
                                  store=True)

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)",
         "A claim number is used once per company."),
    ]

    @api.depends("previous_claim_id.original_claim_id")
    def _compute_original_claim_id(self):
        for claim in self:
            claim.original_claim_id = claim.previous_claim_id.original_claim_id or claim

    @api.depends("previous_claim_id.version")
    def _compute_version(self):
        for claim in self:
            claim.version = claim.previous_claim_id.version + 1

    @api.depends("line_ids.amount", "line_ids.date_service")
    def _compute_amount_total(self):
        for claim in self:
            claim.amount_total = sum(claim.line_ids.mapped("amount"))
            dates = claim.line_ids.mapped("date_service")
            claim.service_date_from = min(dates) if dates else False
            claim.service_date_to = max(dates) if dates else False

    @api.depends("line_ids.sequence", "line_ids.rendering_provider_id",
                 "line_ids.charge_id.treating_clinic_id")
    def _compute_first_line(self):
        for claim in self:
            first = claim.line_ids.sorted(lambda line: (line.sequence, line.id))[:1]
            claim.rendering_provider_id = first.rendering_provider_id
            claim.clinic_id = first.charge_id.treating_clinic_id

    @api.depends("event_ids.claim_state", "event_ids.kind", "event_ids.level",
                 "event_ids.eob_id", "event_ids.date", "event_ids.accepted", "submission")
    def _compute_status(self):
        for claim in self:
            events = claim.event_ids.sorted(lambda event: (event.date, event.id))
            stated = events.filtered("claim_state")
            claim.state = stated[-1:].claim_state or "draft"
            claim.status_message = stated[-1:].message or ""
            submitted = events.filtered(lambda event: event.kind == "submitted")
            claim.date_submitted = submitted[:1].date
            accepting = events.filtered(
                lambda event: event.kind == "ack_277ca" and event.accepted)
            claim.date_accepted = claim.date_submitted if claim.submission == "paper" \
                else accepting[-1:].date if claim.state in ("forwarded", "accepted") else False
            claim.has_payer_message = any(event.level == "payer" for event in events)
            deleted = events.filtered(lambda event: event.kind == "payment_deleted").eob_id
            claim.has_payment = any(event.kind == "payment" and event.eob_id not in deleted
                                    for event in events)
            notes = events.filtered(lambda event: event.kind == "note")
            claim.follow_up_note = notes[-1:].message if not claim.has_payment else False

    @api.depends("state")
    def _compute_status_color(self):
        for claim in self:
            claim.status_color = STATE_COLORS.get(claim.state, "muted")

    @api.depends("payer_role", "line_ids.charge_id.primary_due",
                 "line_ids.charge_id.secondary_due", "line_ids.charge_id.tertiary_due")
    def _compute_amount_due(self):
        for claim in self:
            claim.amount_due = sum(claim.line_ids.charge_id.mapped(f"{claim.payer_role}_due"))

    @api.depends("line_ids.charge_id", "payer_role")
    def _compute_amount_prior_paid(self):
        for claim in self:
            claim.amount_prior_paid = sum(
                line["paid"] for claim_line in claim.line_ids
                for line in claim_line._prior_adjudications()
            )

    @api.depends("name", "payer_id.name", "version")
    def _compute_display_name(self):
        for claim in self:
            version = _(" v%(version)s", version=claim.version) if claim.version > 1 else ""
            claim.display_name = f"{claim.name}{version} {claim.payer_id.name or ''}".strip()

    def _medical_is_frozen(self):
        return True

    def _medical_frozen_hint(self):
        return _("Fix the charge, case or policy, then resubmit, correct or void the claim.")

    # ------------------------------------------------------------------ creation

    @api.model
    @billing_operation_method
    def _create_versions(self, vals_list):
        """Create claims (with their lines) and their "created" event, as billing does.

        The history is the claim's events: no "created" chatter message, no follower and no
        tracking per claim (thousands are made at once, as Odoo's own flag allows)."""
        sequences = {}
        for vals in vals_list:
            company_id = vals["company_id"]
            if company_id not in sequences:
                sequences[company_id] = self.env["ir.sequence"].with_company(company_id).search(
                    [("code", "=", "medical.claim"),
                     ("company_id", "in", [company_id, False])],
                    order="company_id", limit=1)
            vals["name"] = sequences[company_id]._next()
        claims = self.with_context(tracking_disable=True).create(vals_list).with_env(self.env)
        self.env["medical.claim.event"]._record(claims, "created", message=_("Claim created."))
        return claims

    # ------------------------------------------------------------------ status events

    def _check_sendable(self):
        not_draft = self.filtered(lambda claim: claim.state != "draft")
        if not_draft:
            raise UserError(_(
                "%(claims)s already went out. Resubmit, correct or void a claim to send it "
                "again; nothing was sent.",
                claims=", ".join(not_draft.mapped("display_name")),
            ))
        stale = self.filtered(lambda claim: not claim.is_current)
        if stale:
            raise UserError(_(
                "%(claims)s were replaced by a newer version: send the newest one. Nothing "
                "was sent.", claims=", ".join(stale.mapped("display_name")),
            ))

    def action_send(self):
        """Put draft claims into batches (one per company and submission kind) and make
        each batch's document: the printed forms, or the 837P file."""
        self.check_access("write")
        self._check_sendable()
        batches = self.env["medical.claim.batch"]._create_for(self)
        if len(batches) == 1:
            return batches._get_records_action(name=_("Claim Batch"))
        return batches._get_records_action(name=_("Claim Batches"))

    def action_open_document(self):
        self.ensure_one()
        if not self.batch_id:
            raise UserError(_(
                "Claim %(claim)s has not been sent yet: send it to make its document.",
                claim=self.display_name,
            ))
        return self.batch_id.action_open_document()

    def action_open_history(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("History of %(claim)s", claim=self.display_name),
            "res_model": "medical.claim.event",
            "view_mode": "list,form",
            "domain": [("claim_id", "in", self.original_claim_id.version_ids.ids)],
            "context": {"create": False},
        }

    def action_follow_up(self):
        return dialog_action(self, "medical.claim.follow.up", _("Follow-up Note"))

    def _rebill_action(self, mode):
        name = dict(self.env["medical.claim.rebill"]._fields["mode"].selection)[mode]
        return dialog_action(self, "medical.claim.rebill", name, default_mode=mode)

    def action_resubmit(self):
        return self._rebill_action("resubmit")

    def action_correct(self):
        return self._rebill_action("correct")

    def action_void(self):
        return self._rebill_action("void")

    # ------------------------------------------------------------------ new versions

    def _check_rebillable(self, mode):
        for claim in self:
            if not claim.is_current:
                raise UserError(_(
                    "%(claim)s has a newer version already: rebill that one. Nothing was "
                    "changed.", claim=claim.display_name,
                ))
            if claim.state in ("draft", "voided") or claim.frequency_code == "8":
                raise UserError(_(
                    "%(claim)s is %(state)s: only a claim that went out can be resubmitted, "
                    "corrected or voided. Nothing was changed.",
                    claim=claim.display_name,
                    state=dict(CLAIM_STATES)[claim.state].lower()
                    if claim.frequency_code != "8" else _("a void"),
                ))
            if mode in ("correct", "void") and not claim.payer_claim_number:
                raise UserError(_(
                    "%(claim)s has no payer claim number yet: a corrected or void claim must "
                    "quote it (it comes with the payer's 277CA or remittance). Resubmit it "
                    "instead, or wait for the payer's answer. Nothing was changed.",
                    claim=claim.display_name,
                ))

    @billing_operation_method
    def _rebill(self, mode):
        """New versions of these claims: resubmitted as original (frequency 1), corrected
        (7) or void (8), built again from the charges as they are now. The versions they
        replace stay, with their documents and history."""
        self._check_rebillable(mode)
        frequency = {"resubmit": "1", "correct": "7", "void": "8"}[mode]
        self.write({"is_current": False})
        self.line_ids.flush_recordset(["is_active"])
        vals_list = []
        for claim in self:
            vals = claim._prepare_version_vals(claim.line_ids.charge_id, frequency)
            vals_list.append(vals)
        versions = self._create_versions(vals_list)
        Event = self.env["medical.claim.event"]
        for claim, version in zip(self, versions, strict=True):
            label = {"1": _("Resubmitted as %(claim)s."),
                     "7": _("Corrected by %(claim)s (frequency 7)."),
                     "8": _("Voided by %(claim)s (frequency 8).")}[frequency]
            Event._record(claim, "voided" if frequency == "8" else "resubmitted",
                          message=label % {"claim": version.name},
                          claim_state="voided" if frequency == "8" else None)
        return versions

    def _prepare_version_vals(self, charges, frequency):
        self.ensure_one()
        vals = self.env["medical.claim.create"]._prepare_claim_vals(
            self.case_id, self.payer_role, self.policy_id, self.billing_provider_id,
            self.submission, charges,
        )
        vals.update(frequency_code=frequency, previous_claim_id=self.id,
                    payer_claim_number=self.payer_claim_number if frequency != "1" else False)
        return vals

    # ------------------------------------------------------------------ lookups

    @api.model
    def _active_claim_lines(self, charges, roles=PAYER_ROLES):
        """The lines of active claims (current, not void) billing ``charges``."""
        return self.env["medical.claim.line"].search([
            ("charge_id", "in", charges.ids), ("is_active", "=", True),
            ("payer_role", "in", list(roles)),
        ])

    def _prior_payer_roles(self):
        self.ensure_one()
        return PAYER_ROLES[:PAYER_ROLES.index(self.payer_role)]

    def _record_crossover(self, charges, next_payer_name=""):
        """The payer of this claim forwarded it to the next payer itself (a crossover): the
        next rank's claim of ``charges`` is made and marked sent to that payer, so that it
        is not billed a second time. Returns the claims made."""
        self.ensure_one()
        later = PAYER_ROLES[PAYER_ROLES.index(self.payer_role) + 1:]
        Event = self.env["medical.claim.event"]
        groups, problems = self.env["medical.claim.create"]._plan_claims(charges, later[:1])
        claims = self.env["medical.claim.create"]._create_claims(groups) if groups \
            else self.browse()
        for claim in claims:
            Event._record(claim, "crossover", claim_state="forwarded", level="payer",
                          message=_("%(payer)s forwarded the claim to %(next)s (crossover) "
                                    "with its remittance: not to be sent again.",
                                    payer=self.payer_id.name,
                                    next=next_payer_name or claim.payer_id.name))
        if problems:
            Event._record(self, "note", message=_(
                "%(payer)s forwarded the claim to the next payer, but its claim could not be "
                "made: %(problems)s", payer=self.payer_id.name,
                problems="; ".join(problem for __, __, problem in problems)))
        return claims

    @api.model
    def _claims_by_control_number(self, companies, numbers):
        """{claim number: claim} of ``companies`` for the patient control numbers given."""
        claims = self.search([("company_id", "in", companies.ids), ("name", "in", list(numbers))])
        # grouped() keeps the search's prefetch: reading one claim's lines reads them all.
        return defaultdict(lambda: self.browse(), claims.grouped("name"))
