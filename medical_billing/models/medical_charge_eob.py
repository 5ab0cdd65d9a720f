import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from .account_move_line import PAYER_ROLES

# What typing in a charge picker matches, each word on its own: patient, code, DOS.
PICKER_SEARCH_FIELDS = ("patient_id.name", "product_id.default_code", "product_id.name",
                        "date_service")
PICKER_SEPARATOR = " · "


class MedicalCharge(models.Model):
    """The charge as the EOB's charge picker offers it: the payers that still owe on it,
    a long label under the ``medical_charge_picker`` context key, and a search by patient,
    code and DOS."""

    _inherit = "medical.charge"
    _rec_names_search = ["patient_id.name", "product_id.default_code", "product_id.name"]

    open_payer_ids = fields.Many2many(
        "res.partner", string="Payers Owing", compute="_compute_open_payer_ids",
        search="_search_open_payer_ids",
        help="The payers whose share of the charge is still open.",
    )

    @api.depends("ledger_line_ids.amount_residual", "ledger_line_ids.parent_state",
                 "primary_payer_id", "secondary_payer_id", "tertiary_payer_id")
    def _compute_open_payer_ids(self):
        figures = self._origin._ledger_figures()
        for charge in self:
            currency = charge.currency_id or self.env.company.currency_id
            by_role = figures[charge._origin.id]
            charge.open_payer_ids = self.env["res.partner"].union(*(
                charge[f"{role}_payer_id"] for role in PAYER_ROLES
                if currency.compare_amounts(by_role[role]["due"], 0) > 0
            ))

    def _search_open_payer_ids(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(_("Payers owing on a charge can only be searched with = or in."))
        values = value if isinstance(value, (list, tuple)) else [value]
        payer_ids = [payer_id for payer_id in values if payer_id]
        # Items of a payer's share with an open residual: what the payer still owes (read
        # as superuser, as _ledger_figures reads them, in the user's companies).
        open_items = self.env["account.move.line"].sudo()._search([
            ("company_id", "in", self.env.companies.ids),
            ("medical_charge_id", "!=", False),
            ("parent_state", "=", "posted"),
            ("medical_party_role", "in", PAYER_ROLES),
            ("partner_id", "in", payer_ids) if payer_ids else ("partner_id", "!=", False),
            ("amount_residual", ">", 0),
        ]).subselect(SQL.identifier("account_move_line", "medical_charge_id"))
        if payer_ids:
            return [("id", "in", open_items)]
        return [("id", "not in", open_items)]  # = False: no payer owes anything

    @api.depends("product_id", "date_service", "patient_id.name", "amount_fee_total")
    @api.depends_context("medical_charge_picker")
    def _compute_display_name(self):
        if not self.env.context.get("medical_charge_picker"):
            return super()._compute_display_name()
        for charge in self:
            currency = charge.currency_id or self.env.company.currency_id
            parts = (
                charge.patient_id.name,
                charge.date_service and fields.Date.to_string(charge.date_service),
                charge.product_id.default_code or charge.product_id.name,
                formatLang(self.env, charge.amount_fee_total, digits=currency.decimal_places),
            )
            charge.display_name = PICKER_SEPARATOR.join(part for part in parts if part)
        return None

    @api.model
    def _search_display_name(self, operator, value):
        """Each word typed (or each part of a picker label) must match the patient, the
        code or the DOS."""
        if operator not in ("ilike", "like", "=ilike", "=like", "not ilike", "not like") \
                or not isinstance(value, str):
            return super()._search_display_name(operator, value)
        words = [word for word in re.split(r"[\s·]+", value) if word]
        if not words:
            return super()._search_display_name(operator, value)
        positive = operator.removeprefix("not ")
        domain = expression.AND([
            expression.OR([[(field_name, positive, word)] for field_name in PICKER_SEARCH_FIELDS])
            for word in words
        ])
        return ["!", *domain] if operator.startswith("not ") else domain
