from collections import defaultdict

from odoo import _, api, fields, models
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation_method
from odoo.exceptions import UserError

from .medical_claim import SUBMISSIONS

PAPER_LAYOUTS = [
    ("plain", "Whole form on plain paper"),
    ("preprinted", "Data only, for pre-printed red forms"),
]


class MedicalClaimBatch(models.Model):
    """Claims sent together: one printed set of CMS-1500 forms, or one 837P file. Its
    document is made once, when the batch is created, and kept as made: printing again
    shows the same bytes; a resubmission goes into a new batch."""

    _name = "medical.claim.batch"
    _description = "Claim Batch"
    _inherit = ["mail.thread", "medical.posted.guard.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _medical_protected_fields = frozenset({
        "name", "company_id", "submission", "claim_ids", "attachment_id", "paper_layout",
    })

    name = fields.Char(readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    submission = fields.Selection(SUBMISSIONS, required=True, readonly=True)
    paper_layout = fields.Selection(PAPER_LAYOUTS, readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, readonly=True, index=True)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    claim_ids = fields.One2many("medical.claim", "batch_id", string="Claims", readonly=True)
    claim_count = fields.Integer(compute="_compute_claim_count")
    attachment_id = fields.Many2one("ir.attachment", string="Document", readonly=True)
    checksum = fields.Char(related="attachment_id.checksum", string="Document Checksum")

    def _medical_is_frozen(self):
        return True

    def _medical_frozen_hint(self):
        return _("A batch is kept as it was sent; resubmit its claims to send them again.")

    @api.depends("claim_ids")
    def _compute_claim_count(self):
        counts = dict(self.env["medical.claim"]._read_group(
            [("batch_id", "in", self.ids)], ["batch_id"], ["__count"]))
        for batch in self:
            batch.claim_count = counts.get(batch, 0)

    @api.model
    @billing_operation_method
    def _create_for(self, claims):
        """One batch per company and submission kind for ``claims`` (drafts), its document
        made and kept, and each claim marked submitted with that document."""
        groups = defaultdict(lambda: self.env["medical.claim"])
        for claim in claims.sorted(lambda claim: (claim.patient_id.name or "", claim.id)):
            groups[claim.company_id, claim.submission] |= claim
        batches = self.browse()
        for (company, submission), batch_claims in groups.items():
            batch = self.with_company(company).create({
                "company_id": company.id,
                "submission": submission,
                "paper_layout": company.medical_claim_paper_layout
                if submission == "paper" else False,
                "name": self.env["ir.sequence"].with_company(company).next_by_code(
                    "medical.claim.batch"),
            })
            batch_claims.write({"batch_id": batch.id})
            batch._make_document()
            self.env["medical.claim.event"]._record(
                batch_claims, "submitted", batch_id=batch.id,
                attachment_id=batch.attachment_id.id,
                message=_("Sent in batch %(batch)s.", batch=batch.name),
            )
            batches |= batch
        return batches

    def _make_document(self):
        self.ensure_one()
        if self.attachment_id:
            raise UserError(_("Batch %(batch)s has its document already: it is never made "
                              "again.", batch=self.name))
        content, filename, mimetype = self._render_paper() if self.submission == "paper" \
            else self._render_electronic()
        attachment = self.env["ir.attachment"].sudo().create({
            "name": filename, "raw": content, "mimetype": mimetype,
            "res_model": self._name, "res_id": self.id, "company_id": self.company_id.id,
        })
        self.attachment_id = attachment

    def _render_paper(self):
        report = self.env.ref("medical_billing_claim.action_report_cms1500")
        content, kind = self.env["ir.actions.report"]._render_qweb_pdf(
            report, self.claim_ids.ids, data={"layout": self.paper_layout or "plain"})
        # Odoo renders HTML instead of a PDF under its test runner (no wkhtmltopdf there).
        mimetype = "application/pdf" if kind == "pdf" else "text/html"
        return content, f"{self.name.replace('/', '_')}.{kind}", mimetype

    def _render_electronic(self):
        raise UserError(_(
            "Electronic claims are written as 837P files by the Medical Billing EDI app: "
            "install it, or bill this payer on paper. Nothing was sent."
        ))

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download={self.submission != 'paper'}",
            "target": "new",
        }

    def action_open_claims(self):
        self.ensure_one()
        return self.claim_ids._get_records_action(name=_("Claims of %(batch)s",
                                                         batch=self.name))
