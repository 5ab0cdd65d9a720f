from odoo import _, api, fields, models

ANSWER_KINDS = [("999", "999 Acknowledgement"), ("277ca", "277CA Claim Acknowledgement")]


class MedicalClaimAnswer(models.Model):
    """One answer file of the clearinghouse or a payer (999, 277CA), kept as imported: the
    claims' history events point at it, and what it said of claims that were not found
    stays in its note. A file is kept once per company, however often it is imported."""

    _name = "medical.claim.answer"
    _description = "Claim Answer File"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="File", required=True, readonly=True)
    kind = fields.Selection(ANSWER_KINDS, required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    date = fields.Datetime(string="Imported On", required=True, readonly=True,
                           default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Imported By", readonly=True,
                              default=lambda self: self.env.user)
    attachment_id = fields.Many2one("ir.attachment", string="Content", readonly=True)
    checksum = fields.Char(
        readonly=True, index=True,
        help="SHA-1 of the file's segments (line breaks left out): the same file imported "
        "again is recognised by it.",
    )
    batch_ids = fields.Many2many(
        "medical.claim.batch", "medical_claim_answer_batch_rel", "answer_id", "batch_id",
        string="Batches", readonly=True, check_company=True,
    )
    event_ids = fields.One2many("medical.claim.event", compute="_compute_event_ids",
                                string="Claim Events")
    event_count = fields.Integer(compute="_compute_event_ids")
    note = fields.Text(
        string="Not Matched", readonly=True,
        help="What the file said that no claim or batch of the company answers to.",
    )

    _sql_constraints = [
        ("checksum_company_uniq", "unique(checksum, company_id)",
         "An answer file is kept once per company."),
    ]

    @api.depends("attachment_id")
    def _compute_event_ids(self):
        events = self.env["medical.claim.event"].search(
            [("attachment_id", "in", self.attachment_id.ids)])
        for answer in self:
            answer.event_ids = events.filtered(
                lambda event, answer=answer: event.attachment_id == answer.attachment_id)
            answer.event_count = len(answer.event_ids)

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "new",
        }

    def action_open_events(self):
        self.ensure_one()
        return self.event_ids._get_records_action(name=_("Claim Events of %(file)s",
                                                         file=self.name))
