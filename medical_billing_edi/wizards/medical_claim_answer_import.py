import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from odoo import Command, _, api, fields, models
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation_method
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from .. import edi
from ..models.medical_claim_answer import ANSWER_KINDS

IMPORT_RESULTS = [
    ("recorded", "Recorded"),
    ("duplicate", "Already imported"),
    ("unmatched", "Not matched"),
    ("warning", "Warning"),
]
# How far an accepting answer has carried a claim; an answer never moves it back.
STATE_RANKS = {"draft": 0, "submitted": 1, "clearinghouse": 2, "forwarded": 3, "accepted": 4}
# States where the payer's money has spoken: acknowledgements only add to the history.
SETTLED_STATES = ("paid", "partial", "denied", "voided")
MAX_ISSUES_SHOWN = 30


@dataclass
class AnswerFile:
    """One uploaded file, read and checked before anything is written."""

    name: str
    raw: bytes
    kind: str  # "999" or "277ca"
    checksum: str
    interchange_receiver: str  # ISA08: who the file is for (our sender id)
    results: list  # FunctionalAck or ClaimStatusReport of the EDI readers
    order: int = 0

    def sort_key(self):
        levels = {"clearinghouse": 0, "payer": 1}
        level = levels.get(self.results[0].level, 0) if self.kind == "277ca" else 0
        return (self.kind != "999", level, self.order)


def _interchange_elements(text):
    """The segments of an X12 text as lists of elements (the ISA says the delimiters)."""
    text = text.lstrip("\ufeff").lstrip()
    if not text.startswith("ISA") or len(text) < 106:
        return []
    element, terminator = text[3], text[105]
    return [segment.strip().split(element) for segment in text.split(terminator)
            if segment.strip()]


class MedicalClaimAnswerImport(models.TransientModel):
    """Import Answers: 999 and 277CA files of the clearinghouse and the payers, read into
    the history of the claims they answer. Every file is checked first; a file that
    cannot be read refuses the whole import. What matches no claim is listed, and every
    file is kept. Importing a file again adds nothing."""

    _name = "medical.claim.answer.import"
    _description = "Import Claim Answers"

    attachment_ids = fields.Many2many(
        "ir.attachment", "medical_claim_answer_import_attachment_rel", "wizard_id",
        "attachment_id", string="Files",
        help="999 and 277CA files downloaded from the clearinghouse, one or several.",
    )
    state = fields.Selection([("upload", "Upload"), ("done", "Done")], default="upload",
                             required=True)
    line_ids = fields.One2many("medical.claim.answer.import.line", "wizard_id",
                               string="Results")
    answer_ids = fields.Many2many(
        "medical.claim.answer", "medical_claim_answer_import_answer_rel", "wizard_id",
        "answer_id", string="Answer Files",
    )
    recorded_count = fields.Integer(compute="_compute_counts")
    duplicate_count = fields.Integer(compute="_compute_counts")
    unmatched_count = fields.Integer(compute="_compute_counts")

    @api.depends("line_ids.result")
    def _compute_counts(self):
        for wizard in self:
            results = wizard.line_ids.mapped("result")
            wizard.recorded_count = results.count("recorded")
            wizard.duplicate_count = results.count("duplicate")
            wizard.unmatched_count = results.count("unmatched")

    @api.model
    def _open_action(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Import Claim Answers"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
        }

    def action_import(self):
        self.ensure_one()
        self.env["medical.claim.answer"].check_access("create")
        if not self.attachment_ids:
            raise UserError(_("Add the 999 or 277CA files to import first."))
        answer_files = [self._read_answer_file(attachment, order)
                        for order, attachment in enumerate(self.attachment_ids)]
        lines, answers = [], self.env["medical.claim.answer"]
        for answer_file in sorted(answer_files, key=AnswerFile.sort_key):
            file_lines, file_answers = self._import_answer_file(answer_file)
            lines += file_lines
            answers |= file_answers
        uploads = self.attachment_ids.filtered(lambda attachment: not attachment.res_id
                                               and attachment.res_model in (False, self._name))
        self.write({
            "state": "done",
            "attachment_ids": [Command.clear()],
            "answer_ids": [Command.set(answers.ids)],
            "line_ids": [Command.clear()] + [Command.create(vals) for vals in lines],
        })
        uploads.unlink()  # kept on the answer files
        return {
            **self._open_action(),
            "name": _("Imported Claim Answers"),
            "res_id": self.id,
        }

    # ------------------------------------------------------------------ reading

    def _read_answer_file(self, attachment, order=0):
        """The file read by the EDI readers, or a UserError naming what is wrong and where."""
        raw = attachment.raw or b""
        name = attachment.name or _("File %(number)s", number=order + 1)
        text = raw.decode("utf-8-sig", errors="replace")
        segments = _interchange_elements(text)
        set_id = next((seg[1] for seg in segments if seg[0] == "ST" and len(seg) > 1), "")
        kinds = {"999": ("999", edi.read_999), "277": ("277ca", edi.read_277ca)}
        if set_id and set_id not in kinds:
            raise UserError(_(
                "%(file)s is an X12 %(set)s file, not a 999 or a 277CA: nothing was "
                "imported. Import remittances (835) as ERAs.",
                file=name, set=set_id,
            ))
        kind, reader = kinds.get(set_id, kinds["999"])
        try:
            results = reader(raw)
        except edi.X12ParseError as error:
            issues = [f"- {issue}" for issue in error.issues[:MAX_ISSUES_SHOWN]]
            if len(error.issues) > MAX_ISSUES_SHOWN:
                issues.append(_("... and %(count)s more.",
                                count=len(error.issues) - MAX_ISSUES_SHOWN))
            raise UserError(_(
                "%(file)s cannot be read, so nothing was imported:\n%(issues)s\nDownload the "
                "file again from the clearinghouse; if it stays wrong, ask them for a "
                "corrected one.", file=name, issues="\n".join(issues),
            )) from error
        except edi.EdiError as error:
            raise UserError(_("%(file)s cannot be read, so nothing was imported: %(error)s",
                              file=name, error=error)) from error
        if not results:
            raise UserError(_("%(file)s holds no acknowledgement: nothing was imported.",
                              file=name))
        normalized = re.sub(r"[\r\n]", "", text.lstrip("\ufeff").strip())
        isa = segments[0] if segments else []
        return AnswerFile(
            name=name, raw=raw, kind=kind,
            checksum=hashlib.sha1(normalized.encode()).hexdigest(),
            interchange_receiver=isa[8].strip() if len(isa) > 8 else "",
            results=results, order=order,
        )

    # ------------------------------------------------------------------ matching

    def _match_999(self, answer_file):
        """([item], [(what, why)]): an item per claim of each transaction set the 999
        answers, matched to its batch by group control number (AK102) and to its claims
        by transaction set control number (AK202)."""
        numbers = {int(ack.group_control_number) for ack in answer_file.results
                   if ack.group_control_number.isdigit()}
        batches = self.env["medical.claim.batch"].search([
            ("submission", "=", "electronic"),
            ("group_control_number", "in", list(numbers)),
            ("company_id", "in", self.env.companies.ids),
        ])
        items, unmatched = [], []
        for ack in answer_file.results:
            what = _("Group %(group)s", group=ack.group_control_number)
            if ack.functional_id != "HC":
                unmatched.append((what, _(
                    "It answers a group of type %(kind)s, not of 837P claims (HC).",
                    kind=ack.functional_id)))
                continue
            candidates = batches.filtered(
                lambda batch, ack=ack: ack.group_control_number.isdigit()
                and batch.group_control_number == int(ack.group_control_number))
            if len(candidates) > 1:
                candidates = candidates.filtered(
                    lambda batch: (batch.company_id.medical_edi_isa_sender_id or "").strip()
                    == answer_file.interchange_receiver)
            if len(candidates) != 1:
                unmatched.append((what, _(
                    "No electronic batch of your companies was sent with group control "
                    "number %(group)s.", group=ack.group_control_number) if not candidates
                    else _("Several batches were sent with group control number %(group)s: "
                           "import the file in one company at a time.",
                           group=ack.group_control_number)))
                continue
            items += self._items_999(answer_file, ack, candidates, unmatched)
        return items, unmatched

    def _items_999(self, answer_file, ack, batch, unmatched):
        items = []
        sets = ack.transaction_sets
        if not sets:
            if ack.status_code == "P":
                unmatched.append((_("Batch %(batch)s", batch=batch.name), _(
                    "The 999 accepts part of the file without naming the transaction sets.")))
                return []
            accepted = ack.status_code in ("A", "E")
            for claim in batch.claim_ids:
                items.append(self._item_999(
                    answer_file, claim, batch, accepted, ack.status_code, ack.group_errors,
                    (), f"999:{answer_file.checksum}:{ack.control_number}:group", "",
                ))
            return items
        for transaction_set in sets:
            number = transaction_set.control_number
            claims = batch.claim_ids.filtered(
                lambda claim, number=number: claim.edi_transaction_set and number.isdigit()
                and int(claim.edi_transaction_set) == int(number))
            if transaction_set.set_id != "837" or not claims:
                unmatched.append((
                    _("Transaction set %(set)s", set=number),
                    _("Batch %(batch)s has no 837P transaction set %(set)s.",
                      batch=batch.name, set=number),
                ))
                continue
            for claim in claims:
                items.append(self._item_999(
                    answer_file, claim, batch, transaction_set.accepted,
                    transaction_set.status_code, transaction_set.explanations,
                    transaction_set.segment_errors,
                    f"999:{answer_file.checksum}:{ack.control_number}:{number}", number,
                ))
        return items

    def _item_999(self, answer_file, claim, batch, accepted, status_code, explanations,
                  segment_errors, reference, set_number):
        own = [error.explanation for error in segment_errors
               if error.business_unit and error.business_unit.reference == claim.name]
        where = _("999 %(file)s, batch %(batch)s", file=answer_file.name, batch=batch.name)
        if set_number:
            where = _("%(where)s, transaction set %(set)s", where=where, set=set_number)
        errors = "; ".join(explanations) or _("no reason given")
        if accepted:
            message = _("The clearinghouse accepted the file that carried the claim "
                        "(%(where)s).", where=where)
            if status_code == "E" and explanations:
                message += " " + _("It noted: %(errors)s.", errors=errors)
        else:
            message = _("The clearinghouse rejected the file that carried the claim "
                        "(%(where)s): %(errors)s.", where=where, errors=errors)
            if own:
                message += " " + _("Errors in this claim: %(errors)s.", errors="; ".join(own))
            message += " " + _("Correct the data and resubmit the claim.")
        return {
            "claim": claim,
            "reference": reference,
            "values": {
                "kind": "ack_999",
                "level": "clearinghouse",
                "accepted": accepted,
                "status_code": status_code,
                "message": message,
                "batch_id": batch.id,
            },
            "state": "clearinghouse" if accepted else "rejected",
        }

    def _match_277ca(self, answer_file):
        """([item], [(what, why)]): an item per claim acknowledgement of the 277CA,
        matched to the claim by its patient control number (CLM01, quoted in TRN02)."""
        acks = [ack for report in answer_file.results for ack in report.claims]
        by_number = self.env["medical.claim"]._claims_by_control_number(
            self.env.companies, {ack.patient_control_number for ack in acks})
        items, unmatched = [], []
        for ack in acks:
            number = ack.patient_control_number
            what = _("Claim %(claim)s (%(patient)s)", claim=number, patient=ack.patient.name)
            claims = by_number[number]
            if len(claims) > 1:
                claims = claims.filtered(lambda claim: claim.company_id == self.env.company)
            if len(claims) != 1:
                unmatched.append((what, _(
                    "No claim of your companies has this number.") if not claims else _(
                    "Claims of several companies have this number: import the file in one "
                    "company at a time.")))
                continue
            if not claims.batch_id:
                unmatched.append((what, _(
                    "Claim %(claim)s was never sent.", claim=claims.name)))
                continue
            items.append(self._item_277ca(answer_file, claims, ack))
        return items, unmatched

    def _item_277ca(self, answer_file, claim, ack):
        payer = ack.level == "payer"
        if ack.accepted:
            state = "accepted" if payer else "forwarded"
            headline = _("The payer accepted the claim.") if payer else \
                _("The clearinghouse accepted the claim and sent it on to the payer.")
        else:
            state = "rejected"
            headline = _("The payer rejected the claim.") if payer else \
                _("The clearinghouse rejected the claim.")
        details = [_status_words(status) for status in ack.statuses]
        details += [
            _("Line %(code)s: %(statuses)s", code=line.procedure_code,
              statuses="; ".join(_status_words(status) for status in line.statuses))
            for line in ack.lines if line.statuses
        ]
        if ack.payer_claim_number:
            details.append(_("Payer claim number %(number)s", number=ack.payer_claim_number))
        if ack.clearinghouse_trace_number:
            details.append(_("Clearinghouse trace %(number)s",
                             number=ack.clearinghouse_trace_number))
        message = " ".join([headline, *(f"{detail}." for detail in details),
                            _("(277CA %(file)s)", file=answer_file.name)])
        if not ack.accepted:
            message += " " + _("Correct the claim and resubmit it.")
        return {
            "claim": claim,
            "reference": f"277ca:{answer_file.checksum}:{ack.position}",
            "values": {
                "kind": "ack_277ca",
                "level": ack.level,
                "accepted": ack.accepted,
                "status_category": ack.category,
                "status_code": ack.status_code,
                "message": message,
                "payer_claim_number": ack.payer_claim_number or False,
                "batch_id": claim.batch_id.id,
            },
            "state": state,
        }

    # ------------------------------------------------------------------ recording

    def _import_answer_file(self, answer_file):
        """(result line values, answer files): the file's answers recorded on their claims,
        the file kept once per company it answers."""
        matcher = self._match_999 if answer_file.kind == "999" else self._match_277ca
        items, unmatched = matcher(answer_file)
        by_company = defaultdict(list)
        for item in items:
            by_company[item["claim"].company_id].append(item)
        note = "\n".join(f"{what}: {why}" for what, why in unmatched)
        answers = self.env["medical.claim.answer"]
        companies = list(by_company) or [self.env.company]
        for company in companies:
            batches = self.env["medical.claim.batch"].browse(
                item["values"]["batch_id"] for item in by_company[company])
            answers |= self._keep_answer(answer_file, company, batches,
                                         note if company == companies[0] else "")
        lines = self._record_items(answer_file, items, answers)
        lines += [self._prepare_line_vals(answer_file, "unmatched", why, what=what)
                  for what, why in unmatched]
        lines += [
            self._prepare_line_vals(answer_file, "warning", _(
                "The file's own totals do not add up: %(violation)s", violation=violation))
            for result in answer_file.results for violation in result.violations
        ]
        return lines, answers

    def _keep_answer(self, answer_file, company, batches, note):
        Answer = self.env["medical.claim.answer"]
        answer = Answer.search([("checksum", "=", answer_file.checksum),
                                ("company_id", "=", company.id)], limit=1)
        if not answer:
            answer = Answer.create({
                "name": answer_file.name, "kind": answer_file.kind,
                "company_id": company.id, "checksum": answer_file.checksum,
                "note": note or False,
            })
            # sudo: the file is kept as imported, on its answer record, whatever the
            # user's rights on attachments.
            answer.attachment_id = self.env["ir.attachment"].sudo().create({
                "name": answer_file.name, "raw": answer_file.raw, "mimetype": "text/plain",
                "res_model": Answer._name, "res_id": answer.id, "company_id": company.id,
            })
        if batches - answer.batch_ids:
            answer.batch_ids = [Command.link(batch.id) for batch in batches - answer.batch_ids]
        return answer

    @billing_operation_method
    def _record_items(self, answer_file, items, answers):
        """An event per item not recorded before, and the payer's claim numbers."""
        attachments = {answer.company_id: answer.attachment_id for answer in answers}
        claims = self.env["medical.claim"].union(*(item["claim"] for item in items))
        Event = self.env["medical.claim.event"]
        recorded = {
            (event.claim_id, event.source_reference): event
            for event in Event.search([
                ("claim_id", "in", claims.ids),
                ("source_reference", "in", list({item["reference"] for item in items})),
            ])
        }
        vals_list, lines, new_keys = [], [], set()
        for item in items:
            claim = item["claim"]
            key = (claim, item["reference"])
            if key in recorded or key in new_keys:
                lines.append(self._prepare_line_vals(answer_file, "duplicate", _(
                    "Already imported on %(date)s: nothing added.",
                    date=format_datetime(self.env, recorded[key].date),
                ) if key in recorded else _("The file answers it twice: recorded once."),
                    claim=claim))
                continue
            new_keys.add(key)
            state = _claim_state_after(claim, item["state"])
            vals_list.append({
                "claim_id": claim.id, "claim_state": state,
                "attachment_id": attachments[claim.company_id].id,
                "source_reference": item["reference"], **item["values"],
            })
            message = item["values"]["message"]
            if not state:
                message = _("%(message)s (History only: the claim is %(state)s already.)",
                            message=message,
                            state=dict(claim._fields["state"].selection)[claim.state].lower())
            lines.append(self._prepare_line_vals(answer_file, "recorded", message, claim=claim))
        Event.create(vals_list)
        for vals in vals_list:
            claim = self.env["medical.claim"].browse(vals["claim_id"])
            number = vals.get("payer_claim_number")
            if number and claim.payer_claim_number != number:
                claim.payer_claim_number = number
        return lines

    def _prepare_line_vals(self, answer_file, result, message, claim=None, what=""):
        return {
            "file_name": answer_file.name,
            "kind": answer_file.kind,
            "result": result,
            "claim_id": claim.id if claim else False,
            "batch_id": claim.batch_id.id if claim else False,
            "what": what or (claim.name if claim else answer_file.name),
            "message": message,
        }


def _status_words(status):
    """A 277CA status (STC) in words: category, status and entity codes, free text."""
    words = [f"{status.category} {status.category_description}".strip()]
    if status.code:
        words.append(f"{status.code} {status.description}".strip())
    if status.entity:
        words.append(status.entity_description or status.entity)
    if status.message:
        words.append(f'"{status.message}"')
    return ", ".join(words)


def _claim_state_after(claim, state):
    """The state an answer moves ``claim`` to, or False when it only adds to its history:
    once paid or voided; an accepting answer after a rejection, or behind where the claim
    stands already (a 999 imported after the 277CA)."""
    current = claim.state
    if current in SETTLED_STATES:
        return False
    if state == "rejected":
        return state
    if current == "rejected" or STATE_RANKS[state] < STATE_RANKS.get(current, 0):
        return False
    return state


class MedicalClaimAnswerImportLine(models.TransientModel):
    _name = "medical.claim.answer.import.line"
    _description = "Imported Claim Answer"
    _order = "id"

    wizard_id = fields.Many2one("medical.claim.answer.import", required=True,
                                ondelete="cascade")
    file_name = fields.Char(string="File")
    kind = fields.Selection(ANSWER_KINDS)
    result = fields.Selection(IMPORT_RESULTS)
    what = fields.Char()
    claim_id = fields.Many2one("medical.claim")
    batch_id = fields.Many2one("medical.claim.batch")
    patient_id = fields.Many2one(related="claim_id.patient_id")
    claim_state = fields.Selection(related="claim_id.state", string="Claim State")
    message = fields.Text()
