"""Thin adapter over pyx12: the only module that talks to it.

pyx12 tokenizes the file (``X12Reader``) and validates it against the implementation
guide maps (``x12n_document``). This module turns pyx12's segments into light
:class:`Seg` views and pyx12's error tree into :class:`X12Issue` objects that name the
segment and its position, and refuses files of the wrong transaction type.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyx12.errors
import pyx12.params
import pyx12.x12file
import pyx12.x12n_document

from .errors import X12Issue, X12ParseError

_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
# pyx12 files trailer mismatches (counts, control numbers) under the header's node, at
# the trailer's position: name the trailer, which is where the user must look.
_TRAILER_ERRORS = {
    "ISA": ("IEA", {"001", "021"}),
    "GS": ("GE", {"4", "5"}),
    "ST": ("SE", {"3", "4"}),
}


@dataclass(frozen=True)
class TransactionType:
    """What a reader accepts: functional id (GS01), set id (ST01), guide (GS08)."""

    functional_id: str
    set_id: str
    versions: tuple[str, ...]
    label: str


class Seg:
    """One segment: its id, elements as tuples of components, and where it stands."""

    __slots__ = ("id", "elements", "position", "set_position")

    def __init__(self, seg_id: str, elements, position: int, set_position: int | None):
        self.id = seg_id
        self.elements = elements
        self.position = position
        self.set_position = set_position

    def __getitem__(self, index: int) -> str:
        """Element ``index`` (1-based, as in CLP01) as text; '' when absent."""
        if index > len(self.elements):
            return ""
        return self.elements[index - 1][0]

    def composite(self, index: int) -> tuple[str, ...]:
        """Element ``index`` split into its components; () when absent."""
        if index > len(self.elements) or self.elements[index - 1] == ("",):
            return ()
        return self.elements[index - 1]

    def issue(self, message: str, element: str = "") -> X12Issue:
        return X12Issue(self.id, self.position, message, "", element, self.set_position)

    def __repr__(self) -> str:
        return f"<Seg {self.id}@{self.position}>"


def _params() -> pyx12.params.params:
    params = pyx12.params.params()
    # Our readers must not trip over code lists that change faster than pyx12's copy.
    params.set("exclude_external_codes", "")
    return params


def _reader(text: str) -> pyx12.x12file.X12Reader:
    try:
        return pyx12.x12file.X12Reader(io.StringIO(text))
    except pyx12.errors.X12Error as exc:
        raise X12ParseError(
            [X12Issue(text[:3].strip() or "?", 1, f"not a readable X12 interchange: {exc}")]
        ) from None


def _to_seg(seg, position: int, set_position: int | None) -> Seg:
    elements = tuple(tuple(sub.value for sub in comp.elements) for comp in seg.elements)
    return Seg(seg.get_seg_id() or "", elements, position, set_position)


def _set_position(seg_id: str, seg_count: int) -> int | None:
    return None if seg_id in ("ISA", "IEA", "GS", "GE") else seg_count


def _check_tail(text: str, reader: pyx12.x12file.X12Reader, last: Seg | None) -> list[X12Issue]:
    """pyx12 silently drops bytes after the last terminator; a cut file ends there."""
    term = reader.seg_term or "~"
    tail = text[text.rfind(term) + 1 :].strip() if term in text else text.strip()
    if not tail:
        return []
    position = (last.position + 1) if last else 1
    seg_id = tail.split(reader.ele_term or "*", 1)[0][:3]
    return [X12Issue(seg_id, position, f"incomplete segment '{tail[:40]}' (no segment terminator)")]


def _check_type(segs: list[Seg], expected: TransactionType) -> list[X12Issue]:
    issues = []
    for seg in segs:
        if seg.id == "GS" and (seg[1] != expected.functional_id or seg[8] not in expected.versions):
            issues.append(
                seg.issue(
                    f"functional group {seg[1]} {seg[8]} is not {expected.label} "
                    f"(expected {expected.functional_id} {'/'.join(expected.versions)})"
                )
            )
        elif seg.id == "ST" and seg[1] != expected.set_id:
            issues.append(
                seg.issue(f"transaction set {seg[1]} is not {expected.label}", element="ST01")
            )
    return issues


def _missing_set(segs: list[Seg]) -> list[X12Issue]:
    if any(seg.id == "ST" for seg in segs):
        return []
    last = segs[-1] if segs else None
    where = (last.id, last.position) if last else ("ISA", 1)
    return [X12Issue(*where, "no transaction set (ST) in the file")]


def _peek_type(text: str, expected: TransactionType) -> None:
    """Refuse a wrong-type file before pyx12 picks a map for it."""
    reader = _reader(text)
    head: list[Seg] = []
    for seg in reader:
        head.append(_to_seg(seg, reader.get_cur_line(), None))
        if seg.get_seg_id() in ("ST", "IEA") or len(head) > 3:
            break
    issues = _check_type(head, expected)
    if issues:
        raise X12ParseError(issues, f"not {expected.label}")


def _issues_from_error_tree(doc: dict) -> list[X12Issue]:
    """Flatten pyx12's JSON error tree (errh_json) into positioned issues."""
    issues: list[X12Issue] = []

    def envelope(node: dict, seg_id: str) -> None:
        trailer, trailer_codes = _TRAILER_ERRORS[seg_id]
        for err in node.get("errors", []):
            where = trailer if err["err_cde"] in trailer_codes else seg_id
            issues.append(
                X12Issue(where, node.get("cur_line") or 0, err["err_str"], err["err_cde"])
            )

    for isa in doc.get("interchanges", []):
        envelope(isa, "ISA")
        for group in isa.get("groups", []):
            envelope(group, "GS")
            for tset in group.get("transactions", []):
                envelope(tset, "ST")
                for seg in tset.get("segments", []):
                    where = dict(
                        segment_id=seg["seg_id"] or "?",
                        position=seg.get("cur_line") or 0,
                        set_position=seg.get("seg_count"),
                    )
                    for err in seg.get("errors", []):
                        issues.append(
                            X12Issue(message=err["err_str"], code=err["err_cde"], **where)
                        )
                    for ele in seg.get("elements", []):
                        ref = f"{seg['seg_id']}{int(ele['ele_pos']):02d}"
                        if ele.get("subele_pos"):
                            ref += f"-{int(ele['subele_pos'])}"
                        for err in ele.get("errors", []):
                            message = err["err_str"]
                            if err.get("err_val"):
                                message += f" (value '{err['err_val']}')"
                            issues.append(
                                X12Issue(message=message, code=err["err_cde"], element=ref, **where)
                            )
    issues.sort(key=lambda issue: issue.position)
    return issues


@contextlib.contextmanager
def _quiet_pyx12():
    """pyx12 logs every validation error at ERROR level; we report them ourselves."""
    logger = logging.getLogger("pyx12")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _validate(text: str, on_segment: Callable | None = None) -> list[X12Issue]:
    errors_json = io.StringIO()
    try:
        with _quiet_pyx12():
            pyx12.x12n_document.x12n_document(
                _params(), io.StringIO(text), None, None, fd_json=errors_json, callback=on_segment
            )
    except pyx12.errors.EngineError as exc:
        return [X12Issue("GS", 2, f"pyx12 has no map for this file: {exc}")]
    raw = errors_json.getvalue()
    return _issues_from_error_tree(json.loads(raw)) if raw else []


def validate(text: str | bytes) -> list[X12Issue]:
    """Validate ``text`` against its implementation guide with pyx12; [] when clean."""
    text = _as_text(text)
    reader = _reader(text)
    last: Seg | None = None
    for seg in reader:
        last = Seg(seg.get_seg_id() or "", (), reader.get_cur_line(), None)
    return _validate(text) + _check_tail(text, reader, last)


def _as_text(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            return data.decode("ascii")
        except UnicodeDecodeError as exc:
            raise X12ParseError(
                [
                    X12Issue(
                        "?",
                        1,
                        f"not ASCII text: byte {exc.object[exc.start]:#x} at offset {exc.start}",
                    )
                ]
            ) from None
    return data


def read_segments(data: str | bytes, expected: TransactionType, validate: bool = True) -> list[Seg]:
    """All segments of ``data``, or :class:`X12ParseError` listing every problem.

    With ``validate`` the file is checked against the implementation guide by pyx12 in
    the same pass; without it only pyx12's envelope checks (control numbers, segment
    and group counts, HL numbering, missing trailers) run.
    """
    text = _as_text(data).lstrip()
    if not text.startswith("ISA"):
        raise X12ParseError(
            [X12Issue(text[:3] or "?", 1, "file does not start with an ISA segment")],
            "not an X12 interchange",
        )
    _peek_type(text, expected)
    segs: list[Seg] = []
    if validate:
        failures: list[Exception] = []

        def collect(seg, src, _node, _valid) -> None:
            # pyx12 swallows callback errors; keep them so no segment is silently lost.
            try:
                position = _set_position(seg.get_seg_id(), src.get_seg_count())
                segs.append(_to_seg(seg, src.get_cur_line(), position))
            except Exception as exc:  # re-raised below
                failures.append(exc)

        issues = _validate(text, collect)
        if failures:
            raise failures[0]
        tail_reader = _reader(text)
    else:
        tail_reader = _reader(text)
        issues = []
        for seg in tail_reader:
            seg_id = seg.get_seg_id()
            segs.append(
                _to_seg(
                    seg,
                    tail_reader.get_cur_line(),
                    _set_position(seg_id, tail_reader.get_seg_count()),
                )
            )
            issues += _reader_issues(tail_reader.pop_errors(), segs[-1])
        tail_reader.cleanup()
        issues += _reader_issues(tail_reader.pop_errors(), segs[-1] if segs else None)
    issues += _check_tail(text, tail_reader, segs[-1] if segs else None)
    issues += _missing_set(segs)
    if issues:
        raise X12ParseError(issues, f"{expected.label} file rejected")
    return segs


def _reader_issues(errors, seg: Seg | None) -> list[X12Issue]:
    """Envelope errors pyx12's reader found while reading up to ``seg``."""
    issues = []
    for _kind, code, message, _value, line in errors:
        position = line or (seg.position if seg else 0)
        issues.append(X12Issue(seg.id if seg else "?", position, message, code))
    return issues


def iter_transaction_sets(segs: list[Seg]) -> Iterator[list[Seg]]:
    """The segments of each ST..SE transaction set, envelopes excluded."""
    current: list[Seg] | None = None
    for seg in segs:
        if seg.id == "ST":
            current = [seg]
        elif seg.id == "SE":
            if current is not None:
                current.append(seg)
                yield current
            current = None
        elif current is not None:
            current.append(seg)


def group_headers(segs: list[Seg]) -> Iterator[tuple[Seg, list[Seg]]]:
    """Each GS with the segments of its functional group."""
    gs: Seg | None = None
    body: list[Seg] = []
    for seg in segs:
        if seg.id == "GS":
            gs, body = seg, []
        elif seg.id == "GE":
            if gs is not None:
                yield gs, body
            gs = None
        elif gs is not None:
            body.append(seg)


def is_envelope(seg: Seg) -> bool:
    return seg.id in _ENVELOPE
