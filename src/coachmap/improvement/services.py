"""Writes to a school's improvement strategy: goals, the order of its needs, indicators and the technology map.

Each is the school principal's to make (the district admins read them); each runs in one
transaction and validates before it saves.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.core import access
from coachmap.core.models import District, School, User
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import (
    MAX_ACTIVE_GOALS,
    DataSource,
    DistrictGoal,
    GoalChange,
    GoalStatus,
    ImprovementGoal,
    Indicator,
    IndicatorKind,
    Measurement,
    Metric,
    NeedNote,
    Tool,
    ToolLink,
)
from coachmap.improvement.needs import ranking


def _require_principal(actor: User, school_id: int, what: str = "sets its goals") -> None:
    access.require(access.leads_school(actor, school_id), f"Only the school's principal {what}.")


def goal_set(
    *,
    actor: User,
    school: School,
    statement: str,
    subject: str,
    student_group: str,
    metric: str,
    baseline: float,
    target: float,
    target_date: datetime.date,
    grade: int | None = None,
    source: str = DataSource.RESULTS,
    window: str = "",
    baseline_date: datetime.date | None = None,
    need_key: str = "",
) -> ImprovementGoal:
    """A principal sets one of the school's one or two student-centered improvement goals."""
    _require_principal(actor, school.pk)
    with transaction.atomic():
        # Lock the school row so two principals' tabs cannot both add a third goal.
        School.objects.select_for_update().get(pk=school.pk)
        active = ImprovementGoal.objects.filter(school=school, status=GoalStatus.ACTIVE).count()
        if active >= MAX_ACTIVE_GOALS:
            raise ValidationError(
                f"{school} already has {MAX_ACTIVE_GOALS} active improvement goals. Focus wins: mark one as met "
                "or retire it before adding another."
            )
        goal = ImprovementGoal(
            school=school,
            statement=statement.strip(),
            subject=subject,
            student_group=student_group,
            grade=grade,
            metric=metric,
            source=source,
            window=window,
            baseline=baseline,
            baseline_date=baseline_date,
            target=target,
            target_date=target_date,
            need_key=need_key,
            created_by=actor,
        )
        goal.full_clean()
        if goal.metric == Metric.GAP and goal.target > goal.baseline:
            raise ValidationError(
                {"target": "A gap goal narrows the gap: the target must be below the baseline."}
            )
        if goal.metric != Metric.GAP and goal.target <= goal.baseline:
            raise ValidationError(
                {"target": "A goal moves students forward: the target must be above the baseline."}
            )
        if goal.target_date <= (baseline_date or timezone.localdate()):
            raise ValidationError({"target_date": "The target date must come after the baseline."})
        goal.save()
    return goal


def goal_status_change(*, actor: User, goal: ImprovementGoal, status: GoalStatus) -> ImprovementGoal:
    _require_principal(actor, goal.school_id, "changes its goals")
    with transaction.atomic():
        if status == GoalStatus.ACTIVE and goal.status != GoalStatus.ACTIVE:
            School.objects.select_for_update().get(pk=goal.school_id)
            if (
                ImprovementGoal.objects.filter(school_id=goal.school_id, status=GoalStatus.ACTIVE).count()
                >= MAX_ACTIVE_GOALS
            ):
                raise ValidationError(f"The school already has {MAX_ACTIVE_GOALS} active improvement goals.")
        goal.status = status
        goal.save(update_fields=["status"])
    return goal


# --- the principal's own order of the needs ----------------------------------------------------


def _check_key(key: str) -> None:
    try:
        ranking.parse_need_key(key)
    except ValueError as exc:
        raise ValidationError(f"“{key}” is not a need of this school.") from exc


def need_note_save(*, actor: User, school: School, key: str, note: str) -> NeedNote:
    """The principal's note on a need (an empty note clears it)."""
    _require_principal(actor, school.pk, "annotates its needs")
    _check_key(key)
    with transaction.atomic():
        need, _ = NeedNote.objects.select_for_update().get_or_create(school=school, key=key)
        need.note = note.strip()[:2000]
        need.updated_by = actor
        need.save()
    return need


def need_move(*, actor: User, school: School, order: list[str], key: str, step: int) -> list[str]:
    """Move one need up (step −1) or down (+1) in the list as the principal sees it, and keep that
    order: every need down to the moved one's new place gets its position."""
    _require_principal(actor, school.pk, "orders its needs")
    for k in order:
        _check_key(k)
    if key not in order:
        raise ValidationError("That need is no longer on the list; reload the page.")
    new_order = ranking.moved(order, key, step)
    placed = max(new_order.index(key), order.index(key)) + 1
    with transaction.atomic():
        for position, k in enumerate(new_order[:placed]):
            NeedNote.objects.update_or_create(
                school=school, key=k, defaults={"position": position, "updated_by": actor}
            )
    return new_order


def need_order_reset(*, actor: User, school: School) -> None:
    """Back to the suggested order (notes stay)."""
    _require_principal(actor, school.pk, "orders its needs")
    with transaction.atomic():
        NeedNote.objects.filter(school=school).update(position=None, updated_by=actor)
        NeedNote.objects.filter(school=school, note="").delete()


# --- indicators --------------------------------------------------------------------------------


def indicator_add(
    *,
    actor: User,
    goal: ImprovementGoal,
    kind: str,
    target: float,
    name: str = "",
    baseline: float | None = None,
    subject: str = "",
    student_group: str = "",
    unit: str = "",
    lower_is_better: bool | None = None,
) -> Indicator:
    """An indicator for a goal. A computed one starts from today's value when no baseline is given."""
    _require_principal(actor, goal.school_id, "sets its indicators")
    if kind not in IndicatorKind.values:
        raise ValidationError({"kind": f"“{kind}” is not a kind of indicator."})
    kind_enum = IndicatorKind(kind)
    if kind_enum is IndicatorKind.CUSTOM and not name.strip():
        raise ValidationError({"name": "Name a custom indicator: what will you measure?"})
    with transaction.atomic():
        indicator = Indicator(
            goal=goal,
            kind=kind,
            name=(name.strip() or kind_enum.label.split(":")[0])[:200],
            subject=subject if kind_enum.computed else "",
            student_group=student_group if kind_enum.computed else "",
            unit=unit.strip(),
            lower_is_better=kind_enum.lower_is_better if lower_is_better is None else lower_is_better,
            baseline=baseline,
            target=target,
            created_by=actor,
        )
        indicator.full_clean()
        indicator.save()
        if baseline is None and kind_enum.computed:
            from coachmap.improvement.queries.indicators import current_value

            indicator.baseline = current_value(actor, indicator)
            indicator.save(update_fields=["baseline"])
    return indicator


def measurement_add(
    *, actor: User, indicator: Indicator, measured_on: datetime.date, value: float, note: str = ""
) -> Measurement:
    """A value of a custom indicator, entered by hand."""
    _require_principal(actor, indicator.goal.school_id, "records its measurements")
    if indicator.kind != IndicatorKind.CUSTOM:
        raise ValidationError(
            "This indicator is computed from the imported data; only custom indicators take measurements."
        )
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": "A measurement cannot be dated in the future."})
    with transaction.atomic():
        measurement = Measurement(
            indicator=indicator, measured_on=measured_on, value=value, note=note.strip(), entered_by=actor
        )
        measurement.full_clean()
        measurement.save()
    return measurement


# --- the technology map ------------------------------------------------------------------------


def tool_add(
    *,
    actor: User,
    school: School,
    name: str,
    kind: str,
    vendor: str = "",
    grades: list[int] | None = None,
    subjects: list[str] | None = None,
    usage_name: str = "",
) -> Tool:
    _require_principal(actor, school.pk, "keeps its technology map")
    with transaction.atomic():
        if Tool.objects.filter(school=school, name__iexact=name.strip()).exists():
            raise ValidationError({"name": f"{name.strip()} is already on the map."})
        tool = Tool(
            school=school,
            name=name.strip(),
            kind=kind,
            vendor=vendor.strip(),
            grades=sorted(set(grades or [])),
            subjects=sorted(set(subjects or [])),
            usage_name=usage_name.strip(),
            created_by=actor,
        )
        tool.full_clean()
        tool.save()
    return tool


def tool_link_add(
    *, actor: User, tool: Tool, goal: ImprovementGoal, rationale: str, indicator: Indicator | None = None
) -> ToolLink:
    """Tie a tool to a goal (through one of its indicators when given), saying why."""
    _require_principal(actor, tool.school_id, "keeps its technology map")
    if goal.school_id != tool.school_id:
        raise ValidationError({"goal": "A tool can only serve its own school's goals."})
    if indicator is not None and indicator.goal_id != goal.pk:
        raise ValidationError({"indicator": "That indicator belongs to another goal."})
    if not rationale.strip():
        raise ValidationError(
            {"rationale": "Say why this tool should move the goal: the map is for the reasons."}
        )
    with transaction.atomic():
        if ToolLink.objects.filter(tool=tool, goal=goal, indicator=indicator).exists():
            raise ValidationError(f"{tool} is already linked there.")
        link = ToolLink(
            tool=tool, goal=goal, indicator=indicator, rationale=rationale.strip(), created_by=actor
        )
        link.full_clean()
        link.save()
    return link


def tool_link_remove(*, actor: User, link: ToolLink) -> None:
    _require_principal(actor, link.tool.school_id, "keeps its technology map")
    with transaction.atomic():
        link.delete()


# --- goals edited with their history; district-wide goals (issue 16, part 9) --------------------------


def _shown(value: object) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%B %-d, %Y}"
    return "" if value is None else str(value)


def _apply_changes(
    goal: ImprovementGoal | DistrictGoal, values: dict[str, object], labels: dict[str, str]
) -> list[dict[str, str]]:
    """Set the new values on the goal; the changes in words (label, before, after), for the history."""
    changes = []
    for name, value in values.items():
        before = getattr(goal, name)
        if before != value:
            display = getattr(goal, f"get_{name}_display", None)
            old = display() if display else _shown(before)
            setattr(goal, name, value)
            new = display() if display else _shown(value)
            changes.append({"field": labels[name], "before": old, "after": new})
    return changes


SCHOOL_GOAL_LABELS = {"statement": "Goal", "target": "Target", "target_date": "Target date"}


def goal_edit(
    *, actor: User, goal: ImprovementGoal, statement: str, target: float, target_date: datetime.date
) -> ImprovementGoal:
    """The principal rewords a school goal or moves its target; each change is kept with who and when."""
    _require_principal(actor, goal.school_id, "changes its goals")
    with transaction.atomic():
        goal = ImprovementGoal.objects.select_for_update().get(pk=goal.pk)
        changes = _apply_changes(
            goal,
            {"statement": statement.strip(), "target": target, "target_date": target_date},
            SCHOOL_GOAL_LABELS,
        )
        goal.full_clean(exclude=["created_by"])
        if goal.metric == Metric.GAP and goal.target > goal.baseline:
            raise ValidationError(
                {"target": "A gap goal narrows the gap: the target must be below the baseline."}
            )
        if goal.metric != Metric.GAP and goal.target <= goal.baseline:
            raise ValidationError(
                {"target": "A goal moves students forward: the target must be above the baseline."}
            )
        if goal.target_date <= goal.starts_on:
            raise ValidationError({"target_date": "The target date must come after the baseline."})
        if changes:
            goal.save(update_fields=list(SCHOOL_GOAL_LABELS))
            GoalChange.objects.create(school_goal=goal, changed_by=actor, changes=changes)
    return goal


DISTRICT_GOAL_LABELS = {
    "statement": "Goal",
    "subject": "Subject",
    "student_group": "Student group",
    "target_date": "Target date",
    "status": "Status",
}


def _require_district_goal_writer(actor: User, district_id: int) -> None:
    access.require(
        improvement_access.may_edit_district_goal(actor, district_id),
        "Only the district admin and the coaching program lead write district-wide goals.",
    )


def district_goal_set(
    *,
    actor: User,
    district: District,
    statement: str,
    subject: str,
    student_group: str,
    target_date: datetime.date,
    today: datetime.date | None = None,
) -> DistrictGoal:
    """The district admin or program lead writes a district-wide goal beside the schools' goals."""
    _require_district_goal_writer(actor, district.pk)
    if target_date <= (today or timezone.localdate()):
        raise ValidationError({"target_date": "The target date must be in the future."})
    with transaction.atomic():
        goal = DistrictGoal(
            district=district,
            statement=statement.strip(),
            subject=subject,
            student_group=student_group,
            target_date=target_date,
            created_by=actor,
        )
        goal.full_clean()
        goal.save()
    return goal


def district_goal_edit(
    *,
    actor: User,
    goal: DistrictGoal,
    statement: str,
    subject: str,
    student_group: str,
    target_date: datetime.date,
    status: str,
) -> DistrictGoal:
    """Change a district-wide goal; each change is kept with who and when, and shown on its page."""
    _require_district_goal_writer(actor, goal.district_id)
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Choose active, met or retired."})
    with transaction.atomic():
        goal = DistrictGoal.objects.select_for_update().get(pk=goal.pk)
        changes = _apply_changes(
            goal,
            {
                "statement": statement.strip(),
                "subject": subject,
                "student_group": student_group,
                "target_date": target_date,
                "status": status,
            },
            DISTRICT_GOAL_LABELS,
        )
        goal.full_clean(exclude=["created_by"])
        if changes:
            goal.save(update_fields=list(DISTRICT_GOAL_LABELS))
            GoalChange.objects.create(district_goal=goal, changed_by=actor, changes=changes)
    return goal
