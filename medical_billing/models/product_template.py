from odoo import _, fields, models

MEDICAL_CODE_TYPES = [
    ("cpt", "CPT"),
    ("hcpcs", "HCPCS"),
    ("otc", "Over the Counter"),
    ("opening", "Opening Balance"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    medical_code_type = fields.Selection(
        MEDICAL_CODE_TYPES, string="Billing Code Type", index="btree_not_null",
        help="Makes the product billable as a charge. The code is the product's Internal "
        "Reference.",
    )

    def get_import_templates(self):
        # From the Codes menu, the template of billing codes.
        if self.env.context.get("default_medical_code_type"):
            return [{"label": _("Import Template for Billing Codes"),
                     "template": "/medical_billing/static/xls/medical_codes.csv"}]
        return super().get_import_templates()
