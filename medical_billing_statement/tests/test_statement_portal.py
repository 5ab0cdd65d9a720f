from datetime import timedelta
from unittest import SkipTest

from odoo import fields
from odoo.tests import HttpCase, JsonRpcException, tagged

from .common import StatementCommon


def demo_provider(env, company):
    """Odoo's demo payment provider, in test mode on ``company`` (and its bank journal);
    the test is skipped, saying why, where payment_demo is not installed."""
    if env["ir.module.module"]._get("payment_demo").state != "installed":
        raise SkipTest("Odoo's demo payment provider (payment_demo) is not installed.")
    return env.ref("payment.payment_provider_demo").sudo().copy({
        "company_id": company.id, "state": "test", "is_published": True,
    })


class StatementOnlineCommon(StatementCommon):
    """Two self-pay patients with a statement each, ten days old."""

    def setUp(self):
        super().setUp()
        self.ana, ana_case = self._self_pay_patient("Ana Reyes", email="ana@example.com")
        self._post_charges(ana_case, "2026-06-20", "2026-05-15")
        self.ben, ben_case = self._self_pay_patient("Ben Okafor", email="ben@example.com")
        self._post_charges(ben_case, "2026-06-01")
        statements = self._run(date=fields.Date.today() - timedelta(days=10)).statement_ids
        self.statement = statements.filtered(lambda stmt: stmt.partner_id == self.ana)
        self.other = statements - self.statement


@tagged("post_install", "-at_install")
class TestStatementPortal(StatementOnlineCommon, HttpCase):

    def _page(self, statement, token):
        return self.url_open(f"/my/medical/statements/{statement.id}?access_token={token}")

    def test_token_opens_its_document(self):
        # The page itself needs the web client's assets: its content is tested apart.
        document = self.url_open(f"/my/medical/statements/{self.statement.id}/document"
                                 f"?access_token={self.statement.access_token}")
        self.assertEqual(document.status_code, 200)
        self.assertIn(self.statement.name, document.text)

    def test_wrong_or_expired_token_shows_nothing(self):
        for statement, token in [
            (self.statement, "not-the-token"),
            (self.statement, ""),
            (self.statement, self.other.access_token),  # another patient's link
            (self.other, self.statement.access_token),
        ]:
            response = self._page(statement, token)
            self.assertEqual(response.status_code, 404, token)
            self.assertNotIn("Ana Reyes", response.text)
            self.assertNotIn("Ben Okafor", response.text)
        document = self.url_open(f"/my/medical/statements/{self.statement.id}/document"
                                 f"?access_token={self.other.access_token}")
        self.assertEqual(document.status_code, 404)
        # The link's last day passed: the right token opens nothing either.
        self.env.cr.execute(
            "UPDATE medical_statement SET date_link_expiry = %s WHERE id = %s",
            (fields.Date.today() - timedelta(days=1), self.statement.id))
        self.statement.invalidate_recordset(["date_link_expiry"])
        response = self._page(self.statement, self.statement.access_token)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Ana Reyes", response.text)

@tagged("post_install", "-at_install")
class TestStatementTransactionRoute(StatementOnlineCommon, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = demo_provider(cls.env, cls.company)

    def test_transaction_route_checks_the_token(self):
        route = f"/my/medical/statements/{self.statement.id}/transaction"
        params = {"provider_id": self.provider.id,
                  "payment_method_id": self.provider.payment_method_ids[:1].id,
                  "token_id": None, "amount": 1.0, "flow": "redirect",
                  "tokenization_requested": False,
                  "landing_route": self.statement.get_portal_url(), "is_validation": False}
        with self.assertLogs("odoo.http", "WARNING"), \
                self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.make_jsonrpc_request(route, {**params, "access_token": "wrong"})
        self.assertFalse(self.statement.transaction_ids)
        self.make_jsonrpc_request(route, {**params,
                                          "access_token": self.statement.access_token})
        transaction = self.statement.transaction_ids
        self.assertEqual(len(transaction), 1)
        self.assertAlmostEqual(transaction.amount, 2 * 79.0,
                               msg="What the patient owes now, not what the page sent.")
        self.assertEqual(transaction.partner_id, self.ana)


@tagged("post_install", "-at_install")
class TestStatementPayment(StatementOnlineCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = demo_provider(cls.env, cls.company)

    def _pay(self, statement, amount):
        return self.env["payment.transaction"].sudo().create({
            "provider_id": self.provider.id,
            "payment_method_id": self.provider.payment_method_ids[:1].id,
            "amount": amount, "currency_id": self.currency.id,
            "partner_id": statement.partner_id.id, "reference": statement.name,
            "medical_statement_id": statement.id,
        })

    def _notify_done(self, transaction):
        """The demo provider's notification of a completed payment, then the
        post-processing that the payment status page or Odoo's job runs."""
        self.env["payment.transaction"].sudo()._handle_notification_data(
            "demo", {"reference": transaction.reference, "simulated_state": "done"})
        transaction._post_process()

    def _assert_money_booked_once(self, transaction):
        """One Odoo payment on the provider's journal, its receivable credit settled by
        the patient payments: the money is counted once."""
        odoo_payment = transaction.payment_id
        self.assertAlmostEqual(odoo_payment.amount, transaction.amount)
        self.assertEqual(odoo_payment.journal_id, self.provider.journal_id)
        receipt = odoo_payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        self.assertTrue(receipt.reconciled)
        self.assertEqual(self.env["account.payment"].search_count(
            [("payment_transaction_id", "=", transaction.id)]), 1)

    def test_page_values_offer_what_is_owed_today(self):
        values = self.statement._portal_page_values(self.statement.access_token)
        self.assertAlmostEqual(values["amount"], 2 * 79.0)
        self.assertIn(self.provider, values["providers_sudo"])
        self.assertEqual(values["partner_id"], self.ana.id)
        self.assertEqual(values["transaction_route"],
                         f"/my/medical/statements/{self.statement.id}/transaction")
        # Paid in full: the page says so, and offers no payment.
        self._notify_done(self._pay(self.statement, 2 * 79.0))
        values = self.statement._portal_page_values(self.statement.access_token)
        self.assertNotIn("providers_sudo", values)
        page = str(self.env["ir.qweb"]._render(
            "medical_billing_statement.portal_medical_statement_content", values))
        self.assertIn(self.statement.name, page)
        self.assertIn("Nothing is owed on this account today", page)
        self.assertNotIn("Ben Okafor", page)

    def test_completed_payment_posts_once(self):
        transaction = self._pay(self.statement, 100.0)
        # The provider notifies twice, and the post-processing runs again.
        self._notify_done(transaction)
        self._notify_done(transaction)
        payment = transaction.medical_payment_ids
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.state, "posted")
        self.assertEqual(payment.method, "online")
        self.assertEqual(payment.patient_id, self.ana)
        self.assertAlmostEqual(payment.amount, 100.0)
        self.assertEqual(self.env["medical.payment"].search_count(
            [("patient_id", "=", self.ana.id)]), 1)
        # Oldest first: the May charge is paid, 21.00 of the June charge.
        items = self._patient_items(self.ana)
        self.assertEqual(len(items), 1)
        self.assertEqual(items.date, fields.Date.to_date("2026-06-20"))
        self.assertAlmostEqual(items.amount_residual, 58.0)
        self._assert_money_booked_once(transaction)
        self.assertTieOut()

    def test_guarantor_payment_is_spread_oldest_first(self):
        guarantor = self.env["res.partner"].create({"name": "Luis Reyes",
                                                    "email": "luis@example.com"})
        child, child_case = self._self_pay_patient("Sofia Reyes", guarantor_id=guarantor.id)
        self._post_charges(child_case, "2026-04-01", product=self.code_exercise)
        self.ana.guarantor_id = guarantor
        statement = self._run(date=fields.Date.today() - timedelta(days=1),
                              interval_days=0).statement_ids.filtered(
            lambda stmt: stmt.partner_id == guarantor)
        transaction = self._pay(statement, 150.0)
        self._notify_done(transaction)
        payments = transaction.medical_payment_ids
        self.assertEqual({p.patient_id: p.amount for p in payments},
                         {child: 100.0, self.ana: 50.0})
        self._assert_money_booked_once(transaction)
        self.assertTieOut()
