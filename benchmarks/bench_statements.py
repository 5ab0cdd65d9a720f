"""Benchmark of a statement run (not a test): the data of every statement in a few grouped
queries, and the PDFs.

Builds, in a throwaway database with ``medical_billing_statement`` installed (no demo
data), a practice of ``--patients`` patients (default 5,000; half insured) with
``--visits-per-patient`` visits of two charges each over the last 150 days, a third of
them partly paid. Then it times, in the same run:

1. the data of the run: which accounts get a statement and everything each statement
   prints (open items with their aging, activity since the last statement, what is
   pending with insurance, the dunning level), as the run's preview and its recording
   read it (``medical.statement.run._candidates``), the median of ``--runs`` runs on a
   cold cache, with the number of SQL queries it sends;
2. recording the statements (their figures, numbers and online links, one batch create);
3. the statements' HTML (QWeb, the report's own values included) for all of them;
4. their PDFs, with wkhtmltopdf, for ``--pdf-statements`` of them (default 500; 0 for
   all), in batches as a run makes them (each kept as its own attachment), beside Odoo's
   invoice PDF (``account.account_invoices``) for as many posted invoices of two lines, in
   the same batches: the ratio is per document. wkhtmltopdf loads the report styles from
   Odoo's web server, as it does in production: the benchmark serves its database on
   ``--port`` (default 8077) for that. Without wkhtmltopdf this part is skipped with a
   message.

Run::

    python3 benchmarks/bench_statements.py                   # about 10 minutes
    python3 benchmarks/bench_statements.py --patients 500     # about 1 minute

Odoo and PostgreSQL are found as bench_billing.py finds them.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import time

from bench_billing import (
    Bench,
    chunks,
    create_database,
    drop_database,
    find_odoo,
    median_time,
    phase,
    print_header,
    print_phases,
)

ADDON = "medical_billing_statement"
RENDER_BATCH = 100  # HTML rendered per call
HISTORY_DAYS = 150


class StatementBench(Bench):

    def build(self):
        args = self.args
        with phase(f"{args.patients:,} patients, their charges, posted, a third partly paid",
                   self.durations):
            self.env.company.partner_id.write({"street": "250 Main Street",
                                               "city": "Springfield", "zip": "62701"})
            self.setup_codes_and_payers()
            self.patients, cases = self.create_patients(args.patients, "Stmt",
                                                        insured_share=0.5)
            self.patients[::2].write({"email": "patient@example.com"})
            plan = self.visit_plan(cases, args.patients * args.visits_per_patient, 2,
                                   days=HISTORY_DAYS)
            self.post_charges(self.create_charges(plan))
            self.pay(self.patients[::3], 0.4)
            self.commit()
        self.figures["items"] = self.item_count()

    def bench_data(self):
        Run = self.env["medical.statement.run"]
        self.run = Run.create({"date": self.today, "min_amount": 0.0, "interval_days": 0})
        self.commit()
        queries = []

        def candidates():
            before = self.cr.sql_log_count
            self.candidates = self.run._candidates()
            queries.append(self.cr.sql_log_count - before)

        self.figures["data"], self.figures["data_runs"] = median_time(
            self.env, candidates, self.args.runs)
        self.figures["data_queries"] = min(queries)
        self.figures["statements"] = len(self.candidates)

    def bench_record(self):
        Statement = self.env["medical.statement"]
        start = time.perf_counter()
        self.statements = Statement.create([
            Statement._prepare_vals(responsible, values, "print", self.run)
            for responsible, values in self.candidates.items()
        ])
        self.env.flush_all()
        self.figures["record"] = time.perf_counter() - start
        self.commit()

    def bench_html(self):
        report = self.env.ref("medical_billing_statement.action_report_statement")
        Report = self.env["ir.actions.report"]
        self.env.invalidate_all()
        start = time.perf_counter()
        size = 0
        for ids in chunks(self.statements.ids, RENDER_BATCH):
            html, __ = Report._render_qweb_html(report, ids)
            size += len(html)
        self.figures["html"] = time.perf_counter() - start
        self.figures["html_mb"] = size / 1024 / 1024

    def bench_pdf(self):
        if not shutil.which("wkhtmltopdf"):
            self.notes.append("wkhtmltopdf is not installed: the PDF timings are skipped.")
            return
        # Importable once the registry has loaded the addon.
        from odoo.addons.medical_billing_statement.models import medical_statement
        # Odoo's invoices in the batches the statements get: several documents per
        # wkhtmltopdf call only with Odoo's patched build.
        self.render_batch = medical_statement.RENDER_BATCH \
            if medical_statement.wkhtmltopdf_is_patched() else 1
        if self.render_batch == 1:
            self.notes.append("wkhtmltopdf is not built on Odoo's patched Qt: statements and "
                              "invoices are rendered one per wkhtmltopdf call, without "
                              "headers and footers.")
        count = self.args.pdf_statements or len(self.statements)
        statements = self.statements[:count]
        invoices = self.make_invoices(len(statements))
        self.commit()
        self.env.invalidate_all()
        start = time.perf_counter()
        statements._keep_documents()
        self.figures["pdf"] = time.perf_counter() - start
        self.figures["pdf_count"] = len(statements)
        self.figures["pdf_kept"] = len(statements.filtered("attachment_id"))
        report = self.env.ref("account.account_invoices")
        Report = self.env["ir.actions.report"]
        self.env.invalidate_all()
        start = time.perf_counter()
        for ids in chunks(invoices.ids, self.render_batch):
            Report._render_qweb_pdf(report, ids)
        self.figures["invoice_pdf"] = time.perf_counter() - start
        self.cr.rollback()

    def make_invoices(self, count):
        customers = self.env["res.partner"].create([
            {"name": f"Invoice Customer {n:05d}", "street": "1 Main Street", "city": "Springfield"}
            for n in range(count)
        ])
        invoices = self.env["account.move"].create([
            {"move_type": "out_invoice", "partner_id": customer.id,
             "invoice_date": self.today,
             "invoice_line_ids": [
                 (0, 0, {"product_id": self.products[0].id, "quantity": 1,
                         "price_unit": 79.0, "tax_ids": [(6, 0, [])]}),
                 (0, 0, {"product_id": self.products[1].id, "quantity": 1,
                         "price_unit": 100.0, "tax_ids": [(6, 0, [])]}),
             ]}
            for customer in customers
        ])
        invoices.action_post()
        return invoices

    def report(self):
        f = self.figures
        print_header(self.odoo, self.cr)
        print(f"Practice: {self.args.patients:,} patients, {f['items']:,} journal items; "
              f"{f['statements']:,} accounts get a statement.")
        print("-" * 100)
        per = f["data"] / max(f["statements"], 1) * 1000
        print(f"1. Data of the run (median of {self.args.runs}): {f['data']:.2f} s "
              f"({per:.2f} ms per statement), {f['data_queries']} SQL queries "
              f"(runs: {', '.join(f'{t:.2f}' for t in f['data_runs'])})")
        print(f"2. Recording {f['statements']:,} statements (one create): {f['record']:.2f} s")
        print(f"3. HTML of {f['statements']:,} statements: {f['html']:.1f} s "
              f"({f['html'] / max(f['statements'], 1) * 1000:.1f} ms each, "
              f"{f['html_mb']:.1f} MB)")
        if "pdf" in f:
            count = f["pdf_count"]
            ours, odoo = f["pdf"] / count, f["invoice_pdf"] / count
            print(f"4. PDFs of {count:,} statements: {f['pdf']:.1f} s ({ours * 1000:.0f} ms "
                  f"each, {f['pdf_kept']:,} kept as attachments); Odoo's invoice PDF for "
                  f"{count:,} invoices: {f['invoice_pdf']:.1f} s ({odoo * 1000:.0f} ms each): "
                  f"{ours / odoo:.2f}x Odoo's time per document")
            print(f"   Extrapolated PDFs of all {f['statements']:,} statements: "
                  f"{ours * f['statements']:.0f} s")
        print("-" * 100)
        print_phases(self.durations, self.notes)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"mb_bench_statements_{os.getpid()}")
    parser.add_argument("--patients", type=int, default=5_000)
    parser.add_argument("--visits-per-patient", type=int, default=3)
    parser.add_argument("--pdf-statements", type=int, default=500,
                        help="statements (and invoices) rendered as PDF; 0: all statements")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8077,
                        help="port of the web server that wkhtmltopdf loads styles from")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args(argv)

    odoo, addons_path = find_odoo()
    create_database(args.db, addons_path, addon=ADDON)
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", f"--database={args.db}", "--log-level=warn",
         f"--db-filter=^{args.db}$", f"--http-port={args.port}", "--http-interface=127.0.0.1"],
        setup_logging=True,
    )
    # The web server that wkhtmltopdf loads the report styles from.
    odoo.service.server.ThreadedServer(odoo.http.root).http_spawn()
    try:
        registry = odoo.modules.registry.Registry.new(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            bench = StatementBench(odoo, env, args)
            bench.today = datetime.date.today()
            env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{args.port}")
            bench.build()
            with phase("data of the run", bench.durations):
                bench.bench_data()
            with phase("record the statements", bench.durations):
                bench.bench_record()
            with phase("HTML of the statements", bench.durations):
                bench.bench_html()
            with phase("PDFs of the statements and of Odoo's invoices", bench.durations):
                bench.bench_pdf()
            bench.report()
    finally:
        if not args.keep:
            drop_database(odoo, args.db)


if __name__ == "__main__":
    sys.exit(main())
