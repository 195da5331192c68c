"""The "Did it work?" estimates through the API (issue 20): the impact page's and its CSV's
estimates, from the same report (`impact.report.build`), hidden where they hide, with the page's
words about uncertainty given as fields (where the interval lies against zero, the size, the
baseline equivalence, the evidence tier) rather than prose."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from coachmap.core import access, tokens
from coachmap.core.inputs import Id, file_answer
from coachmap.impact import queries, report, views, words
from coachmap.impact.access import Scope, impact_scope
from coachmap.impact.estimate import STUDENT_FLOOR, Method

router = Router(tags=["impact"])


class OutcomeOut(Schema):
    key: str
    label: str


class SidesOut(Schema):
    coached_or_higher_use: int = Field(description="Coached teachers' side; for a tool, the higher-use half")
    comparison_or_lower_use: int = Field(description="The comparison side; for a tool, the lower-use half")


class EstimateOut(Schema):
    section: str = Field(description="As in the CSV: Coaching, By student group, By coach type, …, Tool")
    label: str
    kind: Literal["coaching", "dose"] = Field(description="dose: per extra 10 minutes a week of a tool")
    shown: bool
    why_not_shown: str = Field(description="Empty when shown; otherwise the page's reason")
    difference_points: float | None = Field(description="Scale-score points; null when not shown")
    interval_low_points: float | None = Field(description="95 % interval")
    interval_high_points: float | None
    difference_sd: float | None = Field(description="In standard deviations of the outcome")
    interval_low_sd: float | None
    interval_high_sd: float | None
    p_value: float | None
    interval_against_zero: words.Side | None = Field(
        description="How sure: the 95 % interval lies above zero, below it, or includes it "
        "(we cannot tell the difference apart from none)"
    )
    direction: words.Direction | None = Field(description="The coached (higher-use) side grew more or less")
    size: Literal["very small", "small", "moderate", "large"] | None = Field(
        description="The size in the page's words, by the usual education benchmarks"
    )
    baseline_gap_sd: float | None = Field(description="How far apart the two sides started, in SD")
    baseline_equivalence: Literal["satisfied", "adjust", "not_equivalent", "unknown"] | None = Field(
        description="What Works Clearinghouse: satisfied up to 0.05 SD; adjust: counts only adjusted "
        "for the starting score (0.05 to 0.25)"
    )
    teachers: SidesOut | None
    students: SidesOut | None
    evidence_tier: str | None = Field(description="Tools only: the ESSA tier this design can claim")
    proves_cause: bool = Field(False, description="Never: the comparison does not prove cause")


class ImpactEstimatesOut(Schema):
    district: str
    school_id: int | None = Field(description="Null: the whole district")
    school: str | None
    outcome: OutcomeOut | None = Field(description="Null until test results with a baseline are imported")
    outcomes: list[OutcomeOut] = Field(description="Every outcome the district's results allow")
    method: Method
    method_label: str
    min_teachers: int = Field(description="Each side needs at least this many teachers")
    min_students: int = Field(description="… and at least this many students (or min_teachers, if more)")
    estimates: list[EstimateOut] = Field(description="In the page's order: the headline first")


def _rounded(value: float | None, key: str) -> float | None:
    return None if value is None else round(value, report.DIGITS[key])


def estimate_out(row: report.Row) -> dict[str, Any]:
    """One estimate as the CSV gives it (a hidden one keeps only its reason)."""
    e = report.released(row)
    shown = e.shown

    def sides(pair: tuple[int, int]) -> dict[str, int] | None:
        return {"coached_or_higher_use": pair[0], "comparison_or_lower_use": pair[1]} if shown else None

    return {
        "section": row.section,
        "label": row.label,
        "kind": e.kind,
        "shown": shown,
        "why_not_shown": "" if shown else e.reason,
        "difference_points": _rounded(e.points, "points"),
        "interval_low_points": _rounded(e.low, "low"),
        "interval_high_points": _rounded(e.high, "high"),
        "difference_sd": _rounded(e.sd, "sd"),
        "interval_low_sd": _rounded(e.sd_low, "sd_low"),
        "interval_high_sd": _rounded(e.sd_high, "sd_high"),
        "p_value": _rounded(e.p, "p"),
        "interval_against_zero": words.interval_side(e) if shown else None,
        "direction": words.direction(e) if shown else None,
        "size": words.size_word(e.sd) if shown and e.sd is not None else None,
        "baseline_gap_sd": _rounded(e.baseline_gap_sd, "baseline_gap_sd") if shown else None,
        "baseline_equivalence": e.equivalence if shown else None,
        "teachers": sides(e.teachers),
        "students": sides(e.students),
        "evidence_tier": row.tier.label if row.tier else None,
        "proves_cause": False,
    }


REFUSED = "Impact estimates are for principals, the program lead and the district."


def _report(
    request: HttpRequest, page: str, school_id: int | None, outcome: str, method: Method
) -> tuple[Scope, report.Report, list[queries.Outcome]]:
    """The impact page's report (`page`'s check) for the district or one of the reader's schools
    (another is a 404) and an outcome of the district's (an unknown one is a 422)."""
    access.require(access.may_open(request.user, page), REFUSED)
    scope = impact_scope(request.user, None)
    if school_id is not None:
        if school_id not in {s.pk for s in scope.schools}:
            raise Http404("No such school among yours.")
        scope = impact_scope(request.user, str(school_id))
    options = queries.outcomes(scope.district)
    chosen = next((o for o in options if o.key == outcome), None)
    if outcome and chosen is None:
        keys = ", ".join(o.key for o in options) or "none yet"
        raise ValidationError({"outcome": f"Choose one of the district's outcomes: {keys}."})
    built = report.build(scope.district, chosen or (options[0] if options else None), method, scope.school)
    return scope, built, options


@router.get("/estimates", response=ImpactEstimatesOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def impact_estimates(
    request: HttpRequest, school_id: Id | None = None, outcome: str = "", method: Method = "adjusted"
) -> dict[str, Any]:
    """Did coaching and the tools move learning: the impact page's estimates (coaching for all
    students, by student group, coach type, quadrant and goal, and each tool's use against growth)
    for the district (program lead, district admin) or a school (`school_id`; a principal's own).
    `outcome` is one of `outcomes` (the newest by default). A side with too few teachers or
    students is not shown: every figure null, with the reason."""
    scope, built, options = _report(request, "impact:index", school_id, outcome, method)
    return {
        "district": scope.district.name,
        "school_id": scope.school.pk if scope.school else None,
        "school": scope.school.name if scope.school else None,
        "outcome": {"key": built.outcome.key, "label": built.outcome.label} if built.outcome else None,
        "outcomes": [{"key": o.key, "label": o.label} for o in options],
        "method": built.method,
        "method_label": words.METHOD_LABELS[built.method],
        "min_teachers": built.min_teachers,
        "min_students": STUDENT_FLOOR,
        "estimates": [estimate_out(row) for row in built.rows],
    }


# --- the impact page's files as files (issue 20): its CSV and the board's PDF, made by the page's functions


@router.get(
    "/estimates.csv",
    openapi_extra=file_answer(
        "text/csv", "The estimates as a CSV file (UTF-8 with a byte-order mark), as the page's download."
    ),
)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def impact_estimates_csv(
    request: HttpRequest, school_id: Id | None = None, outcome: str = "", method: Method = "adjusted"
) -> HttpResponse:
    """The estimates of `/impact/estimates` as the CSV the impact page downloads, for the same
    `school_id`, `outcome` and `method`: byte for byte the page's, hidden where it hides, audited
    as an export."""
    scope, built, _ = _report(request, "impact:export", school_id, outcome, method)
    return views.estimates_csv(request, scope, built)  # type: ignore[arg-type]


@router.get(
    "/board.pdf",
    openapi_extra=file_answer("application/pdf", "The board report as a PDF file, as the page's."),
)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def impact_board_pdf(
    request: HttpRequest, school_id: Id | None = None, outcome: str = "", method: Method = "adjusted"
) -> HttpResponse:
    """The board's printable report of the same estimates and words, as the PDF the impact page
    downloads: byte for byte the page's, audited as an export."""
    scope, built, _ = _report(request, "impact:pdf", school_id, outcome, method)
    return views.board_pdf_file(request, scope, built)  # type: ignore[arg-type]
