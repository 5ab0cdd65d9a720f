from odoo.tests import Form, tagged

from .common import MedicalBillingCommon


@tagged("post_install", "-at_install")
class TestBillingSetup(MedicalBillingCommon):
    """The first-run checklist says what each step still misses, and opens its screen."""

    def _open(self):
        with Form(self.env["medical.billing.setup"].with_user(self.billing_manager)) as form:
            pass
        return {step.name: step for step in form.record.step_ids}, form.record

    def test_missing_steps_are_named(self):
        self.env["medical.provider"].search([]).active = False
        self.env["medical.clinic"].search([]).active = False
        self.env["medical.provider"].create({"name": "Dr. Wrong NPI", "npi": False,
                                             "is_billing": True})
        steps, setup = self._open()
        providers = next(step for name, step in steps.items() if name.startswith("Providers"))
        self.assertFalse(providers.done)
        self.assertIn("Dr. Wrong NPI", providers.missing)
        clinics = next(step for name, step in steps.items() if name.startswith("Clinics"))
        self.assertFalse(clinics.done)
        self.assertEqual(clinics.missing, "Add at least one clinic.")
        accounts = next(step for name, step in steps.items() if name.startswith("Chart"))
        self.assertTrue(accounts.done, "The chart of accounts made the billing accounts.")
        self.assertFalse(accounts.missing)
        codes = next(step for name, step in steps.items() if name.startswith("CPT"))
        self.assertTrue(codes.done)
        self.assertGreaterEqual(setup.missing_count, 2)
        action = providers.action_open()
        self.assertEqual(action["res_model"], "medical.provider")

    def test_missing_accounts_are_named(self):
        self.company.medical_write_off_account_id = False
        steps, __ = self._open()
        accounts = next(step for name, step in steps.items() if name.startswith("Chart"))
        self.assertFalse(accounts.done)
        self.assertEqual(accounts.missing, "Missing: Default Write-off Account.")

    def test_the_app_opens_on_the_setup_until_it_is_done(self):
        Setup = self.env["medical.billing.setup"]
        self.company.medical_write_off_account_id = False
        action = Setup.with_user(self.billing_manager)._home_action()
        self.assertEqual(action["res_model"], "medical.billing.setup")
        # Front desk never lands on the setup; with the setup done, neither does anyone.
        action = Setup.with_user(self.front_desk)._home_action()
        self.assertNotEqual(action["res_model"], "medical.billing.setup")
        self.company.medical_write_off_account_id = self.accounts["write_off"]
        self.env["medical.clinic"].create({"name": "Main",
                                           "partner_id": self.company.partner_id.id})
        steps = Setup.new({"company_id": self.company.id})._steps()
        missing = [step["name"] for step in steps if not step["done"] and not step["optional"]]
        action = Setup.with_user(self.billing_manager)._home_action()
        self.assertEqual(action["res_model"] == "medical.billing.setup", bool(missing),
                         missing)
        # The first screen of the app's menu otherwise, as a plain window action; the
        # app's home action runs for every role that sees the app.
        home = self.env.ref("medical_billing.medical_billing_home_action")
        for user in (self.front_desk, self.biller, self.accountant):
            action = home.with_user(user).run()
            self.assertEqual(action["type"], "ir.actions.act_window", user.login)
            self.assertNotEqual(action["res_model"], "medical.billing.setup", user.login)
