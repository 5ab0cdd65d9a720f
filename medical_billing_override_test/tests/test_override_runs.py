from freezegun import freeze_time

from odoo.addons.medical_billing.models.medical_complete_values import medical_kept_fields
from odoo.addons.medical_billing.tests.common import MedicalBillingCommon
from odoo.tests import tagged

from ..models.account_move_line import COMPUTED_KEY


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestOverrideRuns(MedicalBillingCommon):

    def test_an_overridden_computation_runs_on_billing_entries(self):
        self.env.cr.cache.pop(COMPUTED_KEY, None)
        charge = self._post_charge(self.code_supplement)  # taxed: a tax item too
        entry_items = charge.move_id.line_ids
        self.assertGreaterEqual(len(entry_items), 3)
        self.assertLessEqual(set(entry_items.ids), self.env.cr.cache.get(COMPUTED_KEY, set()))
        kept = medical_kept_fields(self.env["account.move.line"])
        # The overridden field is computed by Odoo; the others keep the values given.
        self.assertNotIn("price_subtotal", kept)
        self.assertNotIn("price_total", kept)
        self.assertIn("amount_residual", kept)
        self.assertIn("tax_tag_invert", kept)

        # An override of a value given as input (the account) leaves the input alone.
        self.assertNotIn("account_id", kept)
        receivables = charge.ledger_line_ids.filtered("medical_party_role")
        self.assertTrue(receivables)
        self.assertLessEqual(receivables.account_id,
                             self.accounts["patient"] | self.accounts["payer"])
        self.assertTieOut()
