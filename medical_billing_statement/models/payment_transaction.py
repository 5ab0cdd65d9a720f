from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    medical_statement_id = fields.Many2one(
        "medical.statement", string="Patient Statement", readonly=True, index="btree_not_null",
    )
    medical_payment_ids = fields.Many2many(
        "medical.payment", string="Patient Payments", readonly=True, copy=False,
        help="The patient payments this online payment posted.",
    )

    def _post_process(self):
        # A done transaction of a statement posts its patient payments once: a provider
        # that notifies twice finds them already made.
        result = super()._post_process()
        for transaction in self.filtered(
                lambda tx: tx.state == "done" and tx.medical_statement_id
                and not tx.medical_payment_ids):
            payments = transaction.medical_statement_id._pay_online(transaction)
            transaction.medical_payment_ids = payments
        return result
