"""Helpers the program's pages share: the acting district, a one-form page, a posted form saved by one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import District, Role


def district_of(request: AuthedRequest, *roles: Role) -> District:
    district = access.acting_district(request.user, *(roles or tuple(Role)))
    if district is None:
        raise Http404("You belong to no district.")
    return district


def form_page(
    request: AuthedRequest, form: Any, title: str, submit: str, back: str, *, intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "program/form_page.html",
        {"form": form, "title": title, "submit": submit, "back": back, "intro": intro},
    )


def saved_or_none(request: AuthedRequest, form: Any, save: Any, done: str, to: str) -> HttpResponse | None:
    """A posted form: on valid input, one service, then `to` with `done`; None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(form)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect(to)
