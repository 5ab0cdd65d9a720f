from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..models.res_company import BILLING_ACCOUNTS, BILLING_JOURNALS, UNCOVERED_CHARGE_POLICIES

SETTINGS_FIELDS = [
    *(field_name for field_name, *__ in BILLING_JOURNALS + BILLING_ACCOUNTS),
    "medical_uncovered_charges",
]


class MedicalBillingSettings(models.TransientModel):
    """The billing section of the settings, for the Billing Manager.

    Odoo's Settings (res.config.settings) are for system administrators only: its access
    rights and its ``execute`` require base.group_system. This screen shows the company's
    billing journals and accounts and saves them on the company for a Billing Manager,
    who has no right to write companies: the save checks the manager's group and
    company itself, then writes only these fields."""

    _name = "medical.billing.settings"
    _description = "Billing Settings"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company,
    )
    medical_charge_journal_id = fields.Many2one(
        "account.journal", string="Charges Journal", check_company=True,
        domain="[('type', '=', 'general')]",
    )
    medical_adjustment_journal_id = fields.Many2one(
        "account.journal", string="Adjustments Journal", check_company=True,
        domain="[('type', '=', 'general')]",
    )
    medical_payment_journal_id = fields.Many2one(
        "account.journal", string="Patient Payments Journal", check_company=True,
        domain="[('type', 'in', ('cash', 'bank'))]",
    )
    medical_payer_payment_journal_id = fields.Many2one(
        "account.journal", string="Insurance Payments Journal", check_company=True,
        domain="[('type', 'in', ('cash', 'bank'))]",
    )
    medical_credit_forward_account_id = fields.Many2one(
        "account.account", string="Credit Forward Account", check_company=True,
    )
    medical_patient_receivable_account_id = fields.Many2one(
        "account.account", string="Patient Receivable Account", check_company=True,
        domain="[('account_type', '=', 'asset_receivable')]",
    )
    medical_payer_receivable_account_id = fields.Many2one(
        "account.account", string="Insurance Receivable Account", check_company=True,
        domain="[('account_type', '=', 'asset_receivable')]",
    )
    medical_revenue_account_id = fields.Many2one(
        "account.account", string="Service Revenue Account", check_company=True,
    )
    medical_fee_schedule_account_id = fields.Many2one(
        "account.account", string="Fee Schedule Write-off Account", check_company=True,
    )
    medical_write_off_account_id = fields.Many2one(
        "account.account", string="Default Write-off Account", check_company=True,
    )

    medical_uncovered_charges = fields.Selection(
        UNCOVERED_CHARGE_POLICIES, string="Charges No Policy Covers", required=True,
        default="warn",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        for field_name in SETTINGS_FIELDS:
            if field_name in fields_list:
                values[field_name] = self._fields[field_name].convert_to_write(
                    company[field_name], company)
        return values

    def action_save(self):
        self.ensure_one()
        if not self.env.user.has_group("medical_billing.group_medical_billing_manager"):
            raise AccessError(_("Only a Billing Manager changes the billing settings."))
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(_(
                "You can't change the billing settings of %(company)s: it is not one of "
                "your companies.", company=self.company_id.name,
            ))
        # The manager has no right to write companies: write these fields only, after the
        # checks above (and the company checks of the fields on this screen).
        self.company_id.sudo().write({
            field_name: self._fields[field_name].convert_to_write(self[field_name], self)
            for field_name in SETTINGS_FIELDS
        })
        return {"type": "ir.actions.client", "tag": "reload"}
