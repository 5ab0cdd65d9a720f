from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestEobForm(MedicalBillingCommon):
    """The EOB form as a biller keys a paper EOB: the charge picker, billed and allowed,
    and the lines the EOB refuses or posts as denials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payer_other = cls._create_payer("Cedar Assurance", "CDR01")
        cls.tom = cls.env["res.partner"].create({"name": "Tom Becker", "is_patient": True})
        cls.tom_case = cls.env["medical.case"].create({
            "name": "Shoulder", "patient_id": cls.tom.id, "date_start": "2026-01-01",
            "primary_policy_id": cls._create_policy(cls.payer_primary, patient=cls.tom).id,
        })
        cls.lena = cls.env["res.partner"].create({"name": "Lena Ortiz", "is_patient": True})
        cls.lena_case = cls.env["medical.case"].create({
            "name": "Knee", "patient_id": cls.lena.id, "date_start": "2026-01-01",
            "primary_policy_id": cls._create_policy(cls.payer_other, patient=cls.lena).id,
        })
        cls.bank_account = cls.company.medical_payer_payment_journal_id.default_account_id

    def setUp(self):
        super().setUp()
        # Maria (copay 30.00): the primary owes 49.00 of 98941 and 70.00 of 97110.
        self.maria_adjustment = self._post_charge(date_service="2026-03-02")
        self.maria_exercise = self._post_charge(self.code_exercise, date_service="2026-03-03")
        self.maria_settled = self._post_charge(date_service="2026-02-16")
        self._post_eob(self.payer_primary, [(self.maria_settled, 49.0, [])])
        self.maria_draft = self._create_charges(
            {"product_id": self.code_adjustment.id, "date_service": "2026-03-04"})
        self.tom_exercise = self._create_charges(
            {"product_id": self.code_exercise.id}, case=self.tom_case)
        self.lena_adjustment = self._create_charges(
            {"product_id": self.code_adjustment.id}, case=self.lena_case)
        (self.tom_exercise | self.lena_adjustment).action_post()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _post_eob(self, payer, lines, reference="CHK-100"):
        eob = self.env["medical.eob"].create({
            "payer_id": payer.id, "reference": reference, "date": "2026-03-09",
            "amount_total": sum(paid for __, paid, __ in lines),
            "line_ids": [Command.create({
                "charge_id": charge.id, "paid": paid,
                "adjustment_ids": [
                    Command.create({"group_code": group, "reason_code": reason, "amount": amount})
                    for group, reason, amount in adjustments
                ],
            }) for charge, paid, adjustments in lines],
        })
        eob.action_post()
        return eob

    def _eob_form(self, payer, amount_total=0.0):
        form = Form(self.env["medical.eob"].with_user(self.biller))
        form.payer_id = payer
        form.reference = "CHK-7788"
        form.date = "2026-03-09"
        form.amount_total = amount_total
        return form

    def _picker(self, line_form, text=""):
        """What the charge picker offers, as the web client asks for it: name_search with
        the field's domain evaluated on the line and the field's context."""
        domain = line_form._view["fields"]["charge_id"].get("domain") or "[]"
        domain = safe_eval(domain, line_form._get_eval_context())
        charges = line_form._env["medical.charge"].with_context(
            **line_form._get_context("charge_id"))
        return charges.name_search(text, domain, limit=None)

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_picker_offers_the_payer_open_charges_by_patient_dos_code(self):
        form = self._eob_form(self.payer_primary)
        with form.line_ids.new() as line:
            self.assertEqual(self._picker(line), [
                (self.maria_adjustment.id, "Maria Alvarez · 2026-03-02 · 98941 · 79.00"),
                (self.tom_exercise.id, "Tom Becker · 2026-03-02 · 97110 · 100.00"),
                (self.maria_exercise.id, "Maria Alvarez · 2026-03-03 · 97110 · 100.00"),
            ])
            line.charge_id = self.maria_adjustment
            line.paid = 0.0

        # The secondary is offered only what it was moved: nothing yet, then the PR-2.
        form = self._eob_form(self.payer_secondary)
        with form.line_ids.new() as line:
            self.assertEqual(self._picker(line), [])
            line.charge_id = self.maria_adjustment  # the form is left unsaved
        self._post_eob(self.payer_primary, [
            (self.maria_adjustment, 30.0, [("CO", "45", 9.0), ("PR", "2", 10.0)]),
        ])
        form = self._eob_form(self.payer_secondary)
        with form.line_ids.new() as line:
            self.assertEqual(self._picker(line), [
                (self.maria_adjustment.id, "Maria Alvarez · 2026-03-02 · 98941 · 79.00"),
            ])
            line.charge_id = self.maria_adjustment
        # Other screens keep the short label.
        self.assertEqual(self.maria_adjustment.display_name, "2026-03-02 98941")

    def test_typing_narrows_the_picker(self):
        form = self._eob_form(self.payer_primary)
        with form.line_ids.new() as line:
            self.assertEqual([id_ for id_, __ in self._picker(line, "becker")],
                             self.tom_exercise.ids)
            self.assertEqual([id_ for id_, __ in self._picker(line, "98941")],
                             self.maria_adjustment.ids)
            self.assertEqual([id_ for id_, __ in self._picker(line, "2026-03-03")],
                             self.maria_exercise.ids)
            self.assertEqual([id_ for id_, __ in self._picker(line, "maria 97110")],
                             self.maria_exercise.ids)
            self.assertEqual(self._picker(line, "Lena"), [])
            line.charge_id = self.tom_exercise

    def test_picking_a_charge_fills_billed_and_allowed(self):
        form = self._eob_form(self.payer_primary, amount_total=40.0)
        with form.line_ids.new() as line:
            line.charge_id = self.maria_adjustment
            # What the primary was billed: its share, not the copay the patient owes.
            self.assertEqual((line.billed, line.allowed), (49.0, 49.0))
            line.allowed = 45.0
            line.paid = 40.0
            with line.adjustment_ids.new() as adjustment:
                adjustment.reason_code = "45"
                adjustment.amount = 4.0
        eob = form.save()
        self.assertRecordValues(eob.line_ids, [{"billed": 49.0, "allowed": 45.0, "paid": 40.0}])
        eob.with_user(self.biller).action_post()
        self.assertRecordValues(eob.move_id.line_ids.sorted("id"), [
            {"account_id": self.bank_account.id, "partner_id": self.payer_primary.id,
             "balance": 40.0, "medical_charge_id": False, "medical_entry_kind": False},
            {"account_id": self.accounts["payer"].id, "partner_id": self.payer_primary.id,
             "balance": -40.0, "medical_charge_id": self.maria_adjustment.id,
             "medical_entry_kind": "payment"},
            {"account_id": self.accounts["write_off"].id, "partner_id": self.payer_primary.id,
             "balance": 4.0, "medical_charge_id": self.maria_adjustment.id,
             "medical_entry_kind": "write_off"},
            {"account_id": self.accounts["payer"].id, "partner_id": self.payer_primary.id,
             "balance": -4.0, "medical_charge_id": self.maria_adjustment.id,
             "medical_entry_kind": "write_off"},
        ])
        self.assertRecordValues(self.maria_adjustment, [{"primary_due": 5.0, "patient_due": 30.0}])

        # The secondary is billed what was moved to it (PR-2), not the whole charge.
        self._post_eob(self.payer_primary, [(self.maria_exercise, 50.0, [("PR", "2", 20.0)])])
        form = self._eob_form(self.payer_secondary)
        with form.line_ids.new() as line:
            line.charge_id = self.maria_exercise
            self.assertEqual((line.billed, line.allowed), (20.0, 20.0))
        self.assertTieOut()

    def test_a_charge_the_payer_was_not_billed_for_is_refused_at_save(self):
        form = self._eob_form(self.payer_primary)
        with form.line_ids.new() as line:
            line.charge_id = self.lena_adjustment
            line.paid = 0.0
        with self.assertRaisesRegex(ValidationError, "not a payer of charge"):
            form.save()
        as_biller = self.env["medical.eob"].with_user(self.biller)
        vals = {"payer_id": self.payer_primary.id, "reference": "RPC", "amount_total": 0.0}
        with self.assertRaisesRegex(ValidationError, "Blue Harbor Health is not a payer"):
            as_biller.create({**vals, "line_ids": [
                Command.create({"charge_id": self.lena_adjustment.id})]})
        # Nor can the payer of a saved EOB change to one that was not billed.
        eob = as_biller.create({**vals, "line_ids": [
            Command.create({"charge_id": self.tom_exercise.id})]})
        with self.assertRaisesRegex(ValidationError, "Cedar Assurance is not a payer"):
            eob.payer_id = self.payer_other
        self.assertEqual(self.lena_adjustment.primary_due, 79.0)

    def test_a_charge_of_another_company_is_refused_at_save(self):
        company_b = self.setup_other_company(name="Uptown Clinic")["company"]
        env_b = self.env(context={"allowed_company_ids": company_b.ids})
        patient_b = env_b["res.partner"].create({"name": "Ann Uptown", "is_patient": True,
                                                 "company_id": company_b.id})
        case_b = env_b["medical.case"].create({
            "name": "Neck", "patient_id": patient_b.id, "date_start": "2026-01-01",
            "company_id": company_b.id,
            "primary_policy_id": env_b["medical.policy"].create({
                "patient_id": patient_b.id, "payer_id": self.payer_primary.id,
                "member_number": "B-1", "date_start": "2026-01-01",
                "company_id": company_b.id,
            }).id,
        })
        charge_b = env_b["medical.charge"].create({
            "case_id": case_b.id, "product_id": self.code_adjustment.id,
            "date_service": "2026-03-02",
        })
        charge_b.action_post()
        self.assertEqual(charge_b.company_id, company_b)

        both = self.env(context={"allowed_company_ids": (self.company | company_b).ids})
        form = Form(both["medical.eob"])
        form.payer_id = self.payer_primary
        form.reference = "CHK-7788"
        with form.line_ids.new() as line:
            self.assertNotIn(charge_b.id, [id_ for id_, __ in self._picker(line)])
            self.assertIn(self.maria_adjustment.id, [id_ for id_, __ in self._picker(line)])
            line.charge_id = self.maria_adjustment
        with self.assertRaisesRegex(ValidationError, "Uptown Clinic"):
            both["medical.eob"].create({
                "payer_id": self.payer_primary.id, "reference": "RPC", "amount_total": 0.0,
                "company_id": self.company.id,
                "line_ids": [Command.create({"charge_id": charge_b.id})],
            })

    def test_zero_paid_line_posts_as_a_denial_beside_paid_lines(self):
        form = self._eob_form(self.payer_primary, amount_total=49.0)
        with form.line_ids.new() as line:
            line.charge_id = self.maria_adjustment
            line.paid = 49.0
        with form.line_ids.new() as line:  # denied: paid 0.00, no adjustment
            line.charge_id = self.tom_exercise
            line.remark_codes = "N290"
        eob = form.save()
        eob.with_user(self.biller).action_post()

        self.assertEqual(eob.state, "posted")
        paid_line, denial = eob.line_ids
        self.assertRecordValues(denial, [{"charge_id": self.tom_exercise.id, "paid": 0.0,
                                          "billed": 100.0, "remark_codes": "N290"}])
        self.assertRecordValues(eob.move_id.line_ids.sorted("id"), [
            {"account_id": self.bank_account.id, "balance": 49.0, "medical_charge_id": False,
             "medical_eob_line_id": False},
            {"account_id": self.accounts["payer"].id, "balance": -49.0,
             "medical_charge_id": self.maria_adjustment.id,
             "medical_eob_line_id": paid_line.id},
        ])
        # The denied charge stays owed by the payer, marked '+' for its EOB.
        self.assertRecordValues(self.tom_exercise, [{
            "primary_due": 100.0, "primary_paid": 0.0, "balance": 100.0, "has_details": True,
            "details_summary": "EOB",
        }])
        self.assertEqual(self.tom.medical_eob_ids, eob)
        self.assertTieOut()

    def test_eob_of_denials_only_posts_without_journal_entry(self):
        moves_before = self.env["account.move"].search_count([])
        form = self._eob_form(self.payer_primary)
        with form.line_ids.new() as line:
            line.charge_id = self.tom_exercise
            line.remark_codes = "N290"
        eob = form.save()
        eob.with_user(self.biller).action_post()

        self.assertRecordValues(eob, [{"state": "posted", "move_id": False,
                                       "name": "Denial CHK-7788"}])
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertRecordValues(self.tom_exercise, [{
            "primary_due": 100.0, "balance": 100.0, "has_details": True,
            "details_summary": "EOB",
        }])
        self.assertEqual(self.tom.medical_eob_ids, eob)

        eob.with_user(self.billing_manager)._delete("Keyed twice")
        self.assertEqual(eob.state, "deleted")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.tom_exercise.primary_due, 100.0)
        self.assertTieOut()
