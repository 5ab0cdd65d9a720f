from odoo import api, fields, models


class MedicalFeeScheduleLine(models.Model):
    _name = "medical.fee.schedule.line"
    _description = "Fee Schedule Price"
    _order = "fee_schedule_id, product_id"
    _check_company_auto = True

    fee_schedule_id = fields.Many2one(
        "medical.fee.schedule", required=True, ondelete="cascade", index=True,
    )
    company_id = fields.Many2one(related="fee_schedule_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="fee_schedule_id.currency_id")
    product_id = fields.Many2one(
        "product.product", string="Code", required=True, check_company=True,
        domain="[('medical_code_type', '!=', False)]",
    )
    list_price = fields.Float(
        related="product_id.lst_price", string="Price List", digits="Product Price",
    )
    price = fields.Monetary(string="Fee Schedule Price", required=True)
    tax_ids = fields.Many2many(
        "account.tax", string="Taxes", check_company=True,
        compute="_compute_tax_ids", store=True, readonly=False,
        domain="[('type_tax_use', '=', 'sale')]",
    )

    _sql_constraints = [
        (
            "product_uniq",
            "unique(fee_schedule_id, product_id)",
            "A code can only have one price per fee schedule.",
        ),
    ]

    @api.depends("product_id")
    def _compute_tax_ids(self):
        for line in self:
            line.tax_ids = line.product_id.taxes_id.filtered_domain(
                self.env["account.tax"]._check_company_domain(line.company_id)
            )
