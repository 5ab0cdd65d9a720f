from odoo import api, fields, models


class MedicalClaimLine(models.Model):
    """One service line of a claim: a posted charge, as billed to the claim's payer."""

    _name = "medical.claim.line"
    _description = "Claim Service Line"
    _inherit = ["medical.posted.guard.mixin"]
    _order = "claim_id, sequence, id"
    _check_company_auto = True
    _medical_protected_fields = frozenset({"claim_id", "charge_id", "amount"})

    claim_id = fields.Many2one("medical.claim", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    sequence = fields.Integer(default=10)
    charge_id = fields.Many2one("medical.charge", required=True, index=True,
                                check_company=True, ondelete="restrict")
    payer_role = fields.Selection(related="claim_id.payer_role", store=True)
    is_active = fields.Boolean(
        compute="_compute_is_active", store=True, index=True,
        help="The line bills its charge to the payer now: its claim is the current version "
        "and not a void. A charge is on one active claim per payer rank at most.",
    )
    product_id = fields.Many2one(related="charge_id.product_id", string="Code")
    date_service = fields.Date(string="DOS", required=True)
    units = fields.Float(digits="Product Unit of Measure", required=True)
    modifiers = fields.Char(help="Up to four modifiers, separated by spaces.")
    diagnosis_pointers = fields.Char(help="Letters of the claim's diagnoses (box 24E).")
    rendering_provider_id = fields.Many2one("medical.provider", check_company=True)
    place_of_service = fields.Char(size=2)
    amount = fields.Monetary(
        string="Billed", required=True,
        help="The charge's fee schedule total: what its responsibility shares add up to.",
    )

    def init(self):
        # The no-double-billing rule, kept by the database even for two users at once.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS medical_claim_line_active_charge_uniq
                ON medical_claim_line (charge_id, payer_role) WHERE is_active
        """)

    @api.depends("claim_id.is_current", "claim_id.frequency_code", "claim_id.state")
    def _compute_is_active(self):
        for line in self:
            claim = line.claim_id
            line.is_active = claim.is_current and claim.frequency_code != "8" \
                and claim.state != "voided"

    def _medical_is_frozen(self):
        return True

    def _medical_frozen_hint(self):
        return self.claim_id._medical_frozen_hint()

    def _prior_adjudications(self):
        """What the payers ranked before the claim's payer did with this line's charge,
        from their posted EOB lines: [{payer, role, paid, date, adjustments, eob_line}]."""
        self.ensure_one()
        roles = self.claim_id._prior_payer_roles()
        if not roles:
            return []
        eob_lines = self.env["medical.eob.line"].search([
            ("charge_id", "=", self.charge_id.id), ("role", "in", roles),
            ("eob_id.state", "=", "posted"),
        ], order="id")
        return [{
            "payer": eob_line.payer_id,
            "role": eob_line.role,
            "paid": eob_line.paid,
            "date": eob_line.eob_id.date,
            "adjustments": [(adjustment.group_code, adjustment.reason_code, adjustment.amount)
                            for adjustment in eob_line.adjustment_ids],
            "eob_line": eob_line,
        } for eob_line in eob_lines]
