"""Who may see what: the visibility table of DESIGN.md §3, as code.

| role          | sees                                                                  | never sees                                  |
|---------------|-----------------------------------------------------------------------|---------------------------------------------|
| teacher       | own profile, goals, requests, cycles and their notes; school goals    | other teachers' anything                    |
| coach         | caseload's requests, cycles and notes; goals of the schools served    | other coaches' notes                        |
| program lead  | requests, caseloads, cycles (no notes), coaches, district goals,      | session notes, check-ins, individual survey |
|               | time logs, impact summaries, aggregate survey results                 | answers                                     |
| principal     | own school's needs assessment, goals, aggregate coaching trends       | notes, who is coached, cells below minimum  |
| district admin| all schools' aggregates, program settings, users, the audit trail of  | session notes, individual survey answers,   |
|               | administration (coaching acts only as counts)                         | who took coaching, who read whose notes     |

The district admins are the student data's owners (`owns_student_data`): they see aggregates
below the minimum group size too; everyone else sees them suppressed (docs/improvement.md).

Every view, API route, export and report asks this module. Querysets come already scoped
(`cycles_visible_to(user)`), and objects are fetched with `fetch`, which answers 404 when the
user has no right to know the object exists; `require` answers 403 when they may see it but not
do what they asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponseBase

from coachmap.core.models import (
    AuditAction,
    AuditEvent,
    Coach,
    District,
    Membership,
    Role,
    School,
    Teacher,
    User,
)
from coachmap.core.routes import roles_for

AnyUser = User | AnonymousUser

M = TypeVar("M", bound=Model)


class AuthedRequest(HttpRequest):
    """A request from a signed-in user: what views behind `route_required` receive."""

    user: User


@dataclass(frozen=True)
class Grant:
    role: Role
    district_id: int
    school_id: int | None


def grants(user: AnyUser) -> tuple[Grant, ...]:
    """The user's roles, read once per request and kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return ()
    cached: tuple[Grant, ...] | None = vars(user).get("_coachmap_grants")
    if cached is None:
        cached = tuple(
            Grant(Role(role), district_id, school_id)
            for role, district_id, school_id in Membership.objects.filter(user=user).values_list(
                "role", "district_id", "school_id"
            )
        )
        vars(user)["_coachmap_grants"] = cached
    return cached


def forget_grants(user: AnyUser) -> None:
    """Call after changing a user's memberships within the same request."""
    vars(user).pop("_coachmap_grants", None)


def own(user: AnyUser, path: str) -> Q:
    """Rows whose `path` ("teacher", "cycle__coach", ...) is the user's own teacher or coach
    profile: the same rows as `Q(<path>__user_id=user.pk)`, whatever roles the user holds now.

    Matched on the row's own profile column against the profile's id, looked up in a scalar
    subquery that the database runs once, rather than joined to the profile to compare its user:
    an OR across two such joins kept PostgreSQL from every index, so on the large district a
    coach's cycles scanned every cycle (250 ms under load, issue 18)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    model = Teacher if path.rsplit("__", 1)[-1] == "teacher" else Coach
    return Q(**{f"{path}_id": Subquery(model.objects.filter(user_id=user.pk).order_by().values("pk")[:1])})


def roles(user: AnyUser) -> list[Role]:
    held = {g.role for g in grants(user)}
    return [role for role in Role if role in held]


def has_role(user: AnyUser, *wanted: Role) -> bool:
    return any(g.role in wanted for g in grants(user))


def district_ids(user: AnyUser, *wanted: Role) -> set[int]:
    return {g.district_id for g in grants(user) if not wanted or g.role in wanted}


def school_ids(user: AnyUser, *wanted: Role) -> set[int]:
    return {g.school_id for g in grants(user) if g.school_id is not None and (not wanted or g.role in wanted)}


def acting_district_id(user: AnyUser, *wanted: Role) -> int | None:
    """The district the user acts for in one of these roles. Someone who holds the role in several
    districts acts for the one with the lowest id; None when they hold it in none."""
    ids = district_ids(user, *wanted) if wanted else set()
    return min(ids) if ids else None


def acting_district(user: AnyUser, *wanted: Role) -> District | None:
    """ "The user's district" for a page of one of these roles (see `acting_district_id`)."""
    district_id = acting_district_id(user, *wanted)
    return None if district_id is None else District.objects.filter(pk=district_id).first()


def may_change_district(user: AnyUser, district_id: int) -> bool:
    """District settings, roles and accounts: the district's admins."""
    return district_id in admin_district_ids(user)


def teacher_of(user: AnyUser) -> Teacher | None:
    if not has_role(user, Role.TEACHER):
        return None
    try:
        return user.teacher  # type: ignore[union-attr]
    except Teacher.DoesNotExist:
        return None


def coach_of(user: AnyUser) -> Coach | None:
    if not has_role(user, Role.COACH):
        return None
    try:
        return user.coach  # type: ignore[union-attr]
    except Coach.DoesNotExist:
        return None


def lead_district_ids(user: AnyUser) -> set[int]:
    return district_ids(user, Role.PROGRAM_LEAD)


def admin_district_ids(user: AnyUser) -> set[int]:
    return district_ids(user, Role.DISTRICT_ADMIN)


# --- places and people -------------------------------------------------------------------------


def districts_visible_to(user: AnyUser) -> QuerySet[District]:
    return District.objects.filter(id__in=district_ids(user))


def schools_visible_to(user: AnyUser) -> QuerySet[School]:
    q = Q(id__in=school_ids(user, Role.TEACHER, Role.PRINCIPAL))
    q |= Q(district_id__in=lead_district_ids(user) | admin_district_ids(user))
    coach = coach_of(user)
    if coach is not None:
        q |= Q(coaches=coach)
    return School.objects.filter(q).distinct() if coach is not None else School.objects.filter(q)


def schools_led_by(user: AnyUser) -> QuerySet[School]:
    """Schools whose needs assessment and goals this user may see (principal or district admin)."""
    return School.objects.filter(
        Q(id__in=school_ids(user, Role.PRINCIPAL)) | Q(district_id__in=admin_district_ids(user))
    )


def schools_served_by(user: AnyUser) -> QuerySet[School]:
    """The schools the program lead has assigned the user to coach (`Coach.schools`).

    The assignment is core's model, so this primitive lives here for every app below `coaching`
    to use; `coaching.eligibility.coach_serves` asks the same question of one coach and school."""
    coach = coach_of(user)
    if coach is None:
        return School.objects.none()
    return School.objects.filter(coaches=coach)


def schools_readable_by(user: AnyUser) -> QuerySet[School]:
    """Schools whose needs assessment, goals, indicators and technology map the user may *read*:
    the principal's own school, the district admins' and program leads' districts, and the schools a
    coach serves. Only the principal writes (`leads_school`); only the data owners see small cells
    (`owns_student_data`), so coaches and leads read them suppressed as principals do."""
    q = Q(id__in=school_ids(user, Role.PRINCIPAL))
    q |= Q(district_id__in=admin_district_ids(user) | lead_district_ids(user))
    q |= Q(id__in=schools_served_by(user).values("id"))
    return School.objects.filter(q)


def schools_with_trends_for(user: AnyUser) -> QuerySet[School]:
    """Schools whose aggregate coaching trends this user may see."""
    return School.objects.filter(
        Q(id__in=school_ids(user, Role.PRINCIPAL))
        | Q(district_id__in=admin_district_ids(user) | lead_district_ids(user))
    )


def coaches_visible_to(user: AnyUser) -> QuerySet[Coach]:
    q = Q(district_id__in=lead_district_ids(user) | admin_district_ids(user) | district_ids(user, Role.COACH))
    q |= Q(schools__id__in=school_ids(user, Role.PRINCIPAL))
    teacher = teacher_of(user)
    if teacher is not None:
        # Their own coaches, and the coaches serving their school, so they can say whom they would like.
        q |= Q(requests__teacher=teacher) | Q(cycles__teacher=teacher) | Q(schools=teacher.school_id)
    return Coach.objects.filter(q).distinct()


# --- student data --------------------------------------------------------------------------------


def owns_student_data(user: AnyUser, district_id: int) -> bool:
    """The data owners see every figure, groups below the minimum size included: the district
    admins, who answer for the district's student data. Everyone else sees aggregates suppressed,
    and so does another system reading with a service account's token: it acts for its district
    admin, but its scopes promise suppressed aggregates only (issue 20)."""
    if getattr(user, "api_token_kind", None) == "service":
        return False
    return district_id in admin_district_ids(user)


# --- the improvement chain -----------------------------------------------------------------------


def leads_school(user: AnyUser, school_id: int) -> bool:
    """The school's principal: the one who sets its goals, indicators and technology map."""
    return school_id in school_ids(user, Role.PRINCIPAL)


# --- cycle work, surveys and the library (issue 6) ----------------------------------------------


def time_log_coaches_for(user: AnyUser) -> QuerySet[Coach]:
    """Coaches whose time log the user may read: their own; every coach of the program lead's district."""
    if not user.is_authenticated:
        return Coach.objects.none()
    return Coach.objects.filter(Q(user_id=user.pk) | Q(district_id__in=lead_district_ids(user)))


def impact_coaches_for(user: AnyUser) -> QuerySet[Coach]:
    """Coaches whose impact summary the user may read: their own; the program lead's and district
    admin's whole district. Principals see trends, not one coach's summary."""
    if not user.is_authenticated:
        return Coach.objects.none()
    return Coach.objects.filter(
        Q(user_id=user.pk) | Q(district_id__in=lead_district_ids(user) | admin_district_ids(user))
    )


# --- best fit: intake, look-fors, profiles, routing and matching ---------------------------------
#
# The intake is the teacher's. Their coaches (proposed, accepted or in a cycle) read it all, to
# fit their support; the program lead sees the placement, needs, availability and preferences
# that routing uses, but not the self-assessment answers (`may_read_intake_answers`) nor coaches'
# observations. A handover note is for the receiving coach alone (`may_read_handover_note`).


CONFIDENTIAL_ACTIONS = frozenset(a.value for a in AuditAction if a.is_confidential)


def audit_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    """Audit rows the district admin may list: their districts' administration (roles, accounts,
    settings, imports, exports), never who took coaching or who read whose notes."""
    return AuditEvent.objects.filter(district_id__in=admin_district_ids(user)).exclude(
        action__in=CONFIDENTIAL_ACTIONS
    )


def audit_counted_for(user: AnyUser) -> QuerySet[AuditEvent]:
    """Every audit row of the district admin's districts, confidential acts included, to be
    shown only as counts (`core.queries.audit_activity`); never list these rows."""
    return AuditEvent.objects.filter(district_id__in=admin_district_ids(user))


def account_changes_for(user: AnyUser) -> QuerySet[AuditEvent]:
    """Changes others made to the user's own account: theirs to see."""
    if not user.is_authenticated:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        subject_id=user.pk, action__in=[a.value for a in AuditAction if a.is_account_change]
    ).exclude(actor_id=user.pk)


# --- fetching and requiring ----------------------------------------------------------------------


def fetch(scope: Callable[[AnyUser], QuerySet[M]], user: AnyUser, **lookup: Any) -> M:
    """The object the user asked for, or 404 when it does not exist *for them*."""
    try:
        return scope(user).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("Not found.") from exc


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    """403 when the user may see something but not do what they asked."""
    if not allowed:
        raise PermissionDenied(message)


View = Callable[..., HttpResponseBase]


def route_required(route: str) -> Callable[[View], View]:
    """The guard of the page named `route` (its URL name), with the roles `core.routes` gives it:
    anonymous visitors go to the login page, signed-in people without one of the roles get 403.

    The wrapped view carries `route`, so a test can prove every page names its own route."""
    wanted = roles_for(route)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if wanted and not has_role(request.user, *wanted):
                raise PermissionDenied("This page is not part of your role.")
            return view(request, *args, **kwargs)

        wrapper.route = route  # type: ignore[attr-defined]
        return wrapper

    return decorator


def may_open(user: AnyUser, route: str) -> bool:
    """What `route_required` lets through, for the API and the menu."""
    wanted = roles_for(route)
    return user.is_authenticated and (not wanted or has_role(user, *wanted))


def admin_district(user: AnyUser, page: str, refusal: str) -> District:
    """The district a district admin acts for on `page` (an API route behind that admin page):
    anyone else, or an admin of no district, is refused with `refusal`."""
    require(may_open(user, page), refusal)
    district = acting_district(user, Role.DISTRICT_ADMIN)
    require(district is not None, refusal)
    assert district is not None  # noqa: S101 - required above
    return district
