"""Benchmark: the needs-assessment pages read summaries; against one hand-written GROUP BY over raw results.

Times, on the profile's district:
  - the summary rebuild (`summaries_rebuild`), against the baseline: one SQL statement that computes
    the same figures from the raw results for every school × assessment × grade × student group
    (tested, proficient, scale scores, growth of students matched to their fall score);
  - a school's needs page (the query and the whole page as the principal gets it), against the
    baseline restricted to that school;
  - the district comparison (query and page, for the district admin), against the baseline
    restricted to one testing window.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.harness import Context, Record, ensure_profile_database, peak_rss_mb

SCHOOLS_SAMPLED = 10
REPEAT = 5


def _times(fn: Callable[[], Any], repeat: int = REPEAT) -> dict[str, float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return {
        "best_ms": round(1000 * min(seconds), 1),
        "median_ms": round(1000 * statistics.median(seconds), 1),
    }


def baseline_sql(where: str = "") -> str:
    """The one GROUP BY a page would run without summaries: every group's figures from raw rows."""
    from coachmap.core import groups

    conditions = {
        g.code: "1 = 1"
        if g.field is None
        else f"s.{g.field} = '{g.value}'"
        if isinstance(g.value, str)
        else f"s.{g.field}"
        for g in groups.GROUPS
    }
    columns = ",\n".join(
        f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END), SUM(CASE WHEN {c} AND r.proficient THEN 1 ELSE 0 END), "
        f"COUNT(CASE WHEN {c} THEN r.scale_score END), SUM(CASE WHEN {c} THEN r.scale_score END), "
        f"COUNT(CASE WHEN {c} THEN f.scale_score END), SUM(CASE WHEN {c} THEN r.scale_score - f.scale_score END)"
        for c in conditions.values()
    )
    return f"""
        SELECT r.school_id, r.assessment_id, r.grade, {columns}
        FROM roster_result r
        JOIN roster_student s ON s.id = r.student_id
        JOIN roster_assessment a ON a.id = r.assessment_id
        LEFT JOIN roster_assessment fa ON fa.district_id = a.district_id AND fa.name = a.name
            AND fa.subject = a.subject AND fa.school_year = a.school_year AND fa."window" = 'fall'
            AND a."window" IN ('winter', 'spring')
        LEFT JOIN roster_result f ON f.assessment_id = fa.id AND f.student_id = r.student_id
            AND f.school_id = r.school_id
        {where}
        GROUP BY r.school_id, r.assessment_id, r.grade
    """


def run(ctx: Context) -> Record:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from coachmap.core.models import District, Membership, Role, User
    from coachmap.improvement.models import ResultCell
    from coachmap.improvement.queries.district import district_comparison
    from coachmap.improvement.queries.needs import Scope, needs_assessment, prioritised
    from coachmap.improvement.summaries import summaries_rebuild
    from coachmap.roster.models import Assessment, Result, Window

    generated = ensure_profile_database()
    district = District.objects.get()
    admin = User.objects.get(username="admin")
    results = Result.objects.count()
    newest_state = (
        Assessment.objects.filter(district=district, window=Window.STATE).order_by("-school_year").first()
    )
    assert newest_state is not None

    def baseline(where: str = "") -> int:
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql(where))
            return len(cursor.fetchall())

    # The rebuild and its baseline, twice each in turn so both see the same warm caches.
    rebuilds, baselines = [], []
    for _ in range(2):
        started = time.perf_counter()
        baseline_rows = baseline()
        baselines.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = summaries_rebuild(district=district)
        rebuilds.append(time.perf_counter() - started)
    rebuild_s, baseline_s = min(rebuilds), min(baselines)

    # A sample of schools, each as its own principal sees it.
    principals = list(
        Membership.objects.filter(district=district, role=Role.PRINCIPAL)
        .select_related("user", "school")
        .order_by("school_id")
    )
    step = max(1, len(principals) // SCHOOLS_SAMPLED)
    sample = principals[::step][:SCHOOLS_SAMPLED]
    school_query, school_page, school_baseline = [], [], []
    for membership in sample:
        school, user = membership.school, membership.user
        assert school is not None
        scope = Scope(district, school)

        def query(user: User = user, scope: Scope = scope) -> None:
            assessment = needs_assessment(user, scope)
            prioritised(scope.school, assessment)  # type: ignore[arg-type]

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        url = reverse("improvement:school", kwargs={"school_id": school.pk})
        assert client.get(url).status_code == 200
        school_query.append(_times(query)["median_ms"])
        school_page.append(_times(lambda client=client, url=url: client.get(url))["median_ms"])
        school_baseline.append(
            _times(lambda school=school: baseline(f"WHERE r.school_id = {school.pk:d}"), 3)["median_ms"]
        )

    admin_client = Client(HTTP_HOST="127.0.0.1")
    admin_client.force_login(admin)
    district_url = reverse("improvement:district") + "?group=el"
    assert admin_client.get(district_url).status_code == 200
    district_query = _times(lambda: district_comparison(admin, district, group="el"))
    district_page = _times(lambda: admin_client.get(district_url))
    district_baseline = _times(lambda: baseline(f"WHERE r.assessment_id = {newest_state.pk:d}"), 3)

    figures = {
        "results": results,
        "result_cells": ResultCell.objects.filter(district=district).count(),
        "rebuild_s": round(rebuild_s, 2),
        "rebuild_over_baseline": round(rebuild_s / baseline_s, 2),
        "school_query_ms_median_of_schools": statistics.median(school_query),
        "school_query_ms_worst_school": max(school_query),
        "school_page_ms_median_of_schools": statistics.median(school_page),
        "school_page_ms_worst_school": max(school_page),
        "schools_sampled": len(sample),
        "district_query_ms": district_query,
        "district_page_ms": district_page,
        "schools_compared": len(district_comparison(admin, district, group="el").rows),
        "peak_rss_mb": round(peak_rss_mb()),
        **generated,
        "rebuild_report": {
            "result_cells": report.result_cells,
            "enrollment_cells": report.enrollment_cells,
            "usage_cells": report.usage_cells,
            "turnaround_cells": report.turnaround_cells,
        },
    }
    baseline_figures = {
        "full_group_by_s": round(baseline_s, 2),
        "full_group_by_rows": baseline_rows,
        "school_group_by_ms_median_of_schools": statistics.median(school_baseline),
        "district_window_group_by_ms": district_baseline,
        "what": "one SQL statement over raw results and students: per school × assessment × grade, for each of "
        "16 student groups, tested, proficient, scale-score count and sum, fall-matched count and growth sum",
    }
    met = max(school_page) < 300 and district_page["median_ms"] < 1000 and rebuild_s <= 2 * baseline_s
    return ctx.record(
        "needs",
        figures,
        baseline_figures,
        goal="school needs page < 300 ms (worst sampled school, whole page), district comparison < 1 s (whole page), "
        "summary rebuild ≤ 2 × the full baseline GROUP BY",
        met=met,
    )
