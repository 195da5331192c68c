"""Partnership agreements through the API (issue 20): read, and acknowledge, as on the pages."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from coachmap.coaching import access as coaching_access
from coachmap.coaching.agreements import services
from coachmap.coaching.models import PartnershipAgreement
from coachmap.core import access
from coachmap.core.inputs import Id, Pages

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
