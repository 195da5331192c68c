"""Why each request got what it got, in words a program lead and a teacher can check.

For a match: the score and its parts (which add up to the score), the route it took, and the
best alternative coach with the reason it lost. For a request left without a coach: each routing
step that failed and why, and what is offered instead. Everything is plain JSON-ready data, so
it is stored with the proposal and shown as it was when the round ran.

Pure Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coachmap.coaching.bestfit.matching.model import CoachIn, Fit, RequestIn, Weights, fit, score
from coachmap.coaching.bestfit.routing import offer_label, type_label

SHORTEST_SAID = 0.1
"""Shorter times than this (seconds) read as "under 0.1 seconds"."""


def points(tenths: int) -> str:
    """Tenths of a point as people read them: 715 → "71.5"."""
    return f"{tenths / 10:.1f}"


WEIGHT_WORDS: dict[str, str] = {
    "needs": "Covers the teacher's needs",
    "grade_subject": "Same grade and subject",
    "quadrant": "Works well with this kind of teacher",
    "continuity": "Coached this teacher before",
    "preference": "What the teacher asked for",
    "load": "Room in the caseload",
}
STRONG, FAIR = 0.7, 0.5


def fit_quality(total_tenths: int | None, matched: int | None, weights: Mapping[str, int]) -> str:
    """How well a round's matches fit, in a word a lead can act on, with the average it rests on.

    The average fit of a match is compared with the most a match can score (the sum of the
    weights): 70 % or more is strong, 50 % or more fair, below that weak.
    """
    best = sum(weights.values())
    if not matched or not best or total_tenths is None:
        return "no match yet"
    average = total_tenths / 10 / matched
    share = average / best
    word = "strong" if share >= STRONG else "fair" if share >= FAIR else "weak"
    return f"{word} (on average {average:.0f} of {best} points)"


def seconds_words(seconds: float | None) -> str:
    """How long matching took: "0.2 seconds", "under 0.1 seconds"."""
    if seconds is None:
        return "—"
    if seconds < SHORTEST_SAID:
        return f"under {SHORTEST_SAID} seconds"
    return f"{seconds:.1f} second{'' if round(seconds, 1) == 1 else 's'}"


def weights_words(weights: Mapping[str, int]) -> list[str]:
    """The weights as people read them: "Same grade and subject: up to +20"."""
    return [f"{WEIGHT_WORDS.get(k, k)}: up to +{w}" for k, w in weights.items() if w]


@dataclass(frozen=True)
class Alternative:
    coach_id: int
    coach: str
    score: int
    why: str


def best_alternative(
    request: RequestIn,
    chosen: CoachIn,
    chosen_score: int,
    candidates: Sequence[CoachIn],
    *,
    weights: Weights,
    free_before: Mapping[int, int],
    free_after: Mapping[int, int],
) -> Alternative | None:
    """The best-fitting other coach of the routed type serving the school, and why it lost."""
    others = [c for c in candidates if c.id != chosen.id]
    if not others:
        return None
    alt = min(others, key=lambda c: (-score(request, c, weights), c.id))
    alt_fit = fit(request, alt, weights)
    if free_before.get(alt.id, 0) <= 0:
        why = (
            f"{alt.name} was full before this round ({alt.capacity} of {alt.capacity} places taken)."
            if alt.free == 0
            else f"{alt.name}'s last places went to requests matched at an earlier routing step."
        )
    elif alt_fit.score > chosen_score:
        why = (
            f"{alt.name} fits better ({points(alt_fit.score)} vs {points(chosen_score)} points), but "
            f"{'their places' if free_after.get(alt.id, 0) == 0 else 'a place'} went to other requests: "
            "giving one to this teacher would lower the round's total fit or leave someone unserved."
        )
    elif alt_fit.score == chosen_score:
        why = f"{alt.name} fits exactly as well ({points(alt_fit.score)} points); the tie went to {chosen.name}."
    else:
        why = (
            f"{alt.name} fits less well ({points(alt_fit.score)} vs {points(chosen_score)} points): "
            + _gaps(fit(request, chosen, weights), alt_fit)
        )
    return Alternative(alt.id, alt.name, alt_fit.score, why)


def _gaps(chosen: Fit, alt: Fit) -> str:
    """The parts where the alternative falls short most, largest first."""
    gaps = sorted(
        (
            (c.points - a.points, c.label)
            for c, a in zip(chosen.parts, alt.parts, strict=True)
            if c.points > a.points
        ),
        reverse=True,
    )
    if not gaps:
        return "no single part explains it."
    return "; ".join(f"{label.lower()} −{points(gap)}" for gap, label in gaps[:2]) + "."


def fit_json(f: Fit) -> list[dict[str, Any]]:
    return [
        {
            "key": p.key,
            "label": p.label,
            "weight": p.weight,
            "share": p.share,
            "points": p.points,
            "detail": p.detail,
        }
        for p in f.parts
    ]


def match_explanation(
    request: RequestIn,
    coach: CoachIn,
    support_type: str,
    choice: int,
    *,
    f: Fit,
    trail: Sequence[str],
    alternative: Alternative | None,
) -> dict[str, Any]:
    route = (
        f"{type_label(support_type)}: the first choice for {request.quadrant.label.lower()} teachers."
        if choice == 1
        else f"{type_label(support_type)}: choice {choice} for {request.quadrant.label.lower()} teachers."
    )
    return {
        "score": f.score,
        "parts": fit_json(f),
        "route": route,
        "trail": list(trail),
        "alternative": None
        if alternative is None
        else {
            "coach_id": alternative.coach_id,
            "coach": alternative.coach,
            "score": alternative.score,
            "why": alternative.why,
        },
        "no_alternative": f"No other {type_label(support_type).lower()} serves {request.school}."
        if alternative is None
        else "",
    }


def unmatched_explanation(request: RequestIn, trail: Sequence[str], offer: str) -> dict[str, Any]:
    if request.blocked:
        instead = "Nothing is offered: " + request.blocked[0].lower() + request.blocked[1:]
    elif offer:
        instead = (
            f"Offered instead: {offer_label(offer).lower()}, the first lighter offer the district sets for "
            f"{request.quadrant.label.lower()} teachers"
            + (" that the teacher has not declined." if request.declined_offers else ".")
        )
    else:
        instead = "No lighter offer is left for this quadrant; the request waits for the next round."
    return {"score": None, "parts": [], "trail": list(trail), "offer": offer, "instead": instead}
