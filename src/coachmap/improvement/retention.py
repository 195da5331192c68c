"""Retention: students' results, tool usage and gradebook scores from school years older than the
district keeps (District.retention_years) are deleted; the summary tables keep their figures for
those years, so the dashboards still show them — only for groups of the minimum size, as always.

A check comes first and says what would go (`coachmap purge-student-data`, without --confirm);
the deletion is one transaction that first brings the summaries up to date from the raw data,
then deletes, then records the day before which nothing student-level is left
(District.student_data_kept_from), so every later rebuild leaves those years' figures alone.
Audited, with the counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, User
from coachmap.core.schoolyear import school_year_bounds, school_year_of
from coachmap.improvement.outcome_rows import outcome_students_forget
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Result, Score, UsageWeek


@dataclass(frozen=True)
class PurgePlan:
    district: District
    years: int
    keep_from: datetime.date
    results: int
    usage_weeks: int
    scores: int

    @property
    def rows(self) -> int:
        return self.results + self.usage_weeks + self.scores

    def words(self) -> str:
        first_kept = school_year_of(self.keep_from)
        kept = f"the {self.years} school year{'s' if self.years != 1 else ''} from {first_kept - 1}–{first_kept % 100:02d} on"
        if not self.rows:
            return f"Nothing to delete: {self.district.name} holds no student data from before {kept}."
        return (
            f"Deletes {self.results:,} test results, {self.usage_weeks:,} weeks of tool usage and "
            f"{self.scores:,} gradebook scores from before {self.keep_from:%B %-d, %Y}, keeping {kept}. "
            "The dashboards keep their figures for the older years."
        )


def first_kept_day(district: District, today: datetime.date | None = None) -> datetime.date:
    """The first day of the oldest school year kept: the current year counts as one."""
    if not district.retention_years:
        raise ValidationError(
            {
                "retention_years": "Set how many school years to keep (District → Settings) before deleting anything."
            }
        )
    today = today or timezone.localdate()
    return school_year_bounds(school_year_of(today) - district.retention_years + 1)[0]


def _old_results(district: District, keep_from: datetime.date) -> QuerySet[Result]:
    return Result.objects.filter(
        assessment__district=district, assessment__school_year__lt=school_year_of(keep_from)
    )


def _old_usage(district: District, keep_from: datetime.date) -> QuerySet[UsageWeek]:
    return UsageWeek.objects.filter(district=district, week__lt=keep_from)


def _old_scores(district: District, keep_from: datetime.date) -> QuerySet[Score]:
    return Score.objects.filter(line_item__klass__school__district=district).filter(
        Q(line_item__due_date__lt=keep_from) | Q(line_item__due_date__isnull=True, score_date__lt=keep_from)
    )


def purge_plan(district: District, today: datetime.date | None = None) -> PurgePlan:
    keep_from = first_kept_day(district, today)
    return PurgePlan(
        district=district,
        years=int(district.retention_years or 0),
        keep_from=keep_from,
        results=_old_results(district, keep_from).count(),
        usage_weeks=_old_usage(district, keep_from).count(),
        scores=_old_scores(district, keep_from).count(),
    )


def _delete(queryset: QuerySet[Result] | QuerySet[UsageWeek] | QuerySet[Score]) -> None:
    """One DELETE … WHERE id IN (SELECT …): no rows brought into Python, no per-row signals."""
    model = queryset.model
    ids_sql, params = queryset.values("id").query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({ids_sql})", params)  # noqa: S608 - model metadata and Django's own SQL


def student_data_purge(
    *, actor: User | None, district: District, today: datetime.date | None = None, dry_run: bool = True
) -> PurgePlan:
    """Say what the retention setting deletes (`dry_run`), or delete it. `actor` is None for the
    operator's command line."""
    if actor is not None:
        access.require(
            access.may_change_district(actor, district.pk),
            "Only a district admin can delete old student data.",
        )
    plan = purge_plan(district, today)
    if dry_run or not plan.rows:
        return plan
    with transaction.atomic():
        District.objects.select_for_update().filter(pk=district.pk).exists()
        summaries_rebuild(district=district)  # the figures from every raw row, before any goes
        for queryset in (
            _old_results(district, plan.keep_from),
            _old_usage(district, plan.keep_from),
            _old_scores(district, plan.keep_from),
        ):
            _delete(queryset)
        # The students of each impact outcome are student-level data: those of deleted years go.
        outcome_students_forget(district=district, before_year=school_year_of(plan.keep_from))
        kept_from = district.student_data_kept_from
        district.student_data_kept_from = max(kept_from, plan.keep_from) if kept_from else plan.keep_from
        district.save(update_fields=["student_data_kept_from"])
        audit_record(
            actor=actor,
            action=AuditAction.DATA_PURGE,
            obj=district,
            district=district,
            kept_from=plan.keep_from.isoformat(),
            results=plan.results,
            usage_weeks=plan.usage_weeks,
            scores=plan.scores,
        )
    return plan
