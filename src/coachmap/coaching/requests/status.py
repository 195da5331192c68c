"""What a teacher reads about their coaching request: a short status and what happens next.

Plain functions over the request's status and the few facts that change the sentence (a cycle the
teacher is already in, a lighter offer waiting). Every `RequestStatus` has a sentence; the test
walks them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachmap.coaching.requests.models import RequestStatus


@dataclass(frozen=True)
class StatusWords:
    label: str
    next: str


def request_status_words(
    status: str,
    *,
    coach: str = "",
    cycle_coach: str = "",
    offer: str = "",
) -> StatusWords:
    """The status of a teacher's request in their words, with what happens next.

    `coach`: the coach proposed or working with them on this request; `cycle_coach`: the coach of
    another cycle the teacher is in now (an open request waits for it to end); `offer`: the lighter
    offer waiting for the teacher's answer, or the one they took up.
    """
    someone = coach or "your coach"
    if status == RequestStatus.OPEN and offer:
        return StatusWords(
            "Lighter support offered",
            f"Instead of a full cycle for now, the coaching team offers you: {offer[0].lower()}{offer[1:]}. "
            "Take it up or decline it on your home page; if you decline, your request stays in the next "
            "matching round for a coach.",
        )
    if status == RequestStatus.OPEN and cycle_coach:
        return StatusWords(
            "Waiting until your current cycle ends",
            f"You are in a coaching cycle with {cycle_coach}. This request waits until that cycle ends; "
            "then it joins the next matching round, and you decide whether to go ahead with the coach proposed.",
        )
    words = {
        RequestStatus.OPEN: StatusWords(
            "Waiting for a coach",
            "The coaching team proposes a coach at its next matching round. You will see the proposal here "
            "and in your notifications; nothing starts without your yes.",
        ),
        RequestStatus.PROPOSED: StatusWords(
            "Coach proposed",
            f"The coaching team proposes {someone}. Accept or decline on your home page: nothing starts "
            "without your yes.",
        ),
        RequestStatus.ACCEPTED: StatusWords(
            "Accepted",
            f"{someone[0].upper()}{someone[1:]} opens your cycle and gets in touch to plan your first meeting.",
        ),
        RequestStatus.DECLINED: StatusWords(
            "You declined the coach",
            f"The coaching team proposes someone else at its next matching round ({someone} will not be "
            "proposed again). You decide again then.",
        ),
        RequestStatus.WITHDRAWN: StatusWords(
            "Withdrawn",
            "Nothing more happens with this request. Ask again whenever you are ready.",
        ),
        RequestStatus.IN_CYCLE: StatusWords(
            "In a coaching cycle",
            f"You work with {someone} in your cycle; its page shows what you agreed and what comes next.",
        ),
        RequestStatus.REFERRED: StatusWords(
            "Took another kind of support",
            (
                f"You took up: {offer[0].lower()}{offer[1:]}. "
                if offer
                else "You chose another kind of support. "
            )
            + "The coaching team arranges it with you. Ask for a full cycle again whenever you want.",
        ),
    }
    return words[RequestStatus(status)]
