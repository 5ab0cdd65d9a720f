from odoo import api, fields, models
from odoo.tools import SQL

# The billing home's tiles: each a list a biller starts the day with; but for Ready to
# Bill, the key is the filter of Balances Due You that opens it, and the tile shows the
# count and total of the rows that filter selects (TILE_DOMAINS, the filters' domains).
TILES = [
    ("insurance", "Insurance Balances"),
    ("client", "Client Balances"),
    ("billed_30", "Billed More Than 30 Days Ago"),
    ("follow_up_queue", "Claim Follow-up"),
    ("rejected", "Rejected Claims"),
    ("not_billed", "Claims Not Yet Billed"),
    ("ready_to_bill", "Charges Ready to Bill"),
]
TILE_DOMAINS = {
    "insurance": [("kind", "=", "insurance")],
    "client": [("kind", "=", "client")],
    "billed_30": [("kind", "=", "insurance"), ("days_since_billed", ">", 30)],
    "follow_up_queue": [("follow_up_reason", "!=", False)],
    "rejected": [("state", "=", "rejected")],
    "not_billed": [("state", "=", "draft")],
}


class MedicalBillingOverview(models.Model):
    """The billing home: a tile per work list, with what it holds, opening the list."""

    _name = "medical.billing.overview"
    _description = "Billing Overview"
    _auto = False
    _order = "id"

    tile = fields.Selection(TILES, readonly=True)
    count = fields.Integer(compute="_compute_figures")
    amount = fields.Monetary(compute="_compute_figures")
    currency_id = fields.Many2one("res.currency", compute="_compute_figures")

    @property
    def _table_query(self):
        return SQL("SELECT * FROM (VALUES %s) AS tiles (id, tile)", SQL(", ").join(
            SQL("(%s, %s)", number, key) for number, (key, __) in enumerate(TILES, 1)))

    @api.depends_context("allowed_company_ids")
    def _compute_figures(self):
        Due = self.env["medical.balance.due"]
        currency = self.env.company.currency_id
        for tile in self:
            if tile.tile == "ready_to_bill":
                # Counted only: a charge's payer shares may be partly on claims already.
                count = self.env["medical.charge"].search_count([("claim_ready", "=", True)])
                amount = 0.0
            else:
                [(count, amount)] = Due._read_group(
                    TILE_DOMAINS[tile.tile], aggregates=["__count", "balance:sum"])
            tile.count = count
            tile.amount = amount
            tile.currency_id = currency

    def action_open(self):
        self.ensure_one()
        if self.tile == "ready_to_bill":
            return self.env["ir.actions.act_window"]._for_xml_id(
                "medical_billing_claim.medical_charge_action_ready_to_bill")
        xmlid = "medical_balance_due_action_follow_up" \
            if self.tile == "follow_up_queue" else "medical_balance_due_action"
        action = self.env["ir.actions.act_window"]._for_xml_id(f"medical_billing_claim.{xmlid}")
        action["context"] = {f"search_default_{self.tile}": 1, "search_default_group_kind": 1}
        if self.tile == "follow_up_queue":
            action["context"]["search_default_group_next_action"] = 1
        action["name"] = dict(self._fields["tile"]._description_selection(self.env))[self.tile]
        return action
