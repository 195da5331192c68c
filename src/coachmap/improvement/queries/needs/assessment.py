"""The needs assessment of a scope: which sources exist, which period is shown, the subjects'
tables, whether the summaries are stale, and the needs in the principal's order.
"""

from __future__ import annotations

import datetime

from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import District, School
from coachmap.improvement.models import (
    DataSource,
    NeedNote,
    ResultCell,
    SummaryState,
)
from coachmap.improvement.needs import ranking
from coachmap.improvement.needs.ranking import Need
from coachmap.improvement.queries.needs.published import _from_published, _published_rows
from coachmap.improvement.queries.needs.scope import NeedsAssessment, Period, Scope
from coachmap.improvement.queries.needs.tallies import _from_results


def available_sources(scope: Scope) -> list[str]:
    sources = []
    if ResultCell.objects.filter(scope.cells(), district=scope.district).exists():
        sources.append(DataSource.RESULTS.value)
    if _published_rows(scope).exists():
        sources.append(DataSource.PUBLISHED.value)
    return sources


def parse_period(value: str | None) -> Period | None:
    """ "2026|state" → Period; anything else → None (the newest period is shown)."""
    year, _, window = (value or "").partition("|")
    # ASCII digits of a plausible year only: "²" is a digit to Python but no number to `int`.
    plausible = year.isascii() and year.isdigit() and len(year) == 4  # noqa: PLR2004
    return Period(int(year), window) if plausible and window else None


def needs_assessment(
    user: AnyUser, scope: Scope, *, source: str | None = None, period: Period | None = None
) -> NeedsAssessment:
    """The needs assessment the user may see for `scope`: suppressed unless they own the data."""
    allowed = access.schools_readable_by(user)
    if scope.school is not None:
        access.require(
            allowed.filter(pk=scope.school.pk).exists(), "This school's data are not part of your role."
        )
    else:
        access.require(
            access.owns_student_data(user, scope.district.pk), "The district's data are for its data owners."
        )
    reveal = access.owns_student_data(user, scope.district.pk)
    sources = available_sources(scope)
    chosen = source if source in sources else (sources[0] if sources else DataSource.RESULTS.value)
    read = _from_published if chosen == DataSource.PUBLISHED else _from_results
    shown, periods, subjects = read(scope, period, reveal)
    for s in subjects:
        s.needs = ranking.find_needs(s.subject, s.table, s.history)
    state = SummaryState.objects.filter(district=scope.district).first()
    return NeedsAssessment(
        scope,
        chosen,
        sources,
        shown,
        periods,
        subjects,
        scope.district.min_group_size,
        reveal,
        state.built_at if state else None,
        summaries_stale(scope.district, state.built_at if state else None),
    )


def summaries_stale(district: District, built_at: datetime.datetime | None) -> bool:
    """Has an import finished since the summaries were built? (Then the figures lag the data.)"""
    from coachmap.roster.models import ImportRun, ImportStatus

    imports = ImportRun.objects.filter(district=district, status=ImportStatus.DONE, dry_run=False)
    if built_at is not None:
        imports = imports.filter(finished_at__gt=built_at)
    return imports.exists()


def tables_audit(*, district: District) -> int:
    """Audit every school's needs tables as a principal reads them, so no page waits for an audit.
    Returns how many tables were read. Run after a summaries rebuild (imports, the demo, the command)."""
    read = 0
    for school in School.objects.filter(district=district).order_by("pk"):
        scope = Scope(district, school)
        # Published tables are not audited (the state published them): only student results are.
        if DataSource.RESULTS not in available_sources(scope):
            continue
        shown, periods, _ = _from_results(scope, None, False)
        read += shown is not None
        for period in periods:
            if period != shown:
                _from_results(scope, period, False)
                read += 1
    return read


def prioritised(school: School, assessment: NeedsAssessment) -> tuple[list[Need], dict[str, NeedNote]]:
    """The assessment's needs in the principal's order (their placed needs first), with their notes."""
    notes = {n.key: n for n in NeedNote.objects.filter(school=school)}
    needs = ranking.in_principal_order(
        [n for s in assessment.subjects for n in s.needs],
        {k: n.position for k, n in notes.items() if n.position is not None},
    )
    return needs, notes
