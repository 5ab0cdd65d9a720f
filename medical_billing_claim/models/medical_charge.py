from odoo import _, api, fields, models
from odoo.addons.medical_billing.models.account_move_line import PAYER_ROLES
from odoo.exceptions import UserError
from odoo.tools import SQL


class MedicalCharge(models.Model):
    _inherit = "medical.charge"

    claim_line_ids = fields.One2many("medical.claim.line", "charge_id", string="Claim Lines",
                                     readonly=True)
    claim_ready = fields.Boolean(
        string="Ready to Bill", compute="_compute_claim_ready", search="_search_claim_ready",
        help="Posted, not held off claims, with a payer's share open that no active claim "
        "bills yet.",
    )

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
        return self._claim_wizard_action("medical.claim.create", _("Create Claims"))

    def action_rebill(self):
        claims = self.env["medical.claim"]._active_claim_lines(self).claim_id
        if not claims:
            raise UserError(_(
                "No active claim bills these charges: create claims for them instead."))
        return claims.action_resubmit()

    def _claim_wizard_action(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }
