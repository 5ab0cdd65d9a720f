import hashlib

from freezegun import freeze_time

from odoo import Command
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MedicalClaimCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestClaimBatches(MedicalClaimCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payer_primary.payer_submission = "paper"

    def _sent_claim(self, user=None):
        claim = self._claims_for(self._billable_charge(), user=user)
        claim.with_user(user or self.env.user).action_send()
        return claim

    def _rebill(self, claims, mode, user=None):
        """The Resubmit a Claim dialog, opened from the claim, with ``mode`` chosen."""
        claims = claims.with_user(user or self.biller)
        with Form.from_action(claims.env, claims.action_resubmit()) as dialog:
            dialog.mode = mode
        dialog.record.action_rebill()
        return self.env["medical.claim"].search([("previous_claim_id", "in", claims.ids)])

    def _give_payer_number(self, claim, number="ICN-778899"):
        # As the payer's 277CA does (see medical_billing_edi).
        with billing_operation(self.env):
            claim.payer_claim_number = number

    def test_sending_makes_one_batch_and_keeps_its_document(self):
        claims = self._claims_for(self._billable_charge(date="2026-02-01")) \
            | self._claims_for(self._billable_charge(
                date="2026-02-02", case=self.case.copy({
                    "name": "Neck pain",
                    "diagnosis_ids": [Command.create({"diagnosis_code_id": self.diagnoses[0].id})],
                })))
        action = claims.with_user(self.front_desk).action_send()

        batch = self.env["medical.claim.batch"].browse(action["res_id"])
        self.assertRecordValues(batch, [{
            "submission": "paper", "paper_layout": "plain", "claim_count": 2,
            "company_id": self.company.id, "user_id": self.front_desk.id,
        }])
        self.assertEqual(claims.batch_id, batch)
        self.assertEqual(set(claims.mapped("state")), {"submitted"})
        self.assertEqual(claims.document_id, batch.attachment_id)
        submitted = claims.event_ids.filtered(lambda event: event.kind == "submitted")
        self.assertEqual(submitted.batch_id, batch)
        self.assertEqual(submitted.attachment_id, batch.attachment_id)
        self.assertTrue(all(claim.date_submitted for claim in claims))
        # The document holds each claim's form; it is never made again.
        content = batch.attachment_id.raw.decode()
        for claim in claims:
            self.assertIn(claim.name, content)
        with self.assertRaisesRegex(UserError, "already went out"):
            claims.action_send()
        with self.assertRaisesRegex(UserError, "never made again"), billing_operation(self.env):
            batch._make_document()
        self.assertEqual(claims[0].action_open_document()["url"],
                         f"/web/content/{batch.attachment_id.id}?download=False")

    def test_resubmit_makes_a_new_version_and_keeps_the_first_document(self):
        claim = self._sent_claim(user=self.front_desk)
        first_document = claim.batch_id.attachment_id
        first_hash = hashlib.sha256(first_document.raw).hexdigest()
        charge = claim.line_ids.charge_id
        # The biller fixes the charge (its diagnoses), then resubmits.
        charge.diagnosis_ids = self.case.diagnosis_ids[2]
        version = self._rebill(claim, "resubmit")

        self.assertRecordValues(version, [{
            "version": 2, "frequency_code": "1", "is_current": True, "state": "submitted",
            "original_claim_id": claim.id, "payer_claim_number": False,
        }])
        self.assertEqual(version.line_ids.diagnosis_pointers, "C")
        self.assertFalse(claim.is_current)
        self.assertNotEqual(version.batch_id, claim.batch_id)
        self.assertNotEqual(version.name, claim.name)
        # The first document is the same bytes; the new version has its own.
        self.assertEqual(claim.batch_id.attachment_id, first_document)
        self.assertEqual(hashlib.sha256(first_document.raw).hexdigest(), first_hash)
        self.assertNotEqual(version.batch_id.attachment_id, first_document)
        self.assertEqual(claim.event_ids.sorted("id").mapped("kind"),
                         ["created", "submitted", "resubmitted"])
        self.assertEqual(self.env["medical.claim"]._active_claim_lines(charge).claim_id, version)
        # Account Activity lists both versions with their documents.
        activity = self.patient.action_open_account_activity()
        versions = self.env["medical.claim"].search(activity["domain"])
        self.assertEqual(versions, claim | version)
        self.assertEqual(versions.document_id, first_document | version.batch_id.attachment_id)
        with self.assertRaisesRegex(UserError, "has a newer version"):
            claim._rebill("resubmit")

    def test_corrected_claim_quotes_the_payer_claim_number(self):
        claim = self._sent_claim()
        with self.assertRaisesRegex(UserError, "no payer claim number yet"):
            self._rebill(claim, "correct")
        self.assertTrue(claim.is_current)

        self._give_payer_number(claim)
        version = self._rebill(claim, "correct")
        self.assertRecordValues(version, [{
            "frequency_code": "7", "payer_claim_number": "ICN-778899", "version": 2,
            "state": "submitted",
        }])

    def test_void_frees_the_charges_for_a_new_claim(self):
        claim = self._sent_claim()
        charge = claim.line_ids.charge_id
        self._give_payer_number(claim)
        void = self._rebill(claim, "void")

        self.assertRecordValues(void, [{"frequency_code": "8", "state": "submitted",
                                        "payer_claim_number": "ICN-778899"}])
        self.assertEqual(claim.state, "voided")
        self.assertFalse(void.line_ids.is_active)
        self.assertTrue(charge.claim_ready)
        new_claim = self._claims_for(charge)
        self.assertEqual(new_claim.version, 1)
        with self.assertRaisesRegex(UserError, "a void"):
            void._rebill("resubmit")

    def test_rebill_from_the_charges_list(self):
        claim = self._sent_claim()
        charge = claim.line_ids.charge_id
        action = charge.with_user(self.biller).action_rebill()
        self.assertEqual(action["res_model"], "medical.claim.rebill")
        with Form.from_action(self.env(user=self.biller), action) as dialog:
            self.assertEqual(dialog.mode, "resubmit")
        dialog.record.action_rebill()
        self.assertEqual(claim.version_ids.sorted("version").mapped("version"), [1, 2])

    def test_only_a_sent_claim_is_resubmitted(self):
        claim = self._claims_for(self._billable_charge())
        with self.assertRaisesRegex(UserError, "only a claim that went out"):
            claim._rebill("resubmit")
        self.assertEqual(len(claim.original_claim_id.version_ids), 1)

    def test_billing_manager_sets_the_paper_layout(self):
        with Form(self.env["medical.billing.settings"].with_user(self.billing_manager)) \
                as settings:
            self.assertEqual(settings.medical_claim_paper_layout, "plain")
            settings.medical_claim_paper_layout = "preprinted"
        settings.record.action_save()
        self.assertEqual(self.company.medical_claim_paper_layout, "preprinted")

        claim = self._sent_claim()
        self.assertEqual(claim.batch_id.paper_layout, "preprinted")

