"""Helpers shared by the readers: segment fragments that mean the same in every file."""

from __future__ import annotations

from decimal import Decimal

from ._pyx12 import Seg
from ._values import ZERO, amount
from .models import Adjustment
from .results import BalanceViolation, Party

CAS_LAST_ELEMENT = 19  # CAS holds six reason/amount/quantity triples after CAS01


def party(seg: Seg) -> Party:
    """The name in an NM1 segment (NM103 last or organization, NM104 first, NM108/09 id)."""
    return Party(seg[3], seg[4], seg[8], seg[9])


def n1_party(seg: Seg) -> Party:
    """The name in an N1 segment (N102 name, N103/04 id)."""
    return Party(seg[2], "", seg[3], seg[4])


def adjustments(seg: Seg) -> list[Adjustment]:
    """Every reason/amount/quantity triple of a CAS segment, under its group code."""
    found = []
    for index in range(2, CAS_LAST_ELEMENT, 3):
        if not seg[index]:
            continue
        found.append(
            Adjustment(
                group=seg[1],
                reason=seg[index],
                amount=amount(seg, index + 1),
                quantity=amount(seg, index + 2, default=None),
            )
        )
    return found


def total(values) -> Decimal:
    return sum(values, ZERO)


def check(
    violations: list[BalanceViolation],
    rule: str,
    seg: Seg,
    expected: Decimal,
    actual: Decimal,
    message: str,
) -> None:
    """Record a violation of ``rule`` when ``expected`` and ``actual`` differ."""
    if expected != actual:
        violations.append(BalanceViolation(rule, seg.id, seg.position, expected, actual, message))
