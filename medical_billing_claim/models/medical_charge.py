import logging

from odoo import Command, _, api, fields, models, tools
from odoo.addons.medical_billing.models.account_move_line import PAYER_ROLES
from odoo.addons.medical_billing.wkhtmltopdf import wkhtmltopdf_is_patched
from odoo.exceptions import UserError
from odoo.tools import SQL

from .medical_claim import dialog_action

_logger = logging.getLogger(__name__)


class MedicalCharge(models.Model):
    _inherit = "medical.charge"

    claim_line_ids = fields.One2many("medical.claim.line", "charge_id", string="Claim Lines",
                                     readonly=True)
    claim_ready = fields.Boolean(
        string="Ready to Bill", compute="_compute_claim_ready", search="_search_claim_ready",
        help="Posted, not held off claims, with a payer's share open that no active claim "
        "bills yet.",
    )

    has_active_claim = fields.Boolean(
        compute="_compute_has_active_claim",
        help="A current claim, not a void, bills the charge to one of its payers.",
    )

    @api.depends("claim_line_ids.is_active")
    def _compute_has_active_claim(self):
        for charge in self:
            charge.has_active_claim = any(charge.claim_line_ids.mapped("is_active"))

    @api.depends("claim_line_ids.is_active", "hold_claim", "state")
    def _compute_claim_ready(self):
        ready = self.search([("id", "in", self._origin.ids), ("claim_ready", "=", True)])
        for charge in self:
            charge.claim_ready = charge._origin in ready

    def _search_claim_ready(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Ready to Bill can only be searched as set or not set."))
        self.env["medical.claim.line"].flush_model(["charge_id", "payer_role", "is_active"])
        self.env["account.move.line"].flush_model([
            "company_id", "parent_state", "medical_party_role", "medical_charge_id",
            "amount_residual"])
        # Charges with a payer's share still open (from the posted receivable items, read
        # as the ledger reads them) and no active claim line for that payer rank.
        open_shares = SQL(
            """SELECT aml.medical_charge_id
                 FROM account_move_line aml
                WHERE aml.company_id IN %(companies)s
                  AND aml.parent_state = 'posted'
                  AND aml.medical_party_role IN %(roles)s
                  AND aml.medical_charge_id IS NOT NULL
                  AND NOT EXISTS (
                      SELECT 1 FROM medical_claim_line cl
                       WHERE cl.charge_id = aml.medical_charge_id
                         AND cl.payer_role = aml.medical_party_role AND cl.is_active)
             GROUP BY aml.medical_charge_id, aml.medical_party_role
               HAVING SUM(aml.amount_residual) > 0""",
            companies=tuple(self.env.companies.ids), roles=PAYER_ROLES,
        )
        domain = [("state", "=", "posted"), ("hold_claim", "=", False),
                  ("id", "in", SQL("(%s)", open_shares))]
        positive = (operator == "=") == value
        return domain if positive else ["!", "&", "&", *domain]

    def action_create_claims(self):
        return dialog_action(self, "medical.claim.create", _("Create Claims"))

    def action_rebill(self):
        claims = self.env["medical.claim"]._active_claim_lines(self).claim_id
        if not claims:
            raise UserError(_(
                "No active claim bills these charges: create claims for them instead."))
        return claims.action_resubmit()

    @api.model
    def _create_demo_claims(self, company=None):
        """Post this app's demo charges and bill them on paper claims in each state a paper
        claim reaches: sent (with a follow-up note), partly paid, denied, and a visit left
        ready to bill. Runs from the demo data, and again once a new company's chart of
        accounts is loaded (see account.chart.template)."""
        demo_ids = self.env["ir.model.data"].sudo().search([
            ("module", "=", "medical_billing_claim"), ("model", "=", "medical.charge"),
        ]).mapped("res_id")
        domain = [("id", "in", demo_ids)]
        if company:
            domain.append(("company_id", "=", company.id))
        charges = self.search(domain).filtered(
            lambda charge: charge.company_id.medical_charge_journal_id)
        drafts = charges.filtered(lambda charge: charge.state == "draft")
        if drafts:  # posting checks the user's rights, even on no charge
            drafts.action_post()
        billed_before = fields.Date.subtract(fields.Date.context_today(self), days=20)
        to_bill = charges.filtered(lambda charge: charge.state == "posted"
                                   and not charge.claim_line_ids
                                   and charge.date_service < billed_before)
        if not to_bill:
            return
        groups, __ = self.env["medical.claim.create"]._plan_claims(to_bill)
        claims = self.env["medical.claim.create"]._create_claims(groups)
        if not claims or not self._demo_can_print():
            return
        claims.action_send()
        followed, partial, denied = claims.sorted("service_date_from")[:3]
        self.env["medical.claim.event"]._record(followed, "note", message=_(
            "Called Evergreen: claim received, in review. Call again in two weeks."))
        eobs = self.env["medical.eob"].create([
            self._prepare_demo_eob_vals(partial, "CHK-DEMO-1", 0.5),
            self._prepare_demo_eob_vals(denied, "DENIAL-DEMO-2", 0.0),
        ])
        eobs.action_post()

    @api.model
    def _prepare_demo_eob_vals(self, claim, reference, share_paid):
        """A payer's EOB paying ``share_paid`` of what it owes on each line of ``claim``."""
        currency = claim.currency_id
        figures = claim.line_ids.charge_id._ledger_figures()
        paid = {charge: currency.round(figures[charge.id][claim.payer_role]["due"] * share_paid)
                for charge in claim.line_ids.charge_id}
        return {
            "payer_id": claim.payer_id.id,
            "company_id": claim.company_id.id,
            "reference": reference,
            "amount_total": sum(paid.values()),
            "line_ids": [Command.create({"charge_id": charge.id, "paid": amount})
                         for charge, amount in paid.items()],
        }

    @api.model
    def _demo_can_print(self):
        """Whether the demo prints its paper claims: under Odoo's test runner (which renders
        HTML), or with a wkhtmltopdf built on patched Qt, as Odoo recommends; another build
        prints, but Odoo logs a warning for each document, which the demo must not cause."""
        if tools.config["test_enable"]:
            return True
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok" \
                or not wkhtmltopdf_is_patched():
            _logger.info("Demo paper claims are left to send: no wkhtmltopdf built on "
                         "patched Qt here.")
            return False
        return True
