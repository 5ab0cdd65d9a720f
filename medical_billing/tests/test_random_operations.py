"""Long random sequences of the billing operations users do, through the wizards their
buttons open, with the ledger's rules checked after every step (fixed seeds: a failure
replays the same way)."""
import random

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import MedicalBillingCommon

ROLES = ("patient", "primary", "secondary", "tertiary")


@freeze_time("2026-03-20")
@tagged("post_install", "-at_install")
class TestRandomOperations(MedicalBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case.fee_schedule_id = cls.fee_schedule
        cls.sibling = cls.env["res.partner"].create({"name": "Sam Alvarez", "is_patient": True})
        cls.sibling_case = cls.env["medical.case"].create({
            "name": "Sprain", "patient_id": cls.sibling.id, "date_start": "2026-01-01",
        })
        cls.patients = cls.patient | cls.sibling

    # ------------------------------------------------------------------
    # Operations: each picks its own arguments, and may be refused (UserError)
    # ------------------------------------------------------------------

    def _day(self):
        return f"2026-03-{self.rng.randint(1, 19):02d}"

    def _amount(self, high):
        return round(self.rng.uniform(1.0, max(high, 1.0)), 2)

    def _posted(self, model):
        return self.env[model].search([("state", "=", "posted")])

    def _pick(self, records):
        return records[self.rng.randrange(len(records))] if records else None

    def _wizard(self, model, records, **values):
        """The wizard a button opens on ``records``, filled as the user fills it."""
        return self.env[model].with_context(
            active_model=records._name, active_ids=records.ids, active_id=records.id,
        ).create(values)

    def op_charge(self):
        case = self.rng.choice([self.case, self.sibling_case])
        codes = [self.code_adjustment, self.code_exercise, self.code_supplement]
        charges = self._create_charges(*[
            {"product_id": self.rng.choice(codes).id, "date_service": self._day()}
            for __ in range(self.rng.randint(1, 2))
        ], case=case)
        charges.action_post()

    def op_payment(self, kind="payment"):
        values = {"kind": kind, "patient_id": self.rng.choice(self.patients).id,
                  "amount": self._amount(150.0), "date": self._day()}
        if kind == "payment":
            values["method"] = "cash"
        else:
            values["credit_forward_reason"] = "prepayment"
        self.env["medical.payment"].create(values).action_post()

    def op_credit_forward(self):
        self.op_payment("credit_forward")

    def _open_charge(self, role):
        charges = self._posted("medical.charge").filtered(lambda c: c[f"{role}_due"] > 0)
        return self._pick(charges)

    def op_responsibility(self):
        charge = self._open_charge("patient") if self.rng.random() < 0.5 \
            else self._open_charge("primary")
        if not charge:
            return
        source, target = ("patient", "primary") if charge.patient_due > 0 \
            else ("primary", "patient")
        moved = self._amount(charge[f"{source}_due"])
        shares = {role: charge[f"{role}_responsibility"] for role in ROLES}
        shares[source] -= moved
        shares[target] += moved
        self._wizard("medical.charge.responsibility", charge, **{
            f"{role}_amount": amount for role, amount in shares.items()
        }).action_apply()

    def op_write_off(self):
        role = self.rng.choice(["patient", "primary"])
        charge = self._open_charge(role)
        if charge:
            self._wizard("medical.charge.write.off", charge, party=role,
                         amount=self._amount(charge[f"{role}_due"]),
                         reason_id=self.reason_contractual.id).action_write_off()

    def op_reverse(self):
        charge = self._pick(self._posted("medical.charge"))
        if charge:
            self._wizard("medical.charge.reverse", charge, reason="Wrong code").action_reverse()

    def op_eob(self):
        charge = self._open_charge("primary")
        if not charge:
            return
        due = charge.primary_due
        paid = round(due * self.rng.choice([0.0, 0.5, 0.6]), 2)
        written_off = round((due - paid) * self.rng.choice([0.0, 0.5, 1.0]), 2)
        moved = round(due - paid - written_off, 2)
        adjustments = [("CO", "45", written_off), ("PR", "1", moved)]
        self.env["medical.eob"].create({
            "payer_id": self.payer_primary.id, "reference": "CHK", "date": self._day(),
            "amount_total": paid,
            "line_ids": [Command.create({
                "charge_id": charge.id, "paid": paid,
                "adjustment_ids": [
                    Command.create({"group_code": group, "reason_code": code, "amount": amount})
                    for group, code, amount in adjustments if amount
                ],
            })],
        }).action_post()

    def op_bulk_write_off(self):
        charges = self._posted("medical.charge").filtered(lambda c: c.patient_due > 0)
        if not charges:
            return
        wizard = self.env["medical.charge.bulk.write.off"].with_context(
            active_model="medical.charge", active_ids=charges[:3].ids,
        ).create({"reason_id": self.reason_contractual.id, "party": "patient",
                  "mode": "full"})
        wizard.action_write_off()

    def op_transfer(self):
        giver = self.rng.choice(self.patients)
        credit = giver._medical_credits(self.company).get(giver, 0.0)
        if credit > 0:
            self._wizard("medical.credit.transfer", giver, to_patient_id=(self.patients - giver).id,
                         amount=self._amount(credit), reason="Family").action_transfer()

    def op_refund(self):
        payment = self._pick(self._posted("medical.payment").filtered(
            lambda p: p.kind in ("payment", "credit_forward")))
        if not payment:
            return
        left = payment.amount - payment.amount_refunded
        reopen = self.rng.random() < 0.5
        amount = self._amount(left if reopen else payment.amount_unapplied)
        if amount > 0:
            self._wizard("medical.payment.refund", payment, amount=amount, reason="Refund",
                         reopen_charges=reopen).action_refund()

    def op_delete(self):
        records = [*self._posted("medical.payment").filtered(
            lambda p: p.kind != "transfer_in"), *self._posted("medical.eob"),
            *self._posted("medical.write.off.batch")]
        record = self.rng.choice(records) if records else None
        if record and record._name == "medical.write.off.batch":
            record.action_delete()
        elif record:
            self._wizard("medical.payment.delete", record, reason="Mistake").action_delete()

    # ------------------------------------------------------------------
    # The rules, after every step
    # ------------------------------------------------------------------

    def assertLedgerRules(self, step):
        self.env.invalidate_all()
        where = f"after step {step}"
        self.assertTieOut()
        self.assertEqual(self.env["medical.charge"]._medical_integrity_problems(self.company),
                         [], where)
        currency = self.currency
        for charge in self.env["medical.charge"].search([("state", "!=", "draft")]):
            shares = 0.0
            for role in ROLES:
                due, share = charge[f"{role}_due"], charge[f"{role}_responsibility"]
                shares += share
                self.assertGreaterEqual(currency.compare_amounts(due, 0), 0, where)
                self.assertLessEqual(currency.compare_amounts(due, share), 0, where)
                if charge.state == "reversed":
                    self.assertTrue(currency.is_zero(due), where)
            expected = charge.amount_fee_total if charge.state == "posted" else 0.0
            self.assertTrue(currency.is_zero(shares - expected), where)
        items = self.env["account.move.line"].search(
            [("parent_state", "=", "posted"), ("medical_party_role", "=", "patient")])
        for patient in self.patients:
            own = items.filtered(lambda item, patient=patient: item.partner_id == patient)
            credit = -sum(own.filtered(lambda item: not item.medical_charge_id)
                          .mapped("amount_residual"))
            self.assertAlmostEqual(patient.medical_balance, sum(own.mapped("amount_residual")),
                                   msg=where)
            self.assertAlmostEqual(patient.medical_credit, credit, msg=where)
            ledger = self.env["medical.ledger.report"].search(
                [("patient_id", "=", patient.id)])
            if ledger:
                ledger_items = self.env["account.move.line"].search([
                    ("parent_state", "=", "posted"), ("medical_party_role", "!=", False),
                    ("medical_patient_id", "=", patient.id)])
                self.assertAlmostEqual(ledger[-1].balance, sum(ledger_items.mapped("balance")),
                                       msg=where)
                self.assertAlmostEqual(ledger[-1].patient_balance, sum(ledger_items.filtered(
                    lambda item: item.medical_party_role == "patient").mapped("balance")),
                    msg=where)

    def _run(self, seed, steps):
        self.rng = random.Random(seed)
        operations = [
            (self.op_charge, 4), (self.op_payment, 3), (self.op_credit_forward, 1),
            (self.op_responsibility, 2), (self.op_write_off, 2), (self.op_reverse, 1),
            (self.op_eob, 3), (self.op_bulk_write_off, 1), (self.op_transfer, 1),
            (self.op_refund, 2), (self.op_delete, 2),
        ]
        functions = [function for function, __ in operations]
        weights = [weight for __, weight in operations]
        done = refused = 0
        for step in range(steps):
            operation = self.rng.choices(functions, weights)[0]
            try:
                with self.env.cr.savepoint():
                    operation()
                    done += 1
            except (UserError, ValidationError):
                refused += 1  # a refusal changes nothing: the savepoint rolled it back
            self.assertLedgerRules(f"{step} ({operation.__name__}, seed {seed})")
        self.assertGreater(done, refused, "Most operations went through")

    def test_random_operations_seed_1(self):
        self._run(1, 120)

    def test_random_operations_seed_2(self):
        self._run(2, 120)
