from odoo import _, api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    medical_statement_min_amount = fields.Monetary(
        string="Statement Minimum", currency_field="currency_id", default=5.0,
        help="Statement runs leave out accounts that owe this much or less.",
    )
    medical_statement_interval_days = fields.Integer(
        string="Days Between Statements", default=30,
        help="An account gets a new statement only when its last one is at least this old.",
    )
    medical_statement_due_days = fields.Integer(
        string="Statement Due Days", default=15,
        help="The due date printed on a statement: this many days after its date.",
    )
    medical_statement_link_days = fields.Integer(
        string="Online Link Validity (Days)", default=90,
        help="How long the link of an e-mailed statement opens its page and takes payment.",
    )
    medical_statement_auto = fields.Boolean(
        string="Run Statements Automatically",
        help="The daily job records a statement run for the whole company with these "
        "settings.",
    )

    def _medical_statement_problems(self):
        """What a statement run still needs, in words: [] when it can go."""
        self.ensure_one()
        address = self.partner_id
        if not (address.street and address.city and address.zip):
            return [_("Set the company's address (street, city, ZIP): statements print it "
                      "as where to send payments.")]
        return []

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._medical_copy_dunning_levels()
        return companies

    def _medical_copy_dunning_levels(self):
        """Give companies without dunning levels those of the main company (their messages
        in every language they are translated to)."""
        main = self.env.ref("base.main_company", raise_if_not_found=False)
        Level = self.env["medical.dunning.level"].sudo().with_context(active_test=False)
        levels = Level.search([("company_id", "=", main.id)]) if main else Level
        for company in self - main:
            if not Level.search_count([("company_id", "=", company.id)]):
                for level in levels:
                    level.copy({"company_id": company.id})
