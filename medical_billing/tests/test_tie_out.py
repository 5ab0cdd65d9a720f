from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestTieOut(MedicalBillingCommon):

    def _tie_out(self, date="2026-03-10"):
        return self.env["medical.tie.out"].with_user(self.accountant).create({"date": date})

    def _lines(self, tie_out):
        return {
            (line.party_kind, line.partner_id): (line.billing_open, line.ledger_balance,
                                                 line.difference)
            for line in tie_out.line_ids
        }

    def _scenario(self):
        """Charges on 2 March (patient 30 + primary 49, patient 0 + primary 100), payments
        on 5 March (50 cash; 20 check, deleted), a primary write-off of 10 on the 10th."""
        adjustment, exercise = self._create_charges(
            {"product_id": self.code_adjustment.id}, {"product_id": self.code_exercise.id},
        )
        (adjustment | exercise).action_post()
        payments = self.env["medical.payment"].create([
            {"patient_id": self.patient.id, "amount": 50.0, "date": "2026-03-05"},
            {"patient_id": self.patient.id, "amount": 20.0, "date": "2026-03-05",
             "method": "check", "check_number": "77"},
        ])
        payments.action_post()
        payments[1]._delete("Bounced")
        exercise._write_off("primary", 10.0, self.reason_contractual)
        return adjustment, exercise

    def test_tie_out_is_zero_after_billing_events(self):
        self._scenario()
        tie_out = self._tie_out()
        self.assertEqual(self._lines(tie_out), {
            # patient owes 30, paid 50: a credit of 20
            ("patient", self.patient): (-20.0, -20.0, 0.0),
            ("payer", self.payer_primary): (139.0, 139.0, 0.0),
        })
        self.assertRecordValues(tie_out, [{
            "patient_billing_open": -20.0, "patient_ledger_balance": -20.0,
            "patient_difference": 0.0,
            "payer_billing_open": 139.0, "payer_ledger_balance": 139.0, "payer_difference": 0.0,
            "billing_open": 119.0, "ledger_balance": 119.0, "difference": 0.0,
            "is_balanced": True,
        }])
        company_figures = self.assertTieOut()
        self.assertEqual(company_figures["billing_open"], tie_out.billing_open)

    def test_tie_out_on_an_earlier_date(self):
        self._scenario()
        before_payments = self._tie_out("2026-03-04")
        self.assertRecordValues(before_payments, [{
            "patient_billing_open": 30.0, "payer_billing_open": 149.0,
            "ledger_balance": 179.0, "difference": 0.0, "is_balanced": True,
        }])
        self.assertFalse(self._tie_out("2026-03-01").line_ids, "Nothing posted yet")

    def test_manual_entry_on_the_receivable_shows_a_difference(self):
        self._scenario()
        manual = self.env["account.move"].create({
            "move_type": "entry",
            "journal_id": self.company_data["default_journal_misc"].id,
            "date": "2026-03-08",
            "line_ids": [
                (0, 0, {"account_id": self.accounts["patient"].id,
                        "partner_id": self.patient.id, "balance": 12.34}),
                (0, 0, {"account_id": self.accounts["revenue"].id, "balance": -12.34}),
            ],
        })
        manual.action_post()
        self.assertTrue(self._tie_out("2026-03-07").is_balanced,
                        "An entry dated after the tie-out date does not count")

        tie_out = self._tie_out()
        self.assertEqual(self._lines(tie_out)[("patient", self.patient)],
                         (-20.0, -7.66, -12.34))
        self.assertRecordValues(tie_out, [{
            "patient_billing_open": -20.0, "patient_ledger_balance": -7.66,
            "patient_difference": -12.34, "payer_difference": 0.0,
            "billing_open": 119.0, "ledger_balance": 131.34, "difference": -12.34,
            "is_balanced": False,
        }])
        line = tie_out.line_ids.filtered(lambda line: line.partner_id == self.patient)
        items = self.env["account.move.line"].search(line.action_open_items()["domain"])
        self.assertIn(manual.line_ids.filtered("partner_id"), items)

        manual.button_draft()
        tie_out.action_refresh()
        self.assertRecordValues(tie_out, [{"difference": 0.0, "is_balanced": True}])

    def test_tie_out_screen_follows_the_date(self):
        self._scenario()
        with Form(self.env["medical.tie.out"].with_user(self.accountant)) as screen:
            self.assertEqual(str(screen.date), "2026-03-10")
            self.assertEqual(screen.billing_open, 119.0)
            screen.date = "2026-03-04"
            self.assertEqual(screen.billing_open, 179.0)
            self.assertEqual(screen.difference, 0.0)
            self.assertTrue(screen.is_balanced)
        self.assertEqual(len(screen.record.line_ids), 2)
