"""Benchmark of the X12 EDI layer (not a test).

Reads a generated 835 (default 10,000 claims) and writes an 837P (default 5,000
claims), printing claims per second beside pyx12's own validation time for the same
files. Needs no Odoo and no database:

    python benchmarks/bench_edi.py
    python benchmarks/bench_edi.py --claims-835 1000 --claims-837 500
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from decimal import Decimal
from pathlib import Path

# Import the pure-Python subpackage straight from the repository; the addon's own
# __init__ holds no Odoo imports, so this works without Odoo installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from medical_billing_edi import edi  # noqa: E402

D = Decimal
PAYEE_NPI = "1245319599"
# (procedure, charge, paid, adjustments) patterns the generated remittance cycles through
LINE_PATTERNS = [
    ("99213", D("150"), D("150"), []),
    (
        "99214",
        D("200"),
        D("105"),
        [("CO", "45", D("50")), ("PR", "1", D("20")), ("PR", "2", D("10")), ("PR", "3", D("15"))],
    ),
    ("87880", D("45.50"), D("0"), [("CO", "97", D("45.50"))]),
    ("99215", D("300"), D("0"), [("CO", "50", D("300"))]),
    ("93000", D("80"), D("64"), [("CO", "45", D("10")), ("PR", "2", D("6"))]),
]


def _isa(sender: str, receiver: str, control: int) -> str:
    return (
        f"ISA*00*{' ' * 10}*00*{' ' * 10}*ZZ*{sender:<15}*ZZ*{receiver:<15}"
        f"*240315*0900*^*00501*{control:09d}*0*P*:"
    )


def _cas(adjustments) -> list[str]:
    by_group: dict[str, list[str]] = {}
    for group, reason, amount in adjustments:
        by_group.setdefault(group, []).extend([reason, str(amount), ""])
    return ["*".join(["CAS", group, *values]).rstrip("*") for group, values in by_group.items()]


def generate_835(claims: int) -> str:
    """A balanced 835 with ``claims`` claims of one to three lines each."""
    body: list[str] = []
    total = D("0")
    for number in range(claims):
        lines = [
            LINE_PATTERNS[(number + offset) % len(LINE_PATTERNS)]
            for offset in range(1 + number % 3)
        ]
        charge = sum(line[1] for line in lines)
        paid = sum(line[2] for line in lines)
        patient = sum(adj[2] for line in lines for adj in line[3] if adj[0] == "PR")
        status = "1" if paid else "4"
        total += paid
        body.append(
            f"CLP*PCN{number:07d}*{status}*{charge}*{paid}*{patient}*12*ICN{number:09d}*11*1"
        )
        body.append(f"NM1*QC*1*PATIENT*TEST****MI*M{number:09d}")
        for index, (code, line_charge, line_paid, adjustments) in enumerate(lines, start=1):
            body.append(f"SVC*HC:{code}*{line_charge}*{line_paid}**1")
            body.append("DTM*472*20240301")
            body.extend(_cas(adjustments))
            body.append(f"REF*6R*PCN{number:07d}-{index}")
    interest = D("-12.34")
    recoupment = D("100")
    total -= interest + recoupment
    transaction = [
        "ST*835*0001",
        f"BPR*I*{total}*C*ACH*CCP*01*011000015*DA*123456789*1512345678**01*021000021*DA*"
        "987654321*20240315",
        "TRN*1*EFT20240315BENCH*1512345678",
        "N1*PR*ACME HEALTH PLAN",
        "N3*100 INSURANCE WAY",
        "N4*HARTFORD*CT*06101",
        "PER*BL*EDI SUPPORT*TE*8005551212",
        f"N1*PE*HEALTHY CLINIC*XX*{PAYEE_NPI}",
        "LX*1",
        *body,
        f"PLB*{PAYEE_NPI}*20241231*L6:INTEREST*{interest}*WO:ICN000000001*{recoupment}",
    ]
    transaction.append(f"SE*{len(transaction) + 1}*0001")
    segments = [
        _isa("ACMEHEALTH", "HEALTHYCLINIC", 900001),
        "GS*HP*ACMEHEALTH*HEALTHYCLINIC*20240315*0900*900001*X*005010X221A1",
        *transaction,
        "GE*1*900001",
        "IEA*1*000900001",
    ]
    return "~\n".join(segments) + "~\n"


def generate_claims(count: int) -> list[edi.Claim]:
    clinic = edi.Address("123 MAIN ST", "SPRINGFIELD", "IL", "627011234")
    billing = edi.Provider(
        "HEALTHY CLINIC", PAYEE_NPI, tax_id="371234567", taxonomy="207Q00000X", address=clinic
    )
    rendering = edi.Provider("SMITH", "1234567893", first_name="JANE", taxonomy="207Q00000X")
    payer = edi.Payer("ACME HEALTH PLAN", "ACME1")
    claims = []
    for number in range(count):
        subscriber = edi.Person(
            "PATIENT",
            f"TEST{number}",
            member_id=f"M{number:09d}",
            birth_date=datetime.date(1950 + number % 50, 1 + number % 12, 1 + number % 28),
            gender="FM"[number % 2],
            address=clinic,
        )
        lines = tuple(
            edi.ServiceLine(
                code,
                charge,
                datetime.date(2024, 3, 1),
                modifiers=("25",) * (i == 0),
                diagnosis_pointers=(1, 2),
                line_control_number=f"C{number}-{i}",
            )
            for i, (code, charge, _paid, _adj) in enumerate(LINE_PATTERNS[: 1 + number % 3])
        )
        claims.append(
            edi.Claim(
                f"PCN{number:07d}",
                billing,
                subscriber,
                payer,
                ("J02.0", "R50.9"),
                lines,
                rendering_provider=rendering,
            )
        )
    return claims


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def row(label: str, claims: int, seconds: float) -> None:
    print(f"  {label:<44} {seconds:9.2f} s {claims / seconds:12,.0f} claims/s")


def bench_835(claims: int) -> None:
    text = generate_835(claims)
    segments = text.count("~")
    print(f"835: {claims:,} claims, {segments:,} segments, {len(text) / 1e6:.1f} MB")
    fast, seconds = timed(edi.read_835, text, validate=False)
    assert len(fast[0].claims) == claims and fast[0].is_balanced
    row("read_835 (pyx12 reader, envelope checks)", claims, seconds)
    full, seconds = timed(edi.read_835, text)
    assert full == fast
    row("read_835 (with pyx12 validation, one pass)", claims, seconds)
    issues, seconds = timed(edi.validate, text)
    assert not issues, issues[:3]
    row("pyx12 validation alone (x12n_document)", claims, seconds)


def bench_837(claims: int) -> None:
    batch = generate_claims(claims)
    envelope = edi.Envelope(
        "HEALTHYCLINIC", "BESTCLEARING", 1, 1, created=datetime.datetime(2024, 3, 2, 10, 30)
    )
    submitter = edi.Submitter("HEALTHY CLINIC", "SUB01", edi.Contact("JANE ROE", "2175550100"))
    receiver = edi.Receiver("BEST CLEARINGHOUSE", "CH12345")
    text, seconds = timed(
        edi.write_837p, batch, envelope=envelope, submitter=submitter, receiver=receiver
    )
    print(f"837P: {claims:,} claims, {text.count('~'):,} segments, {len(text) / 1e6:.1f} MB")
    row("write_837p", claims, seconds)
    issues, seconds = timed(edi.validate, text)
    assert not issues, issues[:3]
    row("pyx12 validation of the written file", claims, seconds)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims-835", type=int, default=10_000)
    parser.add_argument("--claims-837", type=int, default=5_000)
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}")
    edi.validate(generate_835(1))  # warm-up: pyx12 loads and caches its maps once
    if args.claims_835:
        bench_835(args.claims_835)
    if args.claims_837:
        bench_837(args.claims_837)


if __name__ == "__main__":
    main()
