"""Errors raised by the EDI layer.

Every problem found in an X12 file is an :class:`X12Issue` that names the segment and
its position, so a user can open the file and go straight to the bad spot.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class X12Issue:
    """One problem in an X12 file.

    ``position`` is the 1-based ordinal of the segment in the whole file (ISA is 1);
    ``set_position`` is its ordinal inside its transaction set (ST is 1) when known.
    """

    segment_id: str
    position: int
    message: str
    code: str = ""
    element: str = ""
    set_position: int | None = None

    def __str__(self) -> str:
        where = f"segment {self.segment_id or '?'} at position {self.position}"
        if self.set_position is not None:
            where += f" (segment {self.set_position} of its transaction set)"
        if self.element:
            where += f", element {self.element}"
        code = f" [{self.code}]" if self.code else ""
        return f"{where}: {self.message}{code}"


class EdiError(ValueError):
    """Base class of every error of the EDI layer."""


class X12Error(EdiError):
    """An X12 file that cannot be used; ``issues`` says what and where."""

    def __init__(self, issues: list[X12Issue] | tuple[X12Issue, ...], summary: str = ""):
        self.issues = tuple(issues)
        lines = [summary or f"{len(self.issues)} problem(s) in X12 file"]
        lines += [f"  - {issue}" for issue in self.issues[:20]]
        if len(self.issues) > 20:
            lines.append(f"  ... and {len(self.issues) - 20} more")
        super().__init__("\n".join(lines))


class X12ParseError(X12Error):
    """Truncated, corrupted, invalid or wrong-type file: nothing of it is returned."""


class X12BalanceError(X12Error):
    """The file reads fine but its amounts or counts do not add up (strict mode only)."""


class ClaimDataError(EdiError):
    """The claim data given to the 837P writer cannot make a valid claim."""
