"""One way to confirm a broad or destructive act: a page that says exactly what will happen.

A view answers the first request (a GET, or a POST without `confirmed`) with `confirm_page(...)`;
the page's form posts the same fields back with `confirmed=yes`, and only then does the view act.
It is a plain page and a plain form: it works without JavaScript, with the keyboard and with a
screen reader (the question is the page's heading, what will happen is a list under it), and a
person who leaves the page has changed nothing. See docs/contributing.md, "Pages and words".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Confirmation:
    question: str
    """The act as a question with its reach in it: "Send proposals to 12 teachers?"."""
    consequences: Sequence[str]
    """What will happen, one sentence each, and whether it can be undone."""
    confirm_label: str
    """The button, naming the act again: "Send to 12 teachers"."""
    action: str
    """Where the form posts (usually the same URL)."""
    cancel_url: str
    fields: Mapping[str, str] = field(default_factory=dict)
    """Hidden fields posted back with the answer (what the first request carried)."""
    destructive: bool = False


def is_confirmed(request: HttpRequest) -> bool:
    """True when the person pressed the confirmation page's button (a POST carrying `confirmed=yes`)."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "yes"


def confirm_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    return render(request, "confirm.html", {"confirm": confirmation, "confirmed_field": CONFIRMED})
