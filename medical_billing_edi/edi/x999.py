"""999 (005010X231A1) implementation acknowledgement reader."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import _reading
from ._pyx12 import Seg, TransactionType, iter_transaction_sets, read_segments
from ._values import ZERO, amount
from .results import (
    BalanceViolation,
    ElementError,
    ErrorContext,
    FunctionalAck,
    SegmentError,
    TransactionSetAck,
    require_balanced,
)

TYPE_999 = TransactionType(
    "FA", "999", ("005010X231A1", "005010X231"), "a 999 implementation acknowledgement"
)
ERROR_CODE_ELEMENTS = range(2, 7)  # IK502..IK506
GROUP_ERROR_ELEMENTS = range(5, 10)  # AK905..AK909


def read_999(
    data: str | bytes, *, validate: bool = True, strict: bool = False
) -> list[FunctionalAck]:
    """Every functional group acknowledgement (one per ST) in a 999 file."""
    segs = read_segments(data, TYPE_999, validate)
    acks = [_ack(set_segs) for set_segs in iter_transaction_sets(segs)]
    if strict:
        require_balanced(acks)
    return acks


def _int(seg: Seg, index: int) -> int:
    return int(amount(seg, index) or ZERO)


def _codes(seg: Seg, indexes: range) -> tuple[str, ...]:
    return tuple(seg[index] for index in indexes if seg[index])


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@dataclass
class _SegmentError:
    seg: Seg
    elements: list[ElementError] = field(default_factory=list)
    contexts: list[ErrorContext] = field(default_factory=list)

    def add_context(self, context: ErrorContext) -> None:
        """A CTX after an IK4 is that element's context (loop 2110), else the segment's."""
        if self.elements:
            last = self.elements[-1]
            self.elements[-1] = replace(last, contexts=(*last.contexts, context))
        else:
            self.contexts.append(context)

    def build(self) -> SegmentError:
        seg = self.seg
        return SegmentError(
            seg[1], _int(seg, 2), seg[3], seg[4], tuple(self.elements), tuple(self.contexts)
        )


@dataclass
class _SetAck:
    seg: Seg
    errors: list[_SegmentError] = field(default_factory=list)
    status_code: str = ""
    error_codes: tuple[str, ...] = ()

    def build(self) -> TransactionSetAck:
        seg = self.seg
        return TransactionSetAck(
            set_id=seg[1],
            control_number=seg[2],
            version=seg[3],
            status_code=self.status_code,
            error_codes=self.error_codes,
            segment_errors=tuple(error.build() for error in self.errors),
        )


def _element_error(seg: Seg) -> ElementError:
    where = seg.composite(1)
    return ElementError(
        position=int(where[0]) if where and where[0].isdigit() else 0,
        component=int(where[1]) if len(where) > 1 and where[1].isdigit() else None,
        reference_number=seg[2],
        code=seg[3],
        bad_value=seg[4],
    )


def _context(seg: Seg) -> ErrorContext:
    name = seg.composite(1)  # CTX01: context name, and reference for a business unit
    where = seg.composite(5)  # CTX05: element, component
    return ErrorContext(
        name=name[0] if name else "",
        reference=name[1] if len(name) > 1 else "",
        segment_id=seg[2],
        position=_number(seg[3]),
        loop_id=seg[4],
        element_position=_number(where[0]) if where else None,
        component=_number(where[1]) if len(where) > 1 else None,
        reference_number=seg[6],
    )


def _ack(segs: list[Seg]) -> FunctionalAck:
    header: dict = {"control_number": segs[0][2]}
    sets: list[_SetAck] = []
    current: _SetAck | None = None
    ak9 = segs[-1]
    for seg in segs[1:]:
        sid = seg.id
        if sid == "AK1":
            header.update(functional_id=seg[1], group_control_number=seg[2], version=seg[3])
        elif sid == "AK2":
            current = _SetAck(seg)
            sets.append(current)
        elif sid == "IK3" and current is not None:
            current.errors.append(_SegmentError(seg))
        elif sid == "IK4" and current is not None and current.errors:
            current.errors[-1].elements.append(_element_error(seg))
        elif sid == "CTX" and current is not None and current.errors:
            current.errors[-1].add_context(_context(seg))
        elif sid == "IK5" and current is not None:
            current.status_code = seg[1]
            current.error_codes = _codes(seg, ERROR_CODE_ELEMENTS)
        elif sid == "AK9":
            ak9 = seg
            header.update(
                status_code=seg[1],
                sets_included=_int(seg, 2),
                sets_received=_int(seg, 3),
                sets_accepted=_int(seg, 4),
                group_error_codes=_codes(seg, GROUP_ERROR_ELEMENTS),
            )
    built = tuple(s.build() for s in sets)
    header.setdefault("functional_id", "")
    header.setdefault("group_control_number", "")
    header.setdefault("version", "")
    for key in ("sets_included", "sets_received", "sets_accepted"):
        header.setdefault(key, 0)
    header.setdefault("status_code", "")
    header.setdefault("group_error_codes", ())
    return FunctionalAck(transaction_sets=built, violations=_balance(ak9, header, built), **header)


def _balance(ak9: Seg, header: dict, sets: tuple[TransactionSetAck, ...]):
    """AK9's counts and verdict must agree with the AK2 loops."""
    violations: list[BalanceViolation] = []
    received, accepted = header["sets_received"], header["sets_accepted"]
    if len(sets) == received:
        _reading.check(
            violations,
            "accepted_count",
            ak9,
            Decimal(sum(s.accepted for s in sets)),
            Decimal(accepted),
            "AK904 accepted count does not match the accepted AK2 loops",
        )
    status = header["status_code"]
    consistent = {
        "A": accepted == received,
        "E": accepted == received,
        "P": 0 < accepted < received,
        "R": accepted == 0,
    }.get(status, True)
    if not consistent:
        violations.append(
            BalanceViolation(
                "group_status",
                ak9.id,
                ak9.position,
                Decimal(received),
                Decimal(accepted),
                f"AK901 '{status}' does not fit {accepted} of {received} sets accepted",
            )
        )
    return tuple(violations)
