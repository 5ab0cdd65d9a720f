"""Typed values from and to X12 element text (money as Decimal, dates as date)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from ._pyx12 import Seg
from .errors import X12Issue, X12ParseError

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")


def _bad(seg: Seg, index: int, what: str) -> X12ParseError:
    return X12ParseError(
        [
            X12Issue(
                seg.id,
                seg.position,
                f"{what}: '{seg[index]}'",
                element=f"{seg.id}{index:02d}",
                set_position=seg.set_position,
            )
        ]
    )


def amount(seg: Seg, index: int, default: Decimal | None = ZERO) -> Decimal | None:
    """Element ``index`` of ``seg`` as a Decimal amount (``default`` when empty)."""
    raw = seg[index]
    if not raw:
        return default
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise _bad(seg, index, "not a number") from None


def d8(seg: Seg, index: int) -> datetime.date | None:
    """Element ``index`` of ``seg`` as a CCYYMMDD date (None when empty)."""
    raw = seg[index]
    if not raw:
        return None
    try:
        return datetime.datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        raise _bad(seg, index, "not a CCYYMMDD date") from None


def date_period(
    seg: Seg, qualifier_index: int
) -> tuple[datetime.date | None, datetime.date | None]:
    """A D8 or RD8 date (qualifier at ``qualifier_index``, value right after it)."""
    value_index = qualifier_index + 1
    raw = seg[value_index]
    if seg[qualifier_index] == "RD8" and "-" in raw:
        start, end = raw.split("-", 1)
        try:
            return (
                datetime.datetime.strptime(start, "%Y%m%d").date(),
                datetime.datetime.strptime(end, "%Y%m%d").date(),
            )
        except ValueError:
            raise _bad(seg, value_index, "not a CCYYMMDD-CCYYMMDD range") from None
    day = d8(seg, value_index)
    return day, day


def fmt_amount(value: Decimal) -> str:
    """An amount as X12 'R' text: two decimals dropped when whole (100, 12.5, -3.25)."""
    text = format(Decimal(value).quantize(CENT), "f")
    if text.endswith(".00"):
        return text[:-3]
    return text.rstrip("0") if "." in text else text


def fmt_quantity(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def fmt_date(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")
