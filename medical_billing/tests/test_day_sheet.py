from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestDaySheet(MedicalBillingCommon):
    """A week of a two-clinic practice, read back from the day sheet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic_main, cls.clinic_north = cls.env["medical.clinic"].create([
            {"name": "Main Street", "partner_id": cls.company.partner_id.id},
            {"name": "North Side", "partner_id": cls.company.partner_id.id},
        ])
        cls.other_patient = cls.env["res.partner"].create({
            "name": "Sam Alvarez", "is_patient": True,
        })
        cls.case.fee_schedule_id = cls.fee_schedule
        cls.report = cls.env["report.medical_billing.report_day_sheet"]

    def _pay(self, amount, clinic, **values):
        payment = self.env["medical.payment"].create({
            "patient_id": self.patient.id, "amount": amount, "date": "2026-03-10",
            "clinic_id": clinic.id, **values,
        })
        payment.action_post()
        return payment

    def _eob(self, charge, paid, method, adjustments=()):
        eob = self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": f"{method.upper()}-{paid}",
            "date": "2026-03-09", "payment_method": method, "amount_total": paid,
            "line_ids": [Command.create({
                "charge_id": charge.id, "paid": paid,
                "adjustment_ids": [
                    Command.create({"group_code": group, "reason_code": code, "amount": amount})
                    for group, code, amount in adjustments
                ],
            })],
        })
        eob.action_post()
        return eob

    def _post_week(self):
        """Charges on 1 and 2 March; EOBs on the 9th (one deleted); then on the 10th:
        payments (one deleted), a credit forward, a write-off, a refund and a credit
        transfer."""
        earlier = self._post_charge(date_service="2026-03-01",
                                    scheduled_clinic_id=self.clinic_main.id)
        adjustment, exercise, supplement = self._create_charges(
            {"product_id": self.code_adjustment.id, "scheduled_clinic_id": self.clinic_main.id},
            {"product_id": self.code_exercise.id, "treating_clinic_id": self.clinic_main.id},
            {"product_id": self.code_supplement.id, "scheduled_clinic_id": self.clinic_north.id},
        )
        (adjustment | exercise | supplement).action_post()
        self._eob(adjustment, 40.0, "check", [("CO", "45", 9.0)])  # primary owed 49
        self._eob(supplement, 16.5, "eft")._delete("Keyed twice")
        cash = self._pay(100.0, self.clinic_main, method="cash")
        bounced = self._pay(20.0, self.clinic_main, method="check", check_number="5521")
        self._pay(15.0, self.clinic_north, method="card", card_last4="4242")
        credit_forward = self.env["medical.payment"].create({
            "kind": "credit_forward", "patient_id": self.patient.id, "amount": 25.0,
            "date": "2026-03-10", "clinic_id": self.clinic_main.id,
            "credit_forward_reason": "prepayment",
        })
        credit_forward.action_post()
        exercise._write_off("primary", 10.0, self.reason_contractual)
        bounced._delete("Bounced check")
        cash._refund(10.0, "Overpaid", method="cash")
        self.env["medical.payment"]._transfer_credit(
            self.patient, self.other_patient, 5.0, "Family account",
        )
        return earlier, adjustment, exercise, supplement, bounced

    def _sheet(self, clinic=None, date_from="2026-03-02", date_to="2026-03-10"):
        return self.report._day_sheet_data(self.company, date_from, date_to, clinic=clinic)

    @staticmethod
    def _by_method(section):
        return {row["method"]: (row["count"], row["total"]) for row in section["by_method"]}

    def test_day_sheet_of_all_clinics(self):
        __, adjustment, exercise, supplement, bounced = self._post_week()
        sheet = self._sheet()

        charges = sheet["charges"]
        self.assertEqual(
            [(line["code"], line["amount_list"], line["fee_write_off"], line["tax"],
              line["amount"]) for line in charges["lines"]],
            [("98941", 79.0, 0.0, 0.0, 79.0), ("97110", 100.0, 20.0, 0.0, 80.0),
             ("OTC-1", 20.0, 5.0, 1.5, 16.5)],
            "The charges of 2 March, by date of service; the 1 March charge is out of range",
        )
        self.assertEqual(
            (charges["total_list"], charges["total_fee_write_off"], charges["total_tax"],
             charges["total"]),
            (199.0, 25.0, 1.5, 175.5),
        )
        self.assertEqual(charges["total"], sum(
            (adjustment | exercise | supplement).mapped("amount_fee_total")
        ))

        payments = sheet["payments"]
        self.assertEqual(self._by_method(payments["patient"]), {
            "cash": (1, 100.0), "check": (0, 0.0), "card": (1, 15.0),
        }, "The deleted check payment is not on the day sheet")
        self.assertNotIn(bounced.name, [line["name"] for line in payments["patient"]["lines"]])
        self.assertEqual(payments["patient"]["total"], 115.0)
        self.assertEqual(sheet["credit_forwards"]["total"], 25.0)
        self.assertEqual(self._by_method(payments["payer"]), {
            "check": (1, 40.0), "eft": (0, 0.0),
        }, "The deleted EFT is not on the day sheet")
        self.assertEqual(payments["payer"]["lines"][0]["party"], self.payer_primary.name)
        self.assertEqual(payments["total"], 155.0,
                         "Money received: patient and payer payments, no credit forward")
        self.assertEqual(sheet["net_received"], 145.0, "Less the refund")

        write_offs = sheet["adjustments"]["write_offs"]
        self.assertEqual(
            [(line["charge"], line["party"], line["reason"], line["amount"])
             for line in write_offs["lines"]],
            [(adjustment.display_name, self.payer_primary.name, "CO-45", 9.0),
             (exercise.display_name, self.payer_primary.name, self.reason_contractual.name,
              10.0)],
        )
        self.assertEqual(
            sorted((row["reason"], row["total"]) for row in write_offs["by_reason"]),
            [("CO-45", 9.0), (self.reason_contractual.name, 10.0)],
        )
        self.assertEqual(sheet["adjustments"]["total"], 19.0)

        self.assertEqual(self._by_method(sheet["refunds"]), {
            "cash": (1, 10.0), "check": (0, 0.0), "card": (0, 0.0),
        })
        transfers = sheet["transfers"]
        self.assertEqual(
            [(line["party"], line["amount"]) for line in transfers["out"]["lines"]],
            [(self.patient.name, 5.0)],
        )
        self.assertEqual(
            [(line["party"], line["amount"]) for line in transfers["in"]["lines"]],
            [(self.other_patient.name, 5.0)],
        )
        self.assertEqual(
            {check["section"]: (check["day_sheet"], check["journal"], check["difference"])
             for check in sheet["journal_check"]},
            {
                "charges": (175.5, 175.5, 0.0),
                "patient_payments": (115.0, 115.0, 0.0),
                "payer_payments": (40.0, 40.0, 0.0),
                "payments": (155.0, 155.0, 0.0),
                "refunds": (10.0, 10.0, 0.0),
                "net_received": (145.0, 145.0, 0.0),
                "credit_forwards": (25.0, 25.0, 0.0),
                "adjustments": (19.0, 19.0, 0.0),
                "transfers_out": (5.0, 5.0, 0.0),
                "transfers_in": (5.0, 5.0, 0.0),
            },
            "Every section total matches the journal items it was posted with",
        )
        self.assertTieOut()

    def test_day_sheet_of_one_clinic(self):
        self._post_week()
        main = self._sheet(self.clinic_main)
        self.assertEqual([line["code"] for line in main["charges"]["lines"]],
                         ["98941", "97110"], "Scheduled clinic, else treating clinic")
        self.assertEqual(main["charges"]["total"], 159.0)
        self.assertEqual(self._by_method(main["payments"]["patient"]), {
            "cash": (1, 100.0), "check": (0, 0.0), "card": (0, 0.0),
        })
        self.assertEqual(main["credit_forwards"]["total"], 25.0)
        self.assertEqual(main["adjustments"]["write_offs"]["total"], 19.0)
        self.assertEqual(main["payments"]["payer"]["lines"], [],
                         "An EOB names no clinic: all clinics' day sheet only")
        self.assertEqual(main["refunds"]["total"], 10.0, "A refund takes its payment's clinic")
        self.assertEqual(main["transfers"]["out"]["lines"], [],
                         "A transfer names no clinic: all clinics' day sheet only")

        north = self._sheet(self.clinic_north)
        self.assertEqual(north["charges"]["total"], 16.5)
        self.assertEqual(north["payments"]["total"], 15.0)
        self.assertEqual(north["adjustments"]["total"], 0.0)
        self.assertTrue(all(
            self.currency.is_zero(check["difference"])
            for sheet in (main, north) for check in sheet["journal_check"]
        ))

    def test_deleting_removes_from_the_day_sheet(self):
        self._post_charge(scheduled_clinic_id=self.clinic_main.id)
        payment = self._pay(50.0, self.clinic_main, method="cash")
        refund = payment._refund(10.0, "Overpaid", method="check")
        outgoing, __ = self.env["medical.payment"]._transfer_credit(
            self.patient, self.other_patient, 5.0, "Family account",
        )
        sheet = self._sheet(date_from="2026-03-10")
        self.assertEqual(
            (sheet["payments"]["total"], sheet["refunds"]["total"],
             sheet["transfers"]["out"]["total"], sheet["transfers"]["in"]["total"]),
            (50.0, 10.0, 5.0, 5.0),
        )
        outgoing._delete("Wrong family")
        refund._delete("Not paid out")
        payment._delete("Posted twice")
        sheet = self._sheet(date_from="2026-03-10")
        self.assertEqual(
            (sheet["payments"]["total"], sheet["refunds"]["total"],
             sheet["transfers"]["out"]["lines"], sheet["transfers"]["in"]["lines"]),
            (0.0, 0.0, [], []),
        )
        self.assertTieOut()

    def test_charge_reversal_is_an_adjustment_of_its_day(self):
        charge = self._post_charge(date_service="2026-03-02")
        charge._write_off("primary", 9.0, self.reason_contractual)
        charge._reverse("Wrong patient")

        dos = self._sheet(date_from="2026-03-02", date_to="2026-03-02")
        self.assertEqual([(line["amount"], line["reversed"])
                          for line in dos["charges"]["lines"]], [(79.0, True)])
        self.assertEqual(dos["adjustments"]["total"], 0.0)

        today = self._sheet(date_from="2026-03-10")
        self.assertEqual(today["charges"]["lines"], [])
        self.assertEqual([line["amount"] for line in today["adjustments"]["write_offs"]["lines"]],
                         [9.0, -9.0], "The write-off, then its reversal")
        self.assertEqual(today["adjustments"]["reversals"]["total"], 79.0)
        self.assertEqual(today["adjustments"]["total"], 79.0)
        self.assertEqual(
            [check["difference"] for check in today["journal_check"]], [0.0] * 10,
        )

    def test_print_from_the_wizard(self):
        self._post_week()
        wizard = self.env["medical.day.sheet"].with_user(self.front_desk).create({
            "date_from": "2026-03-02", "date_to": "2026-03-10",
        })
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "medical_billing.report_day_sheet")

        html = self.env["ir.actions.report"].with_user(self.front_desk)._render_qweb_html(
            "medical_billing.report_day_sheet", wizard.ids,
        )[0].decode()
        for text in ("Day Sheet", "All clinics", "Maria Alvarez", "Sam Alvarez", "97110",
                     "175.50", "155.00", "Contractual adjustment", "CO-45", "CHECK-40.0", "4242"):
            self.assertIn(text, html)
        self.assertNotIn("5521", html, "The deleted check is not printed")
        self.assertNotIn("EFT-16.5", html, "Nor the deleted EOB")

        html = self.env["ir.actions.report"]._render_qweb_html(
            "medical_billing.report_day_sheet", [], data={"form": {
                "company_id": self.company.id, "clinic_id": self.clinic_north.id,
                "date_from": "2026-03-02", "date_to": "2026-03-10",
            }},
        )[0].decode()
        self.assertIn("North Side", html)
        self.assertIn("16.50", html)
        self.assertNotIn("97110", html)

    def test_bad_dates(self):
        with self.assertRaisesRegex(ValidationError, "start date on or before"):
            self.env["medical.day.sheet"].create({
                "date_from": "2026-03-10", "date_to": "2026-03-02",
            })

    def test_queries_do_not_grow_with_the_records(self):
        self._post_week()

        def count_queries():
            self._sheet()  # warm the caches of access rules
            self.env.invalidate_all()
            cursor_class = type(self.env.cr)
            execute = cursor_class.execute
            queries = []

            def logged_execute(cr, query, *args, **kwargs):
                queries.append(query)
                return execute(cr, query, *args, **kwargs)

            with patch.object(cursor_class, "execute", logged_execute):
                self._sheet()
            return len(queries)

        queries = count_queries()
        self._create_charges(*[
            {"product_id": self.code_exercise.id, "scheduled_clinic_id": self.clinic_main.id}
        ] * 3).action_post()
        for amount in (11.0, 12.0, 13.0):
            self._pay(amount, self.clinic_north, method="card")
        self.assertEqual(self._sheet()["charges"]["count"], 6)
        self.assertLessEqual(count_queries(), queries,
                             "Twice the records, no more queries: one search per section")
