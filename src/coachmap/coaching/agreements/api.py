"""Partnership agreements and principal–coach check-ins through the API (issue 20): read, write,
revise and acknowledge agreements; schedule check-ins and record their notes; with the pages'
forms, checks and services (`agreements.services`). A check-in's notes are for its coach, the
school's principal and the program lead only, as on its page."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from coachmap.coaching import access as coaching_access
from coachmap.coaching.agreements import forms, services
from coachmap.coaching.agreements.figures import FIGURES, school_figures
from coachmap.coaching.models import PartnershipAgreement, PrincipalCheckIn, ScheduleSetter
from coachmap.core import access
from coachmap.core.forms import form_cleaned
from coachmap.core.inputs import Id, Pages
from coachmap.core.models import Coach, Role, School
from coachmap.core.schoolyear import school_year_of

router = Router(tags=["agreements"])


class AgreementOut(Schema):
    id: int
    coach: str
    school_id: int
    school: str
    school_year: int
    who_is_coached: str
    schedule_set_by: str
    success_looks_like: str
    principal_will_ask: str
    principal_will_not_ask: str
    data_collected: str
    coach_acknowledged_at: datetime.datetime | None
    principal_acknowledged_at: datetime.datetime | None

    @staticmethod
    def resolve_coach(obj: PartnershipAgreement) -> str:
        return str(obj.coach)

    @staticmethod
    def resolve_school(obj: PartnershipAgreement) -> str:
        return obj.school.name


@router.get("/agreements", response=list[AgreementOut])
@paginate(Pages, page_size=50)
def agreements(
    request: HttpRequest, school_id: Id | None = None, school_year: int | None = None
) -> QuerySet[PartnershipAgreement]:
    """The agreements the user may read (the parties, the school's teachers, the lead, the district)."""
    rows = coaching_access.agreements_visible_to(request.user).select_related("coach__user", "school")
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    if school_year is not None:
        rows = rows.filter(school_year=school_year)
    return rows.order_by("-school_year", "school__name", "id")


@router.get("/agreements/{agreement_id}", response=AgreementOut)
def agreement(request: HttpRequest, agreement_id: Id) -> PartnershipAgreement:
    return access.fetch(coaching_access.agreements_visible_to, request.user, pk=agreement_id)


@router.post("/agreements/{agreement_id}/acknowledge", response=AgreementOut)
def agreement_acknowledge(request: HttpRequest, agreement_id: Id) -> PartnershipAgreement:
    """The coach or the principal acknowledges the agreement (both put it in force)."""
    access.require(
        access.may_open(request.user, "coaching:agreement-acknowledge"),
        "Only the coach and the school's principal acknowledge it.",
    )
    found = access.fetch(coaching_access.agreements_visible_to, request.user, pk=agreement_id)
    return services.agreement_acknowledge(actor=request.user, agreement=found)  # type: ignore[arg-type]


# --- writing and revising an agreement ------------------------------------------------------------


class AgreementIn(Schema):
    """The agreement's words, as on its form."""

    model_config = ConfigDict(extra="forbid")

    who_is_coached: str = Field(max_length=5000)
    schedule_set_by: ScheduleSetter
    success_looks_like: str = Field(max_length=5000)
    principal_will_ask: str = Field(max_length=5000)
    principal_will_not_ask: str = Field(max_length=5000)
    data_collected: str = Field("", max_length=5000)


class AgreementNewIn(AgreementIn):
    school_id: Id | None = Field(None, description="A coach names one of their schools.")
    coach_id: Id | None = Field(None, description="A principal names one of their school's coaches.")


def _party(request: HttpRequest) -> tuple[Coach | None, dict[str, Any]]:
    """The coach writing (who picks a school), or the principal (who picks a coach): the page's choices."""
    user = request.user
    coach = getattr(user, "coach", None) if access.has_role(user, Role.COACH) else None
    if coach is not None:
        return coach, {"schools": coach.schools.all()}
    coaches = (
        access.coaches_visible_to(user)
        .filter(schools__id__in=access.school_ids(user, Role.PRINCIPAL))
        .distinct()
    )
    return None, {"coaches": coaches}


def _chosen(request: HttpRequest, data: Any) -> tuple[Coach, School]:
    """The coach and school of a new agreement or check-in, as the page's form chooses them."""
    user = request.user
    coach, choices = _party(request)
    if coach is not None:
        if data.school_id is None:
            raise ValidationError({"school_id": "Choose one of your schools."})
        school = access.fetch(lambda u: choices["schools"], user, pk=data.school_id)
        return coach, school
    if data.coach_id is None:
        raise ValidationError({"coach_id": "Choose one of your school's coaches."})
    party = access.fetch(lambda u: choices["coaches"], user, pk=data.coach_id)
    school = party.schools.filter(pk__in=access.school_ids(user, Role.PRINCIPAL)).first()
    assert school is not None  # noqa: S101 - the coaches offered serve one of the principal's schools
    return party, school


def _agreement_words(data: AgreementIn) -> dict[str, Any]:
    form = forms.AgreementForm(data.model_dump(include=set(AgreementIn.model_fields)))
    return form_cleaned(form)


@router.post("/agreements", response={201: AgreementOut})
def agreement_create(request: HttpRequest, data: AgreementNewIn) -> Status:
    """The coach (naming a school) or the school's principal (naming a coach) writes this school
    year's agreement; writing it again revises it. Both acknowledge it to put it in force."""
    access.require(
        access.may_open(request.user, "coaching:agreement-new"),
        "Only a coach and a school's principal write agreements.",
    )
    coach, school = _chosen(request, data)
    words = _agreement_words(data)
    agreement = services.agreement_write(
        actor=request.user,  # type: ignore[arg-type]
        coach=coach,
        school=school,
        school_year=school_year_of(timezone.localdate()),
        **words,
    )
    return Status(201, agreement)


@router.post("/agreements/{agreement_id}", response=AgreementOut)
def agreement_update(request: HttpRequest, agreement_id: Id, data: AgreementIn) -> PartnershipAgreement:
    """Revise the agreement (its two parties); a change asks both to acknowledge it again."""
    access.require(
        access.may_open(request.user, "coaching:agreement-edit"),
        "Only the coach and principal change it.",
    )
    found = access.fetch(coaching_access.agreements_visible_to, request.user, pk=agreement_id)
    access.require(
        coaching_access.may_change_agreement(request.user, found), "Only the coach and principal change it."
    )
    return services.agreement_write(
        actor=request.user,  # type: ignore[arg-type]
        coach=found.coach,
        school=found.school,
        school_year=found.school_year,
        **_agreement_words(data),
    )


# --- principal–coach check-ins (issue 16) ---------------------------------------------------------


class FigureOut(Schema):
    label: str
    value: str


class CheckInOut(Schema):
    id: int
    coach: str
    school_id: int
    school: str
    date: datetime.date
    figure_keys: list[str]
    held_at: datetime.datetime | None

    @staticmethod
    def resolve_coach(obj: PrincipalCheckIn | dict[str, Any]) -> str:
        return str(obj["coach"] if isinstance(obj, dict) else obj.coach)

    @staticmethod
    def resolve_school(obj: PrincipalCheckIn | dict[str, Any]) -> str:
        return str(obj["school"] if isinstance(obj, dict) else obj.school.name)


class CheckInDetailOut(CheckInOut):
    notes: str = Field(description="For the coach, the school's principal and the program lead only.")
    figures: list[FigureOut] = Field(
        description="The chosen school figures: as recorded with the notes, or as they stand today."
    )


class CheckInIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school_id: Id | None = Field(None, description="A coach names one of their schools.")
    coach_id: Id | None = Field(None, description="A principal names one of their school's coaches.")
    date: datetime.date
    figure_keys: list[str] = Field(description=f"One or more of: {', '.join(FIGURES)}")


class CheckInNotesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    notes: str = Field(max_length=20000)


def _checkin_detail(checkin: PrincipalCheckIn) -> dict[str, Any]:
    figures = checkin.figures or school_figures(
        checkin.coach, checkin.school, checkin.figure_keys, timezone.localdate()
    )
    return {
        "id": checkin.pk,
        "coach": str(checkin.coach),
        "school_id": checkin.school_id,
        "school": checkin.school.name,
        "date": checkin.date,
        "figure_keys": checkin.figure_keys,
        "held_at": checkin.held_at,
        "notes": checkin.notes,
        "figures": figures,
    }


@router.get("/principal-checkins", response=list[CheckInOut])
@paginate(Pages, page_size=50)
def principal_checkins(
    request: HttpRequest, school_id: Id | None = None, held: bool | None = None
) -> QuerySet[PrincipalCheckIn]:
    """The check-ins the person takes part in (the coach, the principal) or oversees (the lead),
    newest first; without their notes (read one check-in for those)."""
    access.require(
        access.may_open(request.user, "coaching:principal-checkins"),
        "Check-ins are for the coach, the principal and the program lead.",
    )
    rows = (
        coaching_access.principal_checkins_visible_to(request.user)
        .select_related("coach__user", "school")
        .defer("notes", "figures")
    )
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    if held is not None:
        rows = rows.filter(held_at__isnull=not held)
    return rows.order_by("-date", "-id")


@router.get("/principal-checkins/{checkin_id}", response=CheckInDetailOut)
def principal_checkin(request: HttpRequest, checkin_id: Id) -> dict[str, Any]:
    """One check-in: its figures (school totals, hidden below the minimum group size) and notes."""
    access.require(
        access.may_open(request.user, "coaching:principal-checkin"),
        "Check-ins are for the coach, the principal and the program lead.",
    )
    found = access.fetch(
        lambda u: coaching_access.principal_checkins_visible_to(u).select_related("coach__user", "school"),
        request.user,
        pk=checkin_id,
    )
    return _checkin_detail(found)


@router.post("/principal-checkins", response={201: CheckInDetailOut})
def principal_checkin_schedule(request: HttpRequest, data: CheckInIn) -> Status:
    """The coach (naming a school) or the principal (naming a coach) schedules a check-in and
    chooses the school figures to review; the other party is told."""
    access.require(
        access.may_open(request.user, "coaching:principal-checkin-new"),
        "Only the coach and the school's principal schedule their check-ins.",
    )
    coach, school = _chosen(request, data)
    form = forms.CheckInForm({"date": data.date, "figure_keys": data.figure_keys})
    cleaned = form_cleaned(form)
    checkin = services.checkin_schedule(
        actor=request.user,  # type: ignore[arg-type]
        coach=coach,
        school=school,
        date=cleaned["date"],
        figure_keys=cleaned["figure_keys"],
    )
    return Status(201, _checkin_detail(checkin))


@router.post("/principal-checkins/{checkin_id}/notes", response=CheckInDetailOut)
def principal_checkin_record(request: HttpRequest, checkin_id: Id, data: CheckInNotesIn) -> dict[str, Any]:
    """After the meeting, the coach or the principal records its notes; the figures are kept as they stand."""
    access.require(
        access.may_open(request.user, "coaching:principal-checkin"),
        "Check-ins are for the coach, the principal and the program lead.",
    )
    found = access.fetch(coaching_access.principal_checkins_visible_to, request.user, pk=checkin_id)
    access.require(
        coaching_access.may_write_checkin(request.user, found.coach, found.school_id),
        "Only the coach and the school's principal write the check-in's notes.",
    )
    cleaned = form_cleaned(forms.CheckInNotesForm({"notes": data.notes}))
    saved = services.checkin_record(actor=request.user, checkin=found, notes=cleaned["notes"])  # type: ignore[arg-type]
    return _checkin_detail(saved)
