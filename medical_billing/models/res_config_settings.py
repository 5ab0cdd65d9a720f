from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    medical_charge_journal_id = fields.Many2one(
        related="company_id.medical_charge_journal_id", readonly=False,
    )
    medical_adjustment_journal_id = fields.Many2one(
        related="company_id.medical_adjustment_journal_id", readonly=False,
    )
    medical_payment_journal_id = fields.Many2one(
        related="company_id.medical_payment_journal_id", readonly=False,
    )
    medical_payer_payment_journal_id = fields.Many2one(
        related="company_id.medical_payer_payment_journal_id", readonly=False,
    )
    medical_credit_forward_account_id = fields.Many2one(
        related="company_id.medical_credit_forward_account_id", readonly=False,
    )
    medical_patient_receivable_account_id = fields.Many2one(
        related="company_id.medical_patient_receivable_account_id", readonly=False,
    )
    medical_payer_receivable_account_id = fields.Many2one(
        related="company_id.medical_payer_receivable_account_id", readonly=False,
    )
    medical_revenue_account_id = fields.Many2one(
        related="company_id.medical_revenue_account_id", readonly=False,
    )
    medical_fee_schedule_account_id = fields.Many2one(
        related="company_id.medical_fee_schedule_account_id", readonly=False,
    )
    medical_write_off_account_id = fields.Many2one(
        related="company_id.medical_write_off_account_id", readonly=False,
    )
