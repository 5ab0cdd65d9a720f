"""Benchmark of Balances Due You (not a test): the screen's cost follows the open balances.

Builds, in a throwaway database with ``medical_billing_claim`` installed (no demo data), a
practice with ``--open-items`` open receivable items (default 200,000: posted charges whose
patient and payer shares nobody paid yet, the payer shares on claims, most of them sent)
and a settled history of ``--history-charges`` charges (default 60,000, the size of
bench_billing's default practice: claimed, paid by the payer's EOBs and by the patients in
full). Then it times, each the median of ``--runs`` runs on a cold cache:

1. the first page of Balances Due You, as the web client loads it when the menu opens:
   the list grouped as the action says (``web_read_group`` with the list's sums), and the
   first 80 rows of the list with their count (``web_search_read``, the list's fields, the
   model's order);
2. its bucket totals: ``_read_group`` of the balance by kind and aging bucket, and by kind,
   payer and aging bucket (the pivot view);
3. beside them, in the same run and database, the data of OCA's Aged Partner Balance
   (``account_financial_report``) for every receivable account at today's date: the report
   model's ``_get_report_values`` (what its PDF, HTML and XLSX exports are made from, without
   rendering them). Target: Balances Due You at least 10x faster.

The same screen is timed in a copy of the practice whose settled history is grown
``--history-factor`` times (default 10) by SQL copies, one run in each database in turn
(the order reversed every round). Target: at most 1.3x slower with 10x the history.

OCA's addon is not part of this repository: install it (and the two OCA addons it depends
on) from PyPI without dependencies, outside the repository, and name its folder in
``OCA_ADDONS_PATH``; without it the OCA column is skipped with a message::

    pip install --no-deps --target /opt/oca_addons_pkg \\
        "odoo-addon-account_financial_report==18.0.*" "odoo-addon-date_range==18.0.*" \\
        "odoo-addon-report_xlsx==18.0.*"
    OCA_ADDONS_PATH=/opt/oca_addons_pkg/odoo/addons python3 benchmarks/bench_balances.py
    python3 benchmarks/bench_balances.py --open-items 5000 --history-charges 2000   # 3 minutes

The default sizes take about 15 minutes on a 2-core machine (most of it growing the copy's
history to 600,000 charges); ``--explain`` adds the plan of the screen's query.

Odoo and PostgreSQL are found as bench_billing.py finds them. The practice is built as
bench_billing grows its history: a seed of ``--seed-charges`` charges per block made
through the ORM (posted, claimed, sent; the history also paid), then copied in SQL with
fresh ids and every reference remapped (patients, policies, cases, charges, claims and
their lines and events, EOBs, payments, journal entries and items, reconciliations).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import math
import os
import statistics
import sys
import time
from pathlib import Path

from bench_billing import (
    Bench,
    chunks,
    copy_database,
    create_database,
    drop_database,
    find_odoo,
    machine,
    median_time,
    pg_admin,
    phase,
    print_header,
    print_phases,
    refuse_existing,
)
from bench_claims import CODES, create_billing_setup
from sql_copy import copy_patients

ADDON = "medical_billing_claim"
OCA_ADDON = "account_financial_report"
OCA_ENV = "OCA_ADDONS_PATH"
CHUNK = 3_000  # charges per create / action_post call
EOB_LINES = 250  # charge lines per EOB
PAYERS = 12
CHARGES_PER_VISIT = 2
OPEN_VISITS = 3  # per patient of the open block, over the last OPEN_DAYS days
OPEN_DAYS = 150
HISTORY_VISITS = 6  # per patient of the history, between HISTORY_DAYS (oldest, newest) days ago
HISTORY_DAYS = (730, 180)
SELF_PAY_EVERY = 10  # one patient in ten has no policy: the patient owes the whole charge
DRAFT_CLAIM_EVERY = 10  # one claim in ten is not sent yet
PAGE_LIMIT = 80  # the web client's list page
COUNT_LIMIT = 10_000  # the web client counts the list's rows up to this
TARGET_OCA_RATIO = 10.0
TARGET_HISTORY_RATIO = 1.3
LIST_VIEW = "medical_billing_claim.medical_balance_due_view_list"
SCREEN_ACTION = "medical_billing_claim.medical_balance_due_action"

# What each copy must keep true, as the ORM made it (each query counts the rows that break
# it): run after the practice is built and after its history is grown.
LEDGER_CHECKS = {
    "claim lines on a charge of another patient": """
        SELECT count(*) FROM medical_claim_line line
          JOIN medical_claim claim ON claim.id = line.claim_id
          JOIN medical_charge charge ON charge.id = line.charge_id
         WHERE charge.patient_id != claim.patient_id""",
    "EOB lines on a charge of another patient": """
        SELECT count(*) FROM medical_eob_line line
          JOIN medical_charge charge ON charge.id = line.charge_id
         WHERE line.patient_id != charge.patient_id""",
    "journal items of a charge naming another patient": """
        SELECT count(*) FROM account_move_line aml
          JOIN medical_charge charge ON charge.id = aml.medical_charge_id
         WHERE aml.medical_patient_id != charge.patient_id""",
    "charges whose entry holds none of their items": """
        SELECT count(*) FROM medical_charge charge
         WHERE charge.move_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM account_move_line aml
                WHERE aml.move_id = charge.move_id AND aml.medical_charge_id = charge.id)""",
    "charges whose shares do not add up to their total": """
        SELECT count(*) FROM medical_charge charge JOIN (
               SELECT medical_charge_id, SUM(balance) AS shares FROM account_move_line
                WHERE parent_state = 'posted' AND medical_party_role IS NOT NULL
                  AND medical_entry_kind IN ('charge', 'responsibility')
             GROUP BY medical_charge_id) aml ON aml.medical_charge_id = charge.id
         WHERE charge.state = 'posted' AND ABS(aml.shares - charge.amount_fee_total) > 0.005""",
    "unbalanced journal entries": """
        SELECT count(*) FROM (SELECT move_id FROM account_move_line GROUP BY move_id
                              HAVING ABS(SUM(balance)) > 0.005) unbalanced""",
    "reconciliations between two patients' items": """
        SELECT count(*) FROM account_partial_reconcile partial
          JOIN account_move_line debit ON debit.id = partial.debit_move_id
          JOIN account_move_line credit ON credit.id = partial.credit_move_id
         WHERE debit.medical_patient_id != credit.medical_patient_id""",
    "fully reconciled items still open, or with another matching number": """
        SELECT count(*) FROM account_move_line
         WHERE full_reconcile_id IS NOT NULL
           AND (amount_residual != 0 OR matching_number != full_reconcile_id::text)""",
    "open items whose residual exceeds their balance": """
        SELECT count(*) FROM account_move_line
         WHERE medical_party_role IS NOT NULL AND amount_residual != 0
           AND (SIGN(amount_residual) != SIGN(balance) OR ABS(amount_residual) > ABS(balance))""",
}


def find_oca():
    """The folder holding OCA's account_financial_report (and its OCA dependencies), from
    OCA_ADDONS_PATH; None, with a message, when it is not there."""
    path = os.environ.get(OCA_ENV)
    if not path:
        print(f"SKIPPED OCA's Aged Partner Balance: {OCA_ENV} is not set. Install "
              f"'odoo-addon-{OCA_ADDON}' (18.0), 'odoo-addon-date_range' and "
              "'odoo-addon-report_xlsx' with pip --no-deps --target DIR, and set "
              f"{OCA_ENV}=DIR/odoo/addons to time it beside the screen.")
        return None
    if not (Path(path) / OCA_ADDON / "__manifest__.py").is_file():
        print(f"SKIPPED OCA's Aged Partner Balance: {OCA_ENV}={path} holds no {OCA_ADDON} "
              "addon folder.")
        return None
    return str(Path(path).resolve())


class BalanceBench(Bench):
    """The practice and the measures; bench_billing's Bench gives commit, pay, vacuum and
    ``on`` (the same bench on a copy of the database)."""

    def __init__(self, odoo, env, args, oca):
        super().__init__(odoo, env, args)
        self.oca = oca

    # --- data ----------------------------------------------------------

    def setup_practice(self):
        env = self.env
        (self.billing_provider, self.provider, self.clinic, self.products,
         self.diagnoses) = create_billing_setup(env)
        # Half the payers are billed electronically, half on paper.
        self.payers = env["res.partner"].create([
            {"name": f"Bench Payer {n:02d}", "is_company": True, "is_payer": True,
             "payer_submission": "electronic" if n % 2 else "paper",
             "payer_code": f"BP{n:03d}"}
            for n in range(PAYERS)
        ])

    def add_patients(self, count, prefix):
        """Patients with one case each; all but one in SELF_PAY_EVERY insured by one payer,
        20% coinsurance (each of their charges has a patient and a payer share)."""
        env = self.env
        start = self.today - datetime.timedelta(days=3 * 365)
        patients = env["res.partner"].create([
            {"name": f"{prefix} {n:05d}", "is_patient": True,
             "birthdate": datetime.date(1940 + n % 60, 1 + n % 12, 1 + n % 28)}
            for n in range(count)
        ])
        insured = [n for n in range(count) if n % SELF_PAY_EVERY]
        policies = env["medical.policy"].create([
            {"patient_id": patients[n].id, "payer_id": self.payers[n % PAYERS].id,
             "member_number": f"M{patients[n].id:09d}", "group_number": "GRP-1",
             "date_start": start, "copay_amount": 0.0, "coinsurance_percent": 20.0}
            for n in insured
        ])
        policy_by_n = dict(zip(insured, policies.ids, strict=True))
        cases = env["medical.case"].create([
            {"name": "Back care", "patient_id": patients[n].id, "date_start": start,
             "primary_policy_id": policy_by_n.get(n, False),
             "diagnosis_ids": [(0, 0, {"diagnosis_code_id": self.diagnoses[n % 4].id,
                                       "sequence": 1})]}
            for n in range(count)
        ])
        self.commit()
        return patients, cases

    def post_visits(self, cases, visits, days):
        """``visits`` visits of CHARGES_PER_VISIT charges per case, their dates of service
        drawn between ``days`` (oldest, newest) days ago; created and posted in batches.
        Return the charge ids."""
        oldest, newest = days
        vals_list = []
        for n, case in enumerate(cases):
            for visit in range(visits):
                dos = self.today - datetime.timedelta(days=self.random.randint(newest, oldest))
                vals_list += [
                    {"case_id": case.id, "date_service": dos,
                     "product_id": self.products[(n + visit + j) % len(CODES)].id,
                     "billing_provider_id": self.billing_provider.id,
                     "treating_provider_id": self.provider.id,
                     "treating_clinic_id": self.clinic.id}
                    for j in range(CHARGES_PER_VISIT)
                ]
        ids = []
        for vals_chunk in chunks(vals_list, CHUNK):
            charges = self.env["medical.charge"].create(vals_chunk)
            charges.action_post()
            self.commit()
            ids += charges.ids
            self.env.invalidate_all()
        return ids

    def bill(self, charge_ids):
        """Create Claims and send them as a biller does each week: on the Monday after the
        week of the visits (today for this week's), under freezegun, the claims of that
        week's charges are created and all but one in DRAFT_CLAIM_EVERY sent (the
        "submitted" event a batch records, without its document), so that each claim's
        history and age are those of a real one."""
        try:
            from freezegun import freeze_time
        except ImportError:
            sys.exit("ERROR: freezegun is not installed (Odoo's test requirements have it): "
                     "pip install freezegun.")
        env = self.env
        Create = env["medical.claim.create"]
        Event = env["medical.claim.event"]
        charges = env["medical.charge"].browse(charge_ids)
        claims = env["medical.claim"]
        weeks = charges.grouped(
            lambda charge: charge.date_service - datetime.timedelta(
                days=charge.date_service.weekday()))
        for monday, week in sorted(weeks.items()):
            billed_on = min(monday + datetime.timedelta(days=7), self.today)
            with freeze_time(datetime.datetime.combine(billed_on, datetime.time(10, 0))):
                groups, problems = Create._plan_claims(week)
                if problems:
                    charge, role, problem = problems[0]
                    sys.exit(f"ERROR: {len(problems)} charges are not billable, e.g. "
                             f"{charge.display_name} ({role}): {problem}")
                week_claims = Create._create_claims(groups)
                Event._record(week_claims.filtered(lambda claim: claim.id % DRAFT_CLAIM_EVERY),
                              "submitted", message="Sent (benchmark).")
                env.flush_all()
            claims |= week_claims
        self.commit()
        env.invalidate_all()
        return claims

    def settle(self, charge_ids):
        """Pay these charges in full: each payer's share by EOBs (EOB_LINES lines each), then
        each patient's balance by one payment."""
        env = self.env
        charges = env["medical.charge"].browse(charge_ids)
        figures = charges._ledger_figures()
        currency = env.company.currency_id
        eob_count = 0
        for payer, payer_charges in charges.grouped("primary_payer_id").items():
            if not payer:
                continue
            lines = [(charge.id, figures[charge.id]["primary"]["due"]) for charge in payer_charges
                     if currency.compare_amounts(figures[charge.id]["primary"]["due"], 0) > 0]
            for line_chunk in chunks(lines, EOB_LINES):
                eob_count += 1
                eob = env["medical.eob"].create({
                    "payer_id": payer.id, "date": self.today, "payment_method": "eft",
                    "reference": f"EFT{eob_count:06d}",
                    "amount_total": currency.round(sum(paid for __, paid in line_chunk)),
                    "line_ids": [(0, 0, {"charge_id": charge_id, "paid": paid})
                                 for charge_id, paid in line_chunk],
                })
                eob.action_post()
                self.commit()
                env.invalidate_all()
        payments = self.pay(charges.patient_id, 1.0)
        self.commit()
        env.invalidate_all()
        return eob_count, len(payments)

    def count_open_items(self, patient_ids=None):
        """Posted billing receivable items still open (the rows of the screen's open-item
        index), of these patients' charges only when given."""
        self.env.flush_all()
        query = """
            SELECT count(*) FROM account_move_line
             WHERE parent_state = 'posted' AND medical_charge_id IS NOT NULL
               AND medical_party_role IS NOT NULL AND amount_residual != 0
        """
        if patient_ids:
            query += " AND medical_charge_id IN (SELECT id FROM medical_charge " \
                     "WHERE patient_id = ANY(%s))"
        self.cr.execute(query, [list(patient_ids)] if patient_ids else [])
        return self.cr.fetchone()[0]

    def sizes(self):
        self.env.flush_all()
        self.cr.execute("""
            SELECT (SELECT count(*) FROM medical_charge),
                   (SELECT count(*) FROM medical_claim),
                   (SELECT count(*) FROM account_move_line),
                   (SELECT count(*) FROM account_move_line
                     WHERE parent_state = 'posted' AND medical_party_role IS NOT NULL
                       AND amount_residual = 0),
                   pg_database_size(current_database())
        """)
        return dict(zip(["charges", "claims", "items", "settled_items", "db_bytes"],
                        self.cr.fetchone(), strict=True))

    def check_ledger(self):
        """LEDGER_CHECKS on the whole database; stop on any break."""
        self.env.flush_all()
        broken = []
        for label, query in LEDGER_CHECKS.items():
            self.cr.execute(query)
            count = self.cr.fetchone()[0]
            if count:
                broken.append(f"{count:,} {label}")
        if broken:
            raise RuntimeError(f"The ledger of {self.cr.dbname} is not consistent: "
                               + "; ".join(broken))
        print(f"  {self.cr.dbname}: {len(LEDGER_CHECKS)} ledger checks passed")

    # --- SQL copies ----------------------------------------------------

    def copy_patients(self, patient_ids, copies, tag):
        """Copy every record of these patients ``copies`` times in SQL (see sql_copy);
        return the new patients' ids."""
        new_patients, __ = copy_patients(self.env, patient_ids, copies, tag)
        self.commit()
        return new_patients

    # --- phases --------------------------------------------------------

    def build(self):
        args = self.args
        figures = self.figures
        with phase("practice: providers, payers, codes", self.durations):
            self.setup_practice()
            self.commit()

        # Open balances: a seed made through the ORM, then copied.
        per_patient = OPEN_VISITS * CHARGES_PER_VISIT
        items_per_charge = 2 - 1 / SELF_PAY_EVERY
        seed = max(per_patient, min(args.seed_charges,
                                    math.ceil(args.open_items / items_per_charge)))
        patients_count = math.ceil(seed / per_patient)
        label = f"open balances: {patients_count * per_patient:,} charges posted and claimed"
        with phase(label, self.durations):
            patients, cases = self.add_patients(patients_count, "Bench Open")
            charge_ids = self.post_visits(cases, OPEN_VISITS, (OPEN_DAYS, 0))
            claims = self.bill(charge_ids)
        seed_items = self.count_open_items()
        copies = max(0, round(args.open_items / seed_items) - 1)
        print(f"  {len(charge_ids):,} charges, {len(claims):,} claims, {seed_items:,} open "
              f"items; {copies:,} SQL copies to reach ~{args.open_items:,}")
        with phase(f"open balances: {copies:,} SQL copies of the seed", self.durations):
            self.copy_patients(patients.ids, copies, "O")
        figures["open_items"] = self.count_open_items()
        figures["open_seed_charges"] = len(charge_ids)
        figures["open_copies"] = copies

        # Settled history: a seed made through the ORM (claimed, paid), then copied.
        per_patient = HISTORY_VISITS * CHARGES_PER_VISIT
        seed = max(per_patient, min(args.seed_charges, args.history_charges))
        patients_count = math.ceil(seed / per_patient)
        label = (f"history: {patients_count * per_patient:,} charges posted, claimed, paid "
                 "by EOBs and patients")
        with phase(label, self.durations):
            patients, cases = self.add_patients(patients_count, "Bench History")
            charge_ids = self.post_visits(cases, HISTORY_VISITS, HISTORY_DAYS)
            claims = self.bill(charge_ids)
            eobs, payments = self.settle(charge_ids)
        left_open = self.count_open_items(patients.ids)
        print(f"  {len(charge_ids):,} charges, {len(claims):,} claims, {eobs:,} EOBs, "
              f"{payments:,} patient payments; {left_open:,} items left open")
        if left_open:
            self.notes.append(f"{left_open:,} items of the settled history seed are still "
                              "open: the history is not all settled.")
        copies = max(0, round(args.history_charges / len(charge_ids)) - 1)
        with phase(f"history: {copies:,} SQL copies of the seed", self.durations):
            new_ids = self.copy_patients(patients.ids, copies, "H")
        self.history_patient_ids = patients.ids + new_ids
        figures["history_charges"] = len(charge_ids) * (copies + 1)
        self.commit()
        self.check_ledger()
        figures["base"] = self.sizes()

    def grow_history(self):
        """The settled history ``history_factor`` times as large: SQL copies of every
        history patient, the open balances untouched."""
        copies = self.args.history_factor - 1
        self.copy_patients(self.history_patient_ids, copies, "G")
        self.check_ledger()
        self.figures["grown"] = self.sizes()
        self.figures["grown_open_items"] = self.count_open_items()

    # --- the screen and OCA's report ----------------------------------

    def prepare_measures(self):
        """What the web client asks when Balances Due You opens: the list's fields (those of
        its view), its sums, and the grouping and filters of the action's defaults."""
        env = self.env
        from lxml import etree

        from odoo.tools.safe_eval import safe_eval

        Due = env["medical.balance.due"]
        view = env.ref(LIST_VIEW)
        arch = Due.get_views([(view.id, "list")])["views"]["list"]["arch"]
        names = [node.get("name") for node in etree.fromstring(arch).iterchildren("field")]
        described = Due.fields_get(names, ["type", "aggregator"])
        self.specification = {
            name: {"fields": {"display_name": {}}} if described[name]["type"] == "many2one"
            else {}
            for name in names
        }
        action = env.ref(SCREEN_ACTION)
        defaults = safe_eval(action.context or "{}")
        search_view = Due.get_views([(action.search_view_id.id, "search")])
        search_arch = etree.fromstring(search_view["views"]["search"]["arch"])
        self.domain = []
        self.groupby = []
        for node in search_arch.iter("filter"):
            if not defaults.get(f"search_default_{node.get('name')}"):
                continue
            if node.get("domain"):
                self.domain += safe_eval(node.get("domain"), {"context_today": None})
            group_by = safe_eval(node.get("context") or "{}").get("group_by")
            if group_by:
                self.groupby.append(group_by)
        self.aggregates = [
            f"{name}:{described[name]['aggregator']}" for name in names
            if described[name].get("aggregator") and name not in self.groupby[:1]
        ]
        if self.oca:
            accounts = env["account.account"].search([
                ("account_type", "=", "asset_receivable"),
                ("company_ids", "in", env.company.ids),
            ])
            self.oca_wizard = env["aged.partner.balance.report.wizard"].create({
                "company_id": env.company.id, "date_at": self.today,
                "receivable_accounts_only": True, "account_ids": [(6, 0, accounts.ids)],
            })
            self.commit()

    @staticmethod
    @contextlib.contextmanager
    def part(seen, label):
        """Time one call of a measure (for where its time goes), kept in ``seen``."""
        start = time.perf_counter()
        yield
        seen.setdefault("parts", {}).setdefault(label, []).append(time.perf_counter() - start)

    def first_page(self, seen):
        Due = self.env["medical.balance.due"]
        if self.groupby:
            with self.part(seen, f"web_read_group by {self.groupby[0]}"):
                groups = Due.web_read_group(self.domain, self.aggregates, self.groupby[:1],
                                            limit=PAGE_LIMIT, lazy=True)
            seen["groups"] = {group[self.groupby[0]]: group[f"{self.groupby[0]}_count"]
                              for group in groups["groups"]}
        with self.part(seen, f"web_search_read, {PAGE_LIMIT} rows and count"):
            page = Due.web_search_read(self.domain, self.specification, limit=PAGE_LIMIT,
                                       count_limit=COUNT_LIMIT + 1)
        seen["rows"] = len(page["records"])
        seen["count"] = page["length"]

    def bucket_totals(self, seen):
        Due = self.env["medical.balance.due"]
        with self.part(seen, "_read_group kind x age"):
            buckets = Due._read_group(self.domain, ["kind", "aging_bucket"], ["balance:sum"])
        with self.part(seen, "_read_group kind x payer x age"):
            by_payer = Due._read_group(self.domain, ["kind", "payer_id", "aging_bucket"],
                                       ["balance:sum"])
        seen["buckets"] = {(kind, bucket): balance for kind, bucket, balance in buckets}
        seen["payer_groups"] = len(by_payer)

    def oca_aged_balance(self, seen):
        from odoo import fields

        data = self.oca_wizard._prepare_report_data()
        # As the report action hands it over (JSON): dates as strings.
        data = {key: fields.Date.to_string(value) if isinstance(value, datetime.date)
                else value for key, value in data.items()}
        report = self.env["report.account_financial_report.aged_partner_balance"]
        values = report._get_report_values(self.oca_wizard.ids, data)
        accounts = values["aged_partner_balance"]
        seen["residual"] = sum(account["residual"] for account in accounts)
        seen["partners"] = sum(len(account["partners"]) for account in accounts)

    def measures(self):
        measures = {"page": self.first_page, "totals": self.bucket_totals}
        if self.oca:
            measures["oca"] = self.oca_aged_balance
        return measures

    def bench_screens(self, benches):
        """Each measure in each practice of ``benches`` ({key: bench}), one run in each in
        turn, the order reversed every round (see bench_billing's bench_payments)."""
        runs = self.args.runs
        for bench in benches.values():
            bench.prepare_measures()
        times = {(key, name): [] for key, bench in benches.items() for name in bench.measures()}
        seen = {key: {} for key in benches}
        order = list(benches.items())
        for __ in range(runs):
            for key, bench in order:
                for name, function in bench.measures().items():
                    seconds = median_time(bench.env, lambda f=function, s=seen[key]: f(s), 1)[0]
                    times[key, name].append(seconds)
            order.reverse()
        for (key, name), key_times in times.items():
            self.figures[f"{name}_{key}"] = statistics.median(key_times)
            print(f"  {key} {name}: median {statistics.median(key_times):.3f} s of {runs} "
                  f"({', '.join(f'{t:.3f}' for t in key_times)})")
        for key in benches:
            for label, part_times in seen[key].get("parts", {}).items():
                print(f"    {key}, of which {label}: median {statistics.median(part_times):.3f} s")
        self.figures["seen"] = seen

    def explain(self):
        """EXPLAIN ANALYZE of the screen's query under the bucket totals."""
        from odoo.tools import SQL

        Due = self.env["medical.balance.due"]
        self.env.flush_all()
        self.cr.execute(SQL(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT kind, aging_bucket, SUM(balance) "
            "FROM (%s) AS due GROUP BY kind, aging_bucket", Due._table_query))
        plan = "\n".join(f"    {line}" for (line,) in self.cr.fetchall())
        print(f"  EXPLAIN ANALYZE of the bucket totals' query in {self.cr.dbname}:\n{plan}")

    # --- report --------------------------------------------------------

    def report(self, keys):
        f = self.figures
        args = self.args
        seen = f["seen"]

        def verdict(ok):
            return "met" if ok else "NOT MET"

        rows = []
        labels = {"page": "First page (list grouped by kind + 80 rows)",
                  "totals": "Bucket totals (kind x age, kind x payer x age)"}
        parts = {"page": [label for label in seen["base"]["parts"] if label.startswith("web_")],
                 "totals": [label for label in seen["base"]["parts"]
                            if label.startswith("_read_group")]}
        for name, label in labels.items():
            rows.append((label, f"{f[f'{name}_base']:.3f} s", ""))
            if "oca_base" in f:
                ratio = f["oca_base"] / f[f"{name}_base"]
                rows.append(("  faster than OCA's Aged Partner Balance", f"{ratio:.1f}x",
                             f">= {TARGET_OCA_RATIO:.0f}x {verdict(ratio >= TARGET_OCA_RATIO)}"))
            if "grown" in keys:
                ratio = f[f"{name}_grown"] / f[f"{name}_base"]
                rows.append((f"  with {args.history_factor}x history",
                             f"{f[f'{name}_grown']:.3f} s",
                             f"ratio {ratio:.2f}, <= {TARGET_HISTORY_RATIO} "
                             f"{verdict(ratio <= TARGET_HISTORY_RATIO)}"))
            for part in parts[name]:
                grown_part = (f", {args.history_factor}x history "
                              f"{statistics.median(seen['grown']['parts'][part]):.3f} s"
                              if "grown" in keys else "")
                rows.append((f"  of which {part}",
                             f"{statistics.median(seen['base']['parts'][part]):.3f} s",
                             f"(reference{grown_part})"))
        if "oca_base" in f:
            rows.append(("OCA Aged Partner Balance, data (no rendering)",
                         f"{f['oca_base']:.3f} s", "reference"))
            if "oca_grown" in f:
                rows.append((f"  with {args.history_factor}x history",
                             f"{f['oca_grown']:.3f} s",
                             f"ratio {f['oca_grown'] / f['oca_base']:.2f} (reference)"))
        print_header(self.odoo, self.cr)
        for key in keys:
            size = f[key]
            label = "practice" if key == "base" else f"{args.history_factor}x history copy"
            open_items = f["open_items"] if key == "base" else f["grown_open_items"]
            print(f"{label:<22} {open_items:>9,} open receivable items, {size['charges']:>9,} "
                  f"charges, {size['claims']:>8,} claims, {size['items']:>10,} journal items "
                  f"({size['settled_items']:,} settled billing items), "
                  f"{size['db_bytes'] / 1024 ** 3:.2f} GB")
        base = seen["base"]
        total = sum(base["buckets"].values())
        count = f"{base['count'] - 1:,}+" if base["count"] > COUNT_LIMIT else f"{base['count']:,}"
        print(f"Screen: {count} rows"
              + (f" ({', '.join(f'{k}: {n:,}' for k, n in base['groups'].items())})"
                 if "groups" in base else "")
              + f", total due {total:,.2f}, {base['payer_groups']:,} kind x payer x age groups")
        if "grown" in seen:
            grown_total = sum(seen["grown"]["buckets"].values())
            same = abs(grown_total - total) < 0.005
            groups = seen["grown"].get("groups", {})
            print(f"  with {args.history_factor}x history: "
                  f"{', '.join(f'{k}: {n:,}' for k, n in groups.items())} rows, "
                  f"total due {grown_total:,.2f} ({'the same' if same else 'DIFFERENT'})")
        if "residual" in base:
            print(f"OCA Aged Partner Balance: total {base['residual']:,.2f} over "
                  f"{base['partners']:,} partner lines (receivable accounts at "
                  f"{self.today})")
        else:
            print(f"OCA Aged Partner Balance: SKIPPED ({OCA_ENV} not set or without "
                  f"{OCA_ADDON}).")
        print("-" * 100)
        for label, value, target in rows:
            print(f"{label:<50} {value:>12}   {target}")
        print("-" * 100)
        print_phases(self.durations, self.notes)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"mb_bench_balances_{os.getpid()}",
                        help="name of the throwaway database to create")
    parser.add_argument("--open-items", type=int, default=200_000,
                        help="open receivable items of the practice (about)")
    parser.add_argument("--history-charges", type=int, default=60_000,
                        help="settled charges of the practice's history (about)")
    parser.add_argument("--history-factor", type=int, default=10,
                        help="the history of the grown copy, times the practice's")
    parser.add_argument("--seed-charges", type=int, default=3_000,
                        help="charges made through the ORM per block, the rest SQL copies")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measure")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN ANALYZE of the screen's query in each database")
    parser.add_argument("--keep", action="store_true", help="keep the databases at the end")
    args = parser.parse_args(argv)

    odoo, addons_path = find_odoo()
    oca_path = find_oca()
    addons = ADDON
    if oca_path:
        addons_path = f"{addons_path},{oca_path}"
        addons = f"{ADDON},{OCA_ADDON}"
    started = time.perf_counter()
    print(f"Machine: {machine()}")
    grown_db = f"{args.db}_grown" if args.history_factor > 1 else None
    if grown_db:
        refuse_existing(grown_db)
    create_database(args.db, addons_path, addon=addons)
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", f"--database={args.db}", "--log-level=warn"],
        setup_logging=True,
    )
    Environment = odoo.api.Environment
    try:
        registry = odoo.modules.registry.Registry.new(args.db)
        with registry.cursor() as cr:
            bench = BalanceBench(odoo, Environment(cr, odoo.SUPERUSER_ID, {}), args,
                                 bool(oca_path))
            bench.build()
            bench.vacuum()
        with contextlib.ExitStack() as stack:
            benches = {}
            if grown_db:
                with phase(f"copy the practice, grow its settled history to "
                           f"{args.history_factor}x (SQL copies)", bench.durations):
                    copy_database(odoo, args.db, grown_db)
                    grown_cr = stack.enter_context(
                        odoo.modules.registry.Registry.new(grown_db).cursor())
                    grown = bench.on(Environment(grown_cr, odoo.SUPERUSER_ID, {}))
                    grown.grow_history()
                    grown.vacuum()
            cr = stack.enter_context(registry.cursor())
            bench = bench.on(Environment(cr, odoo.SUPERUSER_ID, {}))
            benches["base"] = bench
            if grown_db:
                grown.figures = bench.figures
                benches["grown"] = grown
            print("- measures, " + " and ".join(benches) + " in turn")
            bench.bench_screens(benches)
            if args.explain:
                for each in benches.values():
                    each.explain()
            bench.report(list(benches))
    finally:
        for db in filter(None, [args.db, grown_db]):
            if args.keep:
                if pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", [db]):
                    print(f"Kept database {db}.")
            else:
                drop_database(odoo, db)
        print(f"Total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
