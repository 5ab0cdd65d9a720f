from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..models.res_company import BILLING_ACCOUNTS, BILLING_JOURNALS, ResCompany

SETTINGS_FIELDS = [
    *(field_name for field_name, *__ in BILLING_JOURNALS + BILLING_ACCOUNTS),
    "medical_uncovered_charges",
]

# What a settings field takes from the company field it edits.
SETTING_ATTRIBUTES = ("comodel_name", "selection", "string", "help", "size", "domain",
                      "check_company", "required", "default")


def setting_field(company_field):
    """A field of the settings screen shaped as ``company_field`` (a field of the
    res.company class that defines it): same type, label, help, choices and domain."""
    return type(company_field)(**{
        key: value for key, value in company_field.args.items() if key in SETTING_ATTRIBUTES
    })


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
    # Shaped as the company's own fields, not related to them: a related field would write
    # the company as soon as the screen is saved, before action_save checks the user.
    medical_charge_journal_id = setting_field(ResCompany.medical_charge_journal_id)
    medical_adjustment_journal_id = setting_field(ResCompany.medical_adjustment_journal_id)
    medical_payment_journal_id = setting_field(ResCompany.medical_payment_journal_id)
    medical_payer_payment_journal_id = setting_field(
        ResCompany.medical_payer_payment_journal_id)
    medical_credit_forward_account_id = setting_field(
        ResCompany.medical_credit_forward_account_id)
    medical_patient_receivable_account_id = setting_field(
        ResCompany.medical_patient_receivable_account_id)
    medical_payer_receivable_account_id = setting_field(
        ResCompany.medical_payer_receivable_account_id)
    medical_revenue_account_id = setting_field(ResCompany.medical_revenue_account_id)
    medical_fee_schedule_account_id = setting_field(ResCompany.medical_fee_schedule_account_id)
    medical_write_off_account_id = setting_field(ResCompany.medical_write_off_account_id)
    medical_unapplied_payer_account_id = setting_field(
        ResCompany.medical_unapplied_payer_account_id)
    medical_payer_interest_account_id = setting_field(
        ResCompany.medical_payer_interest_account_id)
    medical_payer_recoupment_account_id = setting_field(
        ResCompany.medical_payer_recoupment_account_id)
    medical_payer_withholding_account_id = setting_field(
        ResCompany.medical_payer_withholding_account_id)
    medical_uncovered_charges = setting_field(ResCompany.medical_uncovered_charges)

    @api.model
    def _settings_fields(self):
        """The company fields this screen shows and saves (apps add theirs)."""
        return list(SETTINGS_FIELDS)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        for field_name in self._settings_fields():
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
            for field_name in self._settings_fields()
        })
        return {"type": "ir.actions.client", "tag": "reload"}
