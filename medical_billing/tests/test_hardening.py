from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestHardening(MedicalBillingCommon):
    """Holes found by trying the screens the wrong way: each test is one finding."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_patient = cls.env["res.partner"].create({
            "name": "Tom Becker", "is_patient": True,
        })
        cls.bank_account = cls.company.medical_payer_payment_journal_id.default_account_id
        cls.cash_account = cls.company.medical_payment_journal_id.default_account_id

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @contextmanager
    def assertRefused(self, regex):
        """The call is refused with a UserError matching ``regex``; what it wrote before
        is rolled back, as the request's transaction would be."""
        with self.assertRaisesRegex(UserError, regex), self.env.cr.savepoint():
            yield

    def _wizard(self, model, records, user=None, **values):
        """A wizard filled in through its form, as opened on ``records``, saved."""
        with Form(self.env[model].with_user(user or self.biller).with_context(
            active_model=records._name, active_ids=records.ids,
        )) as wizard:
            for field, value in values.items():
                setattr(wizard, field, value)
        return wizard.record

    def _confirm_twice(self, wizard, action):
        """The double click: the same saved wizard confirmed twice."""
        result = getattr(wizard, action)()
        with self.assertRefused("already confirmed"):
            getattr(wizard, action)()
        return result

    def _pay(self, amount, patient=None, date="2026-03-10"):
        """A cash payment posted from the patient's Post Payment dialog, as the front desk."""
        patient = (patient or self.patient).with_user(self.front_desk)
        action = patient.action_open_medical_payment()
        view_id = next(view_id for view_id, view_type in action["views"] if view_type == "form")
        with Form(patient.env["medical.payment"].with_context(**action["context"]),
                  view=self.env["ir.ui.view"].browse(view_id)) as dialog:
            dialog.amount = amount
            dialog.date = date
        dialog.record.action_post()
        return dialog.record

    def _field_domain(self, form, field):
        """The domain the web client gives the field's picker, evaluated on the form."""
        domain = form._view["fields"][field].get("domain") or "[]"
        return safe_eval(domain, form._get_eval_context()) if isinstance(domain, str) \
            else domain

    def _items(self, moves):
        return moves.line_ids.sorted("id")

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_eob_cannot_pay_one_charge_twice(self):
        charge = self._post_charge()  # patient 30.00 (copay), primary 49.00
        moves_before = self.env["account.move"].search_count([])

        def eob_form(total, lines):
            form = Form(self.env["medical.eob"].with_user(self.biller))
            form.payer_id = self.payer_primary
            form.reference = "CHK-4410"
            form.date = "2026-03-09"
            form.amount_total = total
            for paid, adjustments in lines:
                with form.line_ids.new() as line:
                    line.charge_id = charge
                    line.paid = paid
                    for group, reason, amount in adjustments:
                        with line.adjustment_ids.new() as adjustment:
                            adjustment.group_code = group
                            adjustment.reason_code = reason
                            adjustment.amount = amount
            return form.save()

        # The same 49.00 keyed twice: each line alone is within what the primary owes.
        twice = eob_form(98.0, [(49.0, []), (49.0, [])])
        with self.assertRefused("2 lines of this EOB are on .* together they "
                                               "pay and adjust .*98.00.* only owes .*49.00"):
            twice.action_post()
        self.assertEqual(twice.state, "draft")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertRecordValues(charge, [{"primary_paid": 0.0, "primary_due": 49.0}])

        # A payment and an adjustment on two lines of the charge, within what it owes, post.
        split = eob_form(40.0, [(30.0, []), (10.0, [("CO", "45", 9.0)])])
        split.action_post()
        primary = self.payer_primary
        self.assertRecordValues(self._items(split.move_id), [
            {"account_id": self.bank_account.id, "partner_id": primary.id, "balance": 40.0,
             "medical_charge_id": False, "medical_entry_kind": False},
            {"account_id": self.accounts["payer"].id, "partner_id": primary.id,
             "balance": -30.0, "medical_charge_id": charge.id, "medical_entry_kind": "payment"},
            {"account_id": self.accounts["payer"].id, "partner_id": primary.id,
             "balance": -10.0, "medical_charge_id": charge.id, "medical_entry_kind": "payment"},
            {"account_id": self.accounts["write_off"].id, "partner_id": primary.id,
             "balance": 9.0, "medical_charge_id": charge.id, "medical_entry_kind": "write_off"},
            {"account_id": self.accounts["payer"].id, "partner_id": primary.id,
             "balance": -9.0, "medical_charge_id": charge.id,
             "medical_entry_kind": "write_off"},
        ])
        self.assertRecordValues(charge, [{"primary_paid": 40.0, "primary_due": 0.0,
                                          "patient_due": 30.0}])
        self.assertTieOut()

    def test_policy_used_by_posted_charges_cannot_be_deleted(self):
        charge = self._post_charge()  # maps the case's first four diagnoses
        items = self._receivable_lines(charge)
        self.assertEqual(items.partner_id, self.patient | self.payer_primary)
        policy = self.policy_primary.with_user(self.front_desk)
        with self.assertRefused("Effective To"):
            policy.unlink()
        self.assertTrue(policy.exists())
        self.assertEqual(self.case.primary_policy_id, self.policy_primary)
        # Ending it is the way: it stays on the posted charge and its claims.
        policy.date_end = "2026-03-09"
        self.assertEqual(self._receivable_lines(charge), items)
        self.assertEqual(items.partner_id, self.patient | self.payer_primary)
        # A policy that billed nothing can still be deleted.
        unused = self._create_policy(self._create_payer("Cedar Assurance", "CDR01"))
        unused.with_user(self.front_desk).unlink()
        self.assertFalse(unused.exists())

        first, fifth = self.case.diagnosis_ids[0], self.case.diagnosis_ids[4]
        self.assertIn(first, charge.diagnosis_ids)
        self.assertNotIn(fifth, charge.diagnosis_ids)
        with self.assertRefused("M62.80 .* stays on the case"):
            with Form(self.case.with_user(self.front_desk)) as case_form:
                case_form.diagnosis_ids.remove(index=0)
        self.assertTrue(first.exists())
        self.assertEqual(charge.diagnosis_ids.mapped("pointer"), ["A", "B", "C", "D"])
        # A diagnosis no posted charge points at can go.
        with Form(self.case.with_user(self.front_desk)) as case_form:
            case_form.diagnosis_ids.remove(index=4)
        self.assertFalse(fifth.exists())
        self.assertEqual(len(charge.diagnosis_ids), 4)

    def test_wizard_confirmed_twice_posts_once(self):
        adjustment = self._post_charge(date_service="2026-03-02")  # patient 30, primary 49
        exercise = self._post_charge(self.code_exercise, date_service="2026-03-03")  # 30, 70
        to_reverse = self._post_charge(date_service="2026-03-04")
        patient_account, payer_account = self.accounts["patient"], self.accounts["payer"]

        # Write-off of 10.00 of the patient's share.
        wizard = self._wizard("medical.charge.write.off", adjustment, party="patient",
                              amount=10.0, reason_id=self.reason_contractual)
        self._confirm_twice(wizard, "action_write_off")
        write_offs = adjustment.ledger_line_ids.filtered(
            lambda line: line.medical_entry_kind == "write_off").sorted("id")
        self.assertRecordValues(write_offs, [
            {"account_id": self.accounts["write_off"].id, "balance": 10.0,
             "medical_party_role": False},
            {"account_id": patient_account.id, "balance": -10.0, "medical_party_role": "patient"},
        ])

        # Responsibility: 10.00 moved from the primary to the patient.
        wizard = self._wizard("medical.charge.responsibility", adjustment,
                              patient_amount=40.0, primary_amount=39.0)
        self._confirm_twice(wizard, "action_apply")
        moved = adjustment.ledger_line_ids.filtered(
            lambda line: line.medical_entry_kind == "responsibility").sorted("id")
        self.assertRecordValues(moved, [
            {"account_id": patient_account.id, "balance": 10.0, "medical_party_role": "patient"},
            {"account_id": payer_account.id, "balance": -10.0, "medical_party_role": "primary"},
        ])
        self.assertRecordValues(adjustment, [{"patient_due": 30.0, "primary_due": 39.0}])

        # Bulk write-off of the primary's whole balance on the exercise.
        wizard = self._wizard("medical.charge.bulk.write.off", exercise, party="primary",
                              user=self.billing_manager, reason_id=self.reason_contractual)
        self._confirm_twice(wizard, "action_write_off")
        self.assertEqual(self.env["medical.write.off.batch"].search_count([]), 1)
        self.assertRecordValues(exercise.ledger_line_ids.filtered(
            lambda line: line.medical_entry_kind == "write_off").sorted("id"), [
            {"account_id": self.accounts["write_off"].id, "balance": 70.0,
             "medical_party_role": False},
            {"account_id": payer_account.id, "balance": -70.0, "medical_party_role": "primary"},
        ])

        # Reversal of a charge.
        wizard = self._wizard("medical.charge.reverse", to_reverse, reason="Wrong code")
        self._confirm_twice(wizard, "action_reverse")
        self.assertEqual(len(to_reverse.ledger_line_ids.move_id), 2, "Charge and reversal")
        self.assertEqual(to_reverse.balance, 0.0)

        # Refund of 50.00 of a payment of 200.00 (60.00 pays the two open shares).
        payment = self._pay(200.0)
        self.assertEqual(payment.amount_unapplied, 140.0)
        wizard = self._wizard("medical.payment.refund", payment, amount=50.0,
                              reason="Overpaid")
        self._confirm_twice(wizard, "action_refund")
        refund = self.env["medical.payment"].search([("kind", "=", "refund")])
        self.assertEqual(len(refund), 1)
        self.assertRecordValues(self._items(refund.move_id), [
            {"account_id": patient_account.id, "partner_id": self.patient.id, "balance": 50.0},
            {"account_id": self.cash_account.id, "partner_id": self.patient.id,
             "balance": -50.0},
        ])
        self.assertEqual(self.patient.medical_credit, 90.0)

        # Transfer of 20.00 of credit to another patient.
        wizard = self._wizard("medical.credit.transfer", self.patient,
                              to_patient_id=self.other_patient, amount=20.0, reason="Family")
        self._confirm_twice(wizard, "action_transfer")
        transfers = self.env["medical.payment"].search([("kind", "=", "transfer_out")])
        self.assertEqual(len(transfers), 1)
        self.assertRecordValues(self._items(transfers.move_id), [
            {"partner_id": self.patient.id, "balance": 20.0},
            {"partner_id": self.other_patient.id, "balance": -20.0},
        ])
        self.assertEqual((self.patient.medical_credit, self.other_patient.medical_credit),
                         (70.0, 20.0))

        # Deletion of the transfer.
        wizard = self._wizard("medical.payment.delete", transfers, user=self.billing_manager,
                              reason="Wrong family")
        self._confirm_twice(wizard, "action_delete")
        self.assertEqual(len(transfers.move_id.reversal_move_ids), 1)
        self.assertEqual((self.patient.medical_credit, self.other_patient.medical_credit),
                         (90.0, 0.0))
        self.assertTieOut()

    def test_money_events_cannot_be_dated_in_the_future(self):
        charge = self._post_charge()  # patient 30, primary 49
        moves_before = self.env["account.move"].search_count([])
        future = "2026-03-11"

        with self.assertRefused("03/11/2026 is after today.*today's date or "
                                               "an earlier one"):
            self._pay(40.0, date=future)
        eob = self.env["medical.eob"].with_user(self.biller).create({
            "payer_id": self.payer_primary.id, "reference": "CHK-1", "date": future,
            "amount_total": 49.0, "line_ids": [Command.create({
                "charge_id": charge.id, "paid": 49.0})],
        })
        with self.assertRefused("after today"):
            eob.action_post()
        wizard = self._wizard("medical.charge.write.off", charge, party="patient",
                              amount=10.0, reason_id=self.reason_contractual, date=future)
        with self.assertRefused("after today"):
            wizard.action_write_off()
        wizard = self._wizard("medical.charge.reverse", charge, reason="Wrong", date=future)
        with self.assertRefused("after today"):
            wizard.action_reverse()
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(eob.state, "draft")
        self.assertRecordValues(charge, [{"state": "posted", "patient_due": 30.0,
                                          "primary_due": 49.0}])

        payment = self._pay(100.0)  # today: posts; 30 pays the charge, 70 is credit
        moves_before = self.env["account.move"].search_count([])
        wizard = self._wizard("medical.payment.refund", payment, amount=10.0,
                              reason="Overpaid", date=future)
        with self.assertRefused("after today"):
            wizard.action_refund()
        wizard = self._wizard("medical.credit.transfer", self.patient,
                              to_patient_id=self.other_patient, amount=10.0, reason="Family",
                              date=future)
        with self.assertRefused("after today"):
            wizard.action_transfer()
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.patient.medical_credit, 70.0)

        # A charge keeps its own message for a date of service in the future.
        draft = self._create_charges({"product_id": self.code_adjustment.id,
                                      "date_service": future})
        with self.assertRefused("Charge .* in the future: post it on or after"):
            draft.action_post()

        # Today is the user's: late on the 10th in UTC it is already the 11th in Auckland.
        with freeze_time("2026-03-10 23:30:00"):
            self.front_desk.tz = "UTC"
            with self.assertRefused("after today"):
                self._pay(5.0, date=future)
            self.front_desk.tz = "Pacific/Auckland"
            late = self._pay(5.0, date=future)
        self.assertRecordValues(self._items(late.move_id), [
            {"account_id": self.cash_account.id, "balance": 5.0, "date": late.date},
            {"account_id": self.accounts["patient"].id, "balance": -5.0, "date": late.date},
        ])

    def test_credit_transfers_only_to_patients(self):
        self._pay(40.0)  # no charges: all credit
        company_b = self.setup_other_company(name="Uptown Clinic")["company"]
        patient_b = self.env["res.partner"].create({
            "name": "Ann Uptown", "is_patient": True, "company_id": company_b.id,
        })
        contact = self.env["res.partner"].create({"name": "Ana's employer"})
        Wizard = self.env["medical.credit.transfer"].with_user(self.biller).with_context(
            active_model="res.partner", active_ids=self.patient.ids,
        )
        # The picker offers the other patients of the company only.
        with Form(Wizard) as dialog:
            offered = self.env["res.partner"].search(self._field_domain(dialog, "to_patient_id"))
            dialog.to_patient_id = self.other_patient
            dialog.reason = "Family"
        self.assertIn(self.other_patient, offered)
        self.assertFalse(offered & (self.patient | self.payer_primary | contact | patient_b))

        # Written directly (RPC), a payer or any contact is refused by the action.
        moves_before = self.env["account.move"].search_count([])
        for partner in (self.payer_primary, contact):
            wizard = Wizard.create({"to_patient_id": partner.id, "amount": 10.0,
                                    "reason": "Family"})
            with self.assertRefused("is not a patient"):
                wizard.action_transfer()
        with self.assertRefused("Incompatible companies"):
            Wizard.create({"to_patient_id": patient_b.id, "amount": 10.0, "reason": "Family"})
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.patient.medical_credit, 40.0)
        self.assertFalse(self.env["account.move.line"].search([
            ("partner_id", "in", (self.payer_primary | contact | patient_b).ids)]))

        dialog.record.action_transfer()
        transfer = self.env["medical.payment"].search([("kind", "=", "transfer_out")])
        self.assertRecordValues(self._items(transfer.move_id), [
            {"partner_id": self.patient.id, "balance": 40.0},
            {"partner_id": self.other_patient.id, "balance": -40.0},
        ])

    def test_archived_payer_is_not_billed(self):
        draft = self._create_charges({"product_id": self.code_adjustment.id})
        self.assertEqual(draft.primary_payer_id, self.payer_primary)
        self.payer_primary.action_archive()
        moves_before = self.env["account.move"].search_count([])
        with self.assertRefused("Blue Harbor Health, the primary payer of case "
                                               "Low back pain, is archived"):
            draft.with_user(self.front_desk).action_post()
        self.assertEqual(draft.state, "draft")
        # A new visit is refused as it is entered.
        with self.assertRefused("Blue Harbor Health.* is archived"):
            self._create_charges({"product_id": self.code_exercise.id}).flush_recordset()
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertFalse(self.env["account.move.line"].search([
            ("partner_id", "=", self.payer_primary.id)]))

        # The biller puts the patient's new insurance first; the visit then bills it.
        payer_new = self._create_payer("Cedar Assurance", "CDR01")
        self.case.write({"primary_policy_id": self._create_policy(payer_new).id})
        draft.with_user(self.front_desk).action_post()
        self.assertRecordValues(self._receivable_lines(draft), [
            {"partner_id": payer_new.id, "account_id": self.accounts["payer"].id,
             "balance": 79.0, "medical_party_role": "primary"},
        ])
        self.assertEqual(draft.primary_payer_id, payer_new)

    def test_tie_out_refuses_another_company(self):
        company_b = self.setup_other_company(name="Uptown Clinic")["company"]
        user_b = new_test_user(
            self.env, login="accountant_b", groups="account.group_account_readonly",
            company_id=company_b.id, company_ids=[Command.set(company_b.ids)],
        )
        self._post_charge()  # company A: the patient owes 30, the primary 49
        TieOut = self.env["medical.tie.out"].with_user(user_b).with_context(
            allowed_company_ids=company_b.ids)
        with self.assertRefused(r"only shows a company you work in \(Uptown Clinic\)"):
            TieOut.create({"company_id": self.company.id, "date": "2026-03-10"})
        # The screen's onchange (as the web client sends it) and a write are refused too.
        with self.assertRefused("only shows a company you work in"):
            TieOut.onchange({"company_id": self.company.id, "date": "2026-03-10"},
                            ["company_id"], {"company_id": {}, "line_ids": {}})
        own = TieOut.create({"date": "2026-03-10"})
        with self.assertRefused("only shows a company you work in"):
            own.company_id = self.company
        # Its own company's screen shows nothing of company A.
        self.assertEqual(own.company_id, company_b)
        self.assertFalse(own.line_ids)
        self.assertEqual(own.billing_open, 0.0)
        self.assertFalse(self.env["account.move.line"].with_user(user_b).with_context(
            allowed_company_ids=company_b.ids).search([("partner_id", "=", self.patient.id)]))
        # Company A's own user sees A's figures, read from A's journal items.
        tie_out_a = self.env["medical.tie.out"].with_user(self.accountant).create(
            {"date": "2026-03-10"})
        self.assertRecordValues(tie_out_a, [{"patient_billing_open": 30.0,
                                             "payer_billing_open": 49.0,
                                             "difference": 0.0}])

    @mute_logger("odoo.sql_db")
    def test_patient_with_entries_cannot_be_deleted(self):
        # Needs res.partner._unlink_except_medical_history (models/res_partner.py).
        front_desk = new_test_user(
            self.env, login="front_desk_contacts",
            groups="medical_billing.group_medical_billing_user,base.group_partner_manager",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
        )
        charge = self._post_charge()
        items = self._receivable_lines(charge)
        for partner in (self.patient, self.payer_primary):
            with self.assertRefused("Archive the contact instead"):
                partner.with_user(front_desk).unlink()
            self.assertTrue(partner.exists())
        self.assertEqual(self._receivable_lines(charge), items)
        self.assertRecordValues(items, [
            {"partner_id": self.patient.id, "balance": 30.0},
            {"partner_id": self.payer_primary.id, "balance": 49.0},
        ])
        # A contact with no billing history can go.
        self.other_patient.with_user(front_desk).unlink()
        self.assertFalse(self.other_patient.exists())
