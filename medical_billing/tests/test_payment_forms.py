from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import Form, tagged

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestPaymentForms(MedicalBillingCommon):
    """The Payments tab's dialogs and wizards as the web client drives them, the money
    received they add up to, and the day sheet and tie-out screens that read them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_patient = cls.env["res.partner"].create({
            "name": "Sam Alvarez", "is_patient": True,
        })
        cls.cash_account = cls.company.medical_payment_journal_id.default_account_id
        cls.env.ref("base.lang_en").date_format = "%m/%d/%Y"
        cls.front_desk.lang = "en_US"

    # ------------------------------------------------------------------
    # Helpers: the screens
    # ------------------------------------------------------------------

    def _refund_wizard(self, payment, **values):
        with Form(self.env["medical.payment.refund"].with_user(self.biller).with_context(
            active_model="medical.payment", active_ids=payment.ids,
        )) as wizard:
            for field, value in values.items():
                setattr(wizard, field, value)
        action = wizard.record.action_refund()
        return self.env["medical.payment"].browse(action["res_id"])

    def _transfer_wizard(self, to_patient, **values):
        with Form(self.env["medical.credit.transfer"].with_user(self.biller).with_context(
            active_model="res.partner", active_ids=self.patient.ids,
        )) as wizard:
            wizard.to_patient_id = to_patient
            for field, value in values.items():
                setattr(wizard, field, value)
        wizard.record.action_transfer()
        return self.env["medical.payment"].search([
            ("kind", "in", ("transfer_out", "transfer_in")),
        ], order="id desc", limit=2).sorted("id")

    def _credit_forward(self, amount):
        with Form(self.env["medical.payment"].with_context(default_kind="credit_forward")) \
                as form:
            form.patient_id = self.patient
            form.amount = amount
            form.credit_forward_reason = "prepayment"
        form.record.action_post()
        return form.record

    def _eob(self, charge, paid):
        eob = self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": "EOB-1", "date": "2026-03-10",
            "payment_method": "check", "amount_total": paid,
            "line_ids": [Command.create({"charge_id": charge.id, "paid": paid})],
        })
        eob.action_post()
        return eob

    def _post_day(self):
        """One day of money: a charge (patient 30, primary 49), a cash payment of 100, a
        check of 20 deleted, a credit forward of 25, an EOB of 40, a refund of 10 and a
        credit transfer of 5."""
        charge = self._post_charge(date_service="2026-03-10")
        cash = self._post_payment_dialog(amount=100.0, method="cash")
        bounced = self._post_payment_dialog(amount=20.0, method="check", check_number="5521")
        credit_forward = self._credit_forward(25.0)
        self._eob(charge, 40.0)
        bounced.with_user(self.billing_manager)._delete("Bounced check")
        refund = self._refund_wizard(cash, amount=10.0, reason="Overpaid", method="cash")
        outgoing, incoming = self._transfer_wizard(self.other_patient, amount=5.0,
                                                   reason="Family account")
        return cash, bounced, credit_forward, refund, outgoing, incoming

    # ------------------------------------------------------------------
    # Post Payment dialog
    # ------------------------------------------------------------------

    def test_post_payment_dialog_has_one_post_button_and_cancel(self):
        action = self.patient.with_user(self.front_desk).action_open_medical_payment()
        self.assertEqual(action["target"], "new")
        views = dict((view_type, view_id) for view_id, view_type in action.get("views") or [])
        self.assertTrue(views.get("form"), "The dialog opens its own form view")
        arch = etree.fromstring(self.env["medical.payment"].with_user(self.front_desk).get_view(
            views["form"], "form")["arch"])
        footer_buttons = [
            (button.get("name") or button.get("special"), button.get("string"),
             "btn-primary" in (button.get("class") or ""))
            for button in arch.xpath("//footer//button")
        ]
        self.assertEqual(footer_buttons, [("action_post", "Post", True),
                                          ("cancel", "Cancel", False)],
                         "One primary Post and a Cancel: the dialog shows no Save")
        self.assertFalse(arch.xpath("//header//button[@name='action_post']"),
                         "No second Post button in the dialog")
        full_form = self.env.ref("medical_billing.medical_payment_view_form")
        self.assertNotEqual(views["form"], full_form.id, "The full form is unchanged")
        self.assertFalse(etree.fromstring(full_form.arch).xpath("//footer"))

        self._post_charge()  # patient owes 30
        payment = self._post_payment_dialog(amount=50.0, method="check", check_number="1201")
        self.assertRecordValues(payment, [{
            "kind": "payment", "state": "posted", "patient_id": self.patient.id,
            "company_id": self.company.id, "amount": 50.0, "amount_received": 50.0,
        }])
        self.assertTrue(payment.name.startswith("MPAY/2026/"))
        self.assertRecordValues(payment.move_id.line_ids.sorted("id"), [
            {"account_id": self.cash_account.id, "balance": 50.0, "reconciled": False},
            {"account_id": self.accounts["patient"].id, "balance": -30.0, "reconciled": True},
            {"account_id": self.accounts["patient"].id, "balance": -20.0, "reconciled": False},
        ])

    # ------------------------------------------------------------------
    # Names and chatter of each kind
    # ------------------------------------------------------------------

    def test_refunds_transfers_and_credit_forwards_have_their_own_names(self):
        # The chatter as users have it (tests disable it by default).
        self.env = self.env(context=dict(
            self.env.context, tracking_disable=False, mail_create_nolog=False, mail_notrack=False,
        ))
        cash, __, credit_forward, refund, outgoing, incoming = self._post_day()
        self.assertRegex(cash.name, r"^MPAY/2026/\d+$")
        self.assertRegex(refund.name, r"^MREF/2026/\d+$", "A refund is not named as a payment")
        self.assertRegex(credit_forward.name, r"^MCFW/2026/\d+$")
        self.assertRegex(outgoing.name, r"^MTRF/2026/\d+$")
        self.assertEqual(incoming.name, outgoing.name, "Both sides of one transfer")
        self.assertEqual(refund.display_name, refund.name)
        self.assertNotEqual(refund.move_id.name, refund.name,
                            "The refund's entry keeps the journal's numbering")

        def creation_message(record):
            return str(record.message_ids.sorted("id")[:1].body)

        self.assertIn("Refund created", creation_message(refund))
        self.assertNotIn("Payment", creation_message(refund))
        self.assertIn("Credit Forward created", creation_message(credit_forward))
        self.assertIn("Outgoing Transfer created", creation_message(outgoing))
        self.assertIn("Incoming Transfer created", creation_message(incoming))
        self.assertIn("Patient Payment created", creation_message(cash))

        # The refund pays cash back out of the payment journal.
        self.assertRecordValues(refund.move_id.line_ids.sorted("id"), [
            {"account_id": self.accounts["patient"].id, "partner_id": self.patient.id,
             "balance": 10.0, "reconciled": True},
            {"account_id": self.cash_account.id, "partner_id": self.patient.id,
             "balance": -10.0, "reconciled": False},
        ])
        self.assertRecordValues(outgoing.move_id.line_ids.sorted("id"), [
            {"partner_id": self.patient.id, "balance": 5.0},
            {"partner_id": self.other_patient.id, "balance": -5.0},
        ])

    # ------------------------------------------------------------------
    # Money received
    # ------------------------------------------------------------------

    def test_received_totals_count_only_money_that_came_in(self):
        cash, bounced, credit_forward, refund, outgoing, incoming = self._post_day()
        self.assertRecordValues(cash | bounced | credit_forward | refund | outgoing, [
            {"state": "posted", "amount": 100.0, "amount_received": 100.0},
            {"state": "deleted", "amount": 20.0, "amount_received": 0.0},
            {"state": "posted", "amount": 25.0, "amount_received": 0.0},
            {"state": "posted", "amount": 10.0, "amount_received": -10.0},
            {"state": "posted", "amount": 5.0, "amount_received": 0.0},
        ])
        self.assertEqual(incoming.amount_received, 0.0)

        # The Payments tab's footer sum: 100 in, 10 out.
        payments = self.patient.medical_payment_ids
        self.assertEqual(len(payments), 5, "Deleted payments stay listed")
        [(received,)] = self.env["medical.payment"]._read_group(
            [("patient_id", "=", self.patient.id)], [], ["amount_received:sum"],
        )
        self.assertEqual(received, 90.0)
        self.assertEqual(sum(self.other_patient.medical_payment_ids.mapped("amount_received")),
                         0.0, "A transfer brings no money in")
        # What the cash account says came in from the patient.
        [(cash_balance,)] = self.env["account.move.line"]._read_group(
            [("account_id", "=", self.cash_account.id), ("partner_id", "=", self.patient.id),
             ("parent_state", "=", "posted")],
            [], ["balance:sum"],
        )
        self.assertEqual(cash_balance, received)
        self.assertTieOut()

    # ------------------------------------------------------------------
    # Day sheet
    # ------------------------------------------------------------------

    def _day_sheet(self):
        with Form(self.env["medical.day.sheet"].with_user(self.front_desk)) as form:
            form.date_from = "2026-03-10"
        return form.record

    def test_day_sheet_total_payments_is_money_received(self):
        self._post_day()
        sheet = self.env["report.medical_billing.report_day_sheet"]._day_sheet_data(
            self.company, "2026-03-10", "2026-03-10",
        )
        payments = sheet["payments"]
        self.assertEqual(
            (payments["patient"]["total"], payments["payer"]["total"], payments["total"]),
            (100.0, 40.0, 140.0),
            "Total payments: patient and insurance payments, no credit forward",
        )
        self.assertEqual(sheet["credit_forwards"]["total"], 25.0)
        self.assertNotIn("credit_forward", payments)
        self.assertEqual(sheet["refunds"]["total"], 10.0)
        self.assertEqual(sheet["net_received"], 130.0, "Payments less refunds")
        self.assertEqual((sheet["transfers"]["out"]["total"], sheet["transfers"]["in"]["total"]),
                         (5.0, 5.0))
        self.assertEqual(
            {check["section"]: (check["day_sheet"], check["journal"])
             for check in sheet["journal_check"]},
            {
                "charges": (79.0, 79.0),
                "patient_payments": (100.0, 100.0),
                "payer_payments": (40.0, 40.0),
                "payments": (140.0, 140.0),
                "refunds": (10.0, 10.0),
                "net_received": (130.0, 130.0),
                "credit_forwards": (25.0, 25.0),
                "adjustments": (0.0, 0.0),
                "transfers_out": (5.0, 5.0),
                "transfers_in": (5.0, 5.0),
            },
            "Each kind apart, each figure from its journal items",
        )
        # Money in and out of the patient payments journal: what the day sheet says.
        [(cash_balance,)] = self.env["account.move.line"]._read_group(
            [("account_id", "=", self.cash_account.id), ("parent_state", "=", "posted"),
             ("date", "=", "2026-03-10")],
            [], ["balance:sum"],
        )
        self.assertEqual(cash_balance, payments["patient"]["total"] - sheet["refunds"]["total"])

        html = self.env["ir.actions.report"].with_user(self.front_desk)._render_qweb_html(
            "medical_billing.report_day_sheet", self._day_sheet().ids,
        )[0].decode()
        text = " ".join(etree.fromstring(html, etree.HTMLParser()).xpath("//text()")).split()
        text = " ".join(text)
        self.assertIn("Total payments (money received) $ 140.00", text)
        self.assertIn("Credit forwards (brought over, not money received) $ 25.00", text)
        self.assertIn("Refunds (money out) $ 10.00", text)
        self.assertNotIn("165.00", text, "The credit forward is not counted as received")

    def test_day_sheet_dates_in_the_users_format(self):
        self._post_day()
        html = self.env["ir.actions.report"].with_user(self.front_desk)._render_qweb_html(
            "medical_billing.report_day_sheet", self._day_sheet().ids,
        )[0].decode()
        self.assertIn("03/10/2026", html)
        self.assertNotIn("2026-03-10", html)

        self.env.ref("base.lang_en").date_format = "%d.%m.%Y"
        html = self.env["ir.actions.report"].with_user(self.front_desk)._render_qweb_html(
            "medical_billing.report_day_sheet", self._day_sheet().ids,
        )[0].decode()
        self.assertIn("10.03.2026", html, "The user's language's format, whichever it is")
        self.assertNotIn("03/10/2026", html)

    # ------------------------------------------------------------------
    # Tie-out screen
    # ------------------------------------------------------------------

    def test_tie_out_screen_shows_money_and_no_save_indicator(self):
        self._post_day()
        arch = etree.fromstring(self.env["medical.tie.out"].get_view(
            self.env.ref("medical_billing.medical_tie_out_view_form").id, "form")["arch"])
        self.assertEqual((arch.get("create"), arch.get("edit")), ("0", "0"),
                         "A read-only screen: the web client shows no save/discard icons")
        line_arch = arch.xpath("//field[@name='line_ids']/list")[0]
        for name in ("billing_open", "ledger_balance", "difference"):
            self.assertEqual(
                line_arch.xpath(f"field[@name='{name}']")[0].get("widget"), "monetary",
            )
        with Form(self.env["medical.tie.out"].with_user(self.accountant)) as screen:
            rows = screen.line_ids._records
            self.assertTrue(rows)
            self.assertEqual({row["currency_id"] for row in rows}, {self.currency.id},
                             "Every amount of the screen carries the currency")
        tie_out = screen.record
        self.assertEqual(tie_out.line_ids.currency_id, self.currency)
        self.assertTrue(tie_out.is_balanced)
        self.assertIn("03/10/2026", tie_out.display_name)
