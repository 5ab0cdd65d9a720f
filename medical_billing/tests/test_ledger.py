import re

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-20")
@tagged("post_install", "-at_install")
class TestLedger(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case.fee_schedule_id = cls.fee_schedule
        cls.sibling = cls.env["res.partner"].create({"name": "Sam Alvarez", "is_patient": True})
        cls.sibling_case = cls.env["medical.case"].create({
            "name": "Sprain", "patient_id": cls.sibling.id, "date_start": "2026-01-01",
        })

    def _money(self, **values):
        record = self.env["medical.payment"].create({"patient_id": self.patient.id, **values})
        record.action_post()
        return record

    def _every_kind_of_operation(self):
        """Charges with a fee schedule, a responsibility change, write-offs, a reversal, an
        EOB, payments, a credit forward, a refund, a transfer, a deleted payment and a
        credit that applies itself to a later charge."""
        exercise = self._post_charge(self.code_exercise, date_service="2026-03-02")  # 80
        adjustment = self._post_charge(date_service="2026-03-03")  # 79, patient 30
        adjustment._change_responsibility({"patient": 20.0, "primary": 59.0})
        adjustment._write_off("patient", 5.0, self.reason_contractual)
        wrong = self._post_charge(self.code_adjustment, date_service="2026-03-04")
        wrong._reverse("Wrong code")
        eob = self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": "CHK-1", "date": "2026-03-10",
            "amount_total": 40.0,
            "line_ids": [Command.create({
                "charge_id": exercise.id, "paid": 40.0,
                "adjustment_ids": [Command.create({"group_code": "CO", "reason_code": "45",
                                                   "amount": 5.0})],
            })],
        })
        eob.action_post()
        payment = self._money(amount=60.0, date="2026-03-11", method="cash")
        self._money(kind="credit_forward", amount=15.0, date="2026-03-12",
                    credit_forward_reason="prepayment")
        payment._refund(10.0, "Overpaid", date="2026-03-13")
        self.env["medical.payment"]._transfer_credit(
            self.patient, self.sibling, 5.0, "Family", date="2026-03-14",
        )
        mistake = self._money(amount=7.0, date="2026-03-15", method="cash")
        mistake._delete("Wrong patient")
        later = self._post_charge(date_service="2026-03-17")  # takes the remaining credit
        return exercise | adjustment | wrong | later

    def test_ledger_matches_the_journal_items(self):
        charges = self._every_kind_of_operation()
        lines = self.env["medical.ledger.report"].search([("patient_id", "=", self.patient.id)])
        self.assertEqual(set(lines.mapped("entry_type")), {
            "charge", "fee_write_off", "responsibility", "write_off", "insurance_payment",
            "payment", "credit_forward", "refund", "transfer_out", "credit_applied",
            "charge_reversal",
        }, "Every kind of event shows, and the deleted payment does not")
        self.assertNotIn(7.0, lines.filtered(lambda line: line.entry_type == "payment")
                         .mapped("credits"))

        items = self.env["account.move.line"].search([
            ("medical_patient_id", "=", self.patient.id), ("parent_state", "=", "posted"),
            ("medical_party_role", "!=", False),
        ])
        patient_items = items.filtered(lambda line: line.medical_party_role == "patient")
        last = lines[-1]
        self.assertAlmostEqual(sum(lines.mapped("charges")) - sum(lines.mapped("credits")),
                               sum(items.mapped("balance")))
        self.assertAlmostEqual(last.balance, sum(items.mapped("balance")))
        self.assertAlmostEqual(last.patient_balance, sum(patient_items.mapped("balance")))
        self.assertAlmostEqual(last.payer_balance,
                               sum((items - patient_items).mapped("balance")))
        self.assertAlmostEqual(last.patient_balance, self.patient.medical_balance)
        self.assertAlmostEqual(last.balance, sum(charges.mapped("balance"))
                               - self.patient.medical_credit)
        # Charges show at the price list, the fee schedule write-off as a credit.
        exercise_lines = lines.filtered(lambda line: line.charge_id == charges[0])
        self.assertEqual(exercise_lines.mapped("entry_type"),
                         ["charge", "fee_write_off", "write_off"])
        self.assertEqual(exercise_lines.mapped("charges"), [100.0, 0.0, 0.0])
        self.assertEqual(exercise_lines.mapped("credits"), [0.0, 20.0, 5.0])
        case_lines = lines.filtered(lambda line: line.case_id == self.case)
        self.assertAlmostEqual(case_lines[-1].case_balance, self.case.balance)
        self.assertTieOut()

    def test_billing_items_hold_the_values_odoo_computes(self):
        """Billing entries hold the stored values Odoo computes: computing every one of them
        again changes none (a module that computes one of them differently is obeyed)."""
        self._every_kind_of_operation()
        self._post_charge(self.code_supplement, date_service="2026-03-18")  # taxed
        moves = self.env["account.move"].search([("journal_id", "in", [
            self.company.medical_charge_journal_id.id,
            self.company.medical_payment_journal_id.id,
            self.company.medical_adjustment_journal_id.id,
            self.company.medical_payer_payment_journal_id.id,
        ])])
        # Reversals are made by Odoo itself (_reverse_moves), not from our values.
        moves = moves.filtered(lambda move: not move.reversed_entry_id)
        self.assertGreater(len(moves), 10)
        # Computed fields that the entries set as inputs: Odoo would only guess them.
        inputs = {"journal_id", "partner_id", "tax_ids"}
        for records in (moves, moves.line_ids):
            computed = [field for field in records._fields.values()
                        if field.store and field.compute and field.name not in inputs]
            stored = {field.name: [record[field.name] for record in records]
                      for field in computed}
            for field in computed:
                self.env.add_to_compute(field, records)
            for field in computed:
                self.assertEqual([record[field.name] for record in records], stored[field.name],
                                 f"{field} differs once computed by Odoo")

    def test_billing_items_are_numbered_as_odoo_numbers_them(self):
        """A billing reconciliation numbers its items once, at its end: the matching numbers
        are those Odoo's own numbering gives the same partials and full reconciles."""
        self._every_kind_of_operation()
        items = self.env["account.move.line"].search([("medical_party_role", "!=", False)])
        numbered = items.filtered("matching_number")
        self.assertTrue(numbered.full_reconcile_id)
        self.assertTrue(numbered.filtered(lambda item: item.matching_number.startswith("P")))
        numbers = {item: item.matching_number for item in items}
        self.env["account.partial.reconcile"]._update_matching_number(items)
        items.invalidate_recordset(["matching_number"])
        self.assertEqual({item: item.matching_number for item in items}, numbers)

    def test_full_reconciles_link_their_items_and_partials(self):
        """A billing reconciliation links items and partials to their full reconcile in the
        same write as the items' other changes. Read back from the database, each full
        reconcile holds a whole group of settled items and the partials between them."""
        self._every_kind_of_operation()
        self.env.invalidate_all()
        items = self.env["account.move.line"].search([("medical_party_role", "!=", False)])
        fulls = items.full_reconcile_id
        self.assertGreater(len(fulls), 5)
        for full in fulls:
            lines = full.reconciled_line_ids
            self.assertEqual(lines._all_reconciled_lines(), lines)
            self.assertTrue(all(lines.mapped("reconciled")))
            self.assertEqual(set(lines.mapped("matching_number")), {str(full.id)})
            self.assertEqual(full.partial_reconcile_ids,
                             lines.matched_debit_ids | lines.matched_credit_ids)
        self.assertFalse((items - fulls.reconciled_line_ids).filtered(
            lambda item: str(item.matching_number).isdigit()))

    def test_ledger_screen_filters_sorts_and_prints(self):
        self._every_kind_of_operation()
        screen = self.env["medical.patient.ledger"].with_user(self.front_desk).with_context(
            active_model="res.partner", active_ids=self.patient.ids,
        ).create({"date_from": "2026-03-11", "show_breakdown": True})
        self.assertTrue(all(line.date >= screen.date_from for line in screen.line_ids))
        everything = self.env["medical.ledger.report"].search(
            [("patient_id", "=", self.patient.id)])
        before = everything.filtered(lambda line: str(line.date) < "2026-03-11")
        self.assertAlmostEqual(screen.opening_balance,
                               sum(before.mapped("charges")) - sum(before.mapped("credits")))
        self.assertAlmostEqual(screen.closing_balance, everything[-1].balance)
        oldest_first = screen.line_ids.mapped("date")
        screen.newest_first = True
        self.assertEqual(screen.line_ids.mapped("date"), oldest_first[::-1])

        screen.write({"case_id": self.case.id, "date_from": False})
        self.assertEqual(screen.line_ids.case_id, self.case)
        self.assertAlmostEqual(screen.closing_balance, self.case.balance)

        html = self.env["ir.actions.report"]._render_qweb_html(
            "medical_billing.report_patient_ledger", screen.ids)[0].decode()
        self.assertIn("Patient Ledger", html)
        self.assertIn(self.patient.name, html)
        self.assertIn("Fee Schedule Write-off", html)
        self.assertIn("Payer Balance", html)

    def test_payer_credit_shows_in_parentheses(self):
        line = self.env["medical.ledger.report"]
        self.assertEqual(line._format_signed(-12.5), f"({self.currency.format(12.5)})")
        self.assertEqual(line._format_signed(12.5), self.currency.format(12.5))

    def test_ledger_screen_balances_agree(self):
        """Account balance = patient + payer balance = case balances less the unapplied
        credit, on screen and on paper, with a reversed charge and a charge the fee
        schedule prices at 0.00 among the events."""
        charges = self._every_kind_of_operation()
        free = self.env["medical.fee.schedule"].create({
            "name": "Courtesy", "line_ids": [(0, 0, {"product_id": self.code_adjustment.id,
                                                     "price": 0.0})],
        })
        courtesy_case = self.env["medical.case"].create({
            "name": "Courtesy visit", "patient_id": self.patient.id,
            "date_start": "2026-03-01", "fee_schedule_id": free.id,
        })
        courtesy = self._create_charges({"product_id": self.code_adjustment.id,
                                         "date_service": "2026-03-18"}, case=courtesy_case)
        courtesy.action_post()
        self._money(amount=50.0, date="2026-03-19", method="cash")  # leaves a credit
        self.assertGreater(self.patient.medical_credit, 0)

        screen = Form(self.env["medical.patient.ledger"].with_user(self.front_desk)
                      .with_context(active_model="res.partner", active_ids=self.patient.ids))
        lines = self.env["medical.ledger.report"].search([("patient_id", "=", self.patient.id)])
        cases = self.case | courtesy_case
        self.assertAlmostEqual(screen.closing_balance,
                               sum(lines.mapped("charges")) - sum(lines.mapped("credits")))
        self.assertAlmostEqual(screen.closing_balance, lines[-1].balance)
        self.assertAlmostEqual(screen.closing_balance,
                               screen.patient_balance + screen.payer_balance)
        self.assertAlmostEqual(screen.closing_balance,
                               sum(cases.mapped("balance")) - screen.credit)
        self.assertAlmostEqual(screen.credit, self.patient.medical_credit)
        self.assertAlmostEqual(screen.patient_balance, self.patient.medical_balance)
        self.assertAlmostEqual(lines[-1].patient_balance, screen.patient_balance)
        self.assertAlmostEqual(lines[-1].payer_balance, screen.payer_balance)
        # The screen lists the cases inside a new record, as new records of their own.
        self.assertEqual(self.case.new(origin=self.case).balance, self.case.balance)
        self.assertTrue(self.case.balance)
        # The zero-priced charge shows with its write-off, and nets to nothing.
        courtesy_lines = lines.filtered(lambda line: line.charge_id == courtesy)
        self.assertEqual(courtesy_lines.mapped("entry_type"), ["charge", "fee_write_off"])
        self.assertEqual(courtesy_lines.mapped("charges"), [79.0, 0.0])
        self.assertEqual(courtesy_lines.mapped("credits"), [0.0, 79.0])
        # The reversed charge: its reversal credits the charge; no write-off reversal
        # shows as a fee-schedule write-off.
        wrong = charges[2]
        self.assertEqual(lines.filtered(lambda line: line.charge_id == wrong)
                         .mapped("entry_type"), ["charge", "charge_reversal"])
        self.assertNotIn("fee_write_off", lines.filtered(
            lambda line: line.move_id == wrong.reversal_move_id).mapped("entry_type"))

        html = self.env["ir.actions.report"]._render_qweb_html(
            "medical_billing.report_patient_ledger", screen.save().ids)[0].decode()
        self.assertIn("Unapplied credit", html)
        # Printed with the screen's figures, a credit in parentheses.
        signed = self.env["medical.ledger.report"]._format_signed
        self.assertRegex(html, r"Account balance</strong>\s*</td>\s*<td[^>]*>\s*<strong>"
                         + re.escape(signed(screen.closing_balance)))
        self.assertIn(f"({self.currency.format(screen.credit)})", html)

    def test_reversed_fee_schedule_charge_reads_as_a_reversal(self):
        exercise = self._post_charge(self.code_exercise, date_service="2026-03-02")  # 100/80
        exercise._reverse("Wrong code")
        lines = self.env["medical.ledger.report"].search(
            [("patient_id", "=", self.patient.id), ("charge_id", "=", exercise.id)])
        self.assertEqual(lines.mapped("entry_type"), [
            "charge", "fee_write_off", "charge_reversal", "fee_write_off_reversal",
        ])
        self.assertEqual(lines.mapped("charges"), [100.0, 0.0, 0.0, 20.0])
        self.assertEqual(lines.mapped("credits"), [0.0, 20.0, 100.0, 0.0])
        self.assertAlmostEqual(lines[-1].balance, 0.0)
