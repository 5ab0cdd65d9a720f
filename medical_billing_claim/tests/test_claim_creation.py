from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import MedicalClaimCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestClaimCreation(MedicalClaimCommon):

    def _visits(self, count, **values):
        """``count`` posted charges, one per DOS, newest first (to prove DOS ordering)."""
        return self.env["medical.charge"].union(*(
            self._billable_charge(date=f"2026-02-{day:02d}", **values)
            for day in range(count, 0, -1)
        ))

    def test_paper_claims_hold_six_lines_in_dos_order(self):
        self.payer_primary.payer_submission = "paper"
        charges = self._visits(8)
        claims = self._claims_for(charges).sorted("id")

        self.assertEqual(len(claims), 2)
        self.assertEqual(claims.mapped("submission"), ["paper", "paper"])
        first, second = claims
        self.assertEqual(first.line_ids.mapped("date_service"),
                         sorted(charges.mapped("date_service"))[:6])
        self.assertEqual(len(second.line_ids), 2)
        self.assertRecordValues(claims, [
            {"payer_id": self.payer_primary.id, "payer_role": "primary", "state": "draft",
             "policy_id": self.policy_primary.id, "billing_provider_id": self.billing_provider.id,
             "amount_total": 6 * 79.0, "amount_due": 6 * 79.0, "frequency_code": "1",
             "version": 1, "is_current": True},
            {"payer_id": self.payer_primary.id, "payer_role": "primary", "state": "draft",
             "policy_id": self.policy_primary.id, "billing_provider_id": self.billing_provider.id,
             "amount_total": 2 * 79.0, "amount_due": 2 * 79.0, "frequency_code": "1",
             "version": 1, "is_current": True},
        ])
        # What the payer owes on the claim is its receivable items, not a figure of the claim.
        items = self.env["account.move.line"].search([
            ("medical_charge_id", "in", first.line_ids.charge_id.ids),
            ("medical_party_role", "=", "primary"), ("parent_state", "=", "posted"),
        ])
        self.assertAlmostEqual(sum(items.mapped("amount_residual")), first.amount_due)
        self.assertEqual(first.event_ids.mapped("kind"), ["created"])

    def test_electronic_claim_takes_fifty_lines_and_billing_providers_split(self):
        charges = self._visits(8)
        other_provider = self.billing_provider.copy(
            {"name": "Second Location", "npi": "1003000126"})
        charges[:3].billing_provider_id = other_provider
        claims = self._claims_for(charges)

        self.assertEqual(len(claims), 2)
        by_provider = {claim.billing_provider_id: claim for claim in claims}
        self.assertEqual(len(by_provider[other_provider].line_ids), 3)
        self.assertEqual(len(by_provider[self.billing_provider].line_ids), 5)
        self.assertEqual(set(claims.mapped("submission")), {"electronic"})

    def test_claim_line_bills_the_fee_schedule_total_with_codes(self):
        self.case.fee_schedule_id = self.fee_schedule
        modifier = self._modifier("GP", "Therapy")
        charge = self._billable_charge(self.code_exercise, units=2, modifier1_id=modifier.id)
        charge.diagnosis_ids = self.case.diagnosis_ids[1] | self.case.diagnosis_ids[3]
        claim = self._claims_for(charge)

        self.assertRecordValues(claim.line_ids, [{
            "charge_id": charge.id, "amount": 160.0, "units": 2.0, "modifiers": "GP",
            "diagnosis_pointers": "BD", "place_of_service": "11",
            "rendering_provider_id": self.provider.id, "date_service": charge.date_service,
        }])
        self.assertAlmostEqual(claim.line_ids.amount, charge.amount_fee_total)

    def test_a_charge_is_never_on_two_active_claims_of_one_payer_rank(self):
        charge = self._billable_charge()
        claim = self._claims_for(charge)
        self.assertFalse(self.env["medical.charge"].search([
            ("id", "=", charge.id), ("claim_ready", "=", True)]))

        wizard = self.env["medical.claim.create"].with_context(
            active_model="medical.charge", active_ids=charge.ids).create({})
        self.assertEqual(wizard.claim_count, 0)
        self.assertEqual(wizard.problem_ids.problem, f"Already on claim {claim.name}")
        with self.assertRaisesRegex(UserError, "None of these charges can be billed"):
            wizard.action_create_claims()
        self.assertEqual(charge.claim_line_ids.claim_id, claim)

        # The database keeps the rule too, for two users billing at the same moment.
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["medical.claim"]._create_versions([
                self.env["medical.claim.create"]._prepare_claim_vals(
                    self.case, "primary", self.policy_primary, self.billing_provider,
                    "electronic", charge),
            ])

    def test_blocked_charges_are_listed_with_what_is_missing(self):
        ready = self._billable_charge(date="2026-02-01")
        held = self._billable_charge(date="2026-02-02", hold_claim=True)
        no_pointer = self._billable_charge(date="2026-02-03")
        no_pointer.diagnosis_ids = False
        no_provider = self._billable_charge(date="2026-02-04", billing_provider_id=False)
        no_npi_provider = self.billing_provider.copy({"name": "No NPI Yet", "npi": False})
        no_npi = self._billable_charge(date="2026-02-05", billing_provider_id=no_npi_provider.id)
        charges = ready | held | no_pointer | no_provider | no_npi
        self.payer_primary.payer_code = False

        wizard = Form(self.env["medical.claim.create"].with_context(
            active_model="medical.charge", active_ids=charges.ids))
        self.assertEqual(wizard.claim_count, 0)
        self.assertEqual(len(wizard.problem_ids), 5)
        problems = {line.charge_id: line.problem for line in wizard.save().problem_ids}
        for charge in charges:
            self.assertIn("Electronic payer Blue Harbor Health has no payer id", problems[charge])
        self.assertIn("Held off claims", problems[held])
        self.assertIn("No diagnosis pointer", problems[no_pointer])
        self.assertIn("No billing provider", problems[no_provider])
        self.assertIn("Billing provider No NPI Yet has no NPI", problems[no_npi])

        # Once the payer id is filled in, only the charges lacking data stay out.
        self.payer_primary.payer_code = "BHH01"
        wizard = Form(self.env["medical.claim.create"].with_context(
            active_model="medical.charge", active_ids=charges.ids))
        wizard.payer_role = "primary"
        self.assertEqual(wizard.claim_count, 1)
        self.assertEqual(wizard.billable_count, 1)
        action = wizard.save().action_create_claims()
        claim = self.env["medical.claim"].browse(action["res_id"])
        self.assertEqual(claim.line_ids.charge_id, ready)
        self.assertFalse((charges - ready).claim_line_ids)

    def test_ready_to_bill_lists_open_payer_shares_off_active_claims(self):
        billed = self._billable_charge(date="2026-02-01")
        waiting = self._billable_charge(date="2026-02-02")
        held = self._billable_charge(date="2026-02-03", hold_claim=True)
        self._claims_for(billed)
        self_pay = self._billable_charge(case=self.env["medical.case"].create({
            "name": "Self pay", "patient_id": self.patient.id, "date_start": "2026-01-01"}))

        ready = self.env["medical.charge"].search([("claim_ready", "=", True)])
        self.assertEqual(ready & (billed | waiting | held | self_pay), waiting)
        self.assertEqual(waiting.claim_ready, True)
        self.assertEqual(billed.claim_ready, False)

        # From the case, Create Claims takes every charge ready to bill.
        wizard = Form.from_action(self.env, self.case.action_create_claims())
        self.assertEqual(wizard.save().charge_ids, waiting)

    def test_secondary_claim_after_the_primary_eob(self):
        charge = self._billable_charge()
        primary_claim = self._claims_for(charge)
        self.assertFalse(primary_claim.amount_prior_paid)
        eob = self._eob(charge, 40.0, [("CO", "45", 9.0), ("PR", "2", 30.0)])
        eob.action_post()

        self.assertEqual(primary_claim.state, "paid")
        self.assertTrue(primary_claim.has_payment)
        secondary_claim = self._claims_for(charge, payer_role="secondary")
        self.assertRecordValues(secondary_claim, [{
            "payer_id": self.payer_secondary.id, "payer_role": "secondary",
            "submission": "paper", "amount_total": 79.0, "amount_due": 30.0,
            "amount_prior_paid": 40.0,
        }])
        [prior] = secondary_claim.line_ids._prior_adjudications()
        self.assertEqual(prior["payer"], self.payer_primary)
        self.assertEqual(prior["paid"], 40.0)
        self.assertEqual(prior["adjustments"], [("CO", "45", 9.0), ("PR", "2", 30.0)])
        self.assertEqual(str(prior["date"]), "2026-03-09")

    def test_payment_events_paid_partly_paid_denied_and_follow_up(self):
        paid, partial, denied = (self._billable_charge(date=f"2026-02-0{day}")
                                 for day in (1, 2, 3))
        claims = {charge: self._claims_for(charge) for charge in (paid, partial, denied)}
        self.env["medical.claim.follow.up"].with_user(self.front_desk).with_context(
            active_model="medical.claim", active_ids=claims[partial].ids,
        ).create({"note": "Called the payer: in process."}).action_add_note()
        self.assertEqual(claims[partial].follow_up_note, "Called the payer: in process.")

        self._eob(paid, 70.0, [("CO", "45", 9.0)]).action_post()
        self._eob(partial, 50.0, []).action_post()
        self._eob(denied, 0.0, []).action_post()

        self.assertEqual(claims[paid].state, "paid")
        self.assertEqual(claims[partial].state, "partial")
        self.assertEqual(claims[denied].state, "denied")
        self.assertAlmostEqual(claims[partial].amount_due, 29.0)
        # Paid against: the note leaves the lists and stays in the history.
        self.assertFalse(claims[partial].follow_up_note)
        self.assertEqual(
            claims[partial].event_ids.sorted("id").mapped("kind"), ["created", "note", "payment"])

    def test_front_desk_creates_claims_and_only_billers_rebill(self):
        charge = self._billable_charge()
        claim = self._claims_for(charge, user=self.front_desk)
        self.assertEqual(claim.create_uid, self.front_desk)
        with self.assertRaises(AccessError):
            self.env["medical.claim.rebill"].with_user(self.front_desk).with_context(
                active_model="medical.claim", active_ids=claim.ids).create({"mode": "void"})
        # Claims are documents of billing code: no field is written by hand.
        with self.assertRaisesRegex(UserError, "never directly"):
            claim.with_user(self.front_desk).write({"state": "paid"})
        with self.assertRaisesRegex(UserError, "kept as posted"):
            claim.line_ids.with_user(self.front_desk).write({"units": 3})
        with self.assertRaises(UserError):
            self.env["medical.claim.event"].with_user(self.front_desk).create({
                "claim_id": claim.id, "kind": "payment", "claim_state": "paid"})
        self.assertEqual(claim.state, "draft")
        # The accountant reads claims, never writes them.
        self.assertEqual(claim.with_user(self.accountant).amount_total, 79.0)
        with self.assertRaises(AccessError):
            self.env["medical.claim.create"].with_user(self.accountant).with_context(
                active_model="medical.charge", active_ids=charge.ids).create({})

    def test_claims_stay_in_their_company(self):
        charge = self._billable_charge()
        claim = self._claims_for(charge)
        other_company = self.setup_other_company()["company"]
        outsider = self.front_desk.copy({
            "login": "front_desk_b", "company_id": other_company.id,
            "company_ids": [Command.set(other_company.ids)],
        })
        self.assertFalse(self.env["medical.claim"].with_user(outsider).search(
            [("id", "=", claim.id)]))
        with self.assertRaises(AccessError):
            claim.with_user(outsider).read(["name"])
        self.assertEqual(claim.company_id, self.company)

    def test_a_deleted_eob_puts_the_claim_back_to_waiting(self):
        charge = self._billable_charge()
        claim = self._claims_for(charge)
        self.env["medical.claim.follow.up"].with_context(
            active_model="medical.claim", active_ids=claim.ids,
        ).create({"note": "Call on Friday."}).action_add_note()
        eob = self._eob(charge, 79.0, [])
        eob.action_post()
        self.assertRecordValues(claim, [{"state": "paid", "has_payment": True,
                                         "follow_up_note": False, "amount_due": 0.0}])

        self.env["medical.payment.delete"].with_user(self.billing_manager).with_context(
            active_model="medical.eob", active_ids=eob.ids,
        ).create({"reason": "Posted to the wrong patient"}).action_delete()
        self.assertRecordValues(claim, [{"state": "draft", "has_payment": False,
                                         "follow_up_note": "Call on Friday.",
                                         "amount_due": 79.0}])
        self.assertEqual(claim.event_ids.sorted("id").mapped("kind"),
                         ["created", "note", "payment", "payment_deleted"])
        self.assertIn("Posted to the wrong patient", claim.status_message)

