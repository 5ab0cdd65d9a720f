from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestBulkWriteOff(MedicalBillingCommon):

    def _bulk(self, charges, **values):
        wizard = self.env["medical.charge.bulk.write.off"].with_user(
            self.billing_manager).with_context(
            active_model="medical.charge", active_ids=charges.ids,
        ).create({"reason_id": self.reason_contractual.id, **values})
        wizard.action_write_off()
        return self.env["medical.write.off.batch"].search([], order="id desc", limit=1)

    def test_bulk_write_off_under_threshold_and_its_deletion(self):
        small = self._post_charge(date_service="2026-03-02")
        small._change_responsibility({"patient": 4.0, "primary": 75.0})
        big = self._post_charge(date_service="2026-03-03")  # patient 30
        batch = self._bulk(small | big, party="patient", mode="under", threshold=10.0)

        self.assertRecordValues(batch, [{"state": "posted", "amount_total": 4.0,
                                         "party": "patient"}])
        self.assertEqual(len(batch.move_id), 1)
        self.assertRecordValues(batch.move_id.line_ids.sorted("id"), [
            {"account_id": self.accounts["write_off"].id, "balance": 4.0,
             "medical_charge_id": small.id, "medical_party_role": False},
            {"account_id": self.accounts["patient"].id, "balance": -4.0,
             "medical_charge_id": small.id, "medical_party_role": "patient"},
        ])
        self.assertRecordValues(small | big, [
            {"patient_due": 0.0, "patient_write_off": 4.0},
            {"patient_due": 30.0, "patient_write_off": 0.0},
        ])
        self.assertTieOut()

        batch.with_user(self.billing_manager).action_delete()
        self.assertEqual(batch.state, "deleted")
        self.assertRecordValues(small, [{"patient_due": 4.0, "patient_write_off": 0.0}])
        self.assertTieOut()

    def test_bulk_write_off_full_balance_of_all_parties(self):
        charges = self._post_charge(date_service="2026-03-02") \
            | self._post_charge(date_service="2026-03-03")
        batch = self._bulk(charges, party="all", mode="full")
        self.assertEqual(batch.amount_total, 158.0)
        self.assertEqual(charges.mapped("balance"), [0.0, 0.0])
        self.assertEqual(charges.mapped("total_write_off"), [79.0, 79.0])
        self.assertTieOut()

    def test_nothing_to_write_off_posts_nothing(self):
        charge = self._post_charge()
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaises(UserError) as error:
            self._bulk(charge, party="patient", mode="under", threshold=5.0)
        self.assertIn("Nothing to write off", str(error.exception))
        with self.assertRaisesRegex(UserError, "threshold above zero"):
            self._bulk(charge, party="patient", mode="under", threshold=0.0)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertFalse(self.env["medical.write.off.batch"].search([]))
