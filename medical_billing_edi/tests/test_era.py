import base64
import datetime
import re
from decimal import Decimal

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from ..edi import Envelope, write_835
from ..edi.models import Adjustment
from ..edi.results import ClaimPayment, Party, ProviderAdjustment, Remittance, ServicePayment
from ..models.medical_era import POSTED_AT_ONCE_PARAM
from .claim_common import MedicalEdiClaimCommon

DAY = datetime.date(2026, 3, 20)
ENVELOPE = Envelope("BHH01", "HEALTHYSPINE", 835, 835, created=datetime.datetime(2026, 3, 20))


def D(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


@freeze_time("2026-03-25")
@tagged("post_install", "-at_install")
class TestEraImport(MedicalEdiClaimCommon):
    """835 remittances imported, shown (the dry run), and posted through the EOB posting:
    after each, the ledger ties out and the claim's history says what happened."""

    # ------------------------------------------------------------------ helpers

    def _sent_claim(self, charge=None):
        charge = charge or self._billable_charge()
        claims, __ = self._send(charge)
        return claims

    def _service(self, claim_line, paid, adjustments=(), charge=None, control=None):
        return ServicePayment(
            "HC", claim_line.product_id.default_code,
            tuple((claim_line.modifiers or "").split()),
            D(claim_line.amount if charge is None else charge), D(paid), D(claim_line.units),
            service_date_from=claim_line.date_service,
            line_control_number=control or f"{claim_line.claim_id.name}-{claim_line.sequence}",
            adjustments=tuple(Adjustment(group, reason, D(amount))
                              for group, reason, amount in adjustments),
        )

    def _claim_payment(self, claim, services, status="1", payer_number=None, number=None,
                       crossover=None):
        return ClaimPayment(
            number or claim.name, status,
            D(sum(float(line.charge) for line in services)),
            D(sum(float(line.paid) for line in services)),
            D(sum(float(adj.amount) for line in services for adj in line.adjustments
                  if adj.group == "PR")),
            payer_number or f"BH-{claim.name}",
            patient=Party("ALVAREZ", "MARIA", "MI", "XYZ1"),
            crossover_payer=Party(crossover, id_qualifier="PI", identifier="EVM01")
            if crossover else None,
            service_lines=tuple(services),
        )

    def _835(self, *payments, payer=None):
        """An 835 of ``payments``: [(trace, [claim payments], [PLB (reason, ref, amount)])],
        from ``payer`` (the primary payer by default)."""
        payer = payer or self.payer_primary
        remittances = []
        for trace, claims, plbs in payments:
            adjustments = tuple(ProviderAdjustment("1245319599", datetime.date(2026, 12, 31),
                                                   reason, reference, D(amount))
                                for reason, reference, amount in plbs)
            total = sum(float(claim.paid) for claim in claims) \
                - sum(float(plb.amount) for plb in adjustments)
            remittances.append(Remittance(
                "0001", "I", D(total), "C", "ACH", DAY, trace, "1512345678",
                Party(payer.name.upper(), id_qualifier="2U", identifier=payer.payer_code),
                Party("HEALTHY SPINE CLINIC", id_qualifier="XX", identifier="1245319599"),
                DAY, tuple(claims), adjustments,
            ))
        return write_835(remittances, envelope=ENVELOPE)

    def _import_era(self, text, name="era.835", user=None):
        Wizard = self.env["medical.era.import"].with_user(user or self.biller)
        wizard = Wizard.create({"attachment_ids": [Command.create({
            "name": name, "datas": base64.b64encode(text.encode()),
            "res_model": Wizard._name, "res_id": 0,
        })]})
        action = wizard.action_import()
        return self.env["medical.era"].search(action["domain"]) if action.get("domain") \
            else self.env["medical.era"].browse(action["res_id"])

    def _post(self, era):
        era.with_user(self.biller).action_post()
        return era.remittance_id

    def assertTiedOut(self):
        figures = self.company._medical_tie_out()
        self.assertAlmostEqual(figures["billing_open"], figures["ledger_balance"])

    def _deposit_items(self, remittance):
        journal = self.company.medical_payer_payment_journal_id
        return remittance.move_id.line_ids.filtered(
            lambda item: item.account_id == journal.default_account_id)

    # ------------------------------------------------------------------ paid claims

    def test_full_payment_dry_run_then_post(self):
        claim = self._sent_claim()
        line = claim.line_ids
        era = self._import_era(self._835(("EFT100", [self._claim_payment(
            claim, [self._service(line, line.amount)])], [])))
        # The dry run: matched, what will post, nothing posted yet.
        self.assertEqual(era.state, "draft")
        self.assertEqual(era.claim_ids.claim_id, claim)
        self.assertEqual(era.claim_ids.state, "ready")
        self.assertIn("Paid", era.claim_ids.outcome)
        self.assertFalse(self.env["medical.eob"].search([("payer_claim_number", "=",
                                                          f"BH-{claim.name}")]))
        self.assertEqual(era.attachment_id.name, "era.835")

        remittance = self._post(era)
        self.assertEqual(era.claim_ids.state, "posted")
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.event_ids.filtered(lambda e: e.kind == "payment").eob_id,
                         era.claim_ids.eob_id)
        self.assertEqual(claim.amount_due, 0.0)
        deposit = self._deposit_items(remittance)
        self.assertEqual(len(deposit), 1, "one bank item for the whole payment")
        self.assertAlmostEqual(deposit.balance, era.amount)
        self.assertAlmostEqual(era.amount, line.amount)
        self.assertTiedOut()

    def test_partial_payment_moves_patient_responsibility(self):
        claim = self._sent_claim()
        line = claim.line_ids
        paid = line.amount - 9 - 30
        era = self._import_era(self._835(("EFT101", [self._claim_payment(claim, [
            self._service(line, paid, [("CO", "45", 9), ("PR", "1", 20), ("PR", "2", 6),
                                       ("PR", "3", 4)]),
        ])], [])))
        self.assertIn("moved to Evergreen Mutual", era.claim_ids.outcome,
                      "the secondary payer is next on this case")
        self._post(era)
        charge = line.charge_id
        self.assertRecordValues(charge, [{
            "primary_paid": paid, "primary_write_off": 9.0, "primary_due": 0.0,
            "secondary_responsibility": 30.0, "secondary_due": 30.0,
        }])
        self.assertEqual(claim.state, "paid")
        eob_line = era.claim_ids.eob_id.line_ids
        self.assertEqual(
            eob_line.adjustment_ids.mapped(lambda adj: (adj.group_code, adj.reason_code,
                                                        adj.disposition)),
            [("CO", "45", "write_off"), ("PR", "1", "transfer"), ("PR", "2", "transfer"),
             ("PR", "3", "transfer")])
        self.assertTrue(all(eob_line.adjustment_ids.mapped("description")))
        self.assertTiedOut()

    def test_a_payment_posted_since_the_dry_run_sends_the_claim_to_resolve(self):
        claim = self._sent_claim()
        line = claim.line_ids
        era = self._import_era(self._835(("EFT121", [self._claim_payment(
            claim, [self._service(line, line.amount)])], [])))
        self.assertEqual(era.claim_ids.state, "ready")
        self._eob(line.charge_id, line.amount, []).action_post()  # keyed in meanwhile
        remittance = self._post(era)
        self.assertEqual(era.claim_ids.state, "exception")
        self.assertIn("only owes", era.claim_ids.problem)
        self.assertAlmostEqual(remittance.amount_unapplied, line.amount)
        self.assertTiedOut()

    def test_patient_responsibility_to_the_patient_without_secondary(self):
        self.case.secondary_policy_id = False
        claim = self._sent_claim()
        line = claim.line_ids
        self._post(self._import_era(self._835(("EFT102", [self._claim_payment(claim, [
            self._service(line, line.amount - 25, [("PR", "3", 25)])])], []))))
        self.assertRecordValues(line.charge_id, [{"patient_due": 25.0, "primary_due": 0.0}])
        self.assertTiedOut()

    def test_copay_already_owed_by_the_patient_is_not_moved_twice(self):
        self.policy_primary.copay_amount = 30.0
        self.case.secondary_policy_id = False
        claim = self._sent_claim()
        line = claim.line_ids
        charge = line.charge_id
        self.assertAlmostEqual(charge.patient_responsibility, 30.0)
        payer_share = charge.primary_responsibility
        self._post(self._import_era(self._835(("EFT118", [self._claim_payment(claim, [
            self._service(line, payer_share - 10, [("CO", "45", 10), ("PR", "3", 30)])])],
            []))))
        self.assertRecordValues(charge, [{"patient_responsibility": 30.0, "patient_due": 30.0,
                                          "primary_due": 0.0, "primary_write_off": 10.0}])
        copay = claim.event_ids.eob_id.line_ids.adjustment_ids.filtered(
            lambda adjustment: adjustment.reason_code == "3")
        self.assertEqual(copay.disposition, "none")
        self.assertTiedOut()

    # ------------------------------------------------------------------ denials

    def test_denial_waits_for_the_biller_by_default(self):
        claim = self._sent_claim()
        line = claim.line_ids
        era = self._import_era(self._835(("EFT103", [self._claim_payment(claim, [
            self._service(line, 0, [("CO", "50", line.amount)])], status="4")], [])))
        self.assertIn("Leave for review", era.claim_ids.outcome)
        self._post(era)
        self.assertEqual(claim.state, "denied")
        message = claim.event_ids.filtered(lambda e: e.kind == "payment").message
        self.assertIn("CO-50", message)
        self.assertIn("medically necessary", message)
        self.assertAlmostEqual(line.charge_id.primary_due, line.amount,
                               msg="the payer still owes it")
        follow_up = self.env["medical.balance.due"].search(
            [("claim_id", "=", claim.id)])
        self.assertFalse(follow_up, "a denial is a payment posted: off Balances Due")
        self.assertTiedOut()

    def test_denial_rule_writes_off(self):
        self.env["medical.era.rule"].create({
            "payer_id": self.payer_primary.id, "group_code": "CO", "reason_code": "50",
            "disposition": "write_off"})
        claim = self._sent_claim()
        line = claim.line_ids
        self._post(self._import_era(self._835(("EFT104", [self._claim_payment(claim, [
            self._service(line, 0, [("CO", "50", line.amount)])], status="4")], []))))
        self.assertRecordValues(line.charge_id, [{"primary_due": 0.0,
                                                  "primary_write_off": line.amount}])
        self.assertEqual(claim.state, "paid", "written off by rule: nothing left owed")
        self.assertTiedOut()

    # ------------------------------------------------------------------ reversals

    def _paid_then_reversed(self, trace):
        """A claim paid by an ERA (CO-45 20.00), and the claim payments of the payer's
        reversal of it (status 22) and of its correction (CO-45 10.00, PR-2 20.00)."""
        claim = self._sent_claim()
        line = claim.line_ids
        amount = line.amount
        self._post(self._import_era(self._835((trace, [self._claim_payment(claim, [
            self._service(line, amount - 20, [("CO", "45", 20)])])], []))))
        self.assertEqual(line.charge_id.primary_paid, amount - 20)
        reversal = self._claim_payment(claim, [self._service(
            line, -(amount - 20), [("CO", "45", -20)], charge=-amount)], status="22")
        correction = self._claim_payment(claim, [self._service(
            line, amount - 30, [("CO", "45", 10), ("PR", "2", 20)])],
            payer_number=f"BH-{claim.name}-B")
        return claim, reversal, correction

    def test_reversal_and_correction(self):
        claim, reversal, correction = self._paid_then_reversed("EFT105")
        line = claim.line_ids
        amount = line.amount
        charge = line.charge_id
        # The payer takes it back (status 22) and pays it again, corrected.
        era = self._import_era(self._835(("EFT106", [reversal, correction], [])))
        self.assertEqual(era.claim_ids.mapped("state"), ["ready", "ready"])
        self.assertIn("Reverses", era.claim_ids[0].outcome)
        remittance = self._post(era)
        self.assertAlmostEqual(remittance.amount_total, -10.0, msg="net: the difference")
        self.assertRecordValues(charge, [{
            "primary_paid": amount - 30, "primary_write_off": 10.0, "primary_due": 0.0,
            "secondary_due": 20.0,
        }])
        self.assertEqual(era.claim_ids[0].eob_id.reversed_eob_id.payer_claim_number,
                         f"BH-{claim.name}")
        kinds = claim.event_ids.filtered(lambda e: e.kind == "payment").sorted("id")
        self.assertEqual(len(kinds), 3, "payment, reversal and correction in the history")
        self.assertIn("reversed", kinds[1].message)
        self.assertEqual(claim.state, "paid")
        self.assertTiedOut()

    def test_reversal_of_an_unknown_payment_is_left_to_resolve(self):
        claim = self._sent_claim()
        line = claim.line_ids
        era = self._import_era(self._835(("EFT107", [self._claim_payment(claim, [
            self._service(line, -10, [("CO", "45", -5)], charge=-15)], status="22")], [])))
        self.assertEqual(era.claim_ids.state, "exception")
        self.assertIn("no posted EOB", era.claim_ids.problem)

    # ------------------------------------------------------------------ PLB

    def test_provider_adjustments_interest_and_recoupment(self):
        claim = self._sent_claim()
        line = claim.line_ids
        era = self._import_era(self._835(("EFT108", [self._claim_payment(
            claim, [self._service(line, line.amount)])],
            [("L6", claim.name, -2.5), ("WO", "BH-OLD-1", 40)])))
        self.assertIn("L6", era.provider_adjustments_display)
        remittance = self._post(era)
        self.assertAlmostEqual(era.amount, line.amount + 2.5 - 40)
        deposit = self._deposit_items(remittance)
        self.assertAlmostEqual(deposit.balance, era.amount, msg="deposit = check amount")
        items = remittance.move_id.line_ids
        interest = items.filtered(
            lambda item: item.account_id == self.company.medical_payer_interest_account_id)
        recoupment = items.filtered(
            lambda item: item.account_id == self.company.medical_payer_recoupment_account_id)
        self.assertAlmostEqual(interest.balance, -2.5)
        self.assertAlmostEqual(recoupment.balance, 40.0)
        self.assertIn("BH-OLD-1", recoupment.name)
        self.assertEqual(remittance.adjustment_ids.mapped("kind"), ["interest", "recoupment"])
        self.assertTiedOut()

    # ------------------------------------------------------------------ crossover

    def test_crossover_marks_the_secondary_claim_sent(self):
        self.payer_secondary.write({"payer_submission": "paper"})
        claim = self._sent_claim()
        line = claim.line_ids
        self._post(self._import_era(self._835(("EFT109", [self._claim_payment(claim, [
            self._service(line, line.amount - 20, [("PR", "2", 20)])], status="19",
            crossover="EVERGREEN MUTUAL")], []))))
        charge = line.charge_id
        self.assertAlmostEqual(charge.secondary_due, 20.0)
        secondary = self.env["medical.claim"].search([
            ("line_ids.charge_id", "=", charge.id), ("payer_role", "=", "secondary")])
        self.assertEqual(len(secondary), 1)
        self.assertEqual(secondary.state, "forwarded")
        self.assertIn("crossover", secondary.event_ids.filtered(
            lambda event: event.kind == "crossover").message)
        self.assertFalse(charge.claim_ready, "not billed a second time")

    def test_secondary_remittance_posts_on_the_secondary_share(self):
        self.payer_secondary.write({"payer_submission": "electronic", "payer_code": "EVM01"})
        claim = self._sent_claim()
        line = claim.line_ids
        self._post(self._import_era(self._835(("EFT110", [self._claim_payment(claim, [
            self._service(line, line.amount - 20, [("PR", "2", 20)])])], []))))
        charge = line.charge_id
        secondary = self._claims_for(charge)
        self.assertEqual(secondary.payer_role, "secondary")
        secondary.action_send()
        # The secondary's remittance quotes what the primary paid as OA-23, posted by nobody.
        secondary_service = self._service(secondary.line_ids, 15, [
            ("OA", "23", secondary.line_ids.amount - 20), ("CO", "45", 5)])
        era = self._import_era(self._835(("EFT111", [self._claim_payment(
            secondary, [secondary_service])], [])))
        self.assertEqual(era.claim_ids.state, "exception",
                         "the file is from Blue Harbor: the secondary claim is Evergreen's")
        self.assertIn("Evergreen", era.claim_ids.problem)
        era = self._import_era(self._835(("EFT111", [self._claim_payment(
            secondary, [secondary_service])], []), payer=self.payer_secondary))
        self._post(era)
        self.assertRecordValues(charge, [{"secondary_paid": 15.0, "secondary_write_off": 5.0,
                                          "secondary_due": 0.0, "primary_due": 0.0}])
        self.assertEqual(secondary.state, "paid")
        self.assertTiedOut()

    def test_deleting_the_payment_takes_back_its_eobs(self):
        claim, other = self._sent_claim(), self._sent_claim()
        line = claim.line_ids
        era = self._import_era(self._835(("EFT117", [
            self._claim_payment(claim, [self._service(line, line.amount - 9, [("CO", "45", 9)])]),
            self._claim_payment(other, [self._service(other.line_ids, other.line_ids.amount)]),
        ], [])))
        remittance = self._post(era)
        eobs = era.claim_ids.eob_id
        self.assertEqual(len(eobs.move_id), 1, "the EOBs of a payment share their entry")
        self.assertNotEqual(eobs.move_id, remittance.move_id, "apart from the deposit")
        with self.assertRefused("delete the payment"):
            eobs[0].with_user(self.billing_manager)._delete("wrong payer")
        action = self.env.ref("medical_billing.medical_remittance_delete_action")
        wizard = Form(self.env[action.res_model].with_user(self.billing_manager).with_context(
            active_model="medical.remittance", active_ids=remittance.ids))
        wizard.reason = "Posted twice"
        wizard.save().action_delete()
        self.assertEqual(remittance.state, "deleted")
        self.assertEqual(eobs.mapped("state"), ["deleted", "deleted"])
        self.assertAlmostEqual(line.charge_id.primary_due, line.amount)
        self.assertEqual(claim.event_ids.sorted("id")[-1:].kind, "payment_deleted")
        self.assertEqual(claim.state, "submitted")
        unapplied = self.company.medical_unapplied_payer_account_id
        moves = remittance.move_id | eobs.move_id
        self.assertAlmostEqual(sum(self.env["account.move.line"].search([
            ("account_id", "=", unapplied.id), ("parent_state", "=", "posted"), "|",
            ("move_id", "in", moves.ids), ("move_id.reversed_entry_id", "in", moves.ids),
        ]).mapped("balance")), 0.0, msg="the payment's entries and their reversals")
        self.assertTiedOut()

    # ------------------------------------------------------------------ large ERAs

    def _post_in_background(self, era):
        """Post ``era`` (more claims than are posted at once): it posts its deposit now."""
        self.env["ir.config_parameter"].sudo().set_param(POSTED_AT_ONCE_PARAM, "1")
        cron = self.env.ref("medical_billing_edi.ir_cron_medical_era_post")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        remittance = self._post(era)
        self.assertEqual(era.state, "posting")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1,
                         "the scheduled action is triggered")
        return remittance

    def _run_batch(self, batch_size):
        """One call of the scheduled action as Odoo's scheduler makes it: its progress."""
        cron = self.env.ref("medical_billing_edi.ir_cron_medical_era_post")
        __, progress = cron._add_progress()
        self.env["medical.era"].with_context(
            ir_cron_progress_id=progress.id)._cron_post_in_background(batch_size=batch_size)
        return progress

    def _unapplied_balance(self, remittance):
        return sum(self.env["account.move.line"].search([
            ("account_id", "=", self.company.medical_unapplied_payer_account_id.id),
            ("parent_state", "=", "posted"),
            ("move_id", "in", (remittance.move_id | remittance.eob_ids.move_id).ids),
        ]).mapped("balance"))

    def test_large_era_posts_its_claims_in_the_background(self):
        claims = [self._sent_claim() for __ in range(3)]
        era = self._import_era(self._835(("EFT130", [self._claim_payment(claim, [
            self._service(claim.line_ids, claim.line_ids.amount - 9, [("CO", "45", 9)])])
            for claim in claims], [])))
        remittance = self._post_in_background(era)
        # The deposit alone: the whole payment waits on the unapplied account.
        self.assertEqual(remittance.state, "posted")
        self.assertFalse(remittance.eob_ids)
        self.assertAlmostEqual(self._deposit_items(remittance).balance, era.amount)
        self.assertAlmostEqual(self._unapplied_balance(remittance), -era.amount)
        self.assertEqual((era.ready_count, era.posted_count), (3, 0))
        self.assertTiedOut()
        with self.assertRefused("still posting in the background"):
            remittance.with_user(self.billing_manager)._delete("Posted twice")

        progress = self._run_batch(2)
        self.assertEqual((progress.done, progress.remaining), (2, 1),
                         "the scheduler calls again while claims remain")
        self.assertEqual((era.state, era.posted_count), ("posting", 2))
        self.assertTiedOut()
        progress = self._run_batch(2)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(era.state, "posted")
        self.assertEqual(len(remittance.eob_ids.move_id), 2, "an entry a batch")
        self.assertAlmostEqual(self._unapplied_balance(remittance), 0.0)
        for claim in claims:
            charge = claim.line_ids.charge_id
            self.assertRecordValues(charge, [{
                "primary_paid": claim.line_ids.amount - 9, "primary_write_off": 9.0,
                "primary_due": 0.0,
            }])
            self.assertEqual(claim.state, "paid")
        write_offs = remittance.eob_ids.move_id.line_ids.filtered(
            lambda item: item.medical_entry_kind == "write_off" and item.medical_party_role)
        self.assertEqual(write_offs.mapped("medical_adjustment_reason"), ["45"] * 3)
        self.assertIn("Posted in the background: 3 claims",
                      era.message_ids[:1].body)
        self.assertEqual(era.posted_by_id, self.biller)
        self.assertEqual(remittance.eob_ids.create_uid, self.biller,
                         "posted as the biller who posted the remittance, not as the scheduler")
        self.assertTiedOut()

    def test_reversal_and_correction_post_in_order_in_the_background(self):
        claim, reversal, correction = self._paid_then_reversed("EFT131")
        line = claim.line_ids
        amount = line.amount
        # The correction first in the file: the reversal still posts first.
        era = self._import_era(self._835(("EFT132", [correction, reversal], [])))
        remittance = self._post_in_background(era)
        self._run_batch(1)
        self.assertTrue(era.claim_ids[1].eob_id.reversed_eob_id, "the reversal first")
        self._run_batch(1)
        self.assertEqual(era.state, "posted")
        self.assertRecordValues(line.charge_id, [{
            "primary_paid": amount - 30, "primary_write_off": 10.0, "primary_due": 0.0,
            "secondary_due": 20.0,
        }])
        self.assertAlmostEqual(self._unapplied_balance(remittance), 0.0)
        self.assertTiedOut()

    def test_a_background_batch_that_cannot_post_goes_to_resolve(self):
        first, second = self._sent_claim(), self._sent_claim()
        era = self._import_era(self._835(("EFT133", [
            self._claim_payment(claim, [self._service(claim.line_ids, claim.line_ids.amount)])
            for claim in (first, second)], [])))
        remittance = self._post_in_background(era)
        items = self.env["account.move.line"].search_count([])
        # The accountant closes the payment's period before its claims post.
        self.company.fiscalyear_lock_date = DAY
        cron = self.env.ref("medical_billing_edi.ir_cron_medical_era_post")
        cron.method_direct_trigger()  # the code of the scheduled action, as it runs
        self.assertEqual(era.state, "posted")
        self.assertEqual(era.claim_ids.mapped("state"), ["exception", "exception"])
        self.assertIn("Posting it in the background failed", era.claim_ids[0].problem)
        self.assertIn("locked period", era.claim_ids[0].problem)
        self.assertFalse(remittance.eob_ids, "nothing of the batch posted")
        self.assertEqual(self.env["account.move.line"].search_count([]), items)
        self.assertAlmostEqual(self._unapplied_balance(remittance), -era.amount)
        self.assertEqual((first | second).mapped("state"), ["submitted", "submitted"])
        self.assertTiedOut()
        # Reopened, each is posted from the list.
        self.company.fiscalyear_lock_date = False
        era.claim_ids.with_user(self.biller).action_post()
        self.assertEqual((first | second).mapped("state"), ["paid", "paid"])
        self.assertAlmostEqual(self._unapplied_balance(remittance), 0.0)
        self.assertTiedOut()

    # ------------------------------------------------------------------ files

    def test_two_payments_in_one_file(self):
        first, second = self._sent_claim(), self._sent_claim()
        eras = self._import_era(self._835(
            ("EFT112", [self._claim_payment(first, [self._service(
                first.line_ids, first.line_ids.amount)])], []),
            ("EFT113", [self._claim_payment(second, [self._service(
                second.line_ids, second.line_ids.amount)])], []),
        ))
        self.assertEqual(sorted(eras.mapped("trace_number")), ["EFT112", "EFT113"])
        for era in eras:
            self._post(era)
        self.assertEqual((first | second).mapped("state"), ["paid", "paid"])
        self.assertTiedOut()

    def test_unmatched_claim_and_line_wait_and_then_post_from_unapplied(self):
        claim, other = self._sent_claim(), self._sent_claim()
        era = self._import_era(self._835(("EFT114", [
            self._claim_payment(claim, [self._service(claim.line_ids, claim.line_ids.amount)],
                                number="NOT-OURS-1"),
            self._claim_payment(other, [self._service(other.line_ids, 20, [("CO", "45", 979)],
                                                      charge=999, control="X-9")]),
        ], [])))
        unmatched, bad_line = era.claim_ids
        self.assertEqual(unmatched.state, "exception")
        self.assertIn("No claim of yours has number NOT-OURS-1", unmatched.problem)
        self.assertEqual(bad_line.state, "exception")
        self.assertIn("matches no line", bad_line.problem)
        remittance = self._post(era)
        self.assertEqual(era.exception_count, 2)
        self.assertAlmostEqual(remittance.amount_unapplied, era.amount)
        unapplied = self.company.medical_unapplied_payer_account_id
        self.assertAlmostEqual(sum(self.env["account.move.line"].search([
            ("account_id", "=", unapplied.id), ("parent_state", "=", "posted"),
            ("move_id", "in", (remittance.move_id | remittance.eob_ids.move_id).ids),
        ]).mapped("balance")), -era.amount)
        # The biller finds the claim and posts it: its money comes out of unapplied.
        with Form(unmatched.with_user(self.biller),
                  view="medical_billing_edi.medical_era_claim_view_list") as row:
            row.claim_id = claim
        unmatched.with_user(self.biller).action_post()
        self.assertEqual(unmatched.state, "posted")
        self.assertEqual(claim.state, "paid")
        self.assertAlmostEqual(remittance.amount_unapplied, 20.0)
        self.assertTiedOut()

    def test_byte_order_mark_and_windows_line_ends(self):
        claim = self._sent_claim()
        text = self._835(("EFT120", [self._claim_payment(
            claim, [self._service(claim.line_ids, claim.line_ids.amount)])], []))
        era = self._import_era("\ufeff" + text.replace("\n", "\r\n"))
        self.assertEqual(era.claim_ids.state, "ready")

    def test_a_posted_remittance_is_frozen_whatever_the_client_sends(self):
        claim, other = self._sent_claim(), self._sent_claim()
        era = self._import_era(self._835(("EFT134", [
            self._claim_payment(claim, [self._service(claim.line_ids, claim.line_ids.amount)]),
            self._claim_payment(other, [self._service(other.line_ids, other.line_ids.amount)],
                                number="NOT-OURS"),
        ], [])))
        ready, to_resolve = era.claim_ids
        with self.assertRefused("set by posting"):
            ready.with_user(self.biller).write({"plan": [{"charge_id": 1, "paid": 999}]})
        self._post(era)
        remittances = self.env["medical.remittance"].search_count([])
        # Sent back to draft, it would post the same payment again.
        with self.assertRefused("set by posting"):
            era.with_user(self.biller).write({"state": "draft"})
        with self.assertRefused("set by posting"):
            ready.with_user(self.biller).write({"state": "ready"})
        with self.assertRefused("is posted and kept as posted"):
            ready.with_user(self.biller).write({"claim_id": other.id})
        self.assertEqual((era.state, ready.state), ("posted", "posted"))
        self.assertEqual(self.env["medical.remittance"].search_count([]), remittances)
        # The claim left to resolve still takes the biller's match.
        to_resolve.with_user(self.biller).write({"claim_id": other.id})
        self.assertEqual(to_resolve.claim_id, other)

    def test_same_file_twice_posts_nothing(self):
        claim = self._sent_claim()
        text = self._835(("EFT115", [self._claim_payment(
            claim, [self._service(claim.line_ids, claim.line_ids.amount)])], []))
        self._post(self._import_era(text))
        with self.assertRefused("imported before"):
            self._import_era(text, name="again.835")
        self.assertEqual(self.env["medical.era"].search_count(
            [("trace_number", "=", "EFT115")]), 1)

    def test_unbalanced_and_malformed_files_are_refused(self):
        claim = self._sent_claim()
        line = claim.line_ids
        unbalanced = self._835(("EFT116", [self._claim_payment(
            claim, [self._service(line, line.amount - 5)])], []))
        with self.assertRefused("does not balance"):
            self._import_era(unbalanced)
        with self.assertRefused("cannot be read"):
            self._import_era("ISA*00*garbage~")
        # A corrupted amount is named with its segment and position.
        paid = self._835(("EFT119", [self._claim_payment(
            claim, [self._service(line, line.amount)])], []))
        corrupted = re.sub(r"(\nSVC\*[^*]*\*[^*]*\*)[^*~\n]*", r"\g<1>12X", paid, count=1)
        self.assertNotEqual(corrupted, paid)
        with self.assertRefused(r"SVC.*position|position.*SVC"):
            self._import_era(corrupted)
        self.assertFalse(self.env["medical.era"].search([]).filtered(
            lambda era: era.trace_number == "EFT116"))
