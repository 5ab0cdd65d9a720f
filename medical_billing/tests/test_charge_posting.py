from freezegun import freeze_time

from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestChargePosting(MedicalBillingCommon):

    def test_company_gets_billing_journals_and_accounts(self):
        company = self.company
        self.assertEqual(company.medical_charge_journal_id.type, "general")
        self.assertEqual(company.medical_adjustment_journal_id.type, "general")
        self.assertEqual(self.accounts["patient"].account_type, "asset_receivable")
        self.assertTrue(self.accounts["payer"].reconcile)
        self.assertNotEqual(self.accounts["patient"], self.accounts["payer"])

    def test_visit_posts_one_balanced_entry_with_fee_schedule_and_tax(self):
        self.case.fee_schedule_id = self.fee_schedule
        charges = self._create_charges(
            {"product_id": self.code_exercise.id, "units": 2},
            {"product_id": self.code_supplement.id, "units": 2},
        )
        exercise, supplement = charges
        self.assertRecordValues(charges, [
            {"price_unit": 100.0, "fee_price_unit": 80.0, "amount_list_untaxed": 200.0,
             "amount_list_tax": 0.0, "amount_list_total": 200.0, "amount_fee_untaxed": 160.0,
             "amount_fee_tax": 0.0, "amount_fee_total": 160.0, "amount_fee_write_off": 40.0},
            {"price_unit": 20.0, "fee_price_unit": 15.0, "amount_list_untaxed": 40.0,
             "amount_list_tax": 4.0, "amount_list_total": 44.0, "amount_fee_untaxed": 30.0,
             "amount_fee_tax": 3.0, "amount_fee_total": 33.0, "amount_fee_write_off": 10.0},
        ])
        charges.action_post()

        move = charges.move_id
        self.assertEqual(len(move), 1, "One entry for the visit")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.company.medical_charge_journal_id)
        patient, payer = self.patient, self.payer_primary
        self.assertRecordValues(move.line_ids.sorted("id"), [
            # Exercise: revenue at the price list, fee schedule write-off, copay to the patient.
            {"account_id": self.accounts["revenue"].id, "balance": -200.0, "partner_id": patient.id,
             "medical_charge_id": exercise.id, "medical_party_role": False},
            {"account_id": self.accounts["fee_schedule"].id, "balance": 40.0,
             "partner_id": patient.id, "medical_charge_id": exercise.id,
             "medical_party_role": False},
            {"account_id": self.accounts["patient"].id, "balance": 30.0, "partner_id": patient.id,
             "medical_charge_id": exercise.id, "medical_party_role": "patient"},
            {"account_id": self.accounts["payer"].id, "balance": 130.0, "partner_id": payer.id,
             "medical_charge_id": exercise.id, "medical_party_role": "primary"},
            # Supplement: tax on the fee schedule price; the copay is used up.
            {"account_id": self.accounts["revenue"].id, "balance": -40.0, "partner_id": patient.id,
             "medical_charge_id": supplement.id, "medical_party_role": False},
            {"account_id": self.accounts["fee_schedule"].id, "balance": 10.0,
             "partner_id": patient.id, "medical_charge_id": supplement.id,
             "medical_party_role": False},
            {"account_id": self.sales_tax.invoice_repartition_line_ids.filtered(
                lambda r: r.repartition_type == "tax").account_id.id,
             "balance": -3.0, "partner_id": patient.id,
             "medical_charge_id": supplement.id, "medical_party_role": False},
            {"account_id": self.accounts["payer"].id, "balance": 33.0, "partner_id": payer.id,
             "medical_charge_id": supplement.id, "medical_party_role": "primary"},
        ])
        self.assertRecordValues(charges, [
            {"state": "posted", "patient_responsibility": 30.0, "patient_due": 30.0,
             "primary_responsibility": 130.0, "primary_due": 130.0, "balance": 160.0,
             "total_write_off": 40.0, "primary_payer_id": payer.id,
             "secondary_payer_id": self.payer_secondary.id},
            {"state": "posted", "patient_responsibility": 0.0, "patient_due": 0.0,
             "primary_responsibility": 33.0, "primary_due": 33.0, "balance": 33.0,
             "total_write_off": 10.0, "primary_payer_id": payer.id,
             "secondary_payer_id": self.payer_secondary.id},
        ])
        self.assertEqual(move.line_ids.filtered("tax_line_id").tax_line_id, self.sales_tax)
        self.assertEqual(self.case.balance, 193.0)
        self.assertEqual(self.patient.medical_balance, 30.0)
        self.assertTieOut()

    def test_two_visits_make_two_entries(self):
        charges = self._create_charges(
            {"product_id": self.code_adjustment.id, "date_service": "2026-03-02"},
            {"product_id": self.code_adjustment.id, "date_service": "2026-03-03"},
        )
        charges.action_post()
        self.assertEqual(len(charges.move_id), 2)
        # The copay applies once per visit: each visit's patient share is 30.00.
        self.assertEqual(charges.mapped("patient_responsibility"), [30.0, 30.0])
        self.assertTieOut()

    def test_visits_of_one_day_share_an_entry_and_each_pays_its_copay(self):
        other_case = self.case.copy({"name": "Neck pain"})
        charges = self._create_charges(
            {"product_id": self.code_adjustment.id},
            {"product_id": self.code_exercise.id},
        ) | self._create_charges({"product_id": self.code_adjustment.id}, case=other_case)
        charges.action_post()
        move = charges.move_id
        self.assertEqual(len(move), 1)
        self.assertEqual(move.ref, "Charges, DOS 2026-03-02")
        self.assertNotIn(self.patient.name, move.ref)
        # The copay applies once per visit (case and DOS): 30.00 on each case's first charge.
        self.assertEqual(charges.mapped("patient_responsibility"), [30.0, 0.0, 30.0])
        self.assertEqual(sum(move.line_ids.mapped("balance")), 0.0)
        self.assertTieOut()

    def test_coinsurance_goes_to_patient(self):
        self.policy_primary.write({"copay_amount": 0.0, "coinsurance_percent": 20.0})
        charge = self._post_charge(self.code_exercise)
        self.assertRecordValues(charge, [
            {"patient_responsibility": 20.0, "primary_responsibility": 80.0, "balance": 100.0},
        ])

    def test_no_policy_in_force_patient_owes_all(self):
        self.policy_primary.date_end = "2026-02-28"
        charge = self._post_charge()
        self.assertRecordValues(charge, [
            {"patient_responsibility": 79.0, "primary_responsibility": 0.0,
             "primary_payer_id": False, "balance": 79.0},
        ])
        self.assertRecordValues(self._receivable_lines(charge), [
            {"account_id": self.accounts["patient"].id, "partner_id": self.patient.id,
             "balance": 79.0, "amount_residual": 79.0},
        ])
        self.assertTieOut()

    def test_aging_buckets_and_marker(self):
        modifier = self.env["medical.modifier"].create({"code": "GO", "name": "OT plan"})
        dates = ["2026-03-01", "2026-02-01", "2026-01-05", "2025-12-01"]
        charges = self._create_charges(*[
            {"product_id": self.code_adjustment.id, "date_service": date} for date in dates
        ])
        charges[0].modifier1_id = modifier
        charges.action_post()
        self.assertEqual(charges.mapped("aging_bucket"), ["current", "30_60", "60_90", "over_90"])
        self.assertEqual(charges.mapped("aging_color"), [10, 3, 2, 1])
        self.assertEqual(charges.mapped("has_details"), [True, False, False, False])
        Charge = self.env["medical.charge"]
        self.assertEqual(Charge.search([("aging_bucket", "=", "60_90")]), charges[2])
        self.assertEqual(Charge.search([("balance", "!=", 0), ("id", "in", charges.ids)]), charges)

    def test_front_desk_posts_charges(self):
        charge = self._create_charges({"product_id": self.code_adjustment.id})
        charge.with_user(self.front_desk).action_post()
        self.assertEqual(charge.state, "posted")
        self.assertEqual(charge.with_user(self.front_desk).patient_due, 30.0)

    def test_posting_logs_one_message_on_the_case(self):
        """A batch posts thousands of charges: the case's chatter says which were posted and
        in which entry, instead of a tracking message on every charge."""
        # With mail tracking, which the accounting test base turns off.
        self.env = self.env(context={**self.env.context, "tracking_disable": False,
                                     "mail_notrack": False})
        charges = self._create_charges(
            {"product_id": self.code_exercise.id},
            {"product_id": self.code_adjustment.id},
        )
        self.env.flush_all()
        self.env.cr.precommit.run()  # as if the charges were saved before posting
        charge_messages = charges.message_ids
        case_messages = self.case.message_ids
        charges.with_user(self.front_desk).action_post()
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking messages are made at commit
        self.assertEqual(charges.mapped("state"), ["posted", "posted"])
        self.assertEqual(charges.message_ids, charge_messages)
        logged = self.case.message_ids - case_messages
        self.assertEqual(len(logged), 1)
        for charge in charges:
            self.assertIn(charge.display_name, logged.body)
        self.assertIn(charges.move_id.name, logged.body)
        self.assertEqual(logged.author_id, self.front_desk.partner_id)
