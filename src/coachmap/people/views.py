"""The People page: a district admin finds, adds and invites people and gives and takes their
roles. Views parse and render; the rules are in `people.services` and `core.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from coachmap.core import access, links
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import District, Membership, Role, School, User
from coachmap.core.views import PasswordResetConfirm
from coachmap.people import queries, services
from coachmap.people.access import memberships_visible_to, people_visible_to
from coachmap.people.forms import PersonForm, RoleFields, SearchForm


def _site(request: AuthedRequest) -> links.SiteAddress:
    return links.SiteAddress(domain=request.get_host(), protocol="https" if request.is_secure() else "http")


def _district(request: AuthedRequest) -> District:
    district = access.acting_district(request.user, Role.DISTRICT_ADMIN)
    assert district is not None  # noqa: S101 - the route's role guarantees one
    return district


def _schools(request: AuthedRequest) -> Any:
    return School.objects.filter(district_id__in=access.admin_district_ids(request.user))


def _person(request: AuthedRequest, person_id: int) -> User:
    return access.fetch(people_visible_to, request.user, pk=person_id)


@access.route_required("people:index")
def index(request: AuthedRequest) -> HttpResponse:
    district = _district(request)
    form = SearchForm(request.GET or None, schools=_schools(request))
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "standing": data["standing"],
            "role": data["role"],
            "school": data["school"],
        }
    page = Paginator(queries.people(request.user, **filters), 25).get_page(request.GET.get("page"))
    rows = [(person, queries.standing_of(person, getattr(person, "last_invited", None))) for person in page]
    roles_by_person: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(user__in=[p for p, _ in rows], district=district).select_related(
        "school"
    ):
        roles_by_person.setdefault(m.user_id, []).append(m)
    return render(
        request,
        "people/index.html",
        {
            "district": district,
            "form": form,
            "page": page,
            "rows": [(p, s, roles_by_person.get(p.pk, [])) for p, s in rows],
            "searched": any(filters.values()),
            "to_invite": queries.teachers_to_invite_count(district),
            "not_accepted": queries.people(request.user, standing=queries.NOT_ACCEPTED).count(),
        },
    )


@access.route_required("people:new")
def person_new(request: AuthedRequest) -> HttpResponse:
    district = _district(request)
    form = PersonForm(request.POST or None, schools=_schools(request).filter(district=district))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=request.user,
                district=district,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=Role(data["role"]),
                school=data["school"],
                site=_site(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except OSError:
            form.add_error(None, _MAIL_DOWN)
        else:
            messages.success(
                request,
                f"{person} is added and invited: an email to {person.email} lets them choose their "
                "own password. They show as “invited” until they do.",
            )
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/person_new.html", {"form": form, "district": district})


_MAIL_DOWN = (
    "The mail server did not accept the invitation, so nothing was changed. Try again in a few "
    "minutes; if it keeps failing, ask whoever runs coachmap to check its email settings."
)


def _detail(request: AuthedRequest, person: User, role_form: RoleFields | None = None) -> HttpResponse:
    district = _district(request)
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "district": district,
            "standing": queries.standing_of(person, queries.last_invited(person)),
            "roles": queries.roles_of(person, access.admin_district_ids(request.user)),
            "role_form": role_form or RoleFields(schools=_schools(request).filter(district=district)),
            "is_self": person.pk == request.user.pk,
        },
    )


@access.route_required("people:person")
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    return _detail(request, _person(request, person_id))


def _done(request: AuthedRequest, person: User, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except OSError:
        messages.error(request, _MAIL_DOWN)
    else:
        messages.success(request, success)
    return redirect("people:person", person_id=person.pk)


@access.route_required("people:role-give")
@require_POST
def role_give(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    form = RoleFields(request.POST, schools=_schools(request))
    if not form.is_valid():
        return _detail(request, person, form)
    role, school = Role(form.cleaned_data["role"]), form.cleaned_data["school"]
    where = f" at {school}" if role.is_school_role and school else ""
    try:
        services.role_give(actor=request.user, person=person, role=role, school=school)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, person, form)
    messages.success(
        request, f"{person} is now {role.label.lower()}{where}. They will see it on their next sign-in."
    )
    return redirect("people:person", person_id=person.pk)


@access.route_required("people:role-take")
@require_POST
def role_take(request: AuthedRequest, person_id: int, membership_id: int) -> HttpResponse:
    person = _person(request, person_id)
    membership = access.fetch(memberships_visible_to, request.user, pk=membership_id, user_id=person.pk)
    label = f"{membership.get_role_display().lower()}" + (
        f" at {membership.school}" if membership.school else ""
    )
    return _done(
        request,
        person,
        lambda: services.role_take(actor=request.user, membership=membership),
        f"{person} is no longer {label}.",
    )


@access.route_required("people:switch")
@require_POST
def person_switch(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    active = request.POST.get("active") == "on"
    return _done(
        request,
        person,
        lambda: services.person_switch(actor=request.user, person=person, active=active),
        f"{person}'s account is switched on: they can sign in again."
        if active
        else f"{person}'s account is switched off: they cannot sign in. Nothing of theirs is deleted.",
    )


@access.route_required("people:invite")
@require_POST
def person_invite(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    return _done(
        request,
        person,
        lambda: services.person_invite(actor=request.user, person=person, site=_site(request)),
        f"Sent to {person.email}. The link works once; only {person} chooses the password.",
    )


@access.route_required("people:invite-teachers")
def invite_teachers(request: AuthedRequest) -> HttpResponse:
    district = _district(request)
    if request.method == "POST":
        try:
            expected = int(request.POST.get("expected", ""))
        except ValueError:
            expected = -1
        try:
            outcome = services.teachers_invite(
                actor=request.user, district=district, expected=expected, site=_site(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("people:invite-teachers")
        sent = len(outcome.sent)
        if sent:
            messages.success(
                request,
                f"Invited {sent} teacher{'s' if sent != 1 else ''}. Each link works once, for "
                f"{links.invitation_lifetime_words()}; “Not accepted yet” lists who has not used theirs.",
            )
        if outcome.failed:
            messages.error(
                request,
                f"Stopped before the last {outcome.not_sent}: {outcome.failed}. Those teachers were "
                "not invited; invite them again once the problem is fixed.",
            )
        return redirect(f"{reverse_lazy('people:index')}?standing={queries.NOT_ACCEPTED}")
    wanted = queries.teachers_to_invite(district)
    return render(
        request,
        "people/invite_teachers.html",
        {"district": district, "wanted": wanted, "count": len(wanted.people), "sample": wanted.people[:10]},
    )


class InvitationAccept(PasswordResetConfirm):
    """An invitation link: choose a password, once, before it expires. An expired or used link
    changes nothing and says who can send a new one."""

    token_generator = links.invitation_token_generator
    template_name = "people/invitation_accept.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = getattr(self, "user", None)
        context["used"] = user is not None and not links.is_unused(user)
        context["district"] = (
            District.objects.filter(memberships__user=user).order_by("pk").first()
            if user is not None
            else None
        )
        return context
