"""Page helpers the coaching topics share: a one-form page, a service error as a message, and the
teacher's answer to an offer (a proposed coach, a lighter offer, a referral)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from coachmap.coaching.models import CoachingCycle
from coachmap.core import access, csvsafe
from coachmap.core.access import AuthedRequest
from coachmap.core.audit import audit_record
from coachmap.core.forms import add_service_errors
from coachmap.core.models import AuditAction, Role


def form_page(
    request: AuthedRequest,
    form: Any,
    title: str,
    submit: str,
    *,
    cycle: CoachingCycle | None = None,
    intro: str = "",
    back: str = "",
) -> HttpResponse:
    back = back or (reverse("coaching:cycle", args=[cycle.pk]) if cycle else reverse("coaching:agreements"))
    return render(
        request,
        "coaching/form_page.html",
        {"form": form, "title": title, "submit": submit, "intro": intro, "back": back},
    )


def error_message(request: AuthedRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def offer_answer(
    request: AuthedRequest,
    *,
    allowed: bool,
    not_yours: str,
    respond: Callable[[bool], object],
    accepted: str,
    declined: str,
) -> HttpResponse:
    """The teacher accepts or declines something offered to them (POST `answer=accept`), then
    goes home with what happens next. Someone else's offer is 403 (`allowed` is the named check);
    an offer that can no longer be answered says why."""
    access.require(allowed, not_yours)
    accept = request.POST.get("answer") == "accept"
    try:
        respond(accept)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, accepted if accept else declined)
    return redirect("home")


def cycle_form_saved(
    request: AuthedRequest,
    form: Any,
    cycle: CoachingCycle,
    save: Callable[[dict[str, Any]], Any],
    done: str | Callable[[Any], str],
) -> HttpResponseRedirect | None:
    """A cycle's form posted: on a valid form, `save(cleaned_data)` (one service), then the cycle's
    page with `done` (or `done(result)`); None to show the form again, with the service's errors
    beside the fields they name."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect("coaching:cycle", cycle_id=cycle.pk)


def lead_csv_export(
    request: AuthedRequest, *, table: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A program lead's people-level list as CSV: the download is audited (like the caseloads
    export), a byte-order mark comes first so Excel reads UTF-8, and cells are formula-safe."""
    district = access.acting_district(request.user, Role.PROGRAM_LEAD)
    assert district is not None  # noqa: S101 - the route is for program leads only
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=district, district=district, table=table)
    return csvsafe.csv_response(table, header, rows)
