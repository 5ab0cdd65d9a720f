"""Thin adapter over pyx12: the only module that talks to it.

pyx12 tokenizes the file (``X12Reader``) and validates it against the implementation
guide maps (``x12n_document``). This module turns pyx12's segments into light
:class:`Seg` views and pyx12's error tree into :class:`X12Issue` objects that name the
segment and its position, and refuses files of the wrong transaction type.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyx12.codes
import pyx12.errors
import pyx12.map_if
import pyx12.params
import pyx12.x12file
import pyx12.x12n_document

from .errors import X12Issue, X12ParseError

_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
# pyx12 files the envelope errors of its reader under the loop's header, at the
# trailer's line once the loop is closed; we name the segment each arose at. By pyx12
# error code, for each header: (its trailer, codes raised at the header itself (a
# repeated control number), codes of a trailer missing at the end of the file). Every
# other code (a count or control number that does not match) arises at the trailer.
_ENVELOPE_ERRORS = {
    "ISA": ("IEA", {"025"}, {"023"}),
    "GS": ("GE", {"6"}, set()),
    "ST": ("SE", {"23"}, {"2"}),
}
_BYTE_ORDER_MARK = "\ufeff"
_UTF8_BYTE_ORDER_MARK = _BYTE_ORDER_MARK.encode()


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


@functools.cache
def _external_code_lists() -> str:
    """The names of every external code list pyx12 checks, comma-separated."""
    return ",".join(name for name, _label in pyx12.codes.list_external_codesets())


def _params() -> pyx12.params.params:
    params = pyx12.params.params()
    # External code lists (remark, claim status, state codes...) change faster than
    # pyx12's copy: a newer code must not refuse a file. pyx12 reads "" as "exclude
    # nothing"; it wants the names of the lists to skip.
    params.set("exclude_external_codes", _external_code_lists())
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


class _Envelopes:
    """The ISA, GS and ST loops of a file, each header with the trailer that closed it."""

    def __init__(self, segs: list[Seg]):
        self.loops: dict[str, list[list]] = {header: [] for header in _ENVELOPE_ERRORS}
        closes = {trailer: header for header, (trailer, *_codes) in _ENVELOPE_ERRORS.items()}
        for seg in segs:
            if seg.id in self.loops:
                self.loops[seg.id].append([seg, None])
            elif seg.id in closes and self.loops[closes[seg.id]]:
                last = self.loops[closes[seg.id]][-1]
                if last[1] is None:
                    last[1] = seg

    def faulty(self, kind: str, code: str, line: int) -> tuple[str, int]:
        """Segment id and position where envelope error ``code`` of the ``kind`` loop
        that pyx12 reports at ``line`` (the header's or the trailer's) arose."""
        _trailer, at_header, missing = _ENVELOPE_ERRORS[kind]
        header, trailer = next(
            (loop for loop in self.loops[kind] if line in (loop[0].position, _line(loop[1]))),
            (None, None),
        )
        if code in missing:
            header = self.last_open(kind) or header
        elif code not in at_header and trailer is not None:
            header = trailer
        return (header.id, header.position) if header else (kind, line)

    def last_open(self, kind: str) -> Seg | None:
        """The last ``kind`` header that no trailer closed, which a trailer missing at the
        end of the file should have closed."""
        open_headers = [header for header, trailer in self.loops[kind] if trailer is None]
        return open_headers[-1] if open_headers else None


def _line(seg: Seg | None) -> int | None:
    return seg.position if seg else None


class _RepeatCounts:
    """Repeats of the segments pyx12 miscounts, counted again by node.

    pyx12 counts repeats by map path, and the 999's IK3 loop has two CTX nodes on one
    path (segment context, at most 9; business unit, at most 1): the guide's own
    example, one of each, "exceeds" the business unit's maximum. And pyx12 takes each
    repeat of the first segment of a wrapper loop (a table of the guide, not an X12
    loop) for a new instance of that loop: the 835's footer holds its PLB segments
    (any number), yet a second PLB "exceeds" the footer's one instance.
    """

    def __init__(self) -> None:
        # by id: pyx12 nodes compare equal by id and parent (both CTX are "equal");
        # each entry keeps its node, so that no other node reuses the id.
        self._nodes: dict[int, tuple[object, bool, bool, bool]] = {}
        self._loop_starts: dict[int, int] = {}
        self._counts: dict[tuple[int, int], int] = {}
        # (position, pyx12 error code: 5 segment or 4 loop repeated too often) -> the
        # right message for pyx12's count error there ("": no error)
        self.verdicts: dict[tuple[int, str], str] = {}

    def see(self, node, position: int) -> None:
        info = self._nodes.get(id(node))
        if info is None:
            info = self._nodes[id(node)] = (node, *_node_info(node))
        _node, starts_loop, shared, opens_wrapper = info
        if opens_wrapper:  # counted in the loop around the wrapper, which it does not restart
            self._count(node, position, "4", node.parent.parent)
        elif starts_loop:
            self._loop_starts[id(node.parent)] = position
        if shared:
            self._count(node, position, "5", node.parent)

    def _count(self, node, position: int, code: str, loop) -> None:
        instance = (id(node), self._loop_starts.get(id(loop), 0))
        count = self._counts[instance] = self._counts.get(instance, 0) + 1
        limit = node.get_max_repeat()
        self.verdicts[position, code] = (
            ""
            if count <= limit
            else f"{node.name} segment {node.id} repeated {count} times in its loop "
            f"(at most {limit} allowed)"
        )

    def fix(self, position: int, err: dict) -> str | None:
        """The message of pyx12 error ``err`` at ``position``; None when it is wrong."""
        verdict = self.verdicts.get((position, err["err_cde"]))
        if verdict is None:
            return err["err_str"]
        return verdict or None


def _node_info(node) -> tuple[bool, bool, bool]:
    """(starts its loop, shares its path with a sibling, starts a wrapper loop and may
    repeat) for a pyx12 map node."""
    if not isinstance(node, pyx12.map_if.segment_if):
        return False, False, False
    siblings = getattr(node.parent, "pos_map", {}).values()
    path = node.get_path()
    shared = any(
        other is not node
        and isinstance(other, pyx12.map_if.segment_if)
        and other.get_path() == path
        for nodes in siblings
        for other in nodes
    )
    starts_loop = node.is_first_seg_in_loop()
    opens_wrapper = starts_loop and node.parent.type == "wrapper" and node.get_max_repeat() > 1
    return starts_loop, shared, opens_wrapper


def _envelope_issues(
    kind: str, node: dict, envelopes: Callable[[], _Envelopes]
) -> Iterator[X12Issue]:
    line = node.get("cur_line") or 0
    for err in node.get("errors", []):
        seg_id, position = envelopes().faulty(kind, err["err_cde"], line)
        yield X12Issue(seg_id, position, err["err_str"], err["err_cde"])


def _segment_issues(seg: dict, repeats: _RepeatCounts) -> Iterator[X12Issue]:
    where = dict(
        segment_id=seg["seg_id"] or "?",
        position=seg.get("cur_line") or 0,
        set_position=seg.get("seg_count"),
    )
    for err in seg.get("errors", []):
        message = repeats.fix(where["position"], err)
        if message is not None:
            yield X12Issue(message=message, code=err["err_cde"], **where)
    for ele in seg.get("elements", []):
        ref = f"{seg['seg_id']}{int(ele['ele_pos']):02d}"
        if ele.get("subele_pos"):
            ref += f"-{int(ele['subele_pos'])}"
        for err in ele.get("errors", []):
            message = err["err_str"]
            if err.get("err_val"):
                message += f" (value '{err['err_val']}')"
            yield X12Issue(message=message, code=err["err_cde"], element=ref, **where)


def _issues_from_error_tree(doc: dict, segs: list[Seg], repeats: _RepeatCounts) -> list[X12Issue]:
    """Flatten pyx12's JSON error tree (errh_json) into positioned issues.

    ``segs`` holds at least the file's envelope segments, to name the one each
    envelope error arose at; ``repeats`` corrects pyx12's repeat counts.
    """
    envelopes = functools.cache(lambda: _Envelopes(segs))  # built on the first error only
    issues: list[X12Issue] = []
    for isa in doc.get("interchanges", []):
        issues += _envelope_issues("ISA", isa, envelopes)
        for group in isa.get("groups", []):
            issues += _envelope_issues("GS", group, envelopes)
            for tset in group.get("transactions", []):
                issues += _envelope_issues("ST", tset, envelopes)
                for seg in tset.get("segments", []):
                    issues += _segment_issues(seg, repeats)
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


def _validate(text: str, segs: list[Seg], on_segment: Callable | None = None) -> list[X12Issue]:
    """pyx12's validation of ``text``; ``segs`` must hold its envelope segments by the
    end of the run (``on_segment`` may be what fills it)."""
    errors_json = io.StringIO()
    repeats = _RepeatCounts()

    def callback(seg, src, node, valid) -> None:
        if on_segment is not None:
            on_segment(seg, src, node, valid)
        repeats.see(node, src.get_cur_line())

    try:
        with _quiet_pyx12():
            pyx12.x12n_document.x12n_document(
                _params(), io.StringIO(text), None, None, fd_json=errors_json, callback=callback
            )
    except pyx12.errors.EngineError as exc:
        return [X12Issue("GS", 2, f"pyx12 has no map for this file: {exc}")]
    raw = errors_json.getvalue()
    return _issues_from_error_tree(json.loads(raw), segs, repeats) if raw else []


def validate(text: str | bytes) -> list[X12Issue]:
    """Validate ``text`` against its implementation guide with pyx12; [] when clean."""
    text = _as_text(text)
    reader = _reader(text)
    last: Seg | None = None
    envelope: list[Seg] = []
    for seg in reader:
        last = Seg(seg.get_seg_id() or "", (), reader.get_cur_line(), None)
        if last.id in _ENVELOPE:
            envelope.append(last)
    return _validate(text, envelope) + _check_tail(text, reader, last)


def _as_text(data: str | bytes) -> str:
    """``data`` as text, without the byte-order mark and blank lines before the ISA
    that clearinghouse downloads often carry."""
    if isinstance(data, bytes):
        skipped = len(_UTF8_BYTE_ORDER_MARK) if data.startswith(_UTF8_BYTE_ORDER_MARK) else 0
        try:
            data = data[skipped:].decode("ascii")
        except UnicodeDecodeError as exc:
            byte, offset = exc.object[exc.start], skipped + exc.start  # offset in the file
            raise X12ParseError(
                [X12Issue("?", 1, f"not ASCII text: byte {byte:#x} at offset {offset}")]
            ) from None
    return data.removeprefix(_BYTE_ORDER_MARK).lstrip()


def read_segments(data: str | bytes, expected: TransactionType, validate: bool = True) -> list[Seg]:
    """All segments of ``data``, or :class:`X12ParseError` listing every problem.

    With ``validate`` the file is checked against the implementation guide by pyx12 in
    the same pass; without it only pyx12's envelope checks (control numbers, segment
    and group counts, HL numbering, missing trailers) run.
    """
    text = _as_text(data)
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

        issues = _validate(text, segs, collect)  # collect fills segs first
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
        issues += _missing_trailer_issues(tail_reader.pop_errors(), segs)
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


def _missing_trailer_issues(errors, segs: list[Seg]) -> list[X12Issue]:
    """Trailers pyx12's reader found missing at the end, named at the header left open."""
    if not errors:
        return []
    envelopes = _Envelopes(segs)
    issues = []
    for kind, code, message, _value, _line in errors:
        kind = kind.upper()
        seg = envelopes.last_open(kind) if kind in _ENVELOPE_ERRORS else None
        seg = seg or (segs[-1] if segs else None)
        issues.append(X12Issue(seg.id if seg else "?", seg.position if seg else 0, message, code))
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
