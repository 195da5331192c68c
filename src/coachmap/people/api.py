"""The People page through the API (issue 20): the district admin lists, adds and invites people,
gives and takes their roles and switches accounts off and on, with the page's forms, rules and
services (`people.services`). Another district's person is a 404, as on the page.

No route sets, reads or resets another person's password or sign-in secrets: an invitation (or a
set-your-password link) goes to the person's own email, and only they choose the password. The
inputs refuse any field they do not name (`password` included) with a 422.
"""

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from coachmap.core import access, links
from coachmap.core.forms import form_cleaned
from coachmap.core.inputs import Id, Pages
from coachmap.core.models import District, Membership, Role, School, User
from coachmap.people import queries, services
from coachmap.people.access import memberships_visible_to, people_visible_to
from coachmap.people.forms import PersonForm, RoleFields

router = Router(tags=["people"])

MAIL_DOWN = (
    "The mail server did not accept the invitation, so nothing was changed. Try again in a few "
    "minutes; if it keeps failing, ask whoever runs coachmap to check its email settings."
)


class Strict(Schema):
    """An input that refuses fields it does not name: a `password` sent along is a 422, never ignored."""

    model_config = ConfigDict(extra="forbid")


class RoleOut(Schema):
    id: int = Field(description="The role's id: remove it with POST /people/{id}/roles/{role_id}/remove.")
    role: str
    role_words: str
    school_id: int | None
    school: str | None


class PersonOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_active: bool
    standing: str = Field(description="signed_in, invited, expired, not_invited or switched_off")
    standing_words: str
    invited_at: datetime.datetime | None
    invitation_expires_at: datetime.datetime | None
    roles: list[RoleOut]


class PersonIn(Strict):
    first_name: str = Field(max_length=150)
    last_name: str = Field(max_length=150)
    email: str = Field(max_length=254)
    role: Role
    school_id: Id | None = None


class RoleIn(Strict):
    role: Role
    school_id: Id | None = Field(None, description="For teachers and principals, who belong to one school.")


class SwitchIn(Strict):
    active: bool = Field(description="false switches the account off (they cannot sign in); true on again.")


class MailDownOut(Schema):
    detail: str


class TeachersToInviteOut(Schema):
    count: int = Field(description="Teachers an invitation would reach; send it back as `expected`.")
    without_email: int


class InviteTeachersIn(Strict):
    expected: int = Field(
        ge=0, le=1_000_000, description="The count you confirmed (GET /people/teachers-to-invite)."
    )


class InviteTeachersOut(Schema):
    sent: int
    not_sent: int
    failed: str


def _require_admin(request: HttpRequest, page: str) -> District:
    return access.admin_district(request.user, page, "Only a district admin looks after people.")


def _schools(request: HttpRequest) -> QuerySet[School]:
    return School.objects.filter(district_id__in=access.admin_district_ids(request.user))


def _site(request: HttpRequest) -> links.SiteAddress:
    return links.SiteAddress(domain=request.get_host(), protocol="https" if request.is_secure() else "http")


def _roles_prefetch(request: HttpRequest) -> Any:
    rows = Membership.objects.filter(district_id__in=access.admin_district_ids(request.user))
    return Prefetch(
        "memberships",
        queryset=rows.select_related("school").order_by("role", "school__name"),
        to_attr="admin_roles",
    )


def _out(person: User) -> dict[str, Any]:
    found = queries.standing_of(person, getattr(person, "last_invited", None))
    return {
        "id": person.pk,
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": person.is_active,
        "standing": found.standing.value,
        "standing_words": found.words,
        "invited_at": found.invited_at,
        "invitation_expires_at": found.expires_at,
        "roles": [
            {
                "id": m.pk,
                "role": m.role,
                "role_words": m.get_role_display(),
                "school_id": m.school_id,
                "school": m.school.name if m.school else None,
            }
            for m in getattr(person, "admin_roles", [])
        ],
    }


def _person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """One person as the People page shows them, fetched again (after a change)."""
    person = access.fetch(
        lambda user: people_visible_to(user).prefetch_related(_roles_prefetch(request)),
        request.user,
        pk=person_id,
    )
    person.last_invited = queries.last_invited(person)  # type: ignore[attr-defined]
    return _out(person)


def _school_of(request: HttpRequest, school_id: int | None) -> int | None:
    """A school named in a write: one of the admin's districts' (another's is a 404)."""
    if school_id is None:
        return None
    return access.fetch(lambda user: _schools(request), request.user, pk=school_id).pk


class _Rows:
    """The page of people, turned into answers only for the rows on it (the pagination slices first)."""

    def __init__(self, rows: QuerySet[User]) -> None:
        self.rows = rows

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        return [_out(person) for person in self.rows[part]]


@router.get("/people", response=list[PersonOut])
@paginate(Pages, page_size=25)
def people(
    request: HttpRequest,
    q: Annotated[str, Field(max_length=200, description="Words of a name or email address")] = "",
    standing: Annotated[
        str, Field(description="not_accepted, signed_in, invited, expired, not_invited or switched_off")
    ] = "",
    role: Role | None = None,
    school_id: Id | None = None,
) -> list[dict[str, Any]]:
    """The district's people, as on the People page: name order, filtered by words, account
    standing, role and school."""
    _require_admin(request, "people:index")
    if standing and standing not in {value for value, _ in queries.STANDING_CHOICES}:
        raise ValidationError({"standing": f"“{standing[:40]}” is not an account standing."})
    if "\x00" in q:
        raise ValidationError({"q": "This text holds a character that cannot be stored. Type it again."})
    school = None
    if school_id is not None:
        school = access.fetch(lambda user: _schools(request), request.user, pk=school_id)
    rows = queries.people(
        request.user, text=q, standing=standing, role=role.value if role else "", school=school
    ).prefetch_related(_roles_prefetch(request))
    return _Rows(rows)  # type: ignore[return-value]


@router.get("/people/teachers-to-invite", response=TeachersToInviteOut)
def people_teachers_to_invite(request: HttpRequest) -> dict[str, int]:
    """How many teachers "invite every teacher with no sign-in yet" would reach, as its page says."""
    district = _require_admin(request, "people:invite-teachers")
    wanted = queries.teachers_to_invite(district)
    return {"count": len(wanted.people), "without_email": wanted.without_email}


@router.post("/people/invite-teachers", response=InviteTeachersOut)
def people_invite_teachers(request: HttpRequest, data: InviteTeachersIn) -> dict[str, Any]:
    """Invite every teacher with no sign-in yet; `expected` is the count you confirmed (a changed
    list sends nothing: 422 with the new count). Stops at a mail failure and says who was not reached."""
    district = _require_admin(request, "people:invite-teachers")
    outcome = services.teachers_invite(
        actor=request.user,  # type: ignore[arg-type]
        district=district,
        expected=data.expected,
        site=_site(request),
    )
    return {"sent": len(outcome.sent), "not_sent": outcome.not_sent, "failed": outcome.failed}


@router.get("/people/{person_id}", response=PersonOut)
def person(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    """One person: their account's standing and their roles in the district."""
    _require_admin(request, "people:person")
    return _person(request, person_id)


@router.post("/people", response={201: PersonOut, 503: MailDownOut})
def person_create(request: HttpRequest, data: PersonIn) -> Status:
    """Add a person with a first role; they are emailed an invitation to choose their own password."""
    district = _require_admin(request, "people:new")
    form = PersonForm(
        {**data.model_dump(exclude={"school_id"}), "school": _school_of(request, data.school_id) or ""},
        schools=_schools(request).filter(district=district),
    )
    cleaned = form_cleaned(form)
    try:
        made = services.person_create(
            actor=request.user,  # type: ignore[arg-type]
            district=district,
            first_name=cleaned["first_name"],
            last_name=cleaned["last_name"],
            email=cleaned["email"],
            role=Role(cleaned["role"]),
            school=cleaned["school"],
            site=_site(request),
        )
    except OSError:
        return Status(503, {"detail": MAIL_DOWN})
    return Status(201, _person(request, made.pk))


@router.post("/people/{person_id}/roles", response=PersonOut)
def person_role_give(request: HttpRequest, person_id: Id, data: RoleIn) -> dict[str, Any]:
    """Give a role (in a school, for teachers and principals)."""
    _require_admin(request, "people:role-give")
    found = access.fetch(people_visible_to, request.user, pk=person_id)
    form = RoleFields(
        {"role": data.role.value, "school": _school_of(request, data.school_id) or ""},
        schools=_schools(request),
    )
    cleaned = form_cleaned(form)
    services.role_give(
        actor=request.user,  # type: ignore[arg-type]
        person=found,
        role=Role(cleaned["role"]),
        school=cleaned["school"],
    )
    return _person(request, found.pk)


@router.post("/people/{person_id}/roles/{role_id}/remove", response=PersonOut)
def person_role_take(request: HttpRequest, person_id: Id, role_id: Id) -> dict[str, Any]:
    """Take a role away (never a person's last role, nor the district's last district admin: 422)."""
    _require_admin(request, "people:role-take")
    found = access.fetch(people_visible_to, request.user, pk=person_id)
    membership = access.fetch(memberships_visible_to, request.user, pk=role_id, user_id=found.pk)
    services.role_take(actor=request.user, membership=membership)  # type: ignore[arg-type]
    return _person(request, found.pk)


@router.post("/people/{person_id}/switch", response=PersonOut)
def person_switch(request: HttpRequest, person_id: Id, data: SwitchIn) -> dict[str, Any]:
    """Switch an account off (they cannot sign in; nothing of theirs is deleted) or on again."""
    _require_admin(request, "people:switch")
    found = access.fetch(people_visible_to, request.user, pk=person_id)
    services.person_switch(actor=request.user, person=found, active=data.active)  # type: ignore[arg-type]
    return _person(request, found.pk)


@router.post("/people/{person_id}/invite", response={200: PersonOut, 503: MailDownOut})
def person_invite(request: HttpRequest, person_id: Id) -> Status:
    """Send (or send again) the invitation; to someone who has signed in, a set-your-password link.
    It goes to the person's own email: only they choose the password."""
    _require_admin(request, "people:invite")
    found = access.fetch(people_visible_to, request.user, pk=person_id)
    try:
        services.person_invite(actor=request.user, person=found, site=_site(request))  # type: ignore[arg-type]
    except OSError:
        return Status(503, {"detail": MAIL_DOWN})
    return Status(200, _person(request, found.pk))
