"""Posted money records are frozen on the server, whatever a client sends (issue 14,
item 2): what the web client hides, an RPC call can still send."""
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestFrozenRecords(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy_primary.copay_amount = 30.0

    def _items(self):
        return self.env["account.move.line"].search_read(
            [("medical_party_role", "!=", False)], ["balance", "amount_residual", "partner_id"],
            order="id")

    def _payment(self, **values):
        payment = self.env["medical.payment"].create({
            "patient_id": self.patient.id, "amount": 40.0, "method": "cash", **values,
        })
        payment.action_post()
        return payment

    def test_posted_charge_state_and_entries_are_not_writable(self):
        charge = self._post_charge()
        other = self._post_charge(date_service="2026-03-03")
        items = self._items()
        for vals in ({"state": "draft"}, {"move_id": other.move_id.id},
                     {"reversal_move_id": other.move_id.id}):
            with self.assertRaisesRegex(UserError, "never directly"):
                charge.with_user(self.biller).write(vals)
        # A client's context cannot open the billing operations' door.
        with self.assertRaisesRegex(UserError, "never directly"):
            charge.with_user(self.biller).with_context(medical_billing_operation=True).write(
                {"state": "draft"})
        self.assertEqual(charge.state, "posted")
        self.assertEqual(self._items(), items)
        # What may change after posting still does.
        charge.with_user(self.front_desk).write({"hold_claim": True, "note": "Call payer"})
        self.assertTrue(charge.hold_claim)

    def test_charge_cannot_be_created_posted(self):
        with self.assertRaisesRegex(UserError, "never directly"):
            self._create_charges({"product_id": self.code_adjustment.id, "state": "posted"})

    def test_posted_payment_is_frozen(self):
        self._post_charge()
        payment = self._payment()
        items = self._items()
        for vals in ({"amount": 400.0}, {"date": "2026-03-01"}, {"patient_id": self.biller
                                                                    .partner_id.id}):
            with self.assertRaisesRegex(UserError, "kept as posted"):
                payment.with_user(self.biller).write(vals)
        with self.assertRaisesRegex(UserError, "never directly"):
            payment.with_user(self.biller).write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "Only draft records can be deleted"):
            payment.with_user(self.biller).unlink()
        payment.with_user(self.front_desk).write({"memo": "Paid at the desk"})
        self.assertRecordValues(payment, [{"amount": 40.0, "state": "posted"}])
        self.assertEqual(self._items(), items)

    def test_payment_cannot_be_created_posted_or_as_a_refund(self):
        for vals in ({"state": "posted"}, {"move_id": self.env["account.move"].search(
                [], limit=1).id}):
            with self.assertRaisesRegex(UserError, "never directly"):
                self.env["medical.payment"].with_user(self.front_desk).create({
                    "patient_id": self.patient.id, "amount": 40.0, "method": "cash", **vals,
                })
        for kind in ("refund", "transfer_in", "transfer_out"):
            with self.assertRaisesRegex(UserError, "not created directly"):
                self.env["medical.payment"].with_user(self.biller).create({
                    "patient_id": self.patient.id, "amount": 40.0, "kind": kind,
                })
        self.assertFalse(self.env["medical.payment"].search([]))

    def test_posted_eob_is_frozen(self):
        charge = self._post_charge()
        other = self._post_charge(date_service="2026-03-03")
        eob = self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": "CHK-1", "date": "2026-03-09",
            "amount_total": 20.0,
            "line_ids": [Command.create({"charge_id": charge.id, "paid": 20.0})],
        })
        eob.action_post()
        items = self._items()
        for vals in ({"amount_total": 49.0}, {"payer_id": self.payer_secondary.id},
                     {"line_ids": [Command.create({"charge_id": other.id, "paid": 5.0})]},
                     {"line_ids": [Command.delete(eob.line_ids.id)]}):
            with self.assertRaisesRegex(UserError, "kept as posted"):
                eob.with_user(self.biller).write(vals)
        with self.assertRaisesRegex(UserError, "never directly"):
            eob.with_user(self.biller).write({"state": "draft"})
        self.assertEqual(self._items(), items)
        self.assertEqual(len(eob.line_ids), 1)

    def test_posted_eob_lines_and_adjustments_are_frozen(self):
        charge = self._post_charge()
        eob = self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": "CHK-2", "date": "2026-03-09",
            "amount_total": 20.0,
            "line_ids": [Command.create({
                "charge_id": charge.id, "paid": 20.0,
                "adjustment_ids": [Command.create({"group_code": "CO", "reason_code": "45",
                                                   "amount": 9.0})],
            })],
        })
        eob.action_post()
        items = self._items()
        line, adjustment = eob.line_ids, eob.line_ids.adjustment_ids
        refusals = [
            lambda: line.with_user(self.biller).write({"paid": 49.0}),
            lambda: line.with_user(self.biller).unlink(),
            lambda: adjustment.with_user(self.biller).write({"amount": 29.0}),
            lambda: adjustment.with_user(self.biller).unlink(),
            lambda: self.env["medical.eob.adjustment"].with_user(self.biller).create({
                "line_id": line.id, "group_code": "CO", "reason_code": "45", "amount": 1.0}),
        ]
        for refused in refusals:
            with self.assertRaises(UserError):
                refused()
        self.assertRecordValues(line, [{"paid": 20.0}])
        self.assertRecordValues(adjustment, [{"amount": 9.0}])
        self.assertEqual(self._items(), items)

    def test_bulk_write_off_is_made_by_its_action_only(self):
        charge = self._post_charge()
        with self.assertRaisesRegex(UserError, "not created directly"):
            self.env["medical.write.off.batch"].with_user(self.billing_manager).create({
                "reason_id": self.reason_contractual.id, "party": "patient",
                "charge_ids": [Command.set(charge.ids)],
            })
        wizard = self.env["medical.charge.bulk.write.off"].with_user(
            self.billing_manager).with_context(
            active_model="medical.charge", active_ids=charge.ids,
        ).create({"reason_id": self.reason_contractual.id, "party": "patient", "mode": "full"})
        wizard.action_write_off()
        batch = self.env["medical.write.off.batch"].search([])
        self.assertRecordValues(batch, [{"state": "posted", "amount_total": 30.0}])
        with self.assertRaisesRegex(UserError, "never directly"):
            batch.with_user(self.biller).write({"state": "deleted"})
        with self.assertRaisesRegex(UserError, "kept as posted"):
            batch.with_user(self.biller).write({"threshold": 5.0})

    def test_case_patient_cannot_change_once_charges_are_posted(self):
        other = self.env["res.partner"].create({"name": "Sam Alvarez", "is_patient": True})
        case = self.env["medical.case"].create({
            "name": "Sprain", "patient_id": self.patient.id, "date_start": "2026-01-01",
        })
        draft = self._create_charges({"product_id": self.code_adjustment.id}, case=case)
        case.patient_id = other  # nothing posted yet: a typo is fixed
        self.assertEqual(draft.patient_id, other)
        draft.action_post()
        items = self._items()
        with self.assertRaisesRegex(UserError, "cannot change"):
            case.with_user(self.front_desk).write({"patient_id": self.patient.id})
        self.assertEqual(draft.patient_id, other)
        self.assertEqual(set(draft.ledger_line_ids.filtered("medical_party_role")
                             .mapped("partner_id.id")), {other.id})
        self.assertEqual(self._items(), items)
