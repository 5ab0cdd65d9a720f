import base64
import datetime
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation
from odoo.exceptions import UserError

from .. import edi
from ..edi.results import Party, ServicePayment
from ..edi.x837p import MAX_CLAIMS_PER_SET
from .medical_claim import split_person_name, x12_text
from .res_company import EDI_USAGES

# Issues listed in a refusal; the file's own validation lists every one.
MAX_ISSUES_SHOWN = 30
# Demo claims, each over medical_billing's demo charges, sent in three batches, and what
# the clearinghouse and the payer answer to each (see _create_edi_demo).
DEMO_BATCHES = [
    # (charges of each claim, by batch) and the claims' answers (999, 277CA levels)
    [
        ("charge_01", "accepted_by_payer"),
        ("charge_03", "rejected_by_payer"),
        ("charge_08", "forwarded"),
        ("charge_10", "rejected_by_clearinghouse"),
        ("charge_02", "paid"),
        ("charge_05", "partial"),
        ("charge_11", "denied"),
    ],
    [("charge_04", "at_clearinghouse")],
    [("charge_09", "submitted")],
]
DEMO_MARKER = "demo_edi_batch"
# Accepted by the payer, then answered by the payer's EOB: the share of each line it pays.
# The paid and denied claims are answered by the payer's 835 remittance (imported, then
# posted), which also answers a claim that is not the clinic's, left to resolve; the
# partly paid one by an EOB keyed in by hand.
DEMO_PAYMENTS = {"paid": 1.0, "partial": 0.5, "denied": 0.0}
DEMO_REMITTED = ("paid", "denied")
# Days ago the demo claims of these outcomes were sent (and answered), after their dates
# of service: Balances Due You then has claims billed over 30, 60 and 90 days ago, and
# its follow-up queue a claim with no acceptance and one the payer has not paid.
DEMO_AGES = {"forwarded": 35, "rejected_by_payer": 65, "accepted_by_payer": 95,
             "submitted": 8}


class MedicalClaimBatch(models.Model):
    _inherit = "medical.claim.batch"

    interchange_control_number = fields.Integer(
        readonly=True, copy=False, index="btree_not_null",
        help="ISA13 of the 837P file.",
    )
    group_control_number = fields.Integer(
        readonly=True, copy=False, index="btree_not_null",
        help="GS06 of the 837P file: the clearinghouse's 999 quotes it (AK102).",
    )
    transaction_set_control_numbers = fields.Char(
        string="Transaction Sets", readonly=True, copy=False,
        help="ST02 of each transaction set of the 837P file (one per 5,000 claims): the "
        "999 answers each (AK202).",
    )
    edi_usage = fields.Selection(
        EDI_USAGES, string="File Sent As", readonly=True, copy=False,
        help="Whether the 837P file was a production file or a test file (ISA15).",
    )
    answer_ids = fields.Many2many(
        "medical.claim.answer", "medical_claim_answer_batch_rel", "batch_id", "answer_id",
        string="Answer Files", readonly=True, copy=False,
        help="The 999 and 277CA files that answered claims of this batch.",
    )
    answer_count = fields.Integer(compute="_compute_answer_count")

    def _compute_answer_count(self):
        for batch in self:
            batch.answer_count = len(batch.answer_ids)

    def _render_electronic(self):
        """The batch's 837P file, validated by pyx12: any problem refuses the whole batch
        (the transaction rolls back, so no claim is marked submitted)."""
        self.ensure_one()
        company = self.company_id
        company._medical_edi_check_settings()
        claims = self.claim_ids.sorted("id")
        problems = claims._edi_problems()
        if problems:
            raise UserError(_(
                "Batch %(batch)s cannot be sent as an 837P file, so nothing was sent:\n"
                "%(problems)s\nComplete these records, then send the claims again.",
                batch=self.name, problems="\n".join(
                    f"- {claim.name}: {'; '.join(claim_problems)}"
                    for claim, claim_problems in problems.items()),
            ))
        edi_claims = claims._prepare_edi_claims()
        interchange, group = company._medical_edi_next_control_numbers()
        try:
            text = edi.write_837p(
                edi_claims,
                envelope=company._medical_edi_envelope(interchange, group, reference=self.name),
                submitter=company._medical_edi_submitter(),
                receiver=company._medical_edi_receiver(),
            )
        except edi.ClaimDataError as error:
            raise UserError(_(
                "Batch %(batch)s cannot be written as an 837P file: %(error)s. Fix the claim's "
                "data and send again; nothing was sent.", batch=self.name, error=error,
            )) from error
        issues = edi.validate(text)
        if issues:
            raise UserError(self._edi_issues_message(text, issues))
        sets = []
        for number, start in enumerate(range(0, len(claims), MAX_CLAIMS_PER_SET), start=1):
            sets.append(f"{number:04d}")
            claims[start:start + MAX_CLAIMS_PER_SET].write({"edi_transaction_set": sets[-1]})
        self.write({
            "interchange_control_number": interchange,
            "group_control_number": group,
            "transaction_set_control_numbers": " ".join(sets),
            "edi_usage": company.medical_edi_usage,
        })
        return text.encode("ascii"), f"{self.name.replace('/', '_')}.x12", "text/plain"

    def _edi_issues_message(self, text, issues):
        owners = _claims_by_position(text)
        lines = []
        for issue in issues[:MAX_ISSUES_SHOWN]:
            claim = owners(issue.position)
            lines.append(_("- claim %(claim)s: %(issue)s", claim=claim, issue=issue) if claim
                         else f"- {issue}")
        if len(issues) > MAX_ISSUES_SHOWN:
            lines.append(_("... and %(count)s more.", count=len(issues) - MAX_ISSUES_SHOWN))
        return _(
            "The 837P file of batch %(batch)s does not pass the implementation guide's "
            "checks (pyx12), so nothing was sent:\n%(issues)s\nFix the data these claims "
            "come from (patient, policy, case, charge, provider or payer), then send them "
            "again.",
            batch=self.name, issues="\n".join(lines),
        )

    def action_import_answers(self):
        return self.env["medical.claim.answer.import"]._open_action()

    def action_open_answers(self):
        self.ensure_one()
        return self.answer_ids._get_records_action(
            name=_("Answers to %(batch)s", batch=self.name))

    # ------------------------------------------------------------------ demo data

    @api.model
    def _create_edi_demo(self, company=None):
        """Demo claims in every state an answer gives: made over the posted demo charges by
        the Create Claims dialog, sent as 837P files, then answered by 999 and 277CA files
        imported as a biller does. Runs once, when the company's demo charges are posted
        (from account.chart.template._post_load_data on a new database)."""
        module = self.env["ir.module.module"].sudo().search(
            [("name", "=", "medical_billing_edi")], limit=1)
        if not module.demo or self.env.ref(f"medical_billing_edi.{DEMO_MARKER}_1",
                                           raise_if_not_found=False):
            return
        charges = {
            name: self.env.ref(f"medical_billing.{name}", raise_if_not_found=False)
            for batch in DEMO_BATCHES for name, __ in batch
        }
        if not all(charges.values()):
            return
        company = company or next(iter(charges.values())).company_id
        if any(charge.company_id != company or charge.state != "posted"
               for charge in charges.values()) or company._medical_edi_settings_problems():
            return
        Wizard = self.env["medical.claim.create"].with_company(company)
        outcomes = {}
        for number, batch_plan in enumerate(DEMO_BATCHES, start=1):
            claims = self.env["medical.claim"]
            for name, outcome in batch_plan:
                charge = charges[name].with_company(company)
                if not charge.claim_ready:
                    continue
                action = Wizard.with_context(
                    active_model="medical.charge", active_ids=charge.ids,
                ).create({"payer_role": "primary"}).action_create_claims()
                claim = self.env["medical.claim"].browse(action.get("res_id")) \
                    or self.env["medical.claim"].search(action.get("domain") or [("id", "=", 0)])
                claims |= claim
                outcomes.update(dict.fromkeys(claim, outcome))
            if not claims:
                continue
            claims.action_send()
            self.env["ir.model.data"].create({
                "module": "medical_billing_edi", "name": f"{DEMO_MARKER}_{number}",
                "model": self._name, "res_id": claims.batch_id.id, "noupdate": True,
            })
        self._import_edi_demo_answers(company, outcomes)
        Charge = self.env["medical.charge"]
        eobs = self.env["medical.eob"].create([
            Charge._prepare_demo_eob_vals(claim, f"EFT-DEMO-{claim.id}", DEMO_PAYMENTS[outcome])
            for claim, outcome in outcomes.items()
            if outcome in DEMO_PAYMENTS and outcome not in DEMO_REMITTED
        ])
        eobs.action_post()
        self._import_edi_demo_remittance(company, {
            claim: outcome for claim, outcome in outcomes.items() if outcome in DEMO_REMITTED})
        forwarded = self.env["medical.claim"].union(*(
            claim for claim, outcome in outcomes.items() if outcome == "forwarded"))
        self.env["medical.claim.event"]._record(forwarded, "note", message=_(
            "Called the payer: claim received and in process. Check again in two weeks."))
        with billing_operation(self.env):
            for claim, outcome in outcomes.items():
                if outcome in DEMO_AGES:
                    for event in claim.event_ids:
                        event.date -= datetime.timedelta(days=DEMO_AGES[outcome])

    @api.model
    def _import_edi_demo_remittance(self, company, outcomes):
        """The payer's 835 paying or denying ``outcomes`` ({claim: "paid" or "denied"}),
        with a claim of another clinic in it, imported and posted as a biller does."""
        if not outcomes:
            return
        claims = [self._edi_demo_claim_payment(claim, outcome == "paid")
                  for claim, outcome in outcomes.items()]
        stranger = edi.ClaimPayment(
            "ZZ-OTHER-CLINIC-1", "1", Decimal("120"), Decimal("120"), Decimal("0"),
            "BH26-99999", patient=Party("STRANGER", "SAM", "MI", "XX000001"),
            service_lines=(ServicePayment("HC", "98941", (), Decimal("120"),
                                              Decimal("120"), Decimal("1")),))
        claims.append(stranger)
        payer = next(iter(outcomes)).payer_id
        today = fields.Date.context_today(self)
        remittance = edi.Remittance(
            "0001", "I", sum((claim.paid for claim in claims), Decimal(0)), "C", "ACH", today,
            "EFT-DEMO-835-1", "1512345678",
            Party(payer.name.upper(), id_qualifier="2U", identifier=payer.payer_code),
            Party(company.name.upper(), id_qualifier="XX",
                      identifier=next(iter(outcomes)).billing_provider_id.npi),
            today, tuple(claims))
        text = edi.write_835([remittance], envelope=edi.Envelope(
            payer.payer_code, company.medical_edi_isa_sender_id, 835001, 835001,
            created=fields.Datetime.now()))
        wizard = self.env["medical.era.import"].with_company(company).create({
            "attachment_ids": [Command.create({
                "name": "835_demo_remittance.x12", "datas": base64.b64encode(text.encode()),
                "mimetype": "text/plain",
            })],
        })
        action = wizard.action_import()
        self.env["medical.era"].browse(action.get("res_id")).action_post()

    @api.model
    def _edi_demo_claim_payment(self, claim, paid):
        """The payer's answer to ``claim``: each line paid its share (the copay quoted as
        PR-3), or denied as not medically necessary (CO-50)."""
        lines = []
        for line in claim.line_ids:
            charge = line.charge_id
            share = Decimal(str(charge[f"{claim.payer_role}_responsibility"]))
            copay = Decimal(str(line.amount)) - share
            adjustments = [edi.Adjustment("PR", "3", copay)] if copay else []
            if not paid:
                adjustments.append(edi.Adjustment("CO", "50", share))
            lines.append(ServicePayment(
                "HC", line.product_id.default_code, tuple((line.modifiers or "").split()),
                Decimal(str(line.amount)), share if paid else Decimal(0), Decimal(str(line.units)),
                service_date_from=line.date_service,
                line_control_number=f"{claim.name}-{line.sequence}",
                adjustments=tuple(adjustments)))
        return edi.ClaimPayment(
            claim.name, "1" if paid else "4",
            sum((line.charge for line in lines), Decimal(0)),
            sum((line.paid for line in lines), Decimal(0)),
            sum((adj.amount for line in lines for adj in line.adjustments if adj.group == "PR"),
                Decimal(0)),
            f"BH26-{claim.id:05d}",
            patient=Party(*split_person_name(claim.patient_id.name)[:2]),
            service_lines=tuple(lines))

    @api.model
    def _import_edi_demo_answers(self, company, outcomes):
        """The clearinghouse's 999 for each answered batch, its 277CA, then the payer's."""
        answered = {claim: "accepted_by_payer" if outcome in DEMO_PAYMENTS else outcome
                    for claim, outcome in outcomes.items() if outcome != "submitted"}
        files = []
        for batch in self.browse({claim.batch_id.id for claim in answered}).sorted("id"):
            files.append((f"999_{batch.group_control_number}.x12", batch._edi_demo_999()))
        clearinghouse = {claim: outcome != "rejected_by_clearinghouse"
                         for claim, outcome in answered.items() if outcome != "at_clearinghouse"}
        payer = {claim: outcome == "accepted_by_payer" for claim, outcome in answered.items()
                 if outcome in ("accepted_by_payer", "rejected_by_payer")}
        for level, verdicts in (("clearinghouse", clearinghouse), ("payer", payer)):
            if verdicts:
                files.append((f"277ca_{level}.x12",
                              self._edi_demo_277ca(company, level, verdicts)))
        wizard = self.env["medical.claim.answer.import"].with_company(company).create({
            "attachment_ids": [Command.create({
                "name": name, "datas": base64.b64encode(text.encode()),
                "mimetype": "text/plain",
            }) for name, text in files],
        })
        wizard.action_import()

    # ------------------------------------------------------------------ demo answers

    def _edi_demo_envelope(self, functional_id, version, control):
        """ISA and GS of an answer from the clearinghouse (or the payer) to the company."""
        company = self.company_id or self.env.company
        now = fields.Datetime.now()
        isa = "*".join([
            "ISA", "00", " " * 10, "00", " " * 10,
            company.medical_edi_isa_receiver_qualifier,
            company.medical_edi_isa_receiver_id.ljust(15),
            company.medical_edi_isa_sender_qualifier, company.medical_edi_isa_sender_id.ljust(15),
            now.strftime("%y%m%d"), now.strftime("%H%M"), "^", "00501", f"{control:09d}", "0",
            "P", ":",
        ])
        gs = "*".join([
            "GS", functional_id,
            company.medical_edi_gs_receiver_code or company.medical_edi_isa_receiver_id,
            company.medical_edi_gs_sender_code or company.medical_edi_isa_sender_id,
            now.strftime("%Y%m%d"), now.strftime("%H%M"), str(control), "X", version,
        ])
        return [isa, gs]

    def _edi_demo_999(self):
        """The clearinghouse's 999 accepting this batch's 837P file."""
        self.ensure_one()
        control = 500_000_000 + self.group_control_number
        body = ["ST*999*0001*005010X231A1", f"AK1*HC*{self.group_control_number}*005010X222A1"]
        sets = self.transaction_set_control_numbers.split()
        for number in sets:
            body += [f"AK2*837*{number}*005010X222A1", "IK5*A"]
        body.append(f"AK9*A*{len(sets)}*{len(sets)}*{len(sets)}")
        return _interchange(self._edi_demo_envelope("FA", "005010X231A1", control), body,
                            control)

    @api.model
    def _edi_demo_277ca(self, company, level, verdicts):
        """A 277CA of the clearinghouse or of the payer: {claim: accepted}."""
        batch = self.with_company(company).browse()
        claims = self.env["medical.claim"].union(*verdicts)
        control = 600_000_000 + min(claims.ids) + (1000 if level == "payer" else 0)
        today = fields.Date.context_today(self).strftime("%Y%m%d")
        if level == "payer":
            payer = claims.payer_id[:1]
            source = f"NM1*PR*2*{x12_text(payer.name, upper=True)}*****PI*{payer.payer_code}"
            accepted_status, rejected_status = "A2:20:PR", "A3:21:PR"
        else:
            source = (f"NM1*AY*2*{x12_text(company.medical_edi_receiver_name, upper=True)}"
                      f"*****46*{company.medical_edi_receiver_id}")
            accepted_status, rejected_status = "A1:19:PR", "A7:562:82"

        def totals(claims, codes):
            lines = []
            accepted = claims.filtered(lambda claim: verdicts[claim])
            rejected = claims - accepted
            for code, part in zip(codes, (accepted, rejected), strict=True):
                if part:
                    lines.append(f"QTY*{code}*{len(part)}")
            for code, part in (("YU", accepted), ("YY", rejected)):
                if part:
                    lines.append(f"AMT*{code}*{_amount(sum(part.mapped('amount_total')))}")
            return lines

        total = _amount(sum(claims.mapped("amount_total")))
        body = [
            "ST*277*0001*005010X214", f"BHT*0085*08*DEMO{control}*{today}*1200*TH",
            "HL*1**20*1", source, f"TRN*1*DEMO{control}", f"DTP*050*D8*{today}",
            f"DTP*009*D8*{today}", "HL*2*1*21*1",
            f"NM1*41*2*{x12_text(company._medical_edi_submitter_name(), upper=True)}*****46*"
            f"{company.medical_edi_submitter_id}",
            f"TRN*2*{claims.batch_id[:1].name}", f"STC*{accepted_status}*{today}*WQ*{total}",
            *totals(claims, ("90", "AA")),
        ]
        hl = 2
        for provider in claims.billing_provider_id:
            provider_claims = claims.filtered(
                lambda claim, provider=provider: claim.billing_provider_id == provider)
            hl += 1
            provider_hl = hl
            body += [
                f"HL*{hl}*2*19*1", f"NM1*85*2*{x12_text(provider.name, upper=True)}*****XX*"
                f"{provider.npi}", "TRN*1*0",
                f"STC*{accepted_status}**WQ*{_amount(sum(provider_claims.mapped('amount_total')))}",
                *totals(provider_claims, ("QA", "QC")),
            ]
            for claim in provider_claims:
                hl += 1
                last, first, __ = split_person_name(claim.patient_id.name)
                amount = _amount(claim.amount_total)
                body += [
                    f"HL*{hl}*{provider_hl}*PT",
                    f"NM1*QC*1*{last}*{first}****MI*{x12_text(claim.policy_id.member_number)}",
                    f"TRN*2*{claim.name}",
                    f"STC*{accepted_status}*{today}*WQ*{amount}" if verdicts[claim] else
                    f"STC*{rejected_status}*{today}*U*{amount}********"
                    + ("Subscriber not found" if level == "payer"
                       else "Rendering provider not enrolled with the payer"),
                ]
                if level == "payer" and verdicts[claim]:
                    body.append(f"REF*1K*{x12_text(claim.payer_id.payer_code)}{claim.id:08d}")
                else:
                    body.append(f"REF*D9*DEMO{claim.id:08d}")
                body.append(
                    f"DTP*472*D8*{claim.service_date_from.strftime('%Y%m%d')}"
                    if claim.service_date_from == claim.service_date_to else
                    f"DTP*472*RD8*{claim.service_date_from.strftime('%Y%m%d')}-"
                    f"{claim.service_date_to.strftime('%Y%m%d')}")
        return _interchange(batch._edi_demo_envelope("HN", "005010X214", control), body,
                            control)



def _claims_by_position(text):
    """A function naming the claim (CLM01) that the segment at a position belongs to:
    from its subscriber loop (HL level 22) to the next HL of level 20 or 22, or the SE."""
    segments = [segment.strip() for segment in text.split("~")]
    blocks = []  # [start, end, claim number]
    for position, segment in enumerate(segments, start=1):
        elements = segment.split("*")
        is_boundary = elements[0] == "SE" or (
            elements[0] == "HL" and len(elements) > 3 and elements[3] in ("20", "22"))
        if is_boundary and blocks and blocks[-1][1] is None:
            blocks[-1][1] = position
        if elements[0] == "HL" and len(elements) > 3 and elements[3] == "22":
            blocks.append([position, None, ""])
        elif elements[0] == "CLM" and blocks and len(elements) > 1:
            blocks[-1][2] = elements[1]

    def owner(position):
        for start, end, claim in blocks:
            if start <= position and (end is None or position < end):
                return claim
        return ""
    return owner


def _amount(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _interchange(head, body, control):
    """The X12 text of an interchange with one group of one transaction set."""
    segments = [*head, *body, f"SE*{len(body) + 1}*0001", f"GE*1*{control}",
                f"IEA*1*{control:09d}"]
    return "~\n".join(segments) + "~\n"
