"""What an import takes away, said before anything changes, and held when it is too much.

Every importer records its effect on `Report.impact` (what → removed, changed, held before)
in the words a person uses ("students", "weeks of usage"), never table or model names:

- a OneRoster bundle counts, in SQL over its staging tables and before its merge, what it
  would remove and everything that removal takes with it (`oneroster.impact`);
- the other kinds run inside their transaction and are measured from their counts
  (`measure_counts`) before it commits.

`decide` compares the effect with the district's share (`District.import_hold_percent`,
5 % unless changed in Settings): above it, or when an import would remove every student,
teacher, class or enrollment the district has, the import is held (`ImportHeld` rolls it back)
until a person confirms it — the checkbox on the import page, `--allow-removals` on the
command line. A check (dry run) records the same reason and is never held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coachmap.roster.importers.report import ImportHeld, Report

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from coachmap.core.models import District

# Removing every one of these is never routine: always held, whatever the district's share.
EVERYTHING = ("students", "teachers", "classes", "enrollments")
# Said first; the rest "go with them".
PRIMARY = ("students", "teachers", "classes", "enrollments", "program flags", "published figures")
# The report's count names of the other importers → the words the effect uses.
WORDS = {
    "results": "assessment results",
    "assessments": "assessments",
    "student-weeks of usage": "weeks of usage",
    "students' program flags": "program flags",
    "published figures": "published figures",
}


def record(report: Report, what: str, *, removed: int = 0, changed: int = 0, existing: int = 0) -> None:
    if removed or changed:
        report.impact[what] = [removed, changed, existing]


def sentence(report: Report) -> str:
    """ "This bundle would remove 3,000 of 3,200 students and 4,680 enrollments; with them go
    130,000 assessment results and weeks of usage." — empty when nothing is removed or changed."""
    if not report.impact:
        return ""
    would = report.dry_run or bool(report.held)
    subject = "This bundle" if report.kind == "oneroster" else "This file"
    first = [w for w in report.impact if w in PRIMARY] or list(report.impact)[:1]
    rest = [w for w in report.impact if w not in first]

    def part(what: str, index: int) -> str:
        n, existing = report.impact[what][index], report.impact[what][2]
        return f"{n:,} of {existing:,} {what}" if existing else _count(n, what)

    removed = [part(w, 0) for w in first if report.impact[w][0]]
    gone_with = [_count(report.impact[w][0], w) for w in rest if report.impact[w][0]]
    changed = [part(w, 1) for w in report.impact if report.impact[w][1]]
    clauses = []
    if removed:
        text = f"{'would remove' if would else 'removed'} {_join(removed)}"
        if gone_with:
            text += f"; with them {'would go' if would else 'went'} {_join(gone_with)}"
        clauses.append(text)
    elif gone_with:
        clauses.append(f"{'would remove' if would else 'removed'} {_join(gone_with)}")
    if changed:
        clauses.append(f"{'would change' if would else 'changed'} {_join(changed)}")
    return f"{subject} {'; it '.join(clauses)}."


def hold_reason(report: Report, *, percent: int) -> str:
    """Why the effect needs a confirmation ("" when it does not)."""
    everything = [w for w, (r, _, e) in report.impact.items() if w in EVERYTHING and e and r >= e]
    over = [w for w, (r, c, e) in report.impact.items() if e and (r + c) * 100 > percent * e]
    if everything:
        return f"it would remove every one of the district's {_join(everything)}."
    if over:
        return f"it would remove or change more than {percent} % of the district's {_join(over)}."
    return ""


def decide(report: Report, *, percent: int, allowed: bool) -> None:
    """Hold the import (raise `ImportHeld`) when its effect needs a confirmation it lacks."""
    reason = hold_reason(report, percent=percent)
    if not reason:
        return
    if allowed:
        report.notes.append(f"Imported with a confirmation, although {reason}")
        return
    report.held = (
        f"{reason[0].upper()}{reason[1:]} Importing it needs a confirmation: tick the box that names "
        "what it removes (or, on the command line, add --allow-removals)."
    )
    if not report.dry_run:
        raise ImportHeld(report)


def measure_counts(report: Report, district: District) -> None:
    """The effect of a results, published, usage or flags import, from its counts (it has run,
    its transaction is still open): what it changed or removed of what the district held."""
    for name, counts in report.counts.items():
        if not (counts.removed or counts.changed):
            continue
        queryset = _existing(name, district)
        now = queryset.count() if queryset is not None else 0
        before = now - counts.added + counts.removed if queryset is not None else 0
        record(report, WORDS.get(name, name), removed=counts.removed, changed=counts.changed, existing=before)


def _existing(name: str, district: District) -> QuerySet | None:
    from coachmap.roster.models import Assessment, PublishedResult, Result, Student, UsageWeek

    querysets = {
        "results": Result.objects.filter(assessment__district=district),
        "assessments": Assessment.objects.filter(district=district),
        "student-weeks of usage": UsageWeek.objects.filter(district=district),
        "students' program flags": Student.objects.filter(district=district),
        "published figures": PublishedResult.objects.filter(district=district),
    }
    return querysets.get(name)


SINGULAR = {
    "students": "student",
    "teachers": "teacher",
    "classes": "class",
    "enrollments": "enrollment",
    "gradebook assignments": "gradebook assignment",
    "gradebook scores": "gradebook score",
    "assessment results": "assessment result",
    "assessments": "assessment",
    "weeks of usage": "week of usage",
    "published figures": "published figure",
}


def _count(n: int, what: str) -> str:
    return f"1 {SINGULAR.get(what, what)}" if n == 1 else f"{n:,} {what}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
