"""Page helpers the coaching topics share: a one-form page and a service error as a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from coachmap.coaching.models import CoachingCycle
from coachmap.core.access import AuthedRequest


def form_page(
    request: AuthedRequest,
    form: Any,
    title: str,
    submit: str,
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
