"""The matching problem as plain data, and the fit of one teacher's request with one coach.

Fit is made of six parts, each a share between 0 and 1 times a district-set weight. Points are
counted in tenths (integers), so a score is exactly the sum of its parts and the solver's
objective is exact. With the default weights a perfect fit scores 100 points.

Pure Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from coachmap.coaching.bestfit.placement import Quadrant

PART_LABELS: dict[str, str] = {
    "needs": "Competencies cover the teacher's needs",
    "grade_subject": "Grade band and subject",
    "quadrant": "Works well with this kind of teacher",
    "continuity": "Has coached this teacher before",
    "preference": "The teacher's stated preferences",
    "load": "Room in the caseload",
}


@dataclass(frozen=True)
class Weights:
    """How much each part of fit counts; the district edits these. Defaults add up to 100."""

    needs: int = 35
    grade_subject: int = 20
    quadrant: int = 15
    continuity: int = 10
    preference: int = 10
    load: int = 10

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


PART_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Weights))


def normalize(items: Iterable[str]) -> frozenset[str]:
    """Needs and competencies compared without case or surrounding spaces."""
    return frozenset(s.strip().casefold() for s in items if s and s.strip())


@dataclass(frozen=True)
class RequestIn:
    id: int
    teacher_id: int
    teacher: str
    school_id: int
    school: str
    band: str
    subjects: frozenset[str]
    needs: frozenset[str]
    quadrant: Quadrant
    types: tuple[str, ...]
    offers: tuple[str, ...]
    previous_coaches: frozenset[int] = frozenset()
    preferred_coach: int | None = None
    language: str = ""
    excluded_coaches: frozenset[int] = frozenset()
    declined_offers: frozenset[str] = frozenset()
    blocked: str = ""  # why this request cannot be matched in this round at all


@dataclass(frozen=True)
class CoachIn:
    id: int
    name: str
    type: str
    schools: frozenset[int]
    capacity: int
    load: int
    competencies: frozenset[str] = frozenset()
    content_areas: frozenset[str] = frozenset()
    grade_bands: frozenset[str] = frozenset()
    quadrants: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load)


@dataclass(frozen=True)
class Problem:
    requests: tuple[RequestIn, ...]
    coaches: tuple[CoachIn, ...]
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    weight: int
    share: float
    points: int  # tenths of a point
    detail: str


@dataclass(frozen=True)
class Fit:
    parts: tuple[Part, ...]

    @property
    def score(self) -> int:
        return sum(p.points for p in self.parts)


def _points(weight: int, share: float) -> int:
    return int(weight * share * 10 + 0.5)


def shares(request: RequestIn, coach: CoachIn) -> tuple[float, float, float, float, float, float]:
    """The six shares, each between 0 and 1, in `PART_KEYS` order."""
    needs = len(request.needs & coach.competencies) / len(request.needs) if request.needs else 0.0
    grade_subject = 0.5 * (request.band in coach.grade_bands) + 0.5 * bool(
        request.subjects & coach.content_areas
    )
    quadrant = 1.0 if request.quadrant in coach.quadrants else 0.0
    continuity = 1.0 if coach.id in request.previous_coaches else 0.0
    stated = []
    if request.preferred_coach is not None:
        stated.append(request.preferred_coach == coach.id)
    if request.language:
        stated.append(request.language.casefold() in coach.languages)
    preference = sum(stated) / len(stated) if stated else 0.0
    load = coach.free / coach.capacity if coach.capacity else 0.0
    return needs, grade_subject, quadrant, continuity, preference, load


def score(request: RequestIn, coach: CoachIn, weights: Weights) -> int:
    """The fit score in tenths of a point: the fast path the solver uses."""
    w = weights
    s = shares(request, coach)
    return (
        _points(w.needs, s[0])
        + _points(w.grade_subject, s[1])
        + _points(w.quadrant, s[2])
        + _points(w.continuity, s[3])
        + _points(w.preference, s[4])
        + _points(w.load, s[5])
    )


def fit(request: RequestIn, coach: CoachIn, weights: Weights) -> Fit:
    """The fit with its parts explained in words; the parts' points add up to `score(...)`."""
    s = dict(zip(PART_KEYS, shares(request, coach), strict=True))
    covered = sorted(request.needs & coach.competencies)
    details = {
        "needs": (
            f"Covers {len(covered)} of {len(request.needs)} needs"
            + (f": {', '.join(covered)}" if covered else "")
            if request.needs
            else "The teacher named no needs"
        ),
        "grade_subject": "; ".join(
            [
                f"works with {request.band} grades"
                if request.band in coach.grade_bands
                else f"does not list {request.band} grades",
                "covers the teacher's subject"
                if request.subjects & coach.content_areas
                else "does not list the teacher's subject",
            ]
        ).capitalize(),
        "quadrant": "Lists this quadrant among the teachers they work best with"
        if s["quadrant"]
        else "Does not list this quadrant",
        "continuity": f"Coached {request.teacher} before"
        if s["continuity"]
        else f"Has not coached {request.teacher} before",
        "preference": _preference_detail(request, coach),
        "load": f"{coach.free} of {coach.capacity} places free before this round",
    }
    return Fit(
        tuple(
            Part(
                key,
                PART_LABELS[key],
                getattr(weights, key),
                round(s[key], 3),
                _points(getattr(weights, key), s[key]),
                details[key],
            )
            for key in PART_KEYS
        )
    )


def _preference_detail(request: RequestIn, coach: CoachIn) -> str:
    said = []
    if request.preferred_coach is not None:
        said.append(
            "the coach the teacher asked for"
            if request.preferred_coach == coach.id
            else "not the coach the teacher asked for"
        )
    if request.language:
        speaks = request.language.casefold() in coach.languages
        said.append(f"{'speaks' if speaks else 'does not list'} {request.language}")
    return ("; ".join(said) or "The teacher stated no preference").capitalize()
