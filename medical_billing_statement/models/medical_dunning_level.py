from odoo import fields, models


class MedicalDunningLevel(models.Model):
    """A dunning message, printed on a statement once the oldest unpaid patient balance
    is at least this many days old."""

    _name = "medical.dunning.level"
    _description = "Statement Dunning Level"
    _order = "company_id, days"

    name = fields.Char(required=True, translate=True)
    days = fields.Integer(
        string="From Days", required=True,
        help="Age in days of the oldest unpaid patient balance from which this message "
        "prints.",
    )
    message = fields.Text(required=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("days_positive", "CHECK(days > 0)", "A dunning level starts after at least one day."),
        ("days_company_uniq", "unique(company_id, days)",
         "Each dunning level of a company starts at its own number of days."),
    ]
