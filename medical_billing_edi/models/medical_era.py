from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.addons.medical_billing.models.account_move_line import ADJUSTMENT_GROUPS
from odoo.addons.medical_billing.models.medical_eob_adjustment import (
    DISPOSITIONS,
    UNPOSTED_DISPOSITIONS,
)
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation_method
from odoo.addons.medical_billing.models.medical_remittance import EOBS_PER_ENTRY
from odoo.exceptions import UserError, ValidationError

from ..edi import codes

ERA_STATES = [("draft", "To Post"), ("posting", "Posting"), ("posted", "Posted")]
# An ERA of more ready claims than this (system parameter, default POSTED_AT_ONCE) posts
# its deposit at once and its claims in the background, EOBS_PER_ENTRY claims a
# transaction: posted in one request, a 10,000-claim ERA would outlast Odoo's time limits
# of a request (limit_time_real, 120 s by default) and roll back.
POSTED_AT_ONCE_PARAM = "medical_billing_edi.era_claims_posted_at_once"
POSTED_AT_ONCE = 1_000
ERA_CLAIM_STATES = [
    ("ready", "Ready to Post"),
    ("exception", "To Resolve"),
    ("posted", "Posted"),
]
PAYMENT_METHODS = {"CHK": "check", "ACH": "eft", "FWT": "eft", "BOP": "eft", "NON": "none"}
# CLP02 of a claim the payer processed and forwarded to the next payer (crossover).
CROSSOVER_STATUSES = ("19", "20", "21")
REVERSAL_STATUS = "22"
DENIED_STATUS = "4"
# PR-3: the copay.
COPAY_CODE = ("PR", "3")
# OA-23: the impact of the prior payers' adjudication, quoted on a secondary's lines.
PRIOR_PAYER_CODE = ("OA", "23")


class MedicalEra(models.Model):
    """One payment of an 835 remittance file (ERA): its check or EFT and the claims it
    answers, as read and matched (the dry run) before anything posts. Posting makes the
    payer's payment (medical.remittance) with one EOB per claim that matched cleanly; the
    others stay here, to resolve, their money held as unapplied until then."""

    _name = "medical.era"
    _description = "Electronic Remittance (ERA)"
    _inherit = ["mail.thread", "medical.posted.guard.mixin"]
    # Set by posting only: a client's write could otherwise post the same payment twice.
    _medical_protected_fields = frozenset({"state", "remittance_id", "posted_by_id"})
    _order = "payment_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_id = fields.Many2one("res.partner", readonly=True, index=True, check_company=True,
                               help="Our payer the remittance is from.")
    payer_name = fields.Char(string="Payer in File", readonly=True)
    payer_identifier = fields.Char(string="Payer ID in File", readonly=True)
    trace_number = fields.Char(string="Check / EFT Number", readonly=True, required=True)
    payment_method = fields.Selection([("check", "Check"), ("eft", "EFT"),
                                       ("none", "No Payment")], readonly=True)
    payment_date = fields.Date(readonly=True)
    amount = fields.Monetary(string="Payment Amount", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="835 File", readonly=True)
    file_name = fields.Char(related="attachment_id.name", string="File Name")
    state = fields.Selection(ERA_STATES, default="draft", required=True, readonly=True,
                             tracking=True, index=True)
    claim_ids = fields.One2many("medical.era.claim", "era_id", string="Claims", readonly=True)
    provider_adjustments = fields.Json(string="Provider Adjustments (PLB)", readonly=True)
    provider_adjustments_display = fields.Text(
        string="Provider Adjustments", compute="_compute_provider_adjustments_display")
    remittance_id = fields.Many2one("medical.remittance", string="Payer Payment",
                                    readonly=True, check_company=True)
    posted_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False,
        help="Who posted the remittance: its claims posting in the background post as them.")
    ready_count = fields.Integer(compute="_compute_counts")
    exception_count = fields.Integer(compute="_compute_counts")
    posted_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("payment_uniq", "unique(company_id, payer_identifier, trace_number, amount)",
         "A payment of a remittance is imported once."),
    ]

    @api.depends("payer_name", "trace_number")
    def _compute_name(self):
        for era in self:
            era.name = f"{era.payer_name or ''} {era.trace_number or ''}".strip()

    @api.depends("claim_ids.state")
    def _compute_counts(self):
        for era in self:
            states = era.claim_ids.mapped("state")
            era.ready_count = states.count("ready")
            era.exception_count = states.count("exception")
            era.posted_count = states.count("posted")

    @api.depends("provider_adjustments")
    def _compute_provider_adjustments_display(self):
        for era in self:
            era.provider_adjustments_display = "\n".join(
                f"{plb['reason']} {plb['reference']}: "
                f"{era.currency_id.format(plb['amount'])} ({plb['description']})"
                for plb in era.provider_adjustments or [])

    # ------------------------------------------------------------------ posting

    @billing_operation_method
    def action_post(self):
        """Post what is clean: the payer's payment with an EOB per ready claim. Claims that
        cannot post stay to resolve, with the reason; nothing of them posts. A large ERA
        posts its payment's deposit now and its claims in the background."""
        self.env["medical.eob"].check_access("create")
        for era in self:
            if era.state != "draft":
                raise UserError(_("%(era)s is already posted: resolve its remaining claims "
                                  "one by one.", era=era.name))
            era.claim_ids._recheck()
            ready = era.claim_ids.filtered(lambda claim: claim.state == "ready")
            payer = era.payer_id or ready.claim_id.payer_id[:1]
            if not payer:
                raise UserError(_(
                    "No claim of %(era)s matches a claim of yours, so its payer is unknown: "
                    "nothing was posted. Check that the file is yours.", era=era.name))
            remittance = self.env["medical.remittance"].create({
                "payer_id": payer.id,
                "company_id": era.company_id.id,
                "date": min(era.payment_date or fields.Date.context_today(self),
                            fields.Date.context_today(self)),
                "payment_method": era.payment_method or "eft",
                "reference": era.trace_number,
                "amount_total": era.amount,
                "adjustment_ids": [Command.create({
                    "reason_code": plb["reason"], "reference": plb["reference"],
                    "description": plb["description"], "amount": plb["amount"],
                }) for plb in era.provider_adjustments or []],
            })
            era.write({"remittance_id": remittance.id, "posted_by_id": self.env.uid})
            if len(ready) > era._claims_posted_at_once():
                remittance._post_deposit()
                era.state = "posting"
                era.message_post(body=_(
                    "The payment is deposited; its %(count)s claims post in the background, "
                    "%(batch)s at a time (started by %(user)s). This page shows how many "
                    "have posted.", count=len(ready), batch=EOBS_PER_ENTRY,
                    user=self.env.user.name))
                self.env.ref("medical_billing_edi.ir_cron_medical_era_post")._trigger()
                continue
            era._post_ready(ready, with_deposit=True)
            era.state = "posted"
            era.message_post(body=_(
                "Posted %(posted)s claims; %(left)s left to resolve.",
                posted=len(ready), left=era.exception_count))
        return True

    def _claims_posted_at_once(self):
        return int(self.env["ir.config_parameter"].sudo().get_param(
            POSTED_AT_ONCE_PARAM, POSTED_AT_ONCE))

    def _post_ready(self, era_claims, with_deposit=False):
        """Post ``era_claims``, ready claims of this ERA: an EOB each on the ERA's payment,
        posted with the payment's deposit when ``with_deposit``, else from the money the
        deposit left unapplied."""
        self.ensure_one()
        remittance = self.remittance_id
        # The ERA's chatter says what was posted: no "created" message per EOB (Odoo's
        # own flag for records made in bulk).
        eobs = self.env["medical.eob"].with_context(mail_create_nolog=True).create([
            {**era_claim._eob_vals(), "remittance_id": remittance.id}
            for era_claim in era_claims])
        for era_claim, eob in zip(era_claims, eobs, strict=True):
            era_claim.eob_id = eob
        if with_deposit:
            remittance.action_post()
        else:
            remittance._post_eobs(eobs)
        era_claims.state = "posted"
        era_claims._record_crossovers()

    @api.model
    def _cron_post_in_background(self, batch_size=EOBS_PER_ENTRY):
        """Scheduled action: post the next ``batch_size`` ready claims of the oldest ERA
        posting in the background, one transaction a call (Odoo's scheduler commits each
        and calls again while claims remain)."""
        era = self.search([("state", "=", "posting")], order="id", limit=1)
        # As the biller who posted it, under their rights, not as the scheduler's user.
        done = era.with_user(era.posted_by_id or self.env.user).with_company(
            era.company_id)._post_next_batch(batch_size) if era else 0
        remaining = self.env["medical.era.claim"].search_count([
            ("era_id.state", "=", "posting"), ("state", "=", "ready")])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @billing_operation_method
    def _post_next_batch(self, batch_size):
        """Post the next ``batch_size`` ready claims of this ERA, reversals first. Should
        they fail to post (a period closed meanwhile, say), nothing of them posts: they go
        to resolve, with the reason, and the next batch follows. Returns how many claims
        it took."""
        self.ensure_one()
        # Searched, not filtered from the ERA's claims: each batch would read them all.
        Claim = self.env["medical.era.claim"]
        ready_domain = [("era_id", "=", self.id), ("state", "=", "ready")]
        batch = Claim.search([*ready_domain, ("status_code", "=", REVERSAL_STATUS)],
                             order="sequence, id", limit=batch_size)
        if len(batch) < batch_size:
            batch |= Claim.search([*ready_domain, ("status_code", "!=", REVERSAL_STATUS)],
                                  order="sequence, id", limit=batch_size - len(batch))
        try:
            with self.env.cr.savepoint():
                batch._recheck()
                ready = batch.filtered(lambda claim: claim.state == "ready")
                if ready:
                    self._post_ready(ready)
        except (UserError, ValidationError) as error:
            batch.write({"state": "exception", "problem": _(
                "Posting it in the background failed: %(error)s Fix that, then post the "
                "claim here.", error=error.args[0])})
        if not Claim.search_count(ready_domain, limit=1):
            self.state = "posted"
            self.message_post(body=_(
                "Posted in the background: %(posted)s claims; %(left)s left to resolve.",
                posted=self.posted_count, left=self.exception_count))
        return len(batch)

    def _medical_frozen_hint(self):
        return _("Resolve its remaining claims one by one; to take the payment back, a "
                 "Billing Manager deletes it under Payer Payments.")

    def action_open_exceptions(self):
        self.ensure_one()
        return self.claim_ids.filtered(lambda claim: claim.state == "exception") \
            ._get_records_action(name=_("Claims to Resolve of %(era)s", era=self.name))


class MedicalEraClaim(models.Model):
    """One claim of an ERA payment: what the payer said (kept as read), the claim it
    matched, and what posting it does, or why it cannot post yet."""

    _name = "medical.era.claim"
    _description = "ERA Claim"
    _inherit = ["medical.posted.guard.mixin"]
    # Set by the dry run and posting only; the biller sets the claim of one to resolve.
    _medical_protected_fields = frozenset(
        {"state", "eob_id", "reversed_eob_id", "plan", "problem"})
    _order = "era_id, sequence, id"
    _check_company_auto = True

    era_id = fields.Many2one("medical.era", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="era_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="era_id.currency_id")
    payer_id = fields.Many2one(related="era_id.payer_id")
    sequence = fields.Integer()
    patient_control_number = fields.Char(string="Claim Number in File", readonly=True,
                                         index=True)
    patient_name = fields.Char(string="Patient in File", readonly=True)
    payer_claim_number = fields.Char(readonly=True, index=True)
    status_code = fields.Char(readonly=True, help="CLP02: how the payer processed it.")
    status_description = fields.Char(compute="_compute_status_description",
                                     string="Processed As")
    charge = fields.Monetary(string="Billed", readonly=True)
    paid = fields.Monetary(readonly=True)
    patient_responsibility = fields.Monetary(readonly=True)
    data = fields.Json(readonly=True, help="The claim's lines and adjustments, as read.")
    claim_id = fields.Many2one("medical.claim", check_company=True,
                               help="Our claim it answers: matched by the number our 837P "
                               "sent; set it by hand to resolve an unmatched one.")
    patient_id = fields.Many2one(related="claim_id.patient_id")
    reversed_eob_id = fields.Many2one("medical.eob", string="Reverses", readonly=True)
    state = fields.Selection(ERA_CLAIM_STATES, default="ready", required=True, readonly=True,
                             index=True)
    plan = fields.Json(readonly=True, help="The EOB lines posting makes, as planned.")
    outcome = fields.Text(
        string="What Posts", compute="_compute_outcome",
        help="What posting the claim does, in words (worded when shown, from its plan).")
    problem = fields.Text(string="To Resolve", readonly=True)
    eob_id = fields.Many2one("medical.eob", string="EOB", readonly=True)

    def _medical_is_frozen(self):
        self.ensure_one()
        return self.state == "posted"

    def _medical_frozen_hint(self):
        return _("Its EOB is posted: a Billing Manager deletes the payer's payment to take "
                 "it back.")

    @api.depends("plan", "state", "reversed_eob_id")
    def _compute_outcome(self):
        for era_claim in self:
            era_claim.outcome = era_claim._describe(era_claim.plan) \
                if era_claim.plan and era_claim.state != "exception" else False

    @api.depends("status_code")
    def _compute_status_description(self):
        for era_claim in self:
            era_claim.status_description = codes.describe(
                "claim_status", era_claim.status_code or "")

    # ------------------------------------------------------------------ the plan

    @billing_operation_method
    def _plan(self):
        """Match each claim not posted yet and say what posting it does (``outcome``), or
        why it cannot post (``problem``, state to resolve). Reads, never posts."""
        todo = self.filtered(lambda era_claim: era_claim.state != "posted")
        todo._match_claims()
        rules = {
            (rule.company_id.id, rule.payer_id.id, rule.group_code, rule.reason_code):
            rule.disposition
            for rule in self.env["medical.era.rule"].search(
                [("company_id", "in", todo.company_id.ids)])
        }
        # Every claim's lines, charges and figures read at once, not claim by claim.
        todo.claim_id.line_ids.charge_id.mapped("patient_id")
        # Reversals first: what they take back is owed again to the payer when the
        # corrections of the same payment post.
        restored = defaultdict(lambda: defaultdict(float))
        todo = todo.sorted(lambda c: (c.era_id.id, c.status_code != REVERSAL_STATUS, c.sequence))
        for era_claim in todo:
            try:
                lines = era_claim._plan_lines(rules, restored[era_claim.era_id.id])
            except PlanProblem as problem:
                era_claim.write({"state": "exception", "problem": str(problem),
                                 "plan": False})
                continue
            era_claim.write({"state": "ready", "problem": False, "plan": lines})
            if era_claim.reversed_eob_id and era_claim.era_id.state == "draft":
                for charge_id, amount in _settled(lines).items():
                    restored[era_claim.era_id.id][charge_id] -= amount
        return True

    @billing_operation_method
    def _recheck(self):
        """Before posting, each planned claim's amounts against the ledger as it is now:
        one that settles more than its payer owes since the dry run (another payment
        posted meanwhile) goes to resolve instead."""
        restored = defaultdict(lambda: defaultdict(float))
        ready = self.filtered(lambda era_claim: era_claim.state == "ready").sorted(
            lambda c: (c.era_id.id, c.status_code != REVERSAL_STATUS, c.sequence))
        ready.claim_id.line_ids.charge_id.mapped("patient_id")  # read at once
        for era_claim in ready:
            try:
                era_claim._check_amounts(era_claim.plan, restored[era_claim.era_id.id])
            except PlanProblem as problem:
                era_claim.write({"state": "exception", "problem": str(problem)})
                continue
            if era_claim.reversed_eob_id:
                for charge_id, amount in _settled(era_claim.plan).items():
                    restored[era_claim.era_id.id][charge_id] -= amount

    def _match_claims(self):
        """Our claim of each unmatched one: by the claim number our 837P sent (CLM01)."""
        unmatched = self.filtered(lambda era_claim: not era_claim.claim_id)
        if not unmatched:
            return
        by_number = self.env["medical.claim"]._claims_by_control_number(
            unmatched.company_id, set(unmatched.mapped("patient_control_number")))
        for era_claim in unmatched:
            claims = by_number[era_claim.patient_control_number].filtered(
                lambda claim, era_claim=era_claim: claim.company_id == era_claim.company_id)
            if len(claims) == 1:
                era_claim.claim_id = claims

    def _plan_lines(self, rules, restored):
        """[EOB line values] of this claim, or PlanProblem saying why it cannot post."""
        self.ensure_one()
        claim = self.claim_id
        data = self.data or {}
        if not claim:
            raise PlanProblem(_(
                "No claim of yours has number %(number)s (patient %(patient)s): find the "
                "claim and set it here.", number=self.patient_control_number,
                patient=self.patient_name or "?"))
        era = self.era_id
        if (era.payer_id and claim.payer_id != era.payer_id) or (
                era.payer_identifier and claim.payer_id.payer_code != era.payer_identifier):
            raise PlanProblem(_(
                "Claim %(claim)s was billed to %(payer)s, not to %(era_payer)s who sent this "
                "remittance.", claim=claim.name, payer=claim.payer_id.name,
                era_payer=era.payer_id.name or era.payer_name))
        if self.status_code == REVERSAL_STATUS:
            return self._plan_reversal()
        service_lines = data.get("lines") or []
        if not service_lines:
            if len(claim.line_ids) != 1:
                raise PlanProblem(_(
                    "The payer answered claim %(claim)s as a whole, without its %(count)s "
                    "service lines: post its EOB by hand.", claim=claim.name,
                    count=len(claim.line_ids)))
            service_lines = [{**data, "line": claim.line_ids.id}]
        elif data.get("adjustments"):
            raise PlanProblem(_(
                "The payer adjusted claim %(claim)s at claim level as well as per line: "
                "post its EOB by hand.", claim=claim.name))
        lines = []
        for service in service_lines:
            claim_line = self._match_line(service)
            lines.append(self._eob_line_vals(claim_line, service, rules))
        self._check_amounts(lines, restored)
        return lines

    def _match_line(self, service):
        claim = self.claim_id
        if service.get("line"):
            return claim.line_ids.browse(service["line"])
        control = service.get("control")
        if control:
            matched = claim.line_ids.filtered(
                lambda line: f"{claim.name}-{line.sequence}" == control)
        else:
            matched = claim.line_ids.filtered(lambda line: (
                line.product_id.default_code == service.get("code")
                and (line.modifiers or "").split() == list(service.get("modifiers") or [])
                and (not service.get("date")
                     or fields.Date.to_string(line.date_service) == service["date"])
                and line.currency_id.compare_amounts(line.amount, service["charge"]) == 0))
        if len(matched) != 1:
            raise PlanProblem(_(
                "Service line %(code)s of %(date)s (billed %(charge)s) matches no line of "
                "claim %(claim)s: post its EOB by hand.", code=service.get("code") or "?",
                date=service.get("date") or "?", charge=service.get("charge"),
                claim=claim.name))
        return matched[:1]

    def _eob_line_vals(self, claim_line, service, rules):
        denial = self.status_code == DENIED_STATUS or not service.get("paid")
        charge = claim_line.charge_id
        currency = claim_line.currency_id
        # The copay the patient owes since the charge was posted: the payer's copay
        # adjustment (PR-3) quotes it, and that part is already in the ledger. At most
        # what the line billed beyond the payer's share.
        copay = min(max(service.get("charge", 0.0)
                        - charge[f"{self.claim_id.payer_role}_responsibility"], 0.0),
                    charge.patient_responsibility)
        adjustments = []
        for group, reason, amount in service.get("adjustments") or []:
            disposition = self._disposition(rules, group, reason, denial)
            if disposition == "transfer" and (group, reason) == COPAY_CODE \
                    and currency.compare_amounts(copay, 0) > 0:
                absorbed = min(amount, copay)
                copay -= absorbed
                adjustments.append(self._adjustment_vals(group, reason, absorbed, "none"))
                amount = currency.round(amount - absorbed)
                if currency.is_zero(amount):
                    continue
            adjustments.append(self._adjustment_vals(group, reason, amount, disposition))
        return {
            "charge_id": charge.id,
            "paid": service.get("paid") or 0.0,
            "allowed": service.get("allowed") or service.get("charge"),
            "remark_codes": " ".join(service.get("remarks") or []),
            "adjustments": adjustments,
        }

    @staticmethod
    def _adjustment_vals(group, reason, amount, disposition):
        return {"group_code": group, "reason_code": reason, "amount": amount,
                "description": codes.adjustment_reason(reason), "disposition": disposition}

    def _disposition(self, rules, group, reason, denial):
        """The payer's rule for the code, else its all-payer rule, else the default: patient
        responsibility moves on; the prior payers' part is not posted; on a denied line the
        rest waits for the biller; on a paid line the rest is written off."""
        for payer_id in (self.claim_id.payer_id.id, False):
            rule = rules.get((self.company_id.id, payer_id, group, reason))
            if rule:
                return rule
        if group == "PR":
            return "transfer"
        if (group, reason) == PRIOR_PAYER_CODE:
            return "none"  # what an earlier payer did: quoted, not this payer's to post
        return "review" if denial else "write_off"

    def _check_amounts(self, lines, restored):
        """What breaks a rule before it posts: a line settling more than the payer owes
        (with what reversals of the same payment give back)."""
        claim = self.claim_id
        currency = claim.currency_id
        settled = _settled(lines)
        for charge in self.env["medical.charge"].browse(list(settled)):
            due = charge[f"{claim.payer_role}_due"] + restored[charge.id]
            if currency.compare_amounts(settled[charge.id], due) > 0:
                raise PlanProblem(_(
                    "On %(charge)s the remittance pays and adjusts %(settled)s but %(payer)s "
                    "only owes %(due)s: check for an earlier payment of the same claim.",
                    charge=charge.display_name, settled=currency.format(settled[charge.id]),
                    payer=claim.payer_id.name, due=currency.format(due)))

    def _plan_reversal(self):
        """A reversal (CLP02 22) takes back what the payer's earlier EOB of this claim (same
        payer claim number) posted: its lines, negated."""
        original = self.env["medical.eob"].search([
            ("company_id", "=", self.company_id.id), ("payer_id", "=", self.claim_id.payer_id.id),
            ("payer_claim_number", "=", self.payer_claim_number), ("state", "=", "posted"),
            ("reversed_eob_id", "=", False),
        ], order="id desc", limit=1)
        if not original:
            raise PlanProblem(_(
                "The payer reversed its payment of claim %(claim)s (its number %(number)s), "
                "but no posted EOB of it has that number: post the reversal by hand.",
                claim=self.claim_id.name, number=self.payer_claim_number))
        if self.currency_id.compare_amounts(-self.paid, original.amount_total) != 0:
            raise PlanProblem(_(
                "The reversal takes back %(taken)s but %(eob)s paid %(paid)s: post it by "
                "hand.", taken=self.currency_id.format(-self.paid), eob=original.name,
                paid=self.currency_id.format(original.amount_total)))
        self.reversed_eob_id = original
        return [{
            "charge_id": line.charge_id.id,
            "paid": -line.paid,
            "allowed": -line.allowed,
            "remark_codes": line.remark_codes,
            "adjustments": [{
                "group_code": adjustment.group_code, "reason_code": adjustment.reason_code,
                "amount": -adjustment.amount, "description": adjustment.description,
                "disposition": adjustment.disposition,
            } for adjustment in line.adjustment_ids],
        } for line in original.line_ids]

    def _describe(self, lines):
        """The dry run's words for what posting does."""
        currency = self.currency_id
        claim = self.claim_id
        words = dict(self.env["medical.eob.adjustment"]._fields["disposition"]
                     ._description_selection(self.env))
        parts = [_("Paid %(paid)s", paid=currency.format(sum(line["paid"] for line in lines)))]
        charges = self.env["medical.charge"].browse([line["charge_id"] for line in lines])
        for line in lines:
            charge = charges.browse(line["charge_id"])
            next_party = charge._party_partner(charge._next_party(claim.payer_role))
            for adjustment in line["adjustments"]:
                action = words[adjustment["disposition"]]
                if adjustment["disposition"] == "transfer":
                    action = _("moved to %(party)s", party=next_party.name)
                parts.append(f"{adjustment['group_code']}-{adjustment['reason_code']} "
                             f"{currency.format(adjustment['amount'])} {action} "
                             f"({adjustment['description']})")
        if self.reversed_eob_id:
            parts.insert(0, _("Reverses %(eob)s", eob=self.reversed_eob_id.name))
        if self._is_crossover():
            parts.append(_("Crossed over to the next payer: its claim is marked sent."))
        return "; ".join(parts)

    def _is_crossover(self):
        return self.status_code in CROSSOVER_STATUSES or bool((self.data or {}).get("crossover"))

    def _eob_vals(self):
        self.ensure_one()
        lines = self.plan or []
        return {
            "payer_id": self.claim_id.payer_id.id,
            "company_id": self.company_id.id,
            "date": self.era_id.payment_date,
            "payment_method": "check" if self.era_id.payment_method == "check" else "eft",
            "reference": self.era_id.trace_number,
            "payer_claim_number": self.payer_claim_number,
            "reversed_eob_id": self.reversed_eob_id.id,
            "amount_total": sum(line["paid"] for line in lines),
            "line_ids": [Command.create({
                **{key: value for key, value in line.items() if key != "adjustments"},
                "adjustment_ids": [Command.create(adjustment)
                                   for adjustment in line["adjustments"]],
            }) for line in lines],
        }

    def _record_crossovers(self):
        """Claims the payer forwarded to the next payer: that payer's claim is marked sent,
        so it is not billed a second time."""
        for era_claim in self.filtered(lambda c: c._is_crossover() and c.eob_id):
            era_claim.claim_id._record_crossover(
                era_claim.eob_id.line_ids.charge_id,
                (era_claim.data or {}).get("crossover") or "")

    @billing_operation_method
    def action_post(self):
        """Post claims resolved after their payment was posted: each EOB takes its money from
        what the payment left unapplied."""
        self.env["medical.eob"].check_access("create")
        claims = self.filtered(lambda c: c.state == "exception"
                               and c.era_id.state in ("posting", "posted"))
        if not claims:
            raise UserError(_("Only claims left to resolve of a posted remittance are posted "
                              "one by one; post a new remittance as a whole."))
        claims._plan()
        for era_claim in claims:
            if era_claim.state != "ready":
                raise UserError(era_claim.problem)
            eob = self.env["medical.eob"].create({
                **era_claim._eob_vals(), "remittance_id": era_claim.era_id.remittance_id.id})
            eob.action_post()
            era_claim.write({"state": "posted", "eob_id": eob.id})
            era_claim._record_crossovers()
        return True


def _settled(lines):
    """{charge id: paid and posted adjustments} of planned EOB lines."""
    settled = defaultdict(float)
    for line in lines:
        settled[line["charge_id"]] += line["paid"] + sum(
            adjustment["amount"] for adjustment in line["adjustments"]
            if adjustment["disposition"] not in UNPOSTED_DISPOSITIONS)
    return settled


class PlanProblem(Exception):
    """Why an ERA claim cannot post as it is."""


class MedicalEraRule(models.Model):
    """What posting an ERA does with an adjustment code, per payer (or every payer):
    write it off, move it to the next party, or leave it with the payer for review."""

    _name = "medical.era.rule"
    _description = "Remittance Adjustment Rule"
    _order = "payer_id, group_code, reason_code"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    payer_id = fields.Many2one("res.partner", check_company=True,
                               domain="[('is_payer', '=', True)]",
                               help="Empty: every payer without a rule of its own.")
    group_code = fields.Selection(ADJUSTMENT_GROUPS, string="Group", required=True)
    reason_code = fields.Char(string="Reason", required=True)
    description = fields.Char(compute="_compute_description")
    disposition = fields.Selection(DISPOSITIONS, string="Action", required=True,
                                   default="review")

    _sql_constraints = [
        ("code_uniq", "unique(company_id, payer_id, group_code, reason_code)",
         "A code has one rule per payer."),
    ]

    @api.depends("reason_code")
    def _compute_description(self):
        for rule in self:
            rule.description = codes.adjustment_reason(rule.reason_code or "")
