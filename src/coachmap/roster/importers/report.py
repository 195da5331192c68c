"""The import report: what an import read, what it would change or changed, and every problem.

Plain data (no ORM), kept as JSON on `ImportRun.report` and printed by the command. A problem
names the file, the row (as a spreadsheet numbers it: the header is row 1), the column, the
value and a plain reason; any problem rejects the whole import. Warnings do not.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_LISTED = 200  # problems and warnings kept in full; the rest are only counted
VALUE_CHARS = 80


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = f" (value “{self.value}”)" if self.value else ""
        return f"{where}{value}: {self.reason}"


@dataclass
class EntityCounts:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class Report:
    kind: str
    source: str
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    rejected_rows: int = 0
    warnings: list[Problem] = field(default_factory=list)
    warning_count: int = 0
    rows_read: dict[str, int] = field(default_factory=dict)
    counts: dict[str, EntityCounts] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    checked: dict[str, int] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # What the import takes away or overwrites, in people's words (see `effect`):
    # what → [removed, changed, held before the import]
    impact: dict[str, list[int]] = field(default_factory=dict)
    held: str = ""  # why the import waits for a confirmation; empty when it does not
    _last_bad_row: tuple[str, int | None] | None = field(default=None, repr=False, compare=False)

    # --- recording ------------------------------------------------------------------------------

    def problem(self, file: str, row: int | None, column: str, value: object, reason: str) -> None:
        self.problem_count += 1
        if (file, row) != self._last_bad_row:
            self.rejected_rows += 1
            self._last_bad_row = (file, row)
        if len(self.problems) < MAX_LISTED:
            self.problems.append(Problem(file, row, column, _short(value), reason))

    def warn(self, file: str, row: int | None, column: str, value: object, reason: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(Problem(file, row, column, _short(value), reason))

    def entity(self, name: str) -> EntityCounts:
        return self.counts.setdefault(name, EntityCounts())

    def drop(self, what: str, n: int = 1) -> None:
        self.dropped[what] = self.dropped.get(what, 0) + n

    def snapshot(self) -> dict[str, Any]:
        """Everything recorded so far, to `restore` when a step is rolled back and run again."""
        return copy.deepcopy(self.__dict__)

    def restore(self, snapshot: dict[str, Any]) -> None:
        self.__dict__.clear()
        self.__dict__.update(copy.deepcopy(snapshot))

    # --- reading --------------------------------------------------------------------------------

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for counts in self.counts.values():
            total.update(asdict(counts))
        return {
            "added": total["added"],
            "changed": total["changed"],
            "removed": total["removed"],
            "rejected": self.rejected_rows,
            "unchanged": total["unchanged"],
            "skipped": total["skipped"],
        }

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_last_bad_row", None)
        data["ok"] = self.ok
        data["totals"] = self.totals()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        report = cls(
            kind=data.get("kind", ""), source=data.get("source", ""), dry_run=data.get("dry_run", False)
        )
        report.problems = [Problem(**p) for p in data.get("problems", [])]
        report.warnings = [Problem(**p) for p in data.get("warnings", [])]
        report.problem_count = data.get("problem_count", len(report.problems))
        report.warning_count = data.get("warning_count", len(report.warnings))
        report.rejected_rows = data.get("rejected_rows", 0)
        report.rows_read = dict(data.get("rows_read", {}))
        report.counts = {k: EntityCounts(**v) for k, v in data.get("counts", {}).items()}
        report.dropped = dict(data.get("dropped", {}))
        report.checked = dict(data.get("checked", {}))
        report.mapping = dict(data.get("mapping", {}))
        report.notes = list(data.get("notes", []))
        report.impact = {k: list(v) for k, v in data.get("impact", {}).items()}
        report.held = data.get("held", "")
        return report

    def effect(self) -> str:
        """What the import removes and changes, in one plain sentence (empty when nothing)."""
        from coachmap.roster.importers.effect import sentence

        return sentence(self)

    def summary(self) -> str:
        if self.held:
            return f"Not imported yet: {self.held} Nothing was changed."
        t = self.totals()
        verb = "would add" if self.dry_run else "added"
        if not self.ok:
            return (
                f"Rejected: {self.problem_count:,} problem{'s' if self.problem_count != 1 else ''} in "
                f"{t['rejected']:,} row{'s' if t['rejected'] != 1 else ''}; nothing was changed."
            )
        return (
            f"{verb} {t['added']:,}, changed {t['changed']:,}, removed {t['removed']:,}, "
            f"rejected {t['rejected']:,} (unchanged {t['unchanged']:,}, skipped {t['skipped']:,})."
        )


class ImportHeld(Exception):
    """Raised inside the import transaction when the import needs a confirmation it does not
    have (`report.held` says why): everything rolls back."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.held)
        self.report = report


class PreviewDone(Exception):
    """Raised by an importer whose check ends before anything is written (a OneRoster preview)."""


class ImportRejected(Exception):
    """Raised inside the import transaction when the report holds problems: everything rolls back."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.summary())
        self.report = report


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"
