import threading
import uuid
from contextlib import closing

import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api, fields, sql_db
from odoo.tests import TransactionCase, tagged

from ..models.medical_posted_guard import billing_operation


@tagged("post_install", "-at_install")
class TestConcurrency(TransactionCase):
    """Two real transactions on committed data, as two users posting at the same moment.

    The test's own transaction sees none of it: each scenario commits its data through a
    cursor of its own, runs the first operation in a second cursor and, while that
    transaction is still open, the second one in a third cursor on another thread (retried
    as Odoo's ``retrying`` does for RPC calls and careful scripts), then deletes what
    it committed. Environments are built on the main thread: building one takes the
    registry, whose lock Odoo's test runner holds while tests run (so does Odoo's
    ``retrying``, which the second transaction's retry loop mirrors)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = sql_db.db_connect(cls.env.cr.dbname)

    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.env.user)
        self.created = {}  # model -> ids committed by the scenario, deleted at its end
        self.addCleanup(self._delete_created)

    # ------------------------------------------------------------------
    # Committed data
    # ------------------------------------------------------------------

    def _new_env(self):
        cr = self.db.cursor()
        self.addCleanup(cr.close)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _commit_practice(self, insured=False, draft_charge=False):
        """A patient with a case and a 100.00 charge, committed; insured: billed in full to
        a payer without copay. Returns the ids of patient, charge and payer."""
        env = self._new_env()
        tag = uuid.uuid4().hex[:8]
        code = env["product.product"].create({
            "name": "Office visit", "default_code": f"C{tag}", "type": "service",
            "medical_code_type": "cpt", "list_price": 100.0, "taxes_id": [Command.clear()],
        })
        patient = env["res.partner"].create({"name": f"Race patient {tag}", "is_patient": True})
        case_vals = {"name": "Visit", "patient_id": patient.id,
                     "date_start": fields.Date.subtract(self.today, days=30)}
        payer = env["res.partner"]
        if insured:
            payer = env["res.partner"].create({
                "name": f"Race payer {tag}", "is_company": True, "is_payer": True,
                "payer_code": f"P{tag}",
            })
            policy = env["medical.policy"].create({
                "patient_id": patient.id, "payer_id": payer.id, "member_number": f"M{tag}",
                "date_start": case_vals["date_start"], "copay_amount": 0.0,
            })
            diagnosis = env["medical.diagnosis.code"].create({"code": f"Z99.{tag[:4].upper()}",
                                                               "name": "Race diagnosis"})
            case_vals.update(primary_policy_id=policy.id, diagnosis_ids=[
                Command.create({"diagnosis_code_id": diagnosis.id, "sequence": 1})])
            self._remember(policy, diagnosis, payer)
        case = env["medical.case"].create(case_vals)
        charge = env["medical.charge"].create({
            "case_id": case.id, "date_service": self.today, "product_id": code.id,
        })
        self._remember(code, patient, case, charge)
        if not draft_charge:
            charge.action_post()
        env.cr.commit()
        return patient.id, charge.id, payer.id

    def _remember(self, *records):
        for record in records:
            self.created.setdefault(record._name, set()).update(record.ids)

    def _delete_created(self):
        """Delete what the scenario committed, entries first (as billing code would)."""
        if not self.created:
            return
        with closing(self.db.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner_ids = list(self.created.get("res.partner", ()))
            with billing_operation(env):
                payments = env["medical.payment"].search([("patient_id", "in", partner_ids)])
                eobs = env["medical.eob"].search([("payer_id", "in", partner_ids)])
                moves = env["account.move.line"].search(
                    [("partner_id", "in", partner_ids)]).move_id
                moves.line_ids.remove_move_reconcile()
                moves.filtered(lambda move: move.state == "posted").button_draft()
                moves.with_context(force_delete=True).unlink()
                payments.unlink()
                eobs.unlink()
                for model in ("medical.charge", "medical.case", "medical.policy",
                              "medical.diagnosis.code", "product.product", "res.partner"):
                    env[model].browse(self.created.get(model, ())).unlink()
            # Committed data is what these tests are about.
            cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------
    # Two transactions
    # ------------------------------------------------------------------

    def _race(self, first, second):
        """Run ``first(env)`` in one transaction and, while it is still open, ``second(env)``
        in another, retried as Odoo's ``retrying`` does; commit the first once the second waits for
        it. Returns the second's attempts (exception class or "done")."""
        env1, env2 = self._new_env(), self._new_env()
        env2.cr.execute("SELECT 1")  # the second transaction's snapshot starts here
        first(env1)
        attempts, failure = [], []

        def run_second():
            try:
                self._retrying(second, env2, attempts)
            except Exception as error:  # reported to the test below
                failure.append(error)

        thread = threading.Thread(target=run_second)
        thread.start()
        thread.join(timeout=1.0)
        self.assertTrue(thread.is_alive(), "The second transaction waits for the first")
        self.assertEqual(self._wait_event_of(env2.cr), "Lock",
                         "It waits on a database row lock, not on anything of Python's")
        env1.cr.commit()
        thread.join(timeout=30.0)
        self.assertFalse(thread.is_alive())
        self.assertFalse(failure, f"The second transaction failed: {failure}")
        return attempts

    @staticmethod
    def _retrying(func, env, attempts, tries=5):
        """Run ``func(env)`` as Odoo's ``retrying`` does (odoo.service.model): on a
        serialization error, roll back, clear the environment and run it again; commit
        once it succeeds. (``retrying`` itself fetches the registry again, whose lock
        Odoo's test runner holds while the tests run.)"""
        for __ in range(tries):
            try:
                func(env)
                env.cr.commit()  # pylint: disable=invalid-commit
                attempts.append("done")
                return
            except psycopg2.errors.SerializationFailure as error:
                attempts.append(type(error))
                env.cr.rollback()
                env.clear()
        raise AssertionError(f"Still failing after {tries} tries: {attempts}")

    def _wait_event_of(self, cr):
        with closing(self.db.cursor()) as observer:
            observer.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                             [cr._cnx.info.backend_pid])
            return observer.fetchone()[0]

    def _pay(self, env, patient_id, amount):
        payment = env["medical.payment"].create({
            "patient_id": patient_id, "amount": amount, "date": self.today,
        })
        payment.action_post()
        return payment

    def _figures(self, patient_id, charge_id):
        """What the journal items say, read in a fresh transaction: the patient's open
        share of the charge, the patient's unapplied credit, the payments' entries."""
        env = self._new_env()
        items = env["account.move.line"].search([
            ("partner_id", "=", patient_id), ("parent_state", "=", "posted"),
            ("medical_party_role", "=", "patient"),
        ])
        on_charge = items.filtered(lambda item: item.medical_charge_id.id == charge_id)
        payments = env["medical.payment"].search([("patient_id", "=", patient_id)])
        return {
            "charge_due": sum(on_charge.mapped("amount_residual")),
            "credit": -sum((items - on_charge).mapped("amount_residual")),
            "payments": sorted(payments.mapped("state")),
            "payment_entries": len(payments.move_id),
            "unbalanced": [move.name for move in payments.move_id
                           if not move.currency_id.is_zero(sum(move.line_ids.mapped("balance")))],
        }

    # ------------------------------------------------------------------
    # Scenarios
    # ------------------------------------------------------------------

    def test_two_payments_on_one_patient_are_applied_one_after_the_other(self):
        patient_id, charge_id, __ = self._commit_practice()
        attempts = self._race(lambda env: self._pay(env, patient_id, 60.0),
                              lambda env: self._pay(env, patient_id, 60.0))
        self.assertEqual(attempts, [psycopg2.errors.SerializationFailure, "done"])
        # The second payment saw the first: 40.00 to the charge, 20.00 left as credit.
        self.assertEqual(self._figures(patient_id, charge_id), {
            "charge_due": 0.0, "credit": 20.0, "payments": ["posted", "posted"],
            "payment_entries": 2, "unbalanced": [],
        })

    def test_payment_waits_for_a_charge_being_posted(self):
        patient_id, charge_id, __ = self._commit_practice(draft_charge=True)
        attempts = self._race(
            lambda env: env["medical.charge"].browse(charge_id).action_post(),
            lambda env: self._pay(env, patient_id, 100.0),
        )
        self.assertEqual(attempts, [psycopg2.errors.SerializationFailure, "done"])
        # Retried after the charge was posted, the payment pays it instead of being left
        # as an unapplied credit beside an open charge.
        self.assertEqual(self._figures(patient_id, charge_id), {
            "charge_due": 0.0, "credit": 0.0, "payments": ["posted"],
            "payment_entries": 1, "unbalanced": [],
        })

    def test_eob_and_patient_payment_on_one_charge(self):
        patient_id, charge_id, payer_id = self._commit_practice(insured=True)

        def post_eob(env):
            env["medical.eob"].create({
                "payer_id": payer_id, "reference": "CHK-RACE", "date": self.today,
                "amount_total": 60.0,
                "line_ids": [Command.create({
                    "charge_id": charge_id, "allowed": 100.0, "paid": 60.0,
                    "adjustment_ids": [Command.create(
                        {"group_code": "PR", "reason_code": "2", "amount": 40.0})],
                })],
            }).action_post()

        attempts = self._race(post_eob, lambda env: self._pay(env, patient_id, 40.0))
        self.assertEqual(attempts, [psycopg2.errors.SerializationFailure, "done"])
        # The payment saw the coinsurance the EOB made the patient's and paid it.
        self.assertEqual(self._figures(patient_id, charge_id), {
            "charge_due": 0.0, "credit": 0.0, "payments": ["posted"],
            "payment_entries": 1, "unbalanced": [],
        })
        env = self._new_env()
        payer_items = env["account.move.line"].search([
            ("medical_charge_id", "=", charge_id), ("medical_party_role", "=", "primary")])
        self.assertEqual(sum(payer_items.mapped("amount_residual")), 0.0)

    def test_a_transaction_that_must_wait_fails_cleanly_without_retry(self):
        """A script or scheduled job without Odoo's retry: the second payment fails with a
        serialization error and, rolled back, leaves nothing behind."""
        patient_id, charge_id, __ = self._commit_practice()
        env1, env2 = self._new_env(), self._new_env()
        env2.cr.execute("SELECT 1")
        self._pay(env1, patient_id, 60.0)
        outcome = []

        def pay_once():
            try:
                self._pay(env2, patient_id, 60.0)
                env2.cr.commit()
                outcome.append("committed")
            except psycopg2.errors.SerializationFailure:
                env2.cr.rollback()
                outcome.append("rolled back")

        thread = threading.Thread(target=pay_once)
        thread.start()
        thread.join(timeout=1.0)
        self.assertTrue(thread.is_alive())
        env1.cr.commit()
        thread.join(timeout=30.0)
        self.assertEqual(outcome, ["rolled back"])
        self.assertEqual(self._figures(patient_id, charge_id), {
            "charge_due": 40.0, "credit": 0.0, "payments": ["posted"],
            "payment_entries": 1, "unbalanced": [],
        })
