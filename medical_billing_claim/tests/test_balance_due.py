from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import MedicalClaimCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestBalanceDue(MedicalClaimCommon):
    """Balances Due You (seed 000): what shows, what drops off, and its totals against
    the ledger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Policies from September: claims billed over 90 days ago.
        (cls.policy_primary | cls.policy_secondary).date_start = "2025-09-01"
        cls.case.date_start = "2025-09-01"
        cls.self_pay = cls.env["medical.case"].create({
            "name": "Self pay", "patient_id": cls.patient.id, "date_start": "2025-10-01",
        })
        cls.Due = cls.env["medical.balance.due"]

    # ------------------------------------------------------------------ helpers

    def _rows(self, domain=None, user=None):
        # Rows keep their ids (a claim's, a charge's) while their values change.
        self.Due.invalidate_model()
        return self.Due.with_user(user or self.env.user).search(domain or [])

    def _claim_row(self, claim):
        return self._rows([("claim_id", "=", claim.id)])

    def _charge_row(self, charge):
        return self._rows([("charge_id", "=", charge.id)])

    def _paper_claim(self, date="2026-03-02", sent_on=True, **charge_values):
        """A claim to the primary payer on paper, sent on ``sent_on`` (True: on the date
        of service; None: a draft)."""
        sent_on = date if sent_on is True else sent_on
        self.payer_primary.payer_submission = "paper"
        # Made and sent that day: a claim's state is that of its latest event.
        with freeze_time(sent_on or fields.Date.today()):
            claim = self._claims_for(self._billable_charge(date=date, **charge_values))
            if sent_on:
                claim.action_send()
        return claim

    def _client_charge(self, date="2026-03-02", **values):
        """A self-pay charge: the patient owes all of it (79.00)."""
        return self._billable_charge(date=date, case=self.self_pay, **values)

    def _electronic_claim(self, date="2026-03-02"):
        """An electronic claim, sent (as the EDI app records it)."""
        self.payer_primary.payer_submission = "electronic"
        claim = self._claims_for(self._billable_charge(date=date))
        self.env["medical.claim.event"]._record(claim, "submitted", message="837P sent.")
        return claim

    def _add_note(self, row, note, user=None):
        action = row.with_user(user or self.front_desk).action_follow_up()
        with Form.from_action(self.env(user=user or self.front_desk), action) as dialog:
            dialog.note = note
        dialog.record.action_add_note()

    def _search_filters(self):
        """{filter name: domain} of the screen's search view, as the web client reads them."""
        view = self.env.ref("medical_billing_claim.medical_balance_due_view_search")
        arch = etree.fromstring(view.arch)
        return {node.get("name"): safe_eval(node.get("domain"))
                for node in arch.iter("filter") if node.get("domain")}

    # ------------------------------------------------------------------ what shows

    def test_what_appears_and_what_does_not(self):
        draft = self._paper_claim(date="2026-03-02", sent_on=None)
        sent = self._paper_claim(date="2026-03-03")
        partly_paid = self._paper_claim(date="2026-03-04")
        self._eob(partly_paid.line_ids.charge_id, 50.0, []).action_post()
        open_charge = self._client_charge(date="2026-02-20")
        self._client_charge(date="2026-02-10")
        # A patient payment goes to the oldest charge first: 20.00 of paid_charge's 79.00.
        self._post_payment_dialog(amount=20.0)

        rows = self._rows()
        self.assertEqual(rows.claim_id, draft | sent, "A claim with a payment posted is gone")
        self.assertEqual(rows.charge_id, open_charge,
                         "A patient balance with a payment posted against it is gone")
        self.assertRecordValues(self._claim_row(sent), [{
            "kind": "insurance", "payer_label": "Blue Harbor Health",
            "patient_id": self.patient.id, "payer_id": self.payer_primary.id,
            "billing_provider_id": self.billing_provider.id,
            "rendering_provider_id": self.provider.id, "clinic_id": self.clinic.id,
            "date_service": fields_date("2026-03-03"), "date_billed": fields_date("2026-03-03"),
            "days_since_billed": 7, "aging": 7, "aging_bucket": "0_30",
            "amount_billed": 79.0, "balance": 79.0, "state": "submitted",
            "company_id": self.company.id, "currency_id": self.currency.id,
        }])
        self.assertRecordValues(self._claim_row(draft), [{
            "state": "draft", "date_billed": False, "days_since_billed": 0, "aging": 8,
            "balance": 79.0,
        }])
        self.assertRecordValues(self._charge_row(open_charge), [{
            "kind": "client", "claim_id": False, "payer_id": False, "payer_label": False,
            "patient_id": self.patient.id, "date_service": fields_date("2026-02-20"),
            "aging": 18, "aging_bucket": "0_30", "amount_billed": 79.0, "balance": 79.0,
            "state": False, "clinic_id": self.clinic.id,
        }])
        # The payer still owes 29.00 of the partly paid claim: the ledger keeps it, the
        # screen does not (a payment was posted against it).
        self.assertEqual(partly_paid.amount_due, 29.0)
        self.assertEqual(partly_paid.state, "partial")

    def test_a_deleted_payment_brings_the_balance_back(self):
        charge = self._client_charge()
        payment = self._post_payment_dialog(amount=20.0)
        self.assertFalse(self._charge_row(charge))
        payment.with_user(self.billing_manager)._delete("Check bounced")
        self.assertRecordValues(self._charge_row(charge), [{"balance": 79.0}])

    def test_a_settled_claim_or_patient_balance_is_not_listed(self):
        claim = self._paper_claim()
        self._client_charge()
        self._eob(claim.line_ids.charge_id, 79.0, []).action_post()
        self._post_payment_dialog(amount=79.0)
        self.assertFalse(self._rows())
        self.assertEqual(claim.state, "paid")

    def test_an_account_in_collections_shows_as_such(self):
        claim = self._paper_claim()
        charge = self._client_charge()
        self.patient.with_user(self.billing_manager)._medical_send_to_collections(
            "Final notice unanswered")
        rows = self._rows(self._search_filters()["in_collections"])
        self.assertEqual(rows.claim_id, claim)
        self.assertEqual(rows.charge_id, charge)
        self.assertTrue(all(rows.mapped("patient_in_collections")))
        self.patient.with_user(self.billing_manager).action_medical_leave_collections()
        self.assertFalse(self._rows(self._search_filters()["in_collections"]))
        self.assertFalse(self.patient.medical_collections_reason)

    # ------------------------------------------------------------------ claim icons

    def test_electronic_prefix_and_status_after_999_and_277ca(self):
        claim = self._electronic_claim()
        Event = self.env["medical.claim.event"]
        row = self._claim_row(claim)
        self.assertRecordValues(row, [{
            "payer_label": "ELECTRONIC Blue Harbor Health", "submission": "electronic",
            "state": "submitted", "status_message": "837P sent.", "has_payer_message": False,
        }])
        Event._record(claim, "ack_999", claim_state="clearinghouse", level="clearinghouse",
                      accepted=True, message="999: file accepted.")
        self.assertRecordValues(self._claim_row(claim), [{
            "state": "clearinghouse", "status_message": "999: file accepted.",
            "has_payer_message": False,
        }])
        Event._record(claim, "ack_277ca", claim_state="forwarded", level="clearinghouse",
                      accepted=True, message="A2: accepted, forwarded to the payer.")
        self.assertRecordValues(self._claim_row(claim), [{
            "state": "forwarded", "has_payer_message": False,
        }])
        Event._record(claim, "ack_277ca", claim_state="rejected", level="payer",
                      message="A7:562: entity's member id invalid.")
        row = self._claim_row(claim)
        self.assertRecordValues(row, [{
            "state": "rejected", "status_message": "A7:562: entity's member id invalid.",
            "has_payer_message": True,
        }])
        # The history icon shows every message; the second icon the payer's own.
        history = self.env["medical.claim.event"].search(row.action_open_history()["domain"])
        self.assertEqual(len(history), 5)
        payer_messages = self.env["medical.claim.event"].search(
            row.action_open_payer_messages()["domain"])
        self.assertEqual(payer_messages.mapped("message"),
                         ["A7:562: entity's member id invalid."])
        # Not sent through a batch here: no document to open.
        self.assertFalse(row.original_document_id)

    def test_original_document_stays_after_resubmission(self):
        claim = self._paper_claim()
        first_document = claim.batch_id.attachment_id
        row = self._claim_row(claim)
        self.assertEqual(row.original_document_id, first_document)
        self._add_note(row, "Payer has no record of it: resubmit.")

        # Resubmit a Claim, from the row (billers only).
        with self.assertRaises(AccessError):
            Form.from_action(self.env(user=self.front_desk),
                             row.with_user(self.front_desk).action_resubmit()) \
                .save().action_rebill()
        with Form.from_action(self.env(user=self.biller),
                              row.with_user(self.biller).action_resubmit()) as dialog:
            self.assertEqual(dialog.mode, "resubmit")
        dialog.record.action_rebill()

        version = claim.version_ids - claim
        self.assertEqual(version.state, "submitted")
        new_row = self._rows()
        self.assertEqual(new_row.claim_id, version, "The row follows the current version")
        self.assertNotEqual(version.batch_id.attachment_id, first_document)
        self.assertEqual(new_row.original_document_id, first_document)
        self.assertEqual(new_row.action_open_original_document()["url"],
                         f"/web/content/{first_document.id}?download=False")
        self.assertEqual(new_row.follow_up_note, "Payer has no record of it: resubmit.")

    def test_note_leaves_with_the_payment_and_stays_in_history(self):
        claim = self._paper_claim()
        row = self._claim_row(claim)
        self._add_note(row, "Called the payer: in process.")
        self.assertEqual(self._claim_row(claim).follow_up_note, "Called the payer: in process.")
        history_domain = self._claim_row(claim).action_open_history()["domain"]

        self._eob(claim.line_ids.charge_id, 40.0, []).action_post()
        self.assertFalse(self._claim_row(claim))
        self.assertFalse(self._rows([("follow_up_note", "!=", False)]))
        notes = self.env["medical.claim.event"].search(
            [*history_domain, ("kind", "=", "note")])
        self.assertEqual(notes.message, "Called the payer: in process.")

    def test_client_rows_refuse_claim_actions(self):
        charge = self._client_charge()
        row = self._charge_row(charge)
        with self.assertRaisesRegex(UserError, "Select claim rows"):
            row.action_follow_up()
        with self.assertRaisesRegex(UserError, "Select claim rows"):
            row.action_resubmit()
        self.assertEqual(row.action_open_claim()["res_id"], charge.id)

    # ------------------------------------------------------------------ selection

    def test_each_view_of_the_screen(self):
        not_billed = self._paper_claim(date="2026-03-06", sent_on=None)
        recent = self._paper_claim(date="2026-03-02", sent_on="2026-03-03")
        billed_45 = self._paper_claim(date="2026-01-20", sent_on="2026-01-24")
        billed_75 = self._paper_claim(date="2025-12-20", sent_on="2025-12-25")
        rejected = self._electronic_claim()
        self.env["medical.claim.event"]._record(
            rejected, "ack_277ca", claim_state="rejected", level="clearinghouse",
            message="A3:21: missing subscriber id.")
        billed_100 = self._paper_claim(date="2025-11-25", sent_on="2025-11-30")
        client = self._client_charge(date="2026-02-01")

        filters = self._search_filters()
        expected = {
            "see_everything": not_billed | recent | billed_45 | billed_75 | rejected
            | billed_100,
            "insurance": not_billed | recent | billed_45 | billed_75 | rejected | billed_100,
            "client": self.env["medical.claim"],
            "billed_30": billed_45 | billed_75 | billed_100,
            "billed_60": billed_75 | billed_100,
            "billed_90": billed_100,
            "rejected": rejected,
            "not_billed": not_billed,
            "electronic": rejected,
        }
        for name, claims in expected.items():
            rows = self._rows(filters[name])
            self.assertEqual(rows.claim_id, claims, f"filter {name}")
            self.assertTrue(rows, f"filter {name} is empty")
        self.assertEqual(self._rows(filters["see_everything"]).charge_id, client)
        self.assertEqual(self._rows(filters["client"]).charge_id, client)
        self.assertFalse(self._rows(filters["insurance"]).charge_id)
        self.assertEqual(self._claim_row(billed_100).aging_bucket, "over_90")
        self.assertEqual(self._claim_row(billed_75).aging_bucket, "61_90")
        self.assertEqual(self._claim_row(billed_45).aging_bucket, "31_60")
        # Search by patient, payer and claim number.
        self.assertEqual(self._rows([("claim_id", "ilike", billed_45.name)]).claim_id,
                         billed_45)
        self.assertEqual(len(self._rows([("payer_id", "ilike", "Blue Harbor")])), 6)
        self.assertEqual(len(self._rows([("patient_id", "ilike", "Alvarez")])), 7)
        # Group by payer, provider, clinic and status: one grouped query each.
        for groupby in ("payer_id", "billing_provider_id", "rendering_provider_id",
                        "clinic_id", "state", "aging_bucket", "kind"):
            groups = self.Due._read_group([], [groupby], ["balance:sum"])
            self.assertAlmostEqual(sum(balance for __, balance in groups), 7 * 79.0)

    def test_billing_home_tiles(self):
        """The billing home's tiles count and total what the screen's filters list, and
        open the screen with that filter."""
        self._paper_claim(date="2026-01-20", sent_on="2026-01-24")
        self._paper_claim(date="2026-03-06", sent_on=None)
        rejected = self._electronic_claim()
        self.env["medical.claim.event"]._record(
            rejected, "ack_277ca", claim_state="rejected", level="clearinghouse",
            message="A3:21: missing subscriber id.")
        self._client_charge(date="2026-02-01")
        ready = self._billable_charge(date="2026-03-05")
        filters = self._search_filters()
        self.Due.invalidate_model()
        tiles = self.env["medical.billing.overview"].with_user(self.front_desk).search([])
        self.assertEqual(tiles[0].tile, "insurance", "Balances Due You comes first")
        for tile in tiles:
            if tile.tile == "ready_to_bill":
                self.assertEqual(tile.count, 1)
                action = tile.action_open()
                self.assertEqual(
                    self.env["medical.charge"].search(safe_eval(action["domain"])), ready)
                continue
            rows = self._rows(filters[tile.tile])
            self.assertTrue(rows, f"tile {tile.tile} is empty")
            self.assertEqual(tile.count, len(rows), tile.tile)
            self.assertAlmostEqual(tile.amount, sum(rows.mapped("balance")), msg=tile.tile)
            action = tile.action_open()
            self.assertEqual(action["res_model"], "medical.balance.due")
            self.assertEqual(action["context"][f"search_default_{tile.tile}"], 1)
        self.assertEqual(
            {tile.tile: tile.count for tile in tiles},
            # Follow-up: the rejected claim, and the paper one unpaid 30 days after it was sent.
            {"insurance": 3, "client": 1, "billed_30": 1, "follow_up_queue": 2,
             "rejected": 1, "not_billed": 1, "ready_to_bill": 1},
        )

    def test_provider_selection(self):
        other_billing = self.billing_provider.copy({"name": "Downtown Billing",
                                                    "npi": "1982736450"})
        other_rendering = self.provider.copy({"name": "Tom Baker", "npi": "1730184920"})
        mine = self._paper_claim(date="2026-03-02")
        theirs = self._paper_claim(date="2026-03-03", billing_provider_id=other_billing.id,
                                   treating_provider_id=other_rendering.id)
        client = self._client_charge(treating_provider_id=other_rendering.id)

        self.assertEqual(theirs.billing_provider_id, other_billing)
        self.assertEqual(
            self._rows([("billing_provider_id", "in", other_billing.ids)]).claim_id, theirs)
        self.assertEqual(
            self._rows([("billing_provider_id", "in", (other_billing | self.billing_provider)
                         .ids), ("kind", "=", "insurance")]).claim_id, mine | theirs)
        by_rendering = self._rows([("rendering_provider_id", "=", other_rendering.id)])
        self.assertEqual(by_rendering.claim_id, theirs)
        self.assertEqual(by_rendering.charge_id, client)
        # The search view's Provider field: billing or rendering provider.
        view = self.env.ref("medical_billing_claim.medical_balance_due_view_search")
        node = etree.fromstring(view.arch).xpath("//field[@string='Provider']")[0]
        domain = safe_eval(node.get("filter_domain"), {"self": "Tom Baker"})
        self.assertEqual(self._rows(domain), by_rendering)
        domain = safe_eval(node.get("filter_domain"), {"self": "Downtown"})
        self.assertEqual(self._rows(domain).claim_id, theirs)

    # ------------------------------------------------------------------ totals

    def test_totals_equal_the_ledger(self):
        claims = self._paper_claim(date="2026-03-02") \
            | self._paper_claim(date="2026-01-20", sent_on="2026-01-24") \
            | self._paper_claim(date="2026-01-05", sent_on=None)
        paid_claim = self._paper_claim(date="2026-03-04")
        self._eob(paid_claim.line_ids.charge_id, 60.0, []).action_post()
        # One claim has two charges; one has part of its charge written off (no payment).
        exercise = self._billable_charge(product=self.code_exercise, date="2026-03-05")
        two_lines = self._claims_for(exercise | self._billable_charge(date="2026-03-05"))
        exercise._write_off("primary", 10.0, self.reason_contractual)
        claims |= two_lines
        old = self._client_charge(date="2025-11-01")
        new = self._client_charge(date="2026-03-01")
        paid = self._client_charge(date="2025-10-15")
        self._post_payment_dialog(amount=30.0)  # to the oldest: paid

        rows = self._rows()
        self.assertEqual(rows.claim_id, claims)
        self.assertEqual(rows.charge_id, old | new)
        self.assertNotIn(paid, rows.charge_id)
        Item = self.env["account.move.line"]
        payer_items = Item.search([
            ("medical_charge_id", "in", claims.line_ids.charge_id.ids),
            ("medical_party_role", "=", "primary"), ("parent_state", "=", "posted"),
        ])
        patient_items = Item.search([
            ("medical_charge_id", "in", (old | new).ids),
            ("medical_party_role", "=", "patient"), ("parent_state", "=", "posted"),
        ])
        totals = self.Due._aging_totals()
        insurance_total = sum(amount for (kind, __), amount in totals.items()
                              if kind == "insurance")
        client_total = sum(amount for (kind, __), amount in totals.items() if kind == "client")
        self.assertAlmostEqual(insurance_total, sum(payer_items.mapped("amount_residual")))
        two_lines_due = two_lines.amount_total - 10.0
        self.assertAlmostEqual(insurance_total, 79.0 * 3 + two_lines_due)
        self.assertAlmostEqual(client_total, sum(patient_items.mapped("amount_residual")))
        self.assertAlmostEqual(client_total, 158.0)
        self.assertEqual(totals, {
            ("insurance", "0_30"): 79.0 + two_lines_due,
            ("insurance", "31_60"): 79.0,
            ("insurance", "61_90"): 79.0,
            ("client", "0_30"): 79.0,
            ("client", "over_90"): 79.0,
        })
        self.assertRecordValues(self._claim_row(two_lines), [{
            "amount_billed": two_lines.amount_total, "balance": two_lines_due,
        }])
        # Per payer: one grouped query over the open items.
        [(payer, balance)] = self.Due._read_group(
            [("kind", "=", "insurance")], ["payer_id"], ["balance:sum"])
        self.assertEqual((payer, balance), (self.payer_primary, insurance_total))
        self.assertTieOut()

    # ------------------------------------------------------------------ follow-up queue

    def test_follow_up_queue_and_biller_to_dos(self):
        Event = self.env["medical.claim.event"]
        with freeze_time("2026-03-01"):
            no_acceptance = self._electronic_claim("2026-02-27")
        with freeze_time("2026-03-08"):
            just_sent = self._electronic_claim("2026-03-06")
        with freeze_time("2026-01-20"):
            unpaid_electronic = self._electronic_claim("2026-01-19")
        with freeze_time("2026-01-25"):
            Event._record(unpaid_electronic, "ack_277ca", claim_state="forwarded",
                          level="clearinghouse", accepted=True, message="A2: forwarded.")
        with freeze_time("2026-03-02"):
            # The clearinghouse took the file, no 277CA since.
            Event._record(no_acceptance, "ack_999", claim_state="clearinghouse",
                          level="clearinghouse", accepted=True, message="999 accepted.")
        with freeze_time("2026-02-25"):
            recently_accepted = self._electronic_claim("2026-02-24")
            Event._record(recently_accepted, "ack_277ca", claim_state="accepted",
                          level="payer", accepted=True, message="A1: acknowledged.")
        unpaid_paper = self._paper_claim(date="2026-02-01")
        recent_paper = self._paper_claim(date="2026-03-02")
        rejected = self._paper_claim(date="2026-03-03")
        Event._record(rejected, "ack_277ca", claim_state="rejected", level="payer",
                      message="A7: invalid diagnosis.")
        with billing_operation(self.env):
            rejected.payer_claim_number = "ICN-1"

        queue = self._rows(self._search_filters()["follow_up_queue"])
        self.assertEqual(queue.claim_id,
                         no_acceptance | unpaid_electronic | unpaid_paper | rejected)
        self.assertNotIn(just_sent | recently_accepted | recent_paper, queue.claim_id)
        self.assertEqual(
            {row.claim_id: (row.follow_up_reason, row.next_action) for row in queue},
            {no_acceptance: ("no_acceptance", "resubmit"),
             unpaid_electronic: ("no_payment", "call"),
             unpaid_paper: ("no_payment", "call"),
             rejected: ("rejected", "correct")})
        self.assertRecordValues(self._claim_row(unpaid_electronic), [{
            "date_accepted": fields_date("2026-01-25"), "follow_up_days": 30,
        }])
        self.assertEqual(unpaid_electronic.activity_ids, self.env["mail.activity"])

        self.env.ref("medical_billing_claim.medical_balance_due_cron_follow_up").method_direct_trigger()
        to_dos = self.env["mail.activity"].search([("res_model", "=", "medical.claim")])
        self.assertEqual(len(to_dos), 4)
        self.assertEqual(set(to_dos.mapped("res_id")), set(queue.claim_id.ids))
        paper_to_do = to_dos.filtered(lambda to_do: to_do.res_id == unpaid_paper.id)
        self.assertEqual(paper_to_do.user_id, unpaid_paper.batch_id.user_id)
        self.assertEqual(paper_to_do.summary, "Claim follow-up: Call the payer")
        self.assertFalse(self.Due._schedule_follow_up_activities(), "Once per claim")
        # A payer given more days to pay leaves the queue until they have passed.
        unpaid_electronic.payer_id.medical_follow_up_days = 60
        self.assertEqual(self._claim_row(unpaid_electronic).follow_up_days, 60)
        self.assertNotIn(unpaid_electronic, self._rows(
            self._search_filters()["follow_up_queue"]).claim_id)
        self.assertEqual(len(unpaid_electronic.activity_ids), 1)
        # Resubmitted: the rejected claim leaves the queue (its new version was just sent).
        rejected.with_user(self.biller)._rebill("resubmit").action_send()
        self.assertNotIn(rejected.version_ids, self._rows(
            self._search_filters()["follow_up_queue"]).claim_id)

    # ------------------------------------------------------------------ rights, printing

    def test_multi_company(self):
        claim = self._paper_claim()
        company_b = self.setup_other_company(name="Uptown Clinic")["company"]
        patient_b = self.env["res.partner"].create({
            "name": "Ben Okafor", "is_patient": True, "company_id": company_b.id,
        })
        case_b = self.env["medical.case"].with_company(company_b).create({
            "name": "Self pay", "patient_id": patient_b.id, "date_start": "2026-01-01",
            "company_id": company_b.id,
        })
        charge_b = self.env["medical.charge"].with_company(company_b).create({
            "case_id": case_b.id, "product_id": self.code_adjustment.id,
            "date_service": "2026-03-02",
        })
        charge_b.with_company(company_b).action_post()
        user_b = new_test_user(
            self.env, login="front_desk_b", groups="medical_billing.group_medical_billing_user",
            company_id=company_b.id, company_ids=[Command.set(company_b.ids)],
        )
        self.assertEqual(self._rows(user=user_b).charge_id, charge_b)
        self.assertEqual(self._rows(user=user_b).company_id, company_b)
        self.assertEqual(self._rows(user=self.front_desk).claim_id, claim)
        self.assertFalse(self._rows(user=self.front_desk).charge_id)
        self.assertFalse(self._rows([("claim_id", "=", claim.id)], user=user_b))
        both = self.Due.with_context(allowed_company_ids=[self.company.id, company_b.id])
        self.assertEqual(len(both.search([])), 2)
        totals = both._read_group([], ["company_id"], ["balance:sum"])
        # Company B's codes are taxed by its own default tax: the ledger says what is owed.
        owed_b = sum(self.env["account.move.line"].search([
            ("medical_charge_id", "=", charge_b.id), ("parent_state", "=", "posted"),
            ("medical_party_role", "=", "patient"), ("company_id", "=", company_b.id),
        ]).mapped("amount_residual"))
        self.assertGreater(owed_b, 0)
        self.assertEqual(dict(totals), {self.company: 79.0, company_b: owed_b})

    def test_who_reads_the_screen(self):
        self._paper_claim()
        self.assertEqual(len(self._rows(user=self.front_desk)), 1)
        self.assertEqual(len(self._rows(user=self.accountant)), 1)
        outsider = new_test_user(self.env, login="outsider", groups="base.group_user",
                                 company_id=self.company.id)
        with self.assertRaises(AccessError):
            self._rows(user=outsider)

    def test_printed_report(self):
        claim = self._electronic_claim()
        charge = self._client_charge()
        rows = self._rows()
        html = self.env["ir.actions.report"]._render_qweb_html(
            "medical_billing_claim.action_report_balance_due", rows.ids)[0].decode()
        self.assertIn("Insurance Balances", html)
        self.assertIn("Client Balances", html)
        self.assertIn("ELECTRONIC Blue Harbor Health", html)
        self.assertIn(claim.name, html)
        self.assertIn(charge.patient_id.name, html)
        self.assertEqual(html.replace("\N{NO-BREAK SPACE}", " ").count("79.00"), 8,
                         "billed, balance, bucket and total of each part")

    def test_open_balance_indexes(self):
        """The report reads the open balances through partial indexes that hold them only,
        and its figures are the ones the ORM stores from the journal items."""
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s",
            [("medical_claim_balance_due_idx", "medical_charge_balance_due_idx")])
        definitions = dict(self.env.cr.fetchall())
        self.assertIn("amount_due > (0)", definitions["medical_claim_balance_due_idx"])
        self.assertIn("patient_due > (0)", definitions["medical_charge_balance_due_idx"])
        claim = self._electronic_claim()
        charge = self._client_charge()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT amount_due FROM medical_claim WHERE id = %s", [claim.id])
        [(stored_due,)] = self.env.cr.fetchall()
        payer_items = self.env["account.move.line"].search([
            ("medical_charge_id", "in", claim.line_ids.charge_id.ids),
            ("medical_party_role", "=", claim.payer_role), ("parent_state", "=", "posted"),
        ])
        self.assertAlmostEqual(float(stored_due), sum(payer_items.mapped("amount_residual")))
        patient_items = charge.ledger_line_ids.filtered(
            lambda item: item.medical_party_role == "patient")
        self.assertAlmostEqual(charge.patient_due, sum(patient_items.mapped("amount_residual")))


def fields_date(value):
    return fields.Date.to_date(value)
