from stdnum import luhn

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# An NPI is 10 digits whose last one is a Luhn check digit computed with the card-issuer
# prefix 80840 in front (CMS NPI standard); python-stdnum has Luhn but no NPI module.
NPI_LUHN_PREFIX = "80840"


def is_valid_npi(number):
    return len(number) == 10 and number.isdigit() and luhn.is_valid(NPI_LUHN_PREFIX + number)


class MedicalProvider(models.Model):
    _name = "medical.provider"
    _description = "Provider"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    npi = fields.Char(string="NPI", tracking=True, help="National Provider Identifier.")
    taxonomy_code = fields.Char(help="Provider taxonomy code (10 characters) billed on claims.")
    tax_id = fields.Char(string="Tax ID", help="Federal tax id (EIN or SSN) of a billing provider.")
    is_treating = fields.Boolean(string="Treating", default=True)
    is_billing = fields.Boolean(string="Billing")
    is_referring = fields.Boolean(string="Referring")
    partner_id = fields.Many2one("res.partner", string="Address", check_company=True)
    user_ids = fields.Many2many(
        "res.users", string="Acting Users",
        help="Users who work for this provider. A user may act for several providers.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )

    _sql_constraints = [
        ("npi_uniq", "unique(npi, company_id)", "Two providers cannot share an NPI."),
    ]

    def get_import_templates(self):
        return [{"label": _("Import Template for Providers"),
                 "template": "/medical_billing/static/xls/medical_providers.csv"}]

    @api.constrains("npi")
    def _check_npi(self):
        for provider in self.filtered("npi"):
            if not is_valid_npi(provider.npi):
                raise ValidationError(_(
                    "NPI %(npi)s of %(provider)s is not valid: an NPI has 10 digits and its "
                    "last digit is a check digit. Check the number on the provider's NPPES "
                    "record.",
                    npi=provider.npi, provider=provider.name,
                ))

    def _compute_display_name(self):
        for provider in self:
            provider.display_name = (
                f"{provider.name} ({provider.npi})" if provider.npi else provider.name
            )
