"""Benchmark of ERAs (not a test): importing and posting 835 remittances.

Builds, in a throwaway database with ``medical_billing_edi`` installed (no demo data), a
practice whose claims go to one electronic payer (its payer id set, the company enrolled
at a clearinghouse as bench_claims does): ``--claims`` claims (default 1,000) of 3 lines
each, one patient, case and visit a claim, the visit's 3 charges posted, the claims made
by Create Claims and sent with their 837P (so each has its number and line control
numbers); and ``--large-claims`` more (default 10,000), also of 3 lines each
(``--large-lines`` makes them 1 or 2), for the large run. Then, for each set, the payer's
835 is written with the project's writer (``edi.write_835``), one payment for all the
set's claims: each line paid 80% of its charge, with a CO-45 write-off of 10% and a PR-2
coinsurance of the rest (to the patient), so that every line balances.

Measured, each with its flush and commit, on a cold ORM cache:

1. importing the 835 of ``--claims`` claims as the biller does (Import Remittances: the
   file uploaded as an attachment, read and validated by pyx12, each claim matched and
   planned: the dry run) and posting the ERA it makes (``action_post``: the payer's
   payment, an EOB per claim, its deposit and the EOBs' entries, reconciled); import
   and post are timed apart and together, in claims per second;
2. beside it, in the same run and database, Odoo's payment register on as many posted
   customer invoices: one ``out_invoice`` per claim, to the claim's patient, with the
   claim's 3 lines (same products and amounts, no taxes); one payment registered per
   invoice for them all at once, as the list's Register Payment does for a selection
   (``account.payment.register`` with ``group_payment=False``, ``_create_payments``:
   each payment created, posted and reconciled with its invoice). Target: the ERA posts
   at least 2x as many claims per second (import + post) as the register pays invoices;
3. the large run: the 835 of ``--large-claims`` claims imported and posted. An ERA of
   more than a thousand claims posts its deposit at once and its claims in the background
   (the scheduled action posts 100 claims a transaction): its batches are run here one
   after the other, each committed, as Odoo's scheduler runs them, and timed until the
   last has posted. Target: under 3 minutes.

After each ERA, every claim of it must be posted and the company's books must tie out
(billing open balances equal to the ledger balance of the billing receivables), or the
benchmark stops. Where the time goes is printed for each ERA: the main steps of the
import and of the post, timed by wrapping those methods for the run (a few calls each),
and the final flush and commit. ``--profile`` adds, after the report, a cProfile of the
import and of the post of another ERA of ``--claims`` claims (made then, so that the
figures above are not measured under the profiler): the top entries by cumulative time
(and by own time for the post); a file name after it also writes the post's stats there.

Odoo and PostgreSQL are found as bench_billing.py finds them; the database is created
here and dropped at the end unless ``--keep``:

    python3 benchmarks/bench_era.py
    python3 benchmarks/bench_era.py --claims 200 --large-claims 1000   # quick run
    python3 benchmarks/bench_era.py --profile /tmp/era_post.prof
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import cProfile
import datetime
import functools
import gc
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from bench_billing import (
    Bench,
    chunks,
    create_database,
    drop_database,
    find_odoo,
    machine,
    phase,
    print_header,
    print_phases,
)
from bench_claims import CHUNK, CODES, ClaimBench

ADDON = "medical_billing_edi"
SEND_CHUNK = 5_000  # claims per action_send (one 837P transaction set at most)
TARGET_RATIO = 2.0
TARGET_LARGE_SECONDS = 180.0
CENT = Decimal("0.01")
PAID_SHARE = Decimal("0.80")  # of each line's charge
WRITE_OFF_SHARE = Decimal("0.10")  # CO-45; the rest of the line is PR-2 coinsurance
PAYER_SENDER = "BHH01"
ORIGINATOR = "1512345678"
# Steps of the import and the post timed during each ERA run: (model, method, depth,
# label). Each is a call or a few for the whole ERA (those of depth 1 run inside the
# depth-0 step above them), except medical.eob._check_postable, called once an EOB.
TIMED_METHODS = [
    ("medical.era.import", "_read", 0, "read the file (read_835: pyx12 parse + validation)"),
    ("medical.era.import", "_find_duplicate", 0, "look for the payment imported before"),
    ("medical.era.import", "_create_era", 0, "create the ERA and its claims"),
    ("medical.era.claim", "_plan", 0, "match and plan the claims (dry run)"),
    ("medical.remittance", "create", 0, "create the payer's payment"),
    ("medical.eob", "create", 0, "create the EOBs with their lines"),
    ("medical.remittance", "_post_deposit", 0, "post the payment's deposit"),
    ("medical.remittance", "_post_eobs", 0, "post the EOBs (remittance._post_eobs)"),
    ("medical.eob", "_check_postable", 1, "check each EOB (one call an EOB)"),
    ("account.move", "_medical_create_entries", 1, "create the journal entries"),
    ("account.move", "action_post", 1, "post the journal entries"),
    ("account.move.line", "_medical_reconcile", 1, "reconcile their items"),
    ("medical.eob", "_set_posted", 1, "mark the EOBs posted"),
    ("medical.era.claim", "_record_crossovers", 0, "record crossovers"),
]


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@contextlib.contextmanager
def timed_methods(env, totals):
    """Sum into ``totals`` ({(model, method): [seconds, calls]}) the wall time of the
    TIMED_METHODS while in the block (outermost calls only), by wrapping them on the
    registry's model classes; the classes are restored at the end."""
    patched = []
    try:
        for model, name, __, __ in TIMED_METHODS:
            cls = env.registry[model]
            own = cls.__dict__.get(name)
            original = getattr(cls, name)
            key = (model, name)
            depth = [0]

            @functools.wraps(original)
            def wrapper(self, *args, _original=original, _key=key, _depth=depth, **kwargs):
                _depth[0] += 1
                start = time.perf_counter()
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    _depth[0] -= 1
                    if not _depth[0]:
                        totals[_key][0] += time.perf_counter() - start
                        totals[_key][1] += 1

            setattr(cls, name, wrapper)
            patched.append((cls, name, own))
        yield totals
    finally:
        for cls, name, own in reversed(patched):
            if own is None:
                delattr(cls, name)
            else:
                setattr(cls, name, own)


class EraBench(ClaimBench):
    vacuum = Bench.vacuum  # VACUUM ANALYZE outside any timing (it needs commit and cr)

    def __init__(self, odoo, env, args):
        super().__init__(env, args)
        self.odoo = odoo
        self.notes = []
        self.sets = {}  # name: {"claims": ids, "text": 835, "lines": n, "trace": str}
        self.breakdowns = {}  # ERA run label: {key: [seconds, calls]}

    # --- data ----------------------------------------------------------

    def setup(self):
        self.setup_practice()
        self.payer = self.payers[0]

    def sent_claims(self, name, count, lines):
        """``count`` patients, each with one case and one visit of ``lines`` posted
        charges billed to the ERA's payer; Create Claims (one claim a visit) and send them.
        Return the claims."""
        env = self.env
        label = (f"{name}: {count:,} patients, {count * lines:,} charges posted, "
                 f"{count:,} claims created and sent")
        with phase(label, self.durations):
            group = ClaimBench(env, argparse.Namespace(patients=count))
            group.payers, group.diagnoses = self.payers, self.diagnoses
            group.create_patients()
            # One payer for every claim: its 835 is one payment.
            group.cases.primary_policy_id.payer_id = self.payer
            self.commit()
            dos = self.today - datetime.timedelta(days=7)
            vals_list = [
                {"case_id": case.id, "product_id": self.products[(n + j) % len(CODES)].id,
                 "date_service": dos, "billing_provider_id": self.billing_provider.id,
                 "treating_provider_id": self.provider.id,
                 "treating_clinic_id": self.clinic.id}
                for n, case in enumerate(group.cases) for j in range(lines)
            ]
            charge_ids = []
            for vals_chunk in chunks(vals_list, CHUNK):
                charges = env["medical.charge"].create(vals_chunk)
                charges.action_post()
                self.commit()
                charge_ids += charges.ids
                env.invalidate_all()
            Create = env["medical.claim.create"]
            claim_ids = []
            # The charges of whole visits at a time (a visit's charges are consecutive).
            for ids_chunk in chunks(charge_ids, CHUNK // lines * lines):
                groups, problems = Create._plan_claims(env["medical.charge"].browse(ids_chunk))
                if problems:
                    charge, role, problem = problems[0]
                    sys.exit(f"ERROR: {len(problems)} charges are not billable, e.g. "
                             f"{charge.display_name} ({role}): {problem}")
                claim_ids += Create._create_claims(groups).ids
                self.commit()
                env.invalidate_all()
            for ids_chunk in chunks(claim_ids, SEND_CHUNK):
                env["medical.claim"].browse(ids_chunk).action_send()
                self.commit()
                env.invalidate_all()
            claims = env["medical.claim"].browse(claim_ids)
            line_counts = {len(claim.line_ids) for claim in claims}
            states = set(claims.mapped("state"))
            if len(claims) != count or line_counts != {lines} or states != {"submitted"}:
                raise RuntimeError(f"{name}: expected {count:,} submitted claims of {lines} "
                                   f"lines, made {len(claims):,} of {line_counts} lines, "
                                   f"states {states}")
        return claims

    def write_era(self, name, claims, control):
        """The payer's 835 paying ``claims`` in one payment (trace number EFT<control>)."""
        ServicePayment = self.edi_results.ServicePayment
        ClaimPayment = self.edi_results.ClaimPayment
        Party = self.edi_results.Party
        edi = self.edi
        payments = []
        total = Decimal(0)
        for claim in claims:
            services = []
            for line in claim.line_ids.sorted("sequence"):
                charge = cents(str(line.amount))
                paid = cents(charge * PAID_SHARE)
                write_off = cents(charge * WRITE_OFF_SHARE)
                coinsurance = charge - paid - write_off
                services.append(ServicePayment(
                    "HC", line.product_id.default_code, tuple((line.modifiers or "").split()),
                    charge, paid, Decimal(str(line.units)),
                    service_date_from=line.date_service,
                    line_control_number=f"{claim.name}-{line.sequence}",
                    adjustments=(edi.Adjustment("CO", "45", write_off),
                                 edi.Adjustment("PR", "2", coinsurance)),
                ))
            first, last = claim.patient_id.name.split(" ", 1)
            claim_paid = sum(service.paid for service in services)
            payments.append(ClaimPayment(
                claim.name, "1", sum(service.charge for service in services), claim_paid,
                sum(service.adjustments[1].amount for service in services),
                f"BH-{claim.name}",
                patient=Party(last, first, "MI", claim.policy_id.member_number),
                service_lines=tuple(services),
            ))
            total += claim_paid
        company = self.env.company
        trace = f"EFT{control:06d}"
        remittance = edi.Remittance(
            "0001", "I", total, "C", "ACH", self.today, trace, ORIGINATOR,
            Party(self.payer.name.upper(), id_qualifier="2U", identifier=self.payer.payer_code),
            Party(company.name.upper(), id_qualifier="XX", identifier=self.billing_provider.npi),
            self.today, tuple(payments),
        )
        envelope = edi.Envelope(PAYER_SENDER, company.medical_edi_isa_sender_id, control,
                                control, created=datetime.datetime.now().replace(microsecond=0))
        text = edi.write_835([remittance], envelope=envelope)
        self.sets[name] = {"claims": claims.ids, "text": text, "trace": trace,
                           "lines": sum(len(payment.service_lines) for payment in payments),
                           "amount": total}
        return text

    def build(self):
        args = self.args
        self.edi = sys.modules["odoo.addons.medical_billing_edi.edi"]
        self.edi_results = sys.modules["odoo.addons.medical_billing_edi.edi.results"]
        with phase("practice: providers, codes, payers, clearinghouse", self.durations):
            self.setup()
            self.commit()
        sets = [("ERA", args.claims, 3)]
        if args.large_claims:
            sets.append(("large ERA", args.large_claims, args.large_lines))
        for control, (name, count, lines) in enumerate(sets, start=1):
            claims = self.sent_claims(name, count, lines)
            with phase(f"{name}: write the payer's 835 for {count:,} claims", self.durations):
                text = self.write_era(name, claims, 900 + control)
            print(f"  {text.count('~'):,} segments, {len(text) / 1024:,.0f} KB")
        # The first 835 read back (validated by pyx12, balanced) outside any timing: a check
        # of the file written (pyx12 loads its maps again for every file it reads, so this
        # warms nothing the import would not load again).
        with phase("the ERA's 835 read back by read_835 (pyx12 validation)", self.durations):
            remittances = self.edi.read_835(self.sets["ERA"]["text"], strict=True)
            if [len(remittance.claims) for remittance in remittances] != [args.claims]:
                raise RuntimeError("the 835 written does not read back as one payment of "
                                   f"{args.claims:,} claims")
        with phase(f"Odoo: {args.claims:,} customer invoices of 3 lines created and posted",
                   self.durations):
            self.invoice_ids = self.create_invoices(
                self.env["medical.claim"].browse(self.sets["ERA"]["claims"]))

    def create_invoices(self, claims):
        """One posted out_invoice a claim: to its patient, with its lines (product, amount),
        no taxes."""
        ids = []
        for claim_chunk in chunks(claims, CHUNK // 3):
            moves = self.env["account.move"].create([{
                "move_type": "out_invoice", "partner_id": claim.patient_id.id,
                "invoice_date": self.today,
                "invoice_line_ids": [(0, 0, {"product_id": line.product_id.id,
                                             "quantity": 1.0, "price_unit": line.amount,
                                             "tax_ids": [(6, 0, [])]})
                                     for line in claim.line_ids],
            } for claim in claim_chunk])
            moves.action_post()
            self.commit()
            ids += moves.ids
            self.env.invalidate_all()
        return ids

    # --- measures -------------------------------------------------------

    def item_count(self):
        self.env.flush_all()
        self.cr.execute("SELECT count(*) FROM account_move_line")
        return self.cr.fetchone()[0]

    def measure(self, label, function, totals=None):
        """Seconds of ``function`` with its flush and commit, from a cold ORM cache; with
        ``totals``, the TIMED_METHODS' times and the flush's and commit's go there."""
        self.env.invalidate_all()
        gc.collect()
        wrapped = timed_methods(self.env, totals) if totals is not None \
            else contextlib.nullcontext()
        with phase(label, self.durations):
            start = time.perf_counter()
            with wrapped:
                result = function()
                called = time.perf_counter()
                self.env.flush_all()
            flushed = time.perf_counter()
            self.commit()
            seconds = time.perf_counter() - start
        if totals is not None:
            totals["flush"] = [flushed - called, 1]
            totals["commit"] = [start + seconds - flushed, 1]
        self.env.invalidate_all()
        return result, seconds

    def import_era(self, text, name):
        """The Import Remittances dialog with ``text`` uploaded: the ERAs it makes."""
        Wizard = self.env["medical.era.import"]
        wizard = Wizard.create({"attachment_ids": [(0, 0, {
            "name": name, "datas": base64.b64encode(text.encode()),
            "res_model": Wizard._name, "res_id": 0,
        })]})
        action = wizard.action_import()
        Era = self.env["medical.era"]
        return Era.search(action["domain"]) if action.get("domain") \
            else Era.browse(action["res_id"])

    def bench_era(self, name):
        """Import and post the 835 of set ``name``: (import s, post s)."""
        data = self.sets[name]
        count = len(data["claims"])
        lines = data["lines"]
        import_totals = defaultdict(lambda: [0.0, 0])
        eras, import_seconds = self.measure(
            f"{name}: import the 835 of {count:,} claims, {lines:,} lines (read, pyx12, "
            "match, dry run)",
            lambda: self.import_era(data["text"], f"era_{data['trace']}.835"), import_totals)
        eras = eras.with_env(self.env)
        exceptions = eras.claim_ids.filtered(lambda era_claim: era_claim.state != "ready")
        if len(eras) != 1 or len(eras.claim_ids) != count or exceptions:
            sys.exit(f"ERROR: the import of {name} made {len(eras)} ERAs with "
                     f"{len(eras.claim_ids):,} claims, {len(exceptions):,} not ready to post"
                     + (f", e.g. {exceptions[0].patient_control_number}: "
                        f"{exceptions[0].problem}" if exceptions else ""))
        print(f"  {count / import_seconds:,.0f} claims/s")
        items_before = self.item_count()
        era_id = eras.id
        post_totals = defaultdict(lambda: [0.0, 0])
        __, post_seconds = self.measure(
            f"{name}: post the ERA (payment, {count:,} EOBs, their entries, reconciled)",
            lambda: self.post_era(era_id), post_totals)
        items = self.item_count() - items_before
        print(f"  {count / post_seconds:,.0f} claims/s; {items:,} journal items "
              f"({items / lines:.1f} a line)")
        self.check_posted(name, era_id)
        self.breakdowns[f"{name}: import"] = (import_seconds, import_totals)
        self.breakdowns[f"{name}: post"] = (post_seconds, post_totals)
        self.figures[f"{name}_items"] = items
        return import_seconds, post_seconds

    def post_era(self, era_id):
        """Post Clean Claims on the ERA; an ERA of more than a thousand claims posts its
        deposit then, and its claims in the background: the scheduled action's batches are
        run here one after the other, each committed, as Odoo's scheduler runs them."""
        Era = self.env["medical.era"]
        Era.browse(era_id).action_post()
        while Era.browse(era_id).state == "posting":
            self.commit()
            Era._cron_post_in_background()
        return True

    def check_posted(self, name, era_id):
        """Every claim of the ERA posted, every claim paid, the books tied out: else stop."""
        era = self.env["medical.era"].browse(era_id)
        states = defaultdict(int)
        for era_claim in era.claim_ids:
            states[era_claim.state] += 1
        claim_states = set(era.claim_ids.claim_id.mapped("state"))
        remittance = era.remittance_id
        problems = []
        if era.state != "posted" or set(states) != {"posted"}:
            problems.append(f"ERA {era.state}, its claims {dict(states)}")
        if claim_states != {"paid"}:
            problems.append(f"claims {claim_states} (expected all paid)")
        if remittance.state != "posted" or \
                remittance.currency_id.compare_amounts(remittance.amount_total,
                                                       float(self.sets[name]["amount"])):
            problems.append(f"payment {remittance.state} of {remittance.amount_total}")
        tie_out = self.env.company._medical_tie_out()
        if self.env.company.currency_id.compare_amounts(tie_out["billing_open"],
                                                        tie_out["ledger_balance"]):
            problems.append(f"the books do not tie out: {tie_out}")
        if problems:
            sys.exit(f"ERROR: after posting the {name}: " + "; ".join(problems))
        print(f"  checked: {sum(states.values()):,} ERA claims posted, claims paid, "
              f"books tied out (billing open {tie_out['billing_open']:,.2f})")

    def bench_register(self):
        """Odoo's Register Payment on the invoices: one payment an invoice."""
        ids = self.invoice_ids

        def register():
            wizard = self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=ids,
            ).create({"payment_date": self.today, "group_payment": False})
            return wizard._create_payments()

        items_before = self.item_count()
        payments, seconds = self.measure(
            f"Odoo: Register Payment on {len(ids):,} invoices, one payment each", register)
        items = self.item_count() - items_before
        invoices = self.env["account.move"].browse(ids)
        payment_states = set(invoices.mapped("payment_state"))
        payments = payments.with_env(self.env)
        if len(payments) != len(ids) or not payment_states <= {"paid", "in_payment"} \
                or set(payments.mapped("state")) - {"paid", "in_process"}:
            sys.exit(f"ERROR: Odoo's register made {len(payments):,} payments "
                     f"({set(payments.mapped('state'))}) for {len(ids):,} invoices "
                     f"({payment_states})")
        reconciled = sum(bool(move.line_ids.matched_credit_ids) for move in invoices)
        self.figures["register"] = seconds
        self.figures["register_items"] = items
        print(f"  {len(ids) / seconds:,.0f} invoices/s; {len(payments):,} payments "
              f"({', '.join(sorted(set(payments.mapped('state'))))}), {items:,} journal "
              f"items, {reconciled:,} invoices reconciled ({', '.join(sorted(payment_states))})")

    # --- profile --------------------------------------------------------

    def profile(self, path):
        """cProfile of the import and of the post of another ERA of ``--claims`` claims."""
        count = self.args.claims
        claims = self.sent_claims("profiled ERA", count, 3)
        text = self.write_era("profiled ERA", claims, 999)
        self.vacuum()
        data = self.sets["profiled ERA"]
        runs = {}
        for step in ("import", "post"):
            self.env.invalidate_all()
            gc.collect()
            profiler = cProfile.Profile()
            start = time.perf_counter()
            profiler.enable()
            if step == "import":
                era = self.import_era(text, f"era_{data['trace']}.835")
            else:
                era.action_post()
            self.env.flush_all()
            profiler.disable()
            self.commit()
            runs[step] = (profiler, time.perf_counter() - start)
            era = era.with_env(self.env)
        self.check_posted("profiled ERA", era.id)
        if path:
            runs["post"][0].dump_stats(path)
        for step, sorts in (("import", ["cumulative"]), ("post", ["cumulative", "tottime"])):
            profiler, seconds = runs[step]
            print(f"  {step} of the ERA of {count:,} claims under cProfile: {seconds:.2f} s"
                  + (f"; stats in {path}" if path and step == "post" else ""))
            for sort in sorts:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(25)
                print(f"  {step}: top 25 by {sort}:")
                print("\n".join("    " + line for line in out.getvalue().splitlines()
                                if line.strip()))

    # --- report ---------------------------------------------------------

    def report(self):
        f, args = self.figures, self.args

        def verdict(ok):
            return "met" if ok else "NOT MET"

        count = args.claims
        era_seconds = f["ERA_import"] + f["ERA_post"]
        era_rate = count / era_seconds
        register_rate = count / f["register"]
        ratio = era_rate / register_rate
        print_header(self.odoo, self.cr)
        print("ERA benchmark: one payment from one electronic payer; each line paid 80%, "
              "CO-45 10%, PR-2 10% (to the patient)")
        rows = [
            (f"ERA of {count:,} claims ({self.sets['ERA']['lines']:,} lines): import",
             f"{f['ERA_import']:.1f} s", f"{count / f['ERA_import']:,.0f} claims/s"),
            ("  post", f"{f['ERA_post']:.1f} s", f"{count / f['ERA_post']:,.0f} claims/s"),
            ("  import + post", f"{era_seconds:.1f} s", f"{era_rate:,.0f} claims/s"),
            (f"Odoo: register payments on {count:,} invoices", f"{f['register']:.1f} s",
             f"{register_rate:,.0f} invoices/s"),
            ("  ratio: ERA claims/s / register invoices/s", f"{ratio:.2f}x",
             f"target >= {TARGET_RATIO:.0f}x: {verdict(ratio >= TARGET_RATIO)}"),
            ("  journal items made: ERA / Odoo",
             f"{f['ERA_items']:,} / {f['register_items']:,}", "(reference)"),
        ]
        if "large ERA_import" in f:
            large = args.large_claims
            large_seconds = f["large ERA_import"] + f["large ERA_post"]
            rows += [
                (f"Large ERA of {large:,} claims ({self.sets['large ERA']['lines']:,} lines): "
                 "import", f"{f['large ERA_import']:.1f} s",
                 f"{large / f['large ERA_import']:,.0f} claims/s"),
                ("  post", f"{f['large ERA_post']:.1f} s",
                 f"{large / f['large ERA_post']:,.0f} claims/s"),
                ("  import + post", f"{large_seconds:.1f} s",
                 f"target < {TARGET_LARGE_SECONDS:.0f} s: "
                 f"{verdict(large_seconds < TARGET_LARGE_SECONDS)}"),
            ]
        print("-" * 100)
        for label, value, comment in rows:
            print(f"{label:<56} {value:>14}   {comment}")
        print("-" * 100)
        print("Where the time goes (depth-1 steps are part of the step above them):")
        labels = {(model, name): (depth, label) for model, name, depth, label in TIMED_METHODS}
        labels["flush"] = (0, "final flush (writes and recomputes left pending)")
        labels["commit"] = (0, "commit")
        for run, (seconds, totals) in self.breakdowns.items():
            print(f"  {run}: {seconds:.2f} s")
            accounted = 0.0
            for key, (depth, label) in labels.items():
                spent, calls = totals.get(key, (0.0, 0))
                if not calls:
                    continue
                if not depth:
                    accounted += spent
                share = f"{100 * spent / seconds:5.1f}%"
                times = f" ({calls:,} calls)" if calls > 1 else ""
                print(f"    {'  ' * depth}{label + times:<{70 - 2 * depth}} {spent:>8.2f} s "
                      f"{share}")
            print(f"    {'other (upload, wizard, ERA writes, messages...)':<70} "
                  f"{seconds - accounted:>8.2f} s {100 * (seconds - accounted) / seconds:5.1f}%")
        print_phases(self.durations, self.notes, 110)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"mb_bench_era_{os.getpid()}",
                        help="name of the throwaway database to create")
    parser.add_argument("--claims", type=int, default=1_000,
                        help="claims (3 lines each) of the ERA timed beside Odoo's register, "
                        "and invoices of the register")
    parser.add_argument("--large-claims", type=int, default=10_000,
                        help="claims of the large ERA; 0 skips it")
    parser.add_argument("--large-lines", type=int, default=3, choices=range(1, 4),
                        help="lines of each claim of the large ERA")
    parser.add_argument("--profile", nargs="?", const="", metavar="FILE",
                        help="after the report, profile the import and the post of another "
                        "ERA of --claims claims; the post's stats written to FILE if given")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args(argv)
    if args.claims < 1:
        parser.error("--claims must be at least 1")

    odoo, addons_path = find_odoo()
    started = time.perf_counter()
    print(f"Machine: {machine()}")
    create_database(args.db, addons_path, addon=ADDON)
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", f"--database={args.db}", "--log-level=warn"],
        setup_logging=True,
    )
    try:
        registry = odoo.modules.registry.Registry.new(args.db)
        with registry.cursor() as cr:
            bench = EraBench(odoo, odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args)
            bench.build()
            bench.vacuum()
            bench.figures["ERA_import"], bench.figures["ERA_post"] = bench.bench_era("ERA")
            bench.vacuum()
            bench.bench_register()
            if args.large_claims:
                bench.vacuum()
                bench.figures["large ERA_import"], bench.figures["large ERA_post"] = \
                    bench.bench_era("large ERA")
            bench.report()
            if args.profile is not None:
                print(f"- profile of the import and the post of an ERA of {args.claims:,} "
                      "claims")
                bench.profile(args.profile)
    finally:
        if args.keep:
            print(f"Kept database {args.db}.")
        else:
            drop_database(odoo, args.db)
        print(f"Total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
