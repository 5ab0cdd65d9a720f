"""Benchmark of medical billing on Odoo accounting (not a test).

Builds a synthetic practice in a throwaway database (default: 2,000 patients, 20,000
visits, 3 charges a visit, payments from most patients) with batch creates, and prints
its figures beside the same work done by Odoo's own means in the same run:

1. posting charges: charge lines per second, creating and posting them, against creating
   and posting the same lines as plain customer invoices (``out_invoice``); target at
   least 2x Odoo's throughput;
2. applying a patient payment to a patient with 1,000 open charges, in the practice of
   the given size and in a copy of it whose history is grown ``--history-factor`` times,
   one run in each in turn (``--runs`` each); target: the cost does not grow with the
   practice (ratio at most 1.3);
3. reading the ledger of a patient with about 5,000 ledger lines, against ``search_read``
   of the journal items it is made from (every party's receivable items on the patient's
   charges and payments, and the fee-schedule write-offs); target at most 2x;
4. database size per 10,000 charges.

Odoo is found as the repository's scripts find it (``scripts/_odoo_env.sh``): ``ODOO_PATH``
(an Odoo 18 source tree) or the importable ``odoo`` package; PostgreSQL through the PG*
variables or the local socket. The database (and its grown copy, ``<db>_grown``) is
created here, installed without demo data and dropped at the end unless ``--keep``:

    python3 benchmarks/bench_billing.py
    python3 benchmarks/bench_billing.py --patients 100 --visits 500 --history-factor 2 \\
        --ledger-lines 500
    python3 benchmarks/bench_billing.py --profile /tmp/post.prof   # cProfile of one posting
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import cProfile
import datetime
import gc
import io
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sql_copy import copy_patients

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = "medical_billing"
CHUNK_CHARGES = 3_000  # charges per create / action_post call
PAYMENT_CHUNK = 200  # patient payments per action_post call
SEED = 20260310
# (code, made-up description, list price, code type, fee schedule price or None, taxed)
CODES = [
    ("98941", "Spinal manipulation, 3-4 regions", 79.0, "cpt", None, False),
    ("97110", "Therapeutic exercise, 15 min", 100.0, "cpt", 80.0, False),
    ("97140", "Manual therapy, 15 min", 65.0, "cpt", 55.0, False),
    ("97012", "Mechanical traction", 40.0, "cpt", None, False),
    ("99213", "Office visit, established patient", 120.0, "cpt", 95.0, False),
    ("G0283", "Electrical stimulation, unattended", 35.0, "hcpcs", 30.0, False),
    ("OTC-1", "Supplement, 60 capsules", 20.0, "otc", 15.0, True),
]
PAYERS = 12
HISTORY_DAYS = 730  # visits are spread over the last two years
TARGET_POSTING_RATIO = 2.0
TARGET_PAYMENT_RATIO = 1.3
TARGET_LEDGER_RATIO = 2.0
LEDGER_FIELDS = ["date", "entry_type", "description", "charges", "credits", "patient_balance",
                 "payer_balance"]
ITEM_FIELDS = ["date", "name", "debit", "credit", "balance", "amount_residual"]


# ----------------------------------------------------------------------
# Odoo and the database
# ----------------------------------------------------------------------

def find_odoo():
    """Import Odoo 18 the way scripts/_odoo_env.sh finds it; return it and the addons path
    (Odoo's addons folders, then this repository)."""
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path:
        if not (Path(odoo_path) / "odoo").is_dir():
            sys.exit(f"ERROR: ODOO_PATH={odoo_path} holds no 'odoo' package; point it at an "
                     "Odoo 18 source tree.")
        sys.path.insert(0, odoo_path)
    try:
        import odoo
        import odoo.release
    except ImportError:
        sys.exit("ERROR: Odoo is not installed: 'import odoo' fails. Install Odoo 18.0 and "
                 "set ODOO_PATH to its source tree, or make 'odoo' importable.")
    if not odoo.release.version.startswith("18.0"):
        sys.exit(f"ERROR: Odoo {odoo.release.version} found; these addons need Odoo 18.0.")
    root = Path(odoo.__file__).resolve().parent.parent
    addons = [root / "odoo" / "addons"]
    if (root / "addons").is_dir():
        addons.insert(0, root / "addons")
    addons.append(REPO_ROOT)
    return odoo, ",".join(str(path) for path in addons)


def pg_admin(sql, params=()):
    """Run one statement on the maintenance database, outside any transaction."""
    import psycopg2

    conn = psycopg2.connect(dbname="postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def refuse_existing(db):
    if pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", [db]):
        sys.exit(f"ERROR: database {db} already exists; name a new one with --db.")


def create_database(db, addons_path, addon=ADDON):
    refuse_existing(db)
    env = dict(os.environ)
    if os.environ.get("ODOO_PATH"):
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [os.environ["ODOO_PATH"], os.environ.get("PYTHONPATH")])
        )
    command = [sys.executable, "-m", "odoo", "-d", db, "-i", addon, "--without-demo=all",
               "--stop-after-init", f"--addons-path={addons_path}", "--log-level=warn"]
    print(f"Installing {addon} without demo data in {db}: {' '.join(command[1:])}")
    subprocess.run(command, check=True, env=env)


def copy_database(odoo, db, copy_db):
    """Copy database ``db`` (whose cursors are all closed) as ``copy_db``."""
    odoo.sql_db.close_db(db)
    refuse_existing(copy_db)
    pg_admin(f'CREATE DATABASE "{copy_db}" TEMPLATE "{db}"')


def drop_database(odoo, db):
    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)
    pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    print(f"Dropped database {db}.")


def machine():
    memory = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (f"{platform.node()}: {platform.platform()}, {cpu}, {os.cpu_count()} CPUs, "
            f"{memory} RAM, Python {platform.python_version()}")


# ----------------------------------------------------------------------
# Timing helpers
# ----------------------------------------------------------------------

class Rollback(Exception):
    """Raised inside a savepoint to undo a measured run."""


@contextlib.contextmanager
def phase(label, durations):
    print(f"- {label}...", flush=True)
    start = time.perf_counter()
    yield
    durations[label] = time.perf_counter() - start
    print(f"  done in {durations[label]:.1f} s", flush=True)


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def median_time(env, function, runs, rolled_back=False):
    """Median wall time of ``function`` (flush included), each run on a cold cache and
    after a full garbage collection (so that no run pays for the garbage of the one before);
    with ``rolled_back`` each run happens in a savepoint that is then rolled back."""
    times = []
    for __ in range(runs):
        env.invalidate_all()
        gc.collect()
        if rolled_back:
            with contextlib.suppress(Rollback), env.cr.savepoint(flush=True):
                start = time.perf_counter()
                function()
                env.flush_all()
                times.append(time.perf_counter() - start)
                raise Rollback
            env.invalidate_all(flush=False)
        else:
            start = time.perf_counter()
            function()
            env.flush_all()
            times.append(time.perf_counter() - start)
    return statistics.median(times), times


# ----------------------------------------------------------------------
# The benchmark
# ----------------------------------------------------------------------

class Bench:
    def __init__(self, odoo, env, args):
        self.odoo = odoo
        self.env = env
        self.cr = env.cr
        self.args = args
        self.random = random.Random(SEED)
        self.today = datetime.date.today()
        self.durations = {}
        self.chunk_times = []  # (charges, seconds) of each action_post call
        self.figures = {}
        self.notes = []

    def commit(self):
        self.cr.commit()

    def on(self, env):
        """This bench on another cursor: of its database, or of a copy of it (same ids)."""
        other = copy.copy(self)
        other.env, other.cr = env, env.cr
        for name, value in vars(self).items():
            if isinstance(value, self.odoo.models.BaseModel):
                setattr(other, name, value.with_env(env))
        return other

    # --- data ----------------------------------------------------------

    def setup_codes_and_payers(self):
        env = self.env
        company = env.company
        sale_tax = company.account_sale_tax_id
        products = env["product.product"].create([
            {
                "name": name, "default_code": code, "list_price": price,
                "type": "consu" if code_type == "otc" else "service",
                "medical_code_type": code_type,
                "taxes_id": [(6, 0, sale_tax.ids if taxed else [])],
            }
            for code, name, price, code_type, __, taxed in CODES
        ])
        self.products = products
        self.fee_schedule = env["medical.fee.schedule"].create({
            "name": "Bench PPO",
            "line_ids": [
                (0, 0, {"product_id": product.id, "price": fee_price})
                for product, (*__, fee_price, _taxed) in zip(products, CODES, strict=True)
                if fee_price is not None
            ],
        })
        self.payers = env["res.partner"].create([
            {"name": f"Bench Payer {n:02d}", "is_company": True, "is_payer": True,
             "payer_code": f"BP{n:03d}"}
            for n in range(PAYERS)
        ])
        # Unit price a visit line bills (fee schedule price where the case has one).
        self.prices = {
            (with_fee, index): (fee if with_fee and fee is not None else price)
            for index, (__, __, price, __, fee, __) in enumerate(CODES)
            for with_fee in (False, True)
        }

    def create_patients(self, count, prefix, insured_share=0.8):
        """Patients, their policies (most insured, some twice) and one case each."""
        env = self.env
        start = self.today - datetime.timedelta(days=HISTORY_DAYS + 365)
        patients = env["res.partner"].create([
            {"name": f"{prefix} {n:05d}", "is_patient": True,
             "birthdate": datetime.date(1940 + n % 60, 1 + n % 12, 1 + n % 28)}
            for n in range(count)
        ])
        insured = [n for n in range(count) if (n % 10) < insured_share * 10]
        primary = env["medical.policy"].create([
            {"patient_id": patients[n].id, "payer_id": self.payers[n % PAYERS].id,
             "member_number": f"M{patients[n].id:09d}", "date_start": start,
             "copay_amount": 20.0 if n % 2 else 0.0,
             "coinsurance_percent": 0.0 if n % 2 else 20.0}
            for n in insured
        ])
        primary_by_n = dict(zip(insured, primary.ids, strict=True))
        twice = [n for n in insured if n % 4 == 0]
        secondary = env["medical.policy"].create([
            {"patient_id": patients[n].id, "payer_id": self.payers[(n + 1) % PAYERS].id,
             "member_number": f"S{patients[n].id:09d}", "date_start": start}
            for n in twice
        ])
        secondary_by_n = dict(zip(twice, secondary.ids, strict=True))
        cases = env["medical.case"].create([
            {"name": "Back and neck care", "patient_id": patients[n].id, "date_start": start,
             "primary_policy_id": primary_by_n.get(n, False),
             "secondary_policy_id": secondary_by_n.get(n, False),
             "fee_schedule_id": self.fee_schedule.id if n % 2 == 0 else False}
            for n in range(count)
        ])
        return patients, cases

    def visit_plan(self, cases, visits, per_visit, days=HISTORY_DAYS):
        """[(case id, DOS, with fee schedule, [code index, ...])] for ``visits`` visits
        spread over the cases and the last ``days`` days; codes differ within a visit."""
        plan = []
        case_ids = cases.ids
        with_fee = {case.id: bool(case.fee_schedule_id) for case in cases}
        for visit in range(visits):
            case_id = case_ids[visit % len(case_ids)]
            dos = self.today - datetime.timedelta(days=self.random.randint(1, days))
            codes = [(visit + 2 * j) % len(CODES) for j in range(per_visit)]
            plan.append((case_id, dos, with_fee[case_id], codes))
        return plan

    def create_charges(self, plan, limit=None):
        """Create the charges of the visit plan (the first ``limit`` of them) in batches;
        return their ids, visit by visit."""
        vals_list = [
            {"case_id": case_id, "date_service": dos, "product_id": self.products[code].id}
            for case_id, dos, __, codes in plan for code in codes
        ][:limit]
        ids = []
        self.create_chunk_times = []
        for vals_chunk in chunks(vals_list, CHUNK_CHARGES):
            start = time.perf_counter()
            ids += self.env["medical.charge"].create(vals_chunk).ids
            self.commit()  # with what commit runs (tracking, logs): a user's save does it
            self.create_chunk_times.append((len(vals_chunk), time.perf_counter() - start))
            self.env.invalidate_all()
        return ids

    def post_charges(self, ids, chunk=CHUNK_CHARGES):
        """Post charges chunk by chunk; return the time spent in action_post, with the
        commit (and what runs at commit, such as tracking messages)."""
        spent = 0.0
        for ids_chunk in chunks(ids, chunk):
            charges = self.env["medical.charge"].browse(ids_chunk)
            start = time.perf_counter()
            charges.action_post()
            self.commit()
            seconds = time.perf_counter() - start
            self.chunk_times.append((len(ids_chunk), seconds))
            spent += seconds
            self.env.invalidate_all()
        return spent

    def patient_balances(self, patients):
        return self.env["account.move.line"]._medical_residual_by(
            "partner_id", [("partner_id", "in", patients.ids),
                           ("medical_party_role", "=", "patient")],
        )

    def pay(self, patients, share, methods=("cash", "check", "card")):
        """One payment of ``share`` of each patient's balance; return the payments."""
        currency = self.env.company.currency_id
        balances = self.patient_balances(patients)
        vals_list = []
        for n, patient in enumerate(patients):
            amount = currency.round(balances.get(patient, 0.0) * share)
            if currency.compare_amounts(amount, 0) <= 0:
                continue
            method = methods[n % len(methods)]
            vals_list.append({
                "patient_id": patient.id, "amount": amount, "date": self.today,
                "method": method,
                "check_number": f"{1000 + n}" if method == "check" else False,
                "card_type": "visa" if method == "card" else False,
                "card_last4": f"{n % 10_000:04d}" if method == "card" else False,
            })
        payments = self.env["medical.payment"].create(vals_list)
        for payment_chunk in chunks(payments.ids, PAYMENT_CHUNK):
            self.env["medical.payment"].browse(payment_chunk).action_post()
            self.env.invalidate_all()
        return payments

    def item_count(self):
        self.env.flush_all()
        self.cr.execute("SELECT count(*) FROM account_move_line")
        return self.cr.fetchone()[0]

    def db_size(self):
        self.env.flush_all()
        self.cr.execute("SELECT pg_database_size(current_database())")
        return self.cr.fetchone()[0]

    def table_sizes(self):
        self.cr.execute("""
            SELECT relname, pg_total_relation_size(oid) FROM pg_class
             WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
        """)
        return dict(self.cr.fetchall())

    def count_items(self, patient):
        return self.env["account.move.line"].search_count(self.item_domain(patient))

    @staticmethod
    def item_domain(patient):
        return [("partner_id", "=", patient.id), ("medical_party_role", "!=", False)]

    # --- phases --------------------------------------------------------

    def build_practice(self):
        args = self.args
        with phase("codes, fee schedule, payers", self.durations):
            self.setup_codes_and_payers()
            self.commit()
        with phase(f"{args.patients:,} patients with policies and cases", self.durations):
            self.patients, self.cases = self.create_patients(args.patients, "Bench Patient")
            self.commit()
        self.plan = self.visit_plan(self.cases, args.visits, args.charges_per_visit)
        self.size_before = self.db_size()
        self.tables_before = self.table_sizes()
        label = f"create {args.visits * args.charges_per_visit:,} charges (batch create)"
        with phase(label, self.durations):
            self.charge_ids = self.create_charges(self.plan)
            self.commit()
        self.figures["create_chunks"] = list(self.create_chunk_times)

    def bench_posting(self):
        count = len(self.charge_ids)
        label = f"post {count:,} charges (action_post, {CHUNK_CHARGES:,} a call)"
        items_before = self.item_count()
        with phase(label, self.durations):
            self.chunk_times = []
            spent = self.post_charges(self.charge_ids)
            self.figures["post_chunks"] = list(self.chunk_times)
            self.commit()
        items = self.item_count() - items_before
        self.figures["post_seconds"] = spent
        self.figures["post_rate"] = count / spent
        self.figures["post_item_rate"] = items / spent
        print(f"  {count / spent:,.0f} charge lines/s in action_post; {items:,} journal items "
              f"({items / count:.2f} a charge), {items / spent:,.0f} items/s")
        # Database size, measured here: before the baseline and the payments.
        size_after = self.db_size()
        tables_after = self.table_sizes()
        growth = size_after - self.size_before
        self.figures["db_per_10k"] = growth * 10_000 / count
        self.figures["db_charges"] = count
        top = sorted(
            ((tables_after[name] - self.tables_before.get(name, 0), name)
             for name in tables_after), reverse=True,
        )[:6]
        self.figures["db_tables"] = [(name, size * 10_000 / count) for size, name in top]

    def bench_baseline(self):
        """Create and post the same lines as customer invoices (one a visit). Run it in a
        copy of the practice (see main): in the practice itself, even rolled back, they
        would leave dead rows and emptied index pages behind."""
        args = self.args
        plan = self.plan
        lines_wanted = args.baseline_lines or len(self.charge_ids)
        visits = max(1, min(len(plan), -(-lines_wanted // args.charges_per_visit)))
        sample = plan[:visits]
        lines = sum(len(codes) for *__, codes in sample)
        case_patient = {case.id: case.patient_id.id for case in self.cases}
        taxes = {index: product.taxes_id.ids for index, product in enumerate(self.products)}
        vals_list = [
            {
                "move_type": "out_invoice",
                "partner_id": case_patient[case_id],
                "invoice_date": dos,
                "invoice_line_ids": [
                    (0, 0, {"product_id": self.products[code].id, "quantity": 1.0,
                            "price_unit": self.prices[(with_fee, code)],
                            "tax_ids": [(6, 0, taxes[code])]})
                    for code in codes
                ],
            }
            for case_id, dos, with_fee, codes in sample
        ]
        self.commit()
        per_call = max(1, CHUNK_CHARGES // args.charges_per_visit)
        label = f"Odoo baseline: create + post {lines:,} invoice lines ({visits:,} out_invoice)"
        items_before = self.item_count()
        with phase(label, self.durations):
            spent = 0.0
            for vals_chunk in chunks(vals_list, per_call):
                start = time.perf_counter()
                moves = self.env["account.move"].create(vals_chunk)
                moves.action_post()
                self.commit()
                spent += time.perf_counter() - start
                self.env.invalidate_all()
            items = self.item_count() - items_before
        self.figures["baseline_lines"] = lines
        self.figures["baseline_rate"] = lines / spent
        self.figures["baseline_sampled"] = lines < len(self.charge_ids)
        self.figures["baseline_item_rate"] = items / spent
        print(f"  {lines / spent:,.0f} invoice lines/s; {items:,} journal items "
              f"({items / lines:.2f} a line), {items / spent:,.0f} items/s")

    def pay_practice(self):
        label = "payments from 80% of the patients (70% of each balance)"
        with phase(label, self.durations):
            payers = self.patients.filtered(lambda p: p.id % 5)
            payments = self.pay(payers, 0.7)
            self.commit()
        self.figures["practice_payments"] = len(payments)
        print(f"  {len(payments):,} payments, "
              f"{len(payments) / self.durations[label]:,.1f} payments/s")

    def build_special_patients(self):
        """The patient with 1,000 open charges (self-pay: each charge is one open patient
        item) and the ledger patient (insured: two items a charge, plus payments)."""
        env = self.env
        args = self.args
        with phase("patient with 1,000 open charges", self.durations):
            patients, cases = self.create_patients(1, "Bench Open-Charges", insured_share=0)
            cases.fee_schedule_id = False
            per_visit = args.charges_per_visit
            visits = -(-1_000 // per_visit)
            plan = self.visit_plan(cases, visits, per_visit, days=visits)
            self.post_charges(self.create_charges(plan, limit=1_000))
            self.open_patient = patients
            self.open_balance = self.patient_balances(patients)[patients]
            self.commit()
        open_items = env["account.move.line"].search_count([
            *self.item_domain(self.open_patient), ("amount_residual", ">", 0)])
        print(f"  {open_items:,} open items, balance {self.open_balance:,.2f}")

        with phase(f"ledger patient with ~{args.ledger_lines:,} billing items", self.durations):
            patients, cases = self.create_patients(1, "Bench Ledger", insured_share=1)
            policy = cases.primary_policy_id
            policy.write({"copay_amount": 0.0, "coinsurance_percent": 20.0})
            # Each charge makes one patient item (and a payer item, which has the payer as
            # partner); payments that each settle the patient share of about 100 charges
            # make one patient item per charge settled.
            charges = max(1, round(args.ledger_lines * 0.7))
            paid_charges = max(1, args.ledger_lines - charges)
            visits = -(-charges // per_visit)
            plan = self.visit_plan(cases, visits, per_visit)
            self.post_charges(self.create_charges(plan, limit=charges))
            balance = self.patient_balances(patients)[patients]
            payments = max(1, round(paid_charges / 100))
            share = paid_charges / charges
            for __ in range(payments):
                env["medical.payment"].create({
                    "patient_id": patients.id, "date": self.today, "method": "cash",
                    "amount": env.company.currency_id.round(balance * share / payments),
                }).action_post()
            self.ledger_patient = patients
            self.commit()
        self.figures["ledger_items"] = self.count_items(self.ledger_patient)
        print(f"  {self.figures['ledger_items']:,} billing journal items")

    def bench_payments(self, benches):
        """Time a payment over the 1,000 open charges in each practice of ``benches``
        ({key: bench}, the same practice at each history size), one run in each in turn,
        the order reversed every round: a machine whose speed drifts during the benchmark,
        or a run that is slower for coming first or second, weighs on each size alike."""
        runs = self.args.runs
        times = {key: [] for key in benches}
        checked = {}
        order = list(benches.items())
        for __ in range(runs):
            for key, bench in order:
                times[key].append(bench.time_payment(checked))
            order.reverse()
        for key, key_times in times.items():
            seconds = statistics.median(key_times)
            self.figures[f"payment_{key}"] = seconds
            print(f"  {key}: payment applied to {checked['items']:,} charges "
                  f"({checked['reconciled']:,} items reconciled): median {seconds:.2f} s of "
                  f"{runs} ({', '.join(f'{t:.2f}' for t in key_times)})")

    def time_payment(self, checked):
        """Seconds of one payment of the open patient's balance, rolled back."""
        env = self.env
        patient = self.open_patient

        def apply_payment():
            payment = env["medical.payment"].create({
                "patient_id": patient.id, "amount": self.open_balance, "date": self.today,
                "method": "cash",
            })
            payment.action_post()
            if not checked:
                env.flush_all()
                lines = payment.move_id.line_ids
                checked["items"] = len(lines.filtered("medical_charge_id"))
                checked["reconciled"] = len(lines.filtered("reconciled"))

        return median_time(env, apply_payment, 1, rolled_back=True)[0]

    def bench_ledger(self, key):
        env = self.env
        patient = self.ledger_patient
        runs = self.args.runs
        # The journal items the patient's ledger is made from: the receivable items of every
        # party on the patient's charges and payments, and the charges' fee-schedule
        # write-offs. The patient's own items (partner = patient) are timed for reference.
        domain = [
            ("medical_patient_id", "=", patient.id),
            "|", ("medical_party_role", "!=", False),
            ("account_id", "=", env.company.medical_fee_schedule_account_id.id),
        ]
        read = {}

        def search_read_own_items():
            read["own_items"] = len(env["account.move.line"].search_read(
                self.item_domain(patient), ITEM_FIELDS))

        own, times = median_time(env, search_read_own_items, runs)
        self.figures[f"own_items_{key}"] = own
        print(f"  search_read of the patient's own {read['own_items']:,} items: median "
              f"{own:.3f} s ({', '.join(f'{t:.3f}' for t in times)})")

        def search_read_items():
            read["items"] = len(env["account.move.line"].search_read(domain, ITEM_FIELDS))

        items, times = median_time(env, search_read_items, runs)
        self.figures[f"items_{key}"] = items
        self.figures["ledger_source_items"] = read["items"]
        print(f"  search_read of the ledger's {read['items']:,} journal items: median "
              f"{items:.3f} s ({', '.join(f'{t:.3f}' for t in times)})")
        if "medical.ledger.report" in env:
            label = "medical.ledger.report search_read"

            def read_ledger():
                read["ledger"] = len(env["medical.ledger.report"].search_read(
                    [("patient_id", "=", patient.id)], LEDGER_FIELDS,
                ))
        else:
            label = "charges._ledger_figures() (no medical.ledger.report yet)"
            if key == "base":
                self.notes.append("medical.ledger.report does not exist in this checkout: "
                                  "the ledger figure times charges._ledger_figures() instead.")
                print("  SKIPPED medical.ledger.report: the model does not exist yet; timing "
                      "charges._ledger_figures() on the patient's charges instead.")

            def read_ledger():
                charges = env["medical.charge"].search([("patient_id", "=", patient.id)])
                read["ledger"] = len(charges._ledger_figures())

        ledger, times = median_time(env, read_ledger, runs)
        self.figures[f"ledger_{key}"] = ledger
        self.figures["ledger_lines"] = read["ledger"]
        self.figures["ledger_label"] = label
        print(f"  {label}: {read['ledger']:,} lines, median {ledger:.3f} s "
              f"({', '.join(f'{t:.3f}' for t in times)})")

    def vacuum(self):
        """VACUUM ANALYZE the database, outside any timing, before each measured phase.

        A live database has autovacuum clear dead rows and refresh the planner statistics
        as it grows; this benchmark builds a practice in minutes, and the PostgreSQL it
        runs on may have autovacuum off (it is printed with the figures). Without this,
        each phase would pay for the dead rows and stale statistics that the phases before
        it left, ours and Odoo's alike."""
        self.commit()
        import psycopg2

        conn = psycopg2.connect(dbname=self.cr.dbname)
        try:
            conn.autocommit = True
            with conn.cursor() as cr:
                cr.execute("VACUUM (ANALYZE)")
        finally:
            conn.close()

    # --- history growth ------------------------------------------------

    def grow_history(self):
        """Make the practice's history ``history_factor`` times larger.

        Posting 10x the practice through the ORM would take hours on a 2-core machine, so
        the extra history is made by copying, in SQL, every record the practice's patients
        have: the patients themselves, their policies, cases, charges, billing entries and
        journal items, reconciliations and payments, each copy with fresh ids and every
        reference remapped to the copy (payers stay shared, as in a real practice). The
        copies are the same posted journal items the ORM made (same accounts, amounts,
        residuals, reconciliations), only renamed where a name must be unique. The two
        special patients are left out, so that they are measured unchanged.
        """
        copies = self.args.history_factor - 1
        if copies < 1:
            return
        __, counts = copy_patients(self.env, self.patients.ids, copies, "H")
        self.figures["history_charges"] = counts["medical_charge"]
        self.figures["history_items"] = counts["account_move_line"]
        if not self.figures["history_items"]:
            raise RuntimeError("Growing the history copied no journal item: the selection of "
                               "billing entries in sql_copy.COPIED no longer matches them.")
        self.commit()
        self.vacuum()

    # --- profile -------------------------------------------------------

    def profile_posting(self, path):
        """cProfile of one action_post of 1,000 fresh charges of the practice."""
        per_visit = self.args.charges_per_visit
        plan = self.visit_plan(self.cases, -(-1_000 // per_visit), per_visit)
        ids = self.create_charges(plan, limit=1_000)
        charges = self.env["medical.charge"].browse(ids)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        charges.action_post()
        self.env.flush_all()
        profiler.disable()
        spent = time.perf_counter() - start
        profiler.dump_stats(path)
        self.cr.rollback()
        self.env.invalidate_all(flush=False)
        print(f"  action_post of {len(ids):,} charges under cProfile: {spent:.2f} s; "
              f"stats in {path} (rolled back)")
        for sort in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort)
            stats.print_stats(25)
            print(f"  top 25 by {sort}:")
            print("\n".join("    " + line for line in out.getvalue().splitlines()
                            if line.strip())[:8000])
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
            ADDON + "/", 30)
        print(f"  {ADDON} functions by cumulative time:")
        print("\n".join("    " + line for line in out.getvalue().splitlines() if line.strip()))

    # --- report --------------------------------------------------------

    def report(self):
        f = self.figures
        args = self.args
        rows = []

        def verdict(ok):
            return "PASS" if ok else "MISS"

        sample = " (sample)" if f["baseline_sampled"] else ""
        # Like with like: creating and posting charges against creating and posting Odoo's
        # invoices, on the same number of lines. Odoo's entry numbering looks up the
        # journal's last number for every entry, at a cost that grows with the journal;
        # when the baseline is a sample, it is compared with the first charges, posted into
        # a journal of the same size.
        same_count = create_seconds = post_seconds = 0
        for (count, created), (__, posted) in zip(f["create_chunks"], f["post_chunks"],
                                                  strict=True):
            if same_count >= f["baseline_lines"]:
                break
            same_count += count
            create_seconds += created
            post_seconds += posted
        same_rate = same_count / (create_seconds + post_seconds)
        same_ratio = same_rate / f["baseline_rate"]
        post_only_ratio = (same_count / post_seconds) / f["baseline_rate"]
        rows.append((f"Charges: create + post, {same_count:,} lines",
                     f"{same_rate:,.0f} lines/s", ""))
        rows.append((f"Odoo: create + post out_invoice{sample}",
                     f"{f['baseline_rate']:,.0f} lines/s", ""))
        rows.append(("  ratio ours / Odoo, same number of lines", f"{same_ratio:.2f}x",
                     f">= {TARGET_POSTING_RATIO}x {verdict(same_ratio >= TARGET_POSTING_RATIO)}"))
        rows.append(("  charges: create alone / action_post alone",
                     f"{same_count / create_seconds:,.0f} / {same_count / post_seconds:,.0f}",
                     f"action_post alone / Odoo: {post_only_ratio:.2f}x (reference)"))
        item_ratio = f["post_item_rate"] / f["baseline_item_rate"]
        rows.append(("  journal items/s, ours / Odoo",
                     f"{f['post_item_rate']:,.0f} / {f['baseline_item_rate']:,.0f}",
                     f"ratio {item_ratio:.2f}x (for reference)"))
        rows.append(("Payment on 1,000 open charges, 1x history",
                     f"{f['payment_base']:.2f} s", ""))
        if "payment_grown" in f:
            ratio = f["payment_grown"] / f["payment_base"]
            rows.append((f"  same, {args.history_factor}x history",
                         f"{f['payment_grown']:.2f} s", ""))
            rows.append(("  ratio", f"{ratio:.2f}",
                         f"<= {TARGET_PAYMENT_RATIO} {verdict(ratio <= TARGET_PAYMENT_RATIO)}"))
        for key, label in (("base", "1x"), ("grown", f"{args.history_factor}x")):
            if f"ledger_{key}" not in f:
                continue
            ratio = f[f"ledger_{key}"] / f[f"items_{key}"]
            rows.append((f"Ledger, {f['ledger_lines']:,} lines, {label} history",
                         f"{f[f'ledger_{key}']:.3f} s", f["ledger_label"]))
            rows.append((f"  search_read of its {f['ledger_source_items']:,} journal items",
                         f"{f[f'items_{key}']:.3f} s", ""))
            rows.append(("  ratio", f"{ratio:.2f}x",
                         f"<= {TARGET_LEDGER_RATIO}x {verdict(ratio <= TARGET_LEDGER_RATIO)}"))
            own_ratio = f[f"ledger_{key}"] / f[f"own_items_{key}"]
            rows.append((f"  patient's own {f['ledger_items']:,} items (partner)",
                         f"{f[f'own_items_{key}']:.3f} s", f"ratio {own_ratio:.2f}x (reference)"))
        rows.append(("Database size per 10,000 charges",
                     f"{f['db_per_10k'] / 1024 / 1024:,.1f} MB",
                     f"measured on {f['db_charges']:,} charges"))
        print_header(self.odoo, self.cr, 96)
        print(f"Practice: {args.patients:,} patients, {args.visits:,} visits, "
              f"{args.charges_per_visit} charges a visit ({len(self.charge_ids):,} charges), "
              f"{f.get('practice_payments', 0):,} payments; history x{args.history_factor}"
              + (f" (+{f['history_charges']:,} charges, +{f['history_items']:,} journal "
                 "items copied in SQL)" if "history_charges" in f else ""))
        if f["baseline_sampled"]:
            print(f"Odoo baseline measured on a sample of {f['baseline_lines']:,} lines.")
        print("-" * 96)
        for label, value, target in rows:
            print(f"{label:<46} {value:>16}   {target}")
        print("-" * 96)
        print("Database growth per 10,000 charges, largest tables:")
        for name, size in f["db_tables"]:
            print(f"  {name:<44} {size / 1024 / 1024:>10,.1f} MB")
        print_phases(self.durations, self.notes, 96)


def print_header(odoo, cr, width=100):
    """The start of every benchmark's report: the machine, Odoo and PostgreSQL."""
    print()
    print("=" * width)
    print(f"Machine: {machine()}")
    cr.execute("SELECT current_setting('autovacuum'), current_setting('shared_buffers')")
    autovacuum, shared_buffers = cr.fetchone()
    print(f"Odoo {odoo.release.version}, PostgreSQL {cr._cnx.server_version} (autovacuum "
          f"{autovacuum}, shared_buffers {shared_buffers}; VACUUM ANALYZE before each "
          f"measure), database {cr.dbname}")


def print_phases(durations, notes=(), width=100):
    """The end of every benchmark's report: how long each phase took, and its notes."""
    print("Phase durations:")
    for label, seconds in durations.items():
        print(f"  {label:<{width - 20}} {seconds:>8.1f} s")
    for note in notes:
        print(f"Note: {note}")
    print("=" * width)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"mb_bench_{os.getpid()}",
                        help="name of the throwaway database to create")
    parser.add_argument("--patients", type=int, default=2_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--charges-per-visit", type=int, default=3, choices=range(1, 8))
    parser.add_argument("--history-factor", type=int, default=10)
    parser.add_argument("--ledger-lines", type=int, default=5_000)
    parser.add_argument("--baseline-lines", type=int, default=0,
                        help="invoice lines of the Odoo baseline (default: as many as charges)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each timed read/payment")
    parser.add_argument("--profile", metavar="FILE",
                        help="also profile posting 1,000 charges, stats written to FILE")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args(argv)

    odoo, addons_path = find_odoo()
    started = time.perf_counter()
    print(f"Machine: {machine()}")
    grown_db = f"{args.db}_grown" if args.history_factor > 1 else None
    baseline_db = f"{args.db}_baseline"
    for db in filter(None, [grown_db, baseline_db]):
        refuse_existing(db)
    create_database(args.db, addons_path)
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", f"--database={args.db}", "--log-level=warn"],
        setup_logging=True,
    )
    Environment = odoo.api.Environment
    try:
        registry = odoo.modules.registry.Registry.new(args.db)
        with registry.cursor() as cr:
            bench = Bench(odoo, Environment(cr, odoo.SUPERUSER_ID, {}), args)
            bench.build_practice()
            bench.vacuum()
            bench.bench_posting()
            bench.vacuum()
        # Odoo's baseline runs in a copy of the practice, dropped afterwards: its invoices,
        # even rolled back, would leave in the practice dead rows and emptied index pages
        # that a real practice does not have, under every figure measured after it.
        copy_database(odoo, args.db, baseline_db)
        try:
            with odoo.modules.registry.Registry.new(baseline_db).cursor() as cr:
                bench.on(Environment(cr, odoo.SUPERUSER_ID, {})).bench_baseline()
        finally:
            drop_database(odoo, baseline_db)
        with registry.cursor() as cr:
            bench = bench.on(Environment(cr, odoo.SUPERUSER_ID, {}))
            bench.pay_practice()
            bench.build_special_patients()
            bench.vacuum()
            print("- ledger at 1x history")
            bench.bench_ledger("base")
        with contextlib.ExitStack() as stack:
            grown = None
            if grown_db:
                # The grown practice is a copy of this one, so that the payment is timed in
                # both in turn.
                with phase(f"copy the practice, grow its history to {args.history_factor}x "
                           "(SQL copies)", bench.durations):
                    copy_database(odoo, args.db, grown_db)
                    grown_registry = odoo.modules.registry.Registry.new(grown_db)
                    grown_cr = stack.enter_context(grown_registry.cursor())
                    grown = bench.on(Environment(grown_cr, odoo.SUPERUSER_ID, {}))
                    grown.grow_history()
            cr = stack.enter_context(registry.cursor())
            bench = bench.on(Environment(cr, odoo.SUPERUSER_ID, {}))
            benches = {"base": bench, "grown": grown} if grown else {"base": bench}
            print(f"- payment at 1x and {args.history_factor}x history, runs in turn")
            bench.bench_payments(benches)
            if grown:
                print(f"- ledger at {args.history_factor}x history")
                grown.bench_ledger("grown")
            bench.report()
            if args.profile:
                largest = grown or bench
                print(f"- profile of posting 1,000 charges ({args.history_factor}x history)")
                largest.profile_posting(args.profile)
    finally:
        for db in filter(None, [args.db, grown_db]):
            if args.keep:
                print(f"Kept database {db}.")
            else:
                drop_database(odoo, db)
        print(f"Total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
