"""Routing: which kind of support each teacher should get, in the district's order of preference.

A district's routing policy gives, for each quadrant, the support types in order of preference
(technology coach, building instructional coach, climate coach, content coach, new-teacher
mentor) and the lighter offers that need no full cycle (a workshop, micro-coaching, a resource
set, a peer observation). The matcher tries a request's first type; when no coach of that type
can take it, the request falls to the next type, and after the last one to a lighter offer, with
the reason kept at each step (see `coaching/bestfit/matching/plan.py`).

The defaults below are documented in docs/matching.md; the program lead can change them.
Pure Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from coachmap.coaching.bestfit.placement import Quadrant

# The support types are the coach types of `core.models.CoachType` (a test keeps them equal).
SUPPORT_TYPE_LABELS: dict[str, str] = {
    "technology": "Technology coach",
    "instructional": "Instructional coach",
    "climate": "Climate coach",
    "content": "Content coach",
    "mentor": "New-teacher mentor",
}


class Offer(StrEnum):
    WORKSHOP = "workshop"
    MICRO_COACHING = "micro_coaching"
    RESOURCE_SET = "resource_set"
    PEER_OBSERVATION = "peer_observation"

    @property
    def label(self) -> str:
        return OFFER_LABELS[self]


OFFER_LABELS: dict[Offer, str] = {
    Offer.WORKSHOP: "Workshop",
    Offer.MICRO_COACHING: "Micro-coaching (short sessions, no full cycle)",
    Offer.RESOURCE_SET: "Resource set to work through at your own pace",
    Offer.PEER_OBSERVATION: "Peer observation in a colleague's classroom",
}
OFFER_CHOICES: list[tuple[str, str]] = [(o.value, o.label) for o in Offer]


@dataclass(frozen=True)
class Route:
    """For one quadrant: support types to try in order, then lighter offers in order."""

    types: tuple[str, ...]
    offers: tuple[str, ...]


DEFAULT_ROUTES: dict[Quadrant, Route] = {
    # New to teaching or to the adoption, and confident: the teachers the technology team serves best.
    Quadrant.NEW_CONFIDENT: Route(
        ("technology", "mentor"), (Offer.MICRO_COACHING, Offer.WORKSHOP, Offer.PEER_OBSERVATION)
    ),
    # Experienced and confident: a technology coach for a new tool, otherwise lighter learning.
    Quadrant.EXPERIENCED_CONFIDENT: Route(("technology", "content"), (Offer.WORKSHOP, Offer.RESOURCE_SET)),
    # New and building confidence: a mentor first; technology comes once the practice is steady.
    Quadrant.NEW_DEVELOPING: Route(
        ("mentor", "instructional", "technology"), (Offer.PEER_OBSERVATION, Offer.MICRO_COACHING)
    ),
    # Experienced and building confidence ("comfortable, lets others do the work"): instructional first.
    Quadrant.EXPERIENCED_DEVELOPING: Route(
        ("instructional", "content", "climate"),
        (Offer.MICRO_COACHING, Offer.PEER_OBSERVATION, Offer.RESOURCE_SET),
    ),
}


def routes_to_json(routes: Mapping[Quadrant, Route]) -> dict[str, dict[str, list[str]]]:
    return {
        q.value: {"types": list(r.types), "offers": [str(o) for o in r.offers]} for q, r in routes.items()
    }


def routes_from_json(data: Mapping[str, Mapping[str, Sequence[str]]]) -> dict[Quadrant, Route]:
    """Routes stored by a district, with the defaults for any quadrant it has not set."""
    routes = dict(DEFAULT_ROUTES)
    for key, value in data.items():
        if key in Quadrant.__members__.values():
            routes[Quadrant(key)] = Route(tuple(value.get("types", ())), tuple(value.get("offers", ())))
    return routes


def check_route(quadrant: Quadrant, route: Route) -> list[str]:
    """Problems with one quadrant's route, written for the person editing the policy."""
    problems = []
    unknown = [t for t in route.types if t not in SUPPORT_TYPE_LABELS]
    if unknown:
        problems.append(f"{quadrant.label}: unknown support type {', '.join(unknown)}.")
    if len(set(route.types)) != len(route.types):
        problems.append(f"{quadrant.label}: a support type is listed twice.")
    bad_offers = [o for o in route.offers if o not in Offer.__members__.values()]
    if bad_offers:
        problems.append(f"{quadrant.label}: unknown lighter offer {', '.join(bad_offers)}.")
    if not route.types and not route.offers:
        problems.append(f"{quadrant.label}: give at least one support type or lighter offer.")
    return problems


def route_for(quadrant: Quadrant, routes: Mapping[Quadrant, Route], preferred_type: str = "") -> Route:
    """The request's route: a type named by a referral or handover goes first, then the quadrant's order."""
    route = routes[quadrant]
    if preferred_type and preferred_type in SUPPORT_TYPE_LABELS:
        types = (preferred_type, *(t for t in route.types if t != preferred_type))
        return Route(types, route.offers)
    return route


def type_label(support_type: str) -> str:
    return SUPPORT_TYPE_LABELS.get(support_type, support_type)


def offer_label(offer: str) -> str:
    return OFFER_LABELS[Offer(offer)] if offer in Offer.__members__.values() else offer
