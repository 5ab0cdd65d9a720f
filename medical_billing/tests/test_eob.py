from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestEob(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy_primary.copay_amount = 0.0  # the primary owes the whole 79.00
        cls.bank_account = cls.company.medical_payer_payment_journal_id.default_account_id

    def _eob(self, charge, paid, adjustments, total=None, payer=None):
        return self.env["medical.eob"].create({
            "payer_id": (payer or self.payer_primary).id,
            "reference": "CHK-5521",
            "date": "2026-03-09",
            "amount_total": paid if total is None else total,
            "line_ids": [Command.create({
                "charge_id": charge.id,
                "allowed": 60.0,
                "paid": paid,
                "remark_codes": "N130",
                "adjustment_ids": [
                    Command.create({"group_code": group, "reason_code": reason, "amount": amount})
                    for group, reason, amount in adjustments
                ],
            })],
        })

    def test_eob_pays_writes_off_and_moves_coinsurance_to_secondary(self):
        charge = self._post_charge()
        eob = self._eob(charge, 50.0, [("CO", "45", 19.0), ("PR", "2", 10.0)])
        eob.with_user(self.biller).action_post()

        self.assertEqual(eob.move_id.journal_id, self.company.medical_payer_payment_journal_id)
        primary, secondary = self.payer_primary, self.payer_secondary
        self.assertRecordValues(eob.move_id.line_ids.sorted("id"), [
            {"account_id": self.bank_account.id, "partner_id": primary.id, "balance": 50.0,
             "medical_party_role": False, "medical_entry_kind": False,
             "medical_adjustment_group": False, "medical_adjustment_reason": False},
            {"account_id": self.accounts["payer"].id, "partner_id": primary.id, "balance": -50.0,
             "medical_party_role": "primary", "medical_entry_kind": "payment",
             "medical_adjustment_group": False, "medical_adjustment_reason": False},
            {"account_id": self.accounts["write_off"].id, "partner_id": primary.id,
             "balance": 19.0, "medical_party_role": False, "medical_entry_kind": "write_off",
             "medical_adjustment_group": "CO", "medical_adjustment_reason": "45"},
            {"account_id": self.accounts["payer"].id, "partner_id": primary.id, "balance": -19.0,
             "medical_party_role": "primary", "medical_entry_kind": "write_off",
             "medical_adjustment_group": "CO", "medical_adjustment_reason": "45"},
            {"account_id": self.accounts["payer"].id, "partner_id": primary.id, "balance": -10.0,
             "medical_party_role": "primary", "medical_entry_kind": "responsibility",
             "medical_adjustment_group": "PR", "medical_adjustment_reason": "2"},
            {"account_id": self.accounts["payer"].id, "partner_id": secondary.id,
             "balance": 10.0, "medical_party_role": "secondary",
             "medical_entry_kind": "responsibility",
             "medical_adjustment_group": "PR", "medical_adjustment_reason": "2"},
        ])
        self.assertRecordValues(charge, [{
            "primary_responsibility": 69.0, "primary_paid": 50.0, "primary_write_off": 19.0,
            "primary_due": 0.0, "secondary_responsibility": 10.0, "secondary_due": 10.0,
            "patient_due": 0.0, "balance": 10.0, "has_details": True,
        }])
        self.assertEqual(self.patient.medical_eob_ids, eob)
        self.assertTieOut()

        eob._delete("Keyed against the wrong charge")
        self.assertEqual(eob.state, "deleted")
        self.assertRecordValues(charge, [{
            "primary_responsibility": 79.0, "primary_paid": 0.0, "primary_due": 79.0,
            "secondary_due": 0.0, "balance": 79.0,
        }])
        self.assertTieOut()

    def test_patient_responsibility_goes_to_patient_without_next_payer(self):
        self.case.secondary_policy_id = False
        charge = self._post_charge()
        self._eob(charge, 40.0, [("CO", "45", 19.0), ("PR", "1", 15.0), ("PR", "3", 5.0)]) \
            .action_post()
        self.assertRecordValues(charge, [{
            "primary_due": 0.0, "patient_responsibility": 20.0, "patient_due": 20.0,
            "secondary_due": 0.0,
        }])
        self.assertTieOut()

    def test_unexplained_amount_stays_with_payer(self):
        charge = self._post_charge()
        self._eob(charge, 50.0, [("CO", "45", 19.0)]).action_post()
        self.assertRecordValues(charge, [{"primary_due": 10.0, "primary_paid": 50.0}])

    def test_bad_eobs_are_refused_and_post_nothing(self):
        charge = self._post_charge()
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "difference .*5.00"):
            self._eob(charge, 50.0, [], total=55.0).action_post()
        with self.assertRaisesRegex(UserError, "is not a payer of charge"):
            self._eob(charge, 10.0, [], payer=self._create_payer("Other", "OTH")).action_post()
        with self.assertRaisesRegex(UserError, "only owes"):
            self._eob(charge, 70.0, [("CO", "45", 19.0)]).action_post()
        with self.assertRaisesRegex(UserError, "negative amount"):
            self._eob(charge, 10.0, [("CO", "45", -1.0)]).action_post()
        with self.assertRaisesRegex(UserError, "charge lines"):
            self.env["medical.eob"].create({
                "payer_id": self.payer_primary.id, "reference": "X", "amount_total": 0.0,
            }).action_post()
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(charge.primary_due, 79.0)
