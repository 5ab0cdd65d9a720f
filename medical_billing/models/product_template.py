from odoo import fields, models

MEDICAL_CODE_TYPES = [
    ("cpt", "CPT"),
    ("hcpcs", "HCPCS"),
    ("otc", "Over the Counter"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    medical_code_type = fields.Selection(
        MEDICAL_CODE_TYPES, string="Billing Code Type", index="btree_not_null",
        help="Makes the product billable as a charge. The code is the product's Internal "
        "Reference.",
    )
