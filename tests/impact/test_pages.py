"""The impact pages on the demo district, whose generator plants a known coaching effect."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from django.test import Client

from coachmap.core.models import AuditAction, AuditEvent, District, School, User
from coachmap.demo.effects import DEMO_PLANTED
from coachmap.demo.generate import Generator
from coachmap.demo.profiles import PROFILES
from coachmap.impact import estimate, queries, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> District:
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    return District.objects.get()


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_planted_effects_are_recovered_and_equal_statsmodels_fitted_directly(demo: District) -> None:
    outcome = next(o for o in queries.outcomes(demo) if o.measure == "interim" and o.subject == "math")
    built = report.build(demo, outcome, "adjusted")
    main = built.main
    assert main is not None and main.estimate.shown
    e = main.estimate
    assert e.low is not None and e.high is not None
    assert e.low <= DEMO_PLANTED.coaching_points <= e.high and e.low > 0
    assert min(e.teachers) >= demo.min_group_size
    tools = {row.label: row.estimate for row in built.tools if row.estimate.shown}
    assert tools, "the demo plants a tool effect in the subject tools of schools with usage data"
    for t in tools.values():
        assert t.low is not None and t.high is not None and t.low > 0

    # The page's estimate is statsmodels on the same extracted data, to 1e-9.
    rows = queries.student_rows(outcome)
    _, sample = report.coaching_sample(rows, queries.teacher_status(demo, outcome.year))
    s = estimate.both_sides(sample)
    frame = pd.DataFrame(
        {"y": s.outcome, "x": s.exposure, "b": s.baseline, "cell": s.cell, "teacher": s.cluster}
        | {name: s.covariates[:, i] for i, name in enumerate(report.COVARIATES)}
    )
    direct = smf.ols("y ~ x + b + el + swd + ed + C(cell)", frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame["teacher"]}, use_t=True
    )
    assert e.points == pytest.approx(direct.params["x"], abs=1e-9)
    fit = estimate.fit(s, "adjusted")
    assert len(np.unique(rows.student)) == len(rows)  # one row per student: one teacher for the subject
    assert (e.low, e.high) == (pytest.approx(fit.low, abs=1e-12), pytest.approx(fit.high, abs=1e-12))
    factor = math.sqrt(estimate.nested_correction(s.cluster, s.cell))
    assert fit.se == pytest.approx(direct.bse["x"] * factor, abs=1e-9)

    # No figure stands for one or two coaches.
    per_type = queries.coaches_by_type(demo)
    for row in built.by_coach_type:
        value = next(v for v, label in report.CoachType.choices if label == row.label)
        if per_type.get(value, 0) < report.MIN_COACHES:
            assert not row.estimate.shown and "coaches" in row.estimate.reason


def test_lead_and_admin_see_the_district_a_principal_only_their_school(demo: District) -> None:
    lead = _client("lead").get("/impact/")
    assert lead.status_code == 200
    text = lead.content.decode()
    assert "Did it work?" in text and "does not prove" in text and "95 % interval" in text
    assert _client("admin").get("/impact/").status_code == 200

    principal = _client("principal")
    own = School.objects.get(memberships__user__username="principal")
    other = School.objects.filter(district=demo).exclude(pk=own.pk).first()
    assert other is not None
    page = principal.get("/impact/")
    assert page.status_code == 200 and own.name in page.content.decode()
    assert principal.get(f"/impact/?school={other.pk}").status_code == 403
    assert _client("lead").get("/impact/?school=not-a-school").status_code == 403
    # Any input: a made-up outcome or method falls back to the defaults.
    assert _client("lead").get("/impact/?outcome=nonsense&method=%3Cb%3E").status_code == 200
    for username in ("teacher", "coach"):
        assert _client(username).get("/impact/").status_code == 403

    # The CSV: each estimate with its inputs' counts, audited.
    response = _client("lead").get("/impact/estimates.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("outcome,method,section,row,shown")
    main = next(line for line in lines if ",Coaching,All students," in line)
    assert ",yes," in main
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__report="impact estimates").exists()

    # The board PDF.
    response = _client("admin").get("/impact/board.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_without_results_the_page_says_what_will_happen(world: object) -> None:
    response = _client("lena").get("/impact/")
    assert response.status_code == 200
    assert "Once results are imported" in response.content.decode()
