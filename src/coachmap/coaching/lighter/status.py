"""What a teacher and the program lead read about a lighter support: a short status and what happens next.

Plain functions over the support's kind and status and the few facts that change the sentence (the
coach, how many conversations, the observation's date and host). A host who declined is never an
argument here: the words never name them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from coachmap.coaching.lighter.models import ObservationStatus, SupportKind, SupportStatus


@dataclass(frozen=True)
class StatusWords:
    label: str
    next: str


WORKSHOP_WAITING = "We will tell you when a workshop for this opens."
WORKSHOP_OPEN = "A workshop for this is open: sign up"


class Workshop:
    """Where a workshop support stands with an offering (`Facts.workshop`)."""

    OPEN = "open"  # an open offering serves it; the teacher was told
    ENROLLED = "enrolled"  # a seat
    WAITLISTED = "waitlisted"  # a place on the waitlist


@dataclass(frozen=True)
class Facts:
    """What the sentence depends on. `observation` is the current peer observation's status ("" when
    none is arranged or the host declined); `host`, `observation_date` and `focus` are only given
    once the host said yes."""

    status: str
    coach: str = ""
    conversations: int = 0
    observation: str = ""
    observation_date: datetime.date | None = None
    host: str = ""
    focus: str = ""
    today: datetime.date | None = None
    for_lead: bool = False
    workshop: str = ""
    workshop_title: str = ""
    workshop_date: datetime.date | None = None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _micro(f: Facts) -> StatusWords:
    if not f.coach or not f.conversations:
        who = f"{f.coach} gets" if f.coach else "A coach who serves the school gets"
        return StatusWords(
            "Micro-coaching: first conversation to come",
            f"{who} in touch for a short conversation about the goal: no full cycle, nothing to prepare."
            if not f.for_lead
            else f"{who} in touch; the first conversation logged starts it.",
        )
    return StatusWords(
        "Micro-coaching under way",
        f"{_plural(f.conversations, 'conversation')} with {f.coach} so far. "
        + (
            "Your coach checks in on your next step; ask for a full cycle whenever you want."
            if not f.for_lead
            else "The coach checks in on the teacher's next step."
        ),
    )


def _peer_scheduled(f: Facts, day: datetime.date) -> StatusWords:
    if f.today is not None and day < f.today:
        return StatusWords(
            "Reflection to write",
            f"You visited {f.host}'s classroom on {day:%B %-d}. Write a short reflection on what you saw "
            "and what you will try."
            if not f.for_lead
            else f"The visit was on {day:%B %-d}; the observer writes a reflection next.",
        )
    watch = f" to watch {f.focus[0].lower()}{f.focus[1:]}" if f.focus else ""
    return StatusWords(
        f"Peer observation on {day:%B %-d}",
        f"You visit {f.host}'s classroom on {day:%A %B %-d}{watch}. Afterwards you write a short reflection here."
        if not f.for_lead
        else f"{f.host} hosts on {day:%B %-d}; the observer reflects afterwards.",
    )


def _peer(f: Facts) -> StatusWords:
    if f.status == SupportStatus.DONE or f.observation == ObservationStatus.DONE:
        return StatusWords(
            "Peer observation done",
            "The reflection is written. Ask for a full cycle or another support whenever you want."
            if not f.for_lead
            else "The observer wrote their reflection; nothing more to arrange.",
        )
    if f.observation == ObservationStatus.SCHEDULED and f.observation_date is not None:
        return _peer_scheduled(f, f.observation_date)
    if f.observation == ObservationStatus.ASKED:
        return StatusWords(
            "Peer observation: asking a host",
            "The coaching team has asked a colleague to host you. You will see the date here once they say yes."
            if not f.for_lead
            else "A colleague has been asked to host; the visit is scheduled when they say yes.",
        )
    return StatusWords(
        "Peer observation: finding a host",
        "The coaching team is finding a colleague to host you in their classroom. You will see the date "
        "here once a host says yes."
        if not f.for_lead
        else "Choose a host and a date: the host is asked first, and the visit happens only with their yes.",
    )


def _resource(f: Facts) -> StatusWords:
    return StatusWords(
        "Resource set",
        "Work through the resource set in the library at your own pace; ask for a full cycle whenever you want."
        if not f.for_lead
        else "The teacher works through the resource set in the library at their own pace.",
    )


def _workshop(f: Facts) -> StatusWords:
    title = f"“{f.workshop_title}”" if f.workshop_title else "the workshop"
    on = f" on {f.workshop_date:%A %B %-d}" if f.workshop_date else ""
    if f.status == SupportStatus.DONE:
        return StatusWords(
            "Workshop attended",
            f"You came to {title}. Its page offers follow-up coaching in one click, and three anonymous "
            "questions about it."
            if not f.for_lead
            else f"The teacher came to {title}; they may ask for follow-up coaching from its page.",
        )
    if f.workshop == Workshop.ENROLLED:
        return StatusWords(
            "Workshop: signed up",
            f"You have a seat in {title}{on}. Give it back on its page if you cannot come."
            if not f.for_lead
            else f"The teacher has a seat in {title}{on}; the presenter marks attendance.",
        )
    if f.workshop == Workshop.WAITLISTED:
        return StatusWords(
            "Workshop: on the waitlist",
            f"You are on the waitlist for {title}{on}: you are told if a seat frees up."
            if not f.for_lead
            else f"The teacher waits for a seat in {title}; they move in when one is given back.",
        )
    if f.workshop == Workshop.OPEN:
        return StatusWords(
            WORKSHOP_OPEN,
            f"{title}{on} serves your goal. Sign up on its page: a seat, or a place on the waitlist."
            if not f.for_lead
            else f"The teacher was told that {title}{on} serves their goal; they sign up on its page.",
        )
    return StatusWords(
        "Workshop seat requested",
        WORKSHOP_WAITING
        if not f.for_lead
        else "Add an offering for the teacher's goal or tools to the catalog: the teacher is told at once.",
    )


def support_status_words(kind: str, facts: Facts) -> StatusWords:
    """The status of a lighter support in words, with what happens next (the teacher's words, or the
    program lead's with `facts.for_lead`)."""
    if facts.status == SupportStatus.ENDED:
        return StatusWords(
            "Ended", "Nothing more happens with this support. Ask again whenever you are ready."
        )
    if kind == SupportKind.MICRO:
        return _micro(facts)
    if kind == SupportKind.PEER:
        return _peer(facts)
    if kind == SupportKind.WORKSHOP:
        return _workshop(facts)
    return _resource(facts)
