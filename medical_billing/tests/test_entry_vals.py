from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.sql import index_exists

from ..models.account_move import JOURNAL_DATE_INDEX
from .common import MedicalBillingCommon


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestEntryVals(MedicalBillingCommon):
    """account.move._medical_entry_vals gives Odoo's precomputed values itself, so that
    batch posting skips computing them; they must be the values Odoo computes."""

    def _odoo_entry(self, journal, date, ref, line_vals):
        return self.env["account.move"].create({
            "move_type": "entry", "journal_id": journal.id, "date": date, "ref": ref,
            "line_ids": [(0, 0, dict(vals)) for vals in line_vals],
        })

    def _stored_values(self, records):
        names = sorted(
            name for name, field in records._fields.items()
            if field.store and name not in ("id", "create_date", "write_date", "name",
                                            "move_id", "move_name", "message_main_attachment_id")
            and field.type not in ("one2many", "binary")
        )
        return [{name: record[name] for name in names} for record in records]

    def assertSameEntry(self, line_vals, journal):
        ours = self.env["account.move"]._medical_create_entry(
            journal, "2026-03-09", "Visit", line_vals,
        )
        odoo = self._odoo_entry(journal, "2026-03-09", "Visit", line_vals)
        (ours | odoo).action_post()
        self.assertEqual(self._stored_values(ours.line_ids), self._stored_values(odoo.line_ids))
        ours_move, odoo_move = self._stored_values(ours)[0], self._stored_values(odoo)[0]
        for name in ("sequence_number", "secure_sequence_number", "inalterable_hash"):
            ours_move.pop(name), odoo_move.pop(name)
        self.assertEqual(ours_move, odoo_move)

    def test_visit_entry_values_are_odoo_values(self):
        self.case.fee_schedule_id = self.fee_schedule
        charges = self._create_charges(
            {"product_id": self.code_exercise.id, "units": 2},
            {"product_id": self.code_supplement.id, "units": 2},
            {"product_id": self.code_adjustment.id},
        )
        line_vals = []
        copay_left = self.policy_primary.copay_amount
        for charge in charges:
            shares, copay_left = charge._initial_shares(copay_left)
            line_vals += charge._prepare_charge_line_vals(shares)
        self.assertTrue(any(vals.get("tax_repartition_line_id") for vals in line_vals))
        self.assertTrue(any(vals.get("product_id") for vals in line_vals))
        self.assertSameEntry(line_vals, self.company.medical_charge_journal_id)

    def test_only_billing_entries_keep_the_debit_and_credit_given(self):
        line = self.env["account.move.line"]
        vals = {"balance": -5.0, "debit": 0.0, "credit": 5.0}
        self.assertEqual(line._sanitize_vals(vals), {"balance": -5.0})
        self.assertEqual(line.with_context(medical_complete_vals=True)._sanitize_vals(vals),
                         vals)
        move = self.env["account.move"]._medical_create_entry(
            self.company.medical_charge_journal_id, "2026-03-09", "Visit", [
                {"name": "x", "account_id": self.company.medical_revenue_account_id.id,
                 "balance": -5.0},
                {"name": "y", "account_id": self.accounts["patient"].id,
                 "partner_id": self.patient.id, "balance": 5.0},
            ],
        )
        self.assertFalse(move.env.context.get("medical_complete_vals"))
        self.assertRecordValues(move.line_ids, [
            {"balance": -5.0, "debit": 0.0, "credit": 5.0},
            {"balance": 5.0, "debit": 5.0, "credit": 0.0},
        ])

    def test_entry_numbering_lookup_has_its_index(self):
        self.assertTrue(index_exists(self.env.cr, JOURNAL_DATE_INDEX))
