"""Benchmark of claims (not a test): Create Claims, the 837P batch, a 277CA import.

Builds, in a throwaway database with ``medical_billing_edi`` installed (no demo data), a
practice whose posted charges all bill electronic payers (default 10,000 charges: 2,000
patients with 5 visits each), then times, each with its commit:

1. creating the claims of every charge ready to bill (Create Claims: plan, checks,
   claims with their lines and "created" events); target under one minute for 10,000;
2. sending them: one batch, its 837P written and validated by pyx12, stored, each claim
   marked submitted; target (with 1.) under one minute;
3. importing the payer's 277CA accepting every claim (Import Answers: read and validated
   by pyx12, matched by claim number, an event per claim, the payer claim number kept);
   target under one minute for 10,000 claims (``--answer-claims`` claims of their own).

Beside them, Odoo's own work on the same numbers in the same run, each rolled back:
creating as many draft customer invoices with as many lines as the claims (the document
Odoo makes from lines), and writing a reference on each of them one by one (what Odoo
does per document when an answer comes). pyx12's validation of the 837P alone is
printed too, as the part of sending that is not ours.

    python3 benchmarks/bench_claims.py
    python3 benchmarks/bench_claims.py --patients 200 --answer-claims 1000   # quick run
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import os
import sys
import time

from bench_billing import (
    Rollback,
    create_database,
    drop_database,
    find_odoo,
    machine,
    phase,
    print_phases,
)

VISITS_PER_PATIENT = 5
CHUNK = 3_000  # charges per create / action_post call when building the practice
PAYERS = 10
TARGET_SECONDS = 60.0
CODES = [("98941", "Spinal manipulation", 79.0), ("97110", "Therapeutic exercise", 100.0),
         ("97140", "Manual therapy", 65.0), ("99213", "Office visit", 120.0)]
FIRST_NAMES = ["ANNA", "JOHN", "MARIA", "OMAR", "LIN", "GRACE", "DAVID", "SOFIA"]
US_STATE_XMLID = "base.state_us_14"


def create_billing_setup(env):
    """(billing provider, treating provider, clinic, codes, diagnoses): what every claim of
    the benchmarks bills with, the providers' NPIs valid and the billing one's tax id set."""
    company = env.company
    billing_provider = env["medical.provider"].create({
        "name": "Bench Spine Group", "npi": "1245319599", "tax_id": "371234567",
        "taxonomy_code": "111N00000X", "is_billing": True, "is_treating": False,
        "partner_id": company.partner_id.id,
    })
    provider = env["medical.provider"].create({
        "name": "Jane Smith", "npi": "1234567893", "taxonomy_code": "111N00000X"})
    clinic = env["medical.clinic"].create({
        "name": "Main Street", "partner_id": company.partner_id.id})
    products = env["product.product"].create([
        {"name": name, "default_code": code, "list_price": price, "type": "service",
         "medical_code_type": "cpt", "taxes_id": [(6, 0, [])]}
        for code, name, price in CODES
    ])
    diagnoses = env["medical.diagnosis.code"].create([
        {"code": f"M54.{n}", "name": f"Back pain {n}"} for n in range(1, 5)])
    return billing_provider, provider, clinic, products, diagnoses


class ClaimBench:
    def __init__(self, env, args):
        self.env = env
        self.cr = env.cr
        self.args = args
        self.today = datetime.date.today()
        self.durations = {}
        self.figures = {}

    def commit(self):
        self.cr.commit()

    # --- data ----------------------------------------------------------

    def setup_practice(self):
        env = self.env
        company = env.company
        illinois = env.ref(US_STATE_XMLID)
        address = {"street": "123 Main St", "city": "Springfield", "zip": "62701",
                   "state_id": illinois.id, "country_id": illinois.country_id.id}
        company.write({**address, "phone": "2175550100", "email": "billing@example.com",
                       "medical_edi_submitter_id": "SUB01",
                       "medical_edi_receiver_name": "BEST CLEARINGHOUSE",
                       "medical_edi_receiver_id": "CH12345",
                       "medical_edi_isa_sender_id": "BENCHCLINIC",
                       "medical_edi_isa_receiver_id": "BESTCLEARING",
                       "medical_edi_usage": "test"})
        (self.billing_provider, self.provider, self.clinic, self.products,
         self.diagnoses) = create_billing_setup(env)
        self.payers = env["res.partner"].create([
            {"name": f"Bench Payer {n:02d}", "is_company": True, "is_payer": True,
             "payer_submission": "electronic", "payer_code": f"BP{n:03d}", **address}
            for n in range(PAYERS)
        ])

    def create_patients(self):
        env, count = self.env, self.args.patients
        illinois = env.ref(US_STATE_XMLID)
        start = self.today - datetime.timedelta(days=365)
        patients = env["res.partner"].create([
            {"name": f"{FIRST_NAMES[n % len(FIRST_NAMES)]} PATIENT{n:05d}", "is_patient": True,
             "birthdate": datetime.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
             "sex": "female" if n % 2 else "male", "street": f"{n} Elm St",
             "city": "Springfield", "zip": "62702", "state_id": illinois.id,
             "country_id": illinois.country_id.id}
            for n in range(count)
        ])
        policies = env["medical.policy"].create([
            {"patient_id": patient.id, "payer_id": self.payers[n % PAYERS].id,
             "member_number": f"M{patient.id:09d}", "group_number": "GRP-1",
             "date_start": start}
            for n, patient in enumerate(patients)
        ])
        self.cases = env["medical.case"].create([
            {"name": "Back care", "patient_id": patient.id, "date_start": start,
             "primary_policy_id": policy.id,
             "diagnosis_ids": [(0, 0, {"diagnosis_code_id": self.diagnoses[n % 4].id,
                                       "sequence": 1})]}
            for n, (patient, policy) in enumerate(zip(patients, policies, strict=True))
        ])

    def create_charges(self):
        vals_list = [
            {"case_id": case.id, "product_id": self.products[(n + visit) % len(CODES)].id,
             "date_service": self.today - datetime.timedelta(days=7 * (visit + 1)),
             "billing_provider_id": self.billing_provider.id,
             "treating_provider_id": self.provider.id, "treating_clinic_id": self.clinic.id}
            for n, case in enumerate(self.cases) for visit in range(VISITS_PER_PATIENT)
        ]
        ids = []
        for start in range(0, len(vals_list), CHUNK):
            charges = self.env["medical.charge"].create(vals_list[start:start + CHUNK])
            charges.action_post()
            self.commit()
            ids += charges.ids
            self.env.invalidate_all()
        self.charge_ids = ids

    # --- measures -------------------------------------------------------

    def timed(self, label, function):
        with phase(label, self.durations):
            start = time.perf_counter()
            result = function()
            self.env.flush_all()
            self.commit()
            seconds = time.perf_counter() - start
        self.env.invalidate_all()
        return result, seconds

    def bench_claims(self):
        charges = self.env["medical.charge"].browse(self.charge_ids)
        Create = self.env["medical.claim.create"]

        def create_claims():
            groups, problems = Create._plan_claims(charges)
            if problems:
                sys.exit(f"ERROR: {len(problems)} charges are not billable, e.g. {problems[0]}")
            return Create._create_claims(groups)

        claims, seconds = self.timed(f"Create Claims for {len(charges):,} charges", create_claims)
        self.claim_ids = claims.ids
        self.figures["claims"] = len(claims)
        self.figures["create"] = seconds
        print(f"  {len(claims):,} claims, {len(charges) / seconds:,.0f} charges/s, "
              f"{len(claims) / seconds:,.0f} claims/s")

        claims = self.env["medical.claim"].browse(self.claim_ids)
        __, seconds = self.timed(f"send {len(claims):,} claims: one 837P batch, validated",
                                 claims.action_send)
        self.figures["send"] = seconds
        batch = self.env["medical.claim"].browse(self.claim_ids).batch_id
        assert len(batch) == 1 and set(batch.claim_ids.mapped("state")) == {"submitted"}
        text = batch.attachment_id.raw.decode()
        self.figures["file_kb"] = len(text) / 1024
        edi = sys.modules["odoo.addons.medical_billing_edi.edi"]
        start = time.perf_counter()
        issues = edi.validate(text)
        self.figures["pyx12_validate"] = time.perf_counter() - start
        assert not issues, issues[:3]
        print(f"  {len(claims) / seconds:,.0f} claims/s; the 837P is "
              f"{self.figures['file_kb']:,.0f} KB; pyx12's validation alone "
              f"{self.figures['pyx12_validate']:.1f} s")

    def bench_answer(self, claim_ids, label):
        """Import the payer's 277CA accepting every claim of ``claim_ids``."""
        claims = self.env["medical.claim"].browse(claim_ids)
        text = self.env["medical.claim.batch"]._edi_demo_277ca(
            self.env.company, "payer", dict.fromkeys(claims, True))

        def import_answer():
            wizard = self.env["medical.claim.answer.import"].create({
                "attachment_ids": [(0, 0, {"name": "277ca_payer.x12", "mimetype": "text/plain",
                                           "datas": base64.b64encode(text.encode())})],
            })
            wizard.action_import()
            return wizard

        __, seconds = self.timed(label, import_answer)
        states = set(self.env["medical.claim"].browse(claim_ids).mapped("state"))
        assert states == {"accepted"}, states
        print(f"  {len(claims) / seconds:,.0f} claims/s")
        return seconds

    def bench_baseline(self):
        """Odoo's own documents in the same numbers, rolled back."""
        claims = self.env["medical.claim"].browse(self.claim_ids)
        vals_list = [{
            "move_type": "out_invoice", "partner_id": claim.patient_id.id,
            "invoice_date": claim.service_date_from,
            "invoice_line_ids": [(0, 0, {"product_id": line.product_id.id, "quantity": 1.0,
                                         "price_unit": line.amount, "tax_ids": [(6, 0, [])]})
                                 for line in claim.line_ids],
        } for claim in claims]
        lines = sum(len(vals["invoice_line_ids"]) for vals in vals_list)
        self.env.invalidate_all()
        with contextlib.suppress(Rollback), self.cr.savepoint():
            label = (f"Odoo: create {len(vals_list):,} draft invoices with {lines:,} lines "
                     "(rolled back)")
            with phase(label, self.durations):
                start = time.perf_counter()
                moves = self.env["account.move"].create(vals_list)
                self.env.flush_all()
                self.figures["odoo_create"] = time.perf_counter() - start
            with phase(f"Odoo: write a reference on each of {len(moves):,} invoices "
                       "(rolled back)", self.durations):
                start = time.perf_counter()
                for n, move in enumerate(moves):
                    move.write({"ref": f"ICN{n:08d}"})
                self.env.flush_all()
                self.figures["odoo_write"] = time.perf_counter() - start
            raise Rollback
        self.env.invalidate_all(flush=False)

    def report(self):
        figures, args = self.figures, self.args
        charges = len(self.charge_ids)

        def verdict(seconds):
            return "met" if seconds < TARGET_SECONDS else "NOT MET"

        create_send = figures["create"] + figures["send"]
        print("=" * 96)
        print(f"Claims benchmark: {charges:,} charges, {figures['claims']:,} claims "
              f"({VISITS_PER_PATIENT} visits a patient, electronic payers)")
        print(f"  Create Claims                      {figures['create']:>7.1f} s  "
              f"{charges / figures['create']:>7,.0f} charges/s  "
              f"vs Odoo's draft invoices {figures['odoo_create']:.1f} s: "
              f"{figures['odoo_create'] / figures['create']:.2f}x Odoo's speed")
        print(f"  Send (837P written and validated)  {figures['send']:>7.1f} s  "
              f"{figures['claims'] / figures['send']:>7,.0f} claims/s  "
              f"(pyx12 validation alone {figures['pyx12_validate']:.1f} s)")
        print(f"  Create + send                      {create_send:>7.1f} s  "
              f"target < {TARGET_SECONDS:.0f} s: {verdict(create_send)}")
        print(f"  277CA import ({figures['claims']:,} claims)       {figures['import']:>7.1f} s  "
              f"{figures['claims'] / figures['import']:>7,.0f} claims/s  vs Odoo writing a "
              f"reference on as many invoices {figures['odoo_write']:.1f} s: "
              f"{figures['odoo_write'] / figures['import']:.2f}x")
        if "import_big" in figures:
            big = args.answer_claims
            big_create_send = figures["create_big"] + figures["send_big"]
            print(f"  {big:,} one-line claims: create {figures['create_big']:.1f} s + send "
                  f"{figures['send_big']:.1f} s = {big_create_send:.1f} s  target < "
                  f"{TARGET_SECONDS:.0f} s: {verdict(big_create_send)}")
            print(f"  277CA import ({big:,} claims)      {figures['import_big']:>7.1f} s  "
                  f"{big / figures['import_big']:>7,.0f} claims/s  target < "
                  f"{TARGET_SECONDS:.0f} s: {verdict(figures['import_big'])}")
        print_phases(self.durations, width=96)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"mb_bench_claims_{os.getpid()}")
    parser.add_argument("--patients", type=int, default=2_000,
                        help=f"patients, {VISITS_PER_PATIENT} charges each")
    parser.add_argument("--answer-claims", type=int, default=10_000,
                        help="claims of the large 277CA (their own patients, one visit each); "
                        "0 skips it")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args(argv)

    odoo, addons_path = find_odoo()
    started = time.perf_counter()
    print(f"Machine: {machine()}")
    create_database(args.db, addons_path, addon="medical_billing_edi")
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", f"--database={args.db}", "--log-level=warn"],
        setup_logging=True,
    )
    try:
        registry = odoo.modules.registry.Registry.new(args.db)
        with registry.cursor() as cr:
            bench = ClaimBench(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args)
            with phase("practice: providers, payers, patients, policies, cases", bench.durations):
                bench.setup_practice()
                bench.create_patients()
                bench.commit()
            with phase(f"{args.patients * VISITS_PER_PATIENT:,} charges created and posted",
                       bench.durations):
                bench.create_charges()
            bench.bench_claims()
            bench.figures["import"] = bench.bench_answer(
                bench.claim_ids, f"import the payer's 277CA for {len(bench.claim_ids):,} claims")
            bench.bench_baseline()
            if args.answer_claims:
                big = ClaimBench(bench.env, argparse.Namespace(patients=args.answer_claims))
                big.provider, big.billing_provider, big.clinic = \
                    bench.provider, bench.billing_provider, bench.clinic
                big.products, big.payers, big.diagnoses = \
                    bench.products, bench.payers, bench.diagnoses
                with phase(f"{args.answer_claims:,} more patients, one charge each, posted",
                           bench.durations):
                    big.create_patients()
                    charges = bench.env["medical.charge"].create([
                        {"case_id": case.id, "product_id": bench.products[0].id,
                         "date_service": bench.today - datetime.timedelta(days=3),
                         "billing_provider_id": bench.billing_provider.id,
                         "treating_provider_id": bench.provider.id,
                         "treating_clinic_id": bench.clinic.id}
                        for case in big.cases
                    ])
                    charges.action_post()
                    bench.commit()
                Create = bench.env["medical.claim.create"]
                claims, seconds = bench.timed(
                    f"Create Claims for {len(charges):,} charges: one-line claims",
                    lambda: Create._create_claims(Create._plan_claims(charges)[0]))
                bench.figures["create_big"] = seconds
                big_ids = claims.ids
                __, seconds = bench.timed(f"send {len(big_ids):,} one-line claims: one 837P",
                                          bench.env["medical.claim"].browse(big_ids).action_send)
                bench.figures["send_big"] = seconds
                bench.env.invalidate_all()
                bench.figures["import_big"] = bench.bench_answer(
                    big_ids, f"import the payer's 277CA for {len(big_ids):,} claims")
            bench.report()
    finally:
        if args.keep:
            print(f"Kept database {args.db}.")
        else:
            drop_database(odoo, args.db)
        print(f"Total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
