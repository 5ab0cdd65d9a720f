"""Descriptions of the code lists the readers report.

No maintained Python package publishes the Claim Adjustment Reason Codes (CARC) or
Remittance Advice Remark Codes (RARC) with their texts, so the addon keeps its own list
in ``data/codes.csv`` (descriptions in our own words; the official lists are maintained
by X12 and CMS). An unknown code is never an error: it is described as "unknown code".
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

UNKNOWN = "unknown code"
DATA_FILE = Path(__file__).with_name("data") / "codes.csv"

# The lists in the data file, by the name used in describe().
LISTS = (
    "group",  # CAS01 claim adjustment group code
    "carc",  # CAS02.. claim adjustment reason code
    "rarc",  # LQ02 / MOA remark code
    "claim_status",  # 835 CLP02
    "plb",  # 835 PLB03-1 provider adjustment reason
    "stc_category",  # 277 STC01-1
    "stc_status",  # 277 STC01-2
    "stc_entity",  # 277 STC01-3
    "ack",  # 999 IK501 / AK901
    "ik304",  # 999 segment syntax error
    "ik403",  # 999 element syntax error
    "ik502",  # 999 transaction set syntax error
    "ak905",  # 999 functional group syntax error
)


@cache
def _table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {name: {} for name in LISTS}
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table[row["list"]][row["code"]] = row["description"]
    return table


def describe(list_name: str, code: str) -> str:
    """Description of ``code`` in ``list_name`` (see LISTS), or "unknown code"."""
    if list_name not in LISTS:
        raise KeyError(f"no code list named {list_name!r}")
    return _table()[list_name].get((code or "").strip().upper(), UNKNOWN)


def codes(list_name: str) -> dict[str, str]:
    """A copy of one whole list, code -> description."""
    return dict(_table()[list_name])


def adjustment_group(code: str) -> str:
    return describe("group", code)


def adjustment_reason(code: str) -> str:
    return describe("carc", code)


def remark(code: str) -> str:
    return describe("rarc", code)
