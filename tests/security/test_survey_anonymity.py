"""Issue 12, item 3: pulse and survey answers cannot be traced to the teacher who gave them.

Each attack that worked before is a test here: a batch made of one teacher's answers, a mean that
gives away a hidden count, two releases whose difference is one person, and answers that line up
with receipts in the database. The figures are checked by an auditor written here, independent of
`feedback/anonymity.py`: a mixed-integer solver (HiGHS through SciPy) or plain enumeration finds
every value a hidden cell could take given everything a reader was shown.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from coachmap.coaching.models import CoachingSession
from coachmap.core import access, schoolyear
from coachmap.core.models import Teacher, User
from coachmap.core.schoolyear import school_year_start
from coachmap.demo.generate import DEMO_LOGINS, Generator
from coachmap.demo.profiles import PROFILES
from coachmap.feedback import access as feedback_access
from coachmap.feedback import anonymity, queries, services
from coachmap.feedback.models import (
    SCALE,
    PulseReceipt,
    PulseResponse,
    SealedAnswer,
    Survey,
    SurveyAnswer,
    SurveyReceipt,
    SurveyStatus,
)
from coachmap.reports import impact
from tests.conftest import World
from tests.factories import CycleFactory, SessionFactory, TeacherFactory

NOON = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOON.date()
VALUES = [v for v, _ in SCALE]


# --- the independent auditor -----------------------------------------------------------------------


def interval(
    n_vars: int,
    equalities: Sequence[tuple[Sequence[float], float, float]],
    target: Sequence[float],
    upper: Sequence[float],
) -> tuple[int, int]:
    """The smallest and largest whole value of `target · x` over whole x >= 0 with each
    (row, low, high) holding as low <= row · x <= high."""
    a = np.array([row for row, _, _ in equalities], dtype=float)
    lo = np.array([low for _, low, _ in equalities], dtype=float)
    hi = np.array([high for _, _, high in equalities], dtype=float)
    bounds = Bounds(np.zeros(n_vars), np.array(upper, dtype=float))
    found = []
    for sign in (1.0, -1.0):
        result = milp(
            sign * np.array(target, dtype=float),
            constraints=LinearConstraint(a, lo, hi),
            integrality=np.ones(n_vars),
            bounds=bounds,
        )
        assert result.status == 0, "what was shown must be consistent with some answers"
        found.append(round(sign * result.fun))
    return found[0], found[1]


def shown_table_leaks(n: int, shown: Mapping[int, int | None], mean: float | None, agree: int | None) -> list:
    """Cells a reader could pin from one question's shown figures: its total, shown counts, the
    mean as printed (one decimal) and the agreement as printed (whole per cent)."""
    rows: list[tuple[list[float], float, float]] = [([1.0] * len(shown), n, n)]
    keys = list(shown)
    for i, key in enumerate(keys):
        if shown[key] is not None:
            unit = [0.0] * len(keys)
            unit[i] = 1.0
            rows.append((unit, shown[key], shown[key]))
    if mean is not None:
        rows.append(([float(k) for k in keys], (mean - 0.05) * n - 1e-9, (mean + 0.05) * n + 1e-9))
    if agree is not None:
        weights = [1.0 if k >= 4 else 0.0 for k in keys]
        rows.append((weights, (agree - 0.5) * n / 100 - 1e-9, (agree + 0.5) * n / 100 + 1e-9))
    leaks = []
    for i, key in enumerate(keys):
        if shown[key] is None:
            unit = [0.0] * len(keys)
            unit[i] = 1.0
            low, high = interval(len(keys), rows, unit, [n] * len(keys))
            if low == high:
                leaks.append((key, low))
    return leaks


# --- helpers --------------------------------------------------------------------------------------


def _session_with(world: World, teacher: Teacher | None = None) -> tuple[Teacher, CoachingSession]:
    teacher = teacher or TeacherFactory(school=world.school)
    cycle = CycleFactory(
        coach=world.coach, request__goal__teacher=teacher, opened_on=datetime.date(2026, 9, 1)
    )
    return teacher, SessionFactory(cycle=cycle, date=TODAY)


def _reads_as_text(blob: bytes) -> bool:
    try:
        json.loads(blob.decode("utf-8"))
    except ValueError:  # not UTF-8, or not JSON
        return False
    return True


def _physical_order(model: type, column: str) -> list:
    table = model._meta.db_table
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY {order}")  # noqa: S608 - names are ours
        return [row[0] for row in cursor.fetchall()]


# --- pulse batches count people --------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOON)
def test_a_coach_with_one_teacher_sees_nothing_however_many_sessions_they_log(world: World) -> None:
    year = schoolyear.school_year_of(TODAY)
    teacher = TeacherFactory(school=world.school)
    for _ in range(12):
        _, session = _session_with(world, teacher)
        services.pulse_answer(teacher=teacher, session=session, useful=1, will_use=1, respected=1)
    results = queries.pulse_results(world.coach.user, world.coach, year)
    assert results.n == 0 and not results.shown
    assert not PulseResponse.objects.exists()  # still waiting, unreadable, in the pool


@pytest.mark.django_db
@time_machine.travel(NOON)
def test_a_batch_holds_one_answer_from_each_of_enough_different_teachers(world: World) -> None:
    year = schoolyear.school_year_of(TODAY)
    frequent = TeacherFactory(school=world.school)
    for _ in range(10):
        _, session = _session_with(world, frequent)
        services.pulse_answer(teacher=frequent, session=session, useful=1, will_use=1, respected=1)
    others = []
    for i in range(9):
        teacher, session = _session_with(world)
        others.append(teacher)
        services.pulse_answer(teacher=teacher, session=session, useful=5, will_use=5, respected=5)
        if i < 8:
            assert queries.pulse_results(world.lead, world.coach, year).n == 0
    released = queries.pulse_results(world.lead, world.coach, year)
    # Ten different teachers: one answer each, so the frequent teacher's answers are one in ten.
    assert released.n == 10
    assert Counter(PulseResponse.objects.values_list("useful", flat=True)) == {1: 1, 5: 9}
    # A skip is counted by nobody, but it must not look different in the pool.
    _, session = _session_with(world, others[0])
    services.pulse_skip(teacher=others[0], session=session)
    assert queries.pulse_results(world.lead, world.coach, year).n == 10


def _pulse_with_one_answer_each(world: World, values: Sequence[int]) -> None:
    for value in values:
        teacher, session = _session_with(world)
        services.pulse_answer(teacher=teacher, session=session, useful=value, will_use=value, respected=value)


@pytest.mark.django_db
@time_machine.travel(NOON)
def test_two_releases_never_differ_by_a_small_count_in_any_shown_cell(world: World) -> None:
    year = schoolyear.school_year_of(TODAY)
    _pulse_with_one_answer_each(world, [5] * 10)
    first = queries.pulse_results(world.coach.user, world.coach, year)
    assert first.n == 10 and first.questions[0].mean == 5
    _pulse_with_one_answer_each(world, [5] * 9 + [1])  # the next batch has one strongly disagree
    second = queries.pulse_results(world.coach.user, world.coach, year)
    assert second.n == 20
    before = {c.value: c.count for c in first.questions[0].counts}
    after = {c.value: c.count for c in second.questions[0].counts}
    for value in VALUES:
        if before[value] is not None and after[value] is not None:
            assert not 0 < after[value] - before[value] < first.min_size, value
    assert after[1] is None
    assert second.questions[0].mean is None  # a mean would give the hidden cell away
    assert second.questions[0].agree_percent is None or after[4] is not None


# --- the independent audit over every release -----------------------------------------------------


def audit_releases(batches: Sequence[Sequence[int]], releases: Sequence[anonymity.QuestionResult], k: int):
    """Everything a reader who watched every release learns: for each batch's cell (people in that
    batch who gave that answer) and each release's hidden cell, the smallest and largest value it
    could take. Returns the cells pinned while small (1 to k-1 people)."""
    n_b = len(batches)
    index = {(j, v): j * len(VALUES) + i for j in range(n_b) for i, v in enumerate(VALUES)}
    size = len(index)
    rows: list[tuple[list[float], float, float]] = []
    for j, batch in enumerate(batches):
        row = [0.0] * size
        for v in VALUES:
            row[index[(j, v)]] = 1.0
        rows.append((row, len(batch), len(batch)))
    for r, shown in enumerate(releases):
        if not shown.shown:
            continue
        for count in shown.counts:
            if count.count is not None:
                row = [0.0] * size
                for j in range(r + 1):
                    row[index[(j, count.value)]] = 1.0
                rows.append((row, count.count, count.count))
        if shown.mean is not None:
            row = [0.0] * size
            for j in range(r + 1):
                for v in VALUES:
                    row[index[(j, v)]] = float(v)
            total = shown.mean * shown.n
            rows.append((row, total - 1e-6, total + 1e-6))
    pinned = []
    for j, batch in enumerate(batches):
        tally = Counter(batch)
        for v in VALUES:
            if 0 < tally[v] < k:
                target = [0.0] * size
                target[index[(j, v)]] = 1.0
                low, high = interval(size, rows, target, [len(b) for b in batches for _ in VALUES])
                if low == high:
                    pinned.append(("batch", j, v, low))
    for r, shown in enumerate(releases):
        cumulative = Counter(x for b in batches[: r + 1] for x in b)
        for count in shown.counts:
            if count.count is None:
                target = [0.0] * size
                for j in range(r + 1):
                    target[index[(j, count.value)]] = 1.0
                low, high = interval(size, rows, target, [len(b) for b in batches for _ in VALUES])
                if low == high:
                    pinned.append(("release", r, count.value, cumulative[count.value]))
    return pinned


batch_strategy = st.integers(5, 7).flatmap(
    lambda k: st.tuples(
        st.just(k),
        st.lists(
            st.integers(0, 4).flatmap(
                lambda extra: st.lists(st.sampled_from(VALUES), min_size=k + extra, max_size=k + extra)
            ),
            min_size=1,
            max_size=4,
        ),
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch_strategy)
def test_no_release_or_difference_of_releases_pins_a_small_group(case: tuple[int, list[list[int]]]) -> None:
    k, batches = case
    releases = anonymity.summarise_releases("q", batches, SCALE, k)
    assert len(releases) == len(batches)
    assert audit_releases(batches, releases, k) == []


# --- means beside hidden counts -------------------------------------------------------------------


def test_the_mean_that_gave_away_one_strongly_disagree_is_no_longer_shown() -> None:
    values = [5] * 7 + [4] * 5 + [1]
    result = anonymity.summarise("Useful?", values, SCALE, 5)
    shown = {c.value: c.count for c in result.counts}
    assert shown[1] is None
    assert shown_table_leaks(result.n, shown, result.mean, result.agree_percent) == []
    # What the attack did: with the mean, the hidden cells are pinned.
    assert shown_table_leaks(result.n, shown, sum(values) / len(values), None) != []


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(VALUES), min_size=5, max_size=40), st.integers(5, 10))
def test_no_shown_summary_pins_a_hidden_count(values: list[int], k: int) -> None:
    result = anonymity.summarise("q", values, SCALE, k)
    if not result.shown:
        assert result.mean is None and result.counts == ()
        return
    shown = {c.value: c.count for c in result.counts}
    assert shown_table_leaks(result.n, shown, result.mean, result.agree_percent) == []


@pytest.mark.django_db
def test_a_faculty_question_counts_everyone_who_answered_the_survey(world: World) -> None:
    """A skipped question is a hidden "no answer" cell, so questions' totals never differ by one."""
    survey = world.open_survey
    first = survey.questions.get()
    survey.status = SurveyStatus.DRAFT
    survey.save()
    extra = services.question_add(
        actor=world.lead, survey=survey, text="Sessions started on time.", kind="scale"
    )
    survey.status = SurveyStatus.OPEN
    survey.save()
    for i in range(12):
        answers = {first.pk: 5 if i % 2 else 4}
        if i:
            answers[extra.pk] = 4
        services.survey_answer(teacher=TeacherFactory(school=world.school), survey=survey, answers=answers)
    services.survey_status_set(actor=world.lead, survey=survey, status=SurveyStatus.CLOSED)
    results = queries.survey_results(world.lead, survey)
    assert [q.n for q in results.questions] == [12, 12]
    extra_counts = {c.label: c.count for c in results.questions[1].counts}
    assert extra_counts["No answer"] is None  # the one who skipped it is not singled out
    assert results.questions[1].mean is None


# --- storage: no order, id or time pairs an answer with a receipt ---------------------------------


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOON)
def test_stored_answers_do_not_line_up_with_receipts(world: World) -> None:
    triples = list(itertools.product([1, 2, 3, 4, 5], repeat=3))[::7][:10]  # the minimum group: one batch
    for triple in triples:
        teacher, session = _session_with(world)
        services.pulse_answer(
            teacher=teacher, session=session, useful=triple[0], will_use=triple[1], respected=triple[2]
        )
    stored = [
        tuple(PulseResponse.objects.filter(pk=pk).values_list("useful", "will_use", "respected").get())
        for pk in _physical_order(PulseResponse, "id")
    ]
    assert sorted(stored) == sorted(triples)  # released together...
    assert stored != triples  # ...but not in the order the receipts were written
    receipt_order = list(PulseReceipt.objects.order_by("id").values_list("teacher_id", flat=True))
    assert len(receipt_order) == 10

    survey = world.open_survey
    question = survey.questions.get()
    given_values = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4]
    for value in given_values:
        services.survey_answer(
            teacher=TeacherFactory(school=world.school), survey=survey, answers={question.pk: value}
        )
    assert not SurveyAnswer.objects.exists()  # held in the pool while the survey is open
    pool = list(SealedAnswer.objects.values_list("sealed", flat=True))
    assert len(pool) == len(given_values)
    # The pool cannot be read as answers from a copy of the database: sealed with a key the
    # database does not hold, and two equal answers do not even look alike.
    assert len({bytes(s) for s in pool}) == len(pool)
    assert not any(_reads_as_text(bytes(sealed)) for sealed in pool)
    services.survey_status_set(actor=world.lead, survey=survey, status=SurveyStatus.CLOSED)
    assert not SealedAnswer.objects.exists()
    stored_values = [SurveyAnswer.objects.get(pk=pk).value for pk in _physical_order(SurveyAnswer, "id")]
    assert sorted(stored_values) == sorted(given_values) and stored_values != given_values
    assert SurveyReceipt.objects.filter(survey=survey).count() == len(given_values)


@pytest.mark.django_db
@time_machine.travel(NOON)
def test_an_answer_and_a_skip_look_the_same_in_the_pool(world: World) -> None:
    teacher, session = _session_with(world)
    services.pulse_answer(teacher=teacher, session=session, useful=5, will_use=5, respected=5)
    _, other = _session_with(world, teacher)
    services.pulse_skip(teacher=teacher, session=other)
    sealed = [bytes(s) for s in SealedAnswer.objects.values_list("sealed", flat=True)]
    assert len(sealed) == 2 and len(sealed[0]) == len(sealed[1]) and sealed[0] != sealed[1]


# --- the demo district, every role, every survey and pulse page ------------------------------------

DEMO_DAY = datetime.date(2026, 11, 23)
SECTION = re.compile(r'<section aria-labelledby="sq\d+">(.*?)</section>', re.S)
PULSE_ROW = re.compile(
    r"<tr>\s*<td>([^<]+)</td>\s*<td class=\"num\">(.*?)</td>\s*<td class=\"num\">(.*?)</td>", re.S
)


def _cell(html: str) -> int | None:
    text = re.sub(r"<[^>]+>", "", html).strip()
    return None if text == "*" else int(text)


def _number(html: str, pattern: str) -> float | None:
    found = re.search(pattern, html)
    return float(found.group(1)) if found else None


def table_leaks(
    n: int,
    cells: Mapping[int, int | None],
    mean: float | None,
    agree: float | None,
    truth: Mapping[int, int],
    k: int,
) -> list:
    """Cells of one question a reader of the page can pin, among the hidden ones and among those
    truly counting 1 to k-1 people. Keys are answer values, 0 for "No answer"; the mean (one decimal)
    is over those who answered, the agreement (whole per cent) over everyone counted."""
    keys = list(cells)
    rows: list[tuple[list[float], float, float]] = [([1.0] * len(keys), n, n)]
    for i, key in enumerate(keys):
        if cells[key] is not None:
            rows.append(([1.0 if j == i else 0.0 for j in range(len(keys))], cells[key], cells[key]))
    if mean is not None:
        for bound, sign in ((mean - 0.05, 1.0), (mean + 0.05, -1.0)):
            # sum(v * c_v) >= bound * (n - c_0), written as one linear row; the high bound flips sign.
            row = [sign * (key if key else bound) for key in keys]
            rows.append(
                (row, sign * bound * n - 1e-9, np.inf)
                if sign > 0
                else (row, -np.inf, sign * bound * n + 1e-9)
            )
    if agree is not None:
        weights = [1.0 if key >= 4 else 0.0 for key in keys]
        rows.append((weights, (agree - 0.5) * n / 100 - 1e-9, (agree + 0.5) * n / 100 + 1e-9))
    leaks = []
    for i, key in enumerate(keys):
        if cells[key] is None or 0 < truth.get(key, 0) < k:
            low, high = interval(
                len(keys), rows, [1.0 if j == i else 0.0 for j in range(len(keys))], [n] * len(keys)
            )
            if low == high:
                leaks.append((key, low))
    return leaks


@pytest.mark.django_db
def test_no_survey_or_pulse_page_of_the_demo_district_pins_a_hidden_cell() -> None:
    Generator(PROFILES["demo"], 1, DEMO_DAY).run()
    k = anonymity.minimum(Survey.objects.first().district.min_group_size)
    checked = {"survey questions": 0, "pulse questions": 0}
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("America/New_York"))):
        for username in DEMO_LOGINS:
            user = User.objects.get(username=username)
            client = Client()
            client.force_login(user)
            for survey in Survey.objects.all():
                page = client.get(reverse("feedback:survey-results", args=[survey.pk]))
                if not feedback_access.surveys_visible_to(user).filter(pk=survey.pk).exists() or username in (
                    "teacher",
                    "coach",
                ):
                    assert page.status_code in (403, 404), (username, survey.pk)
                    continue
                body = page.content.decode()
                truths = {q.pk: Counter() for q in survey.questions.all()}
                for qid, value in SurveyAnswer.objects.filter(response__survey=survey).values_list(
                    "question_id", "value"
                ):
                    truths[qid][value] += 1
                answered = survey.responses.count()
                sections = SECTION.findall(body)
                if survey.status != SurveyStatus.CLOSED:
                    assert sections == [] or all("not shown" in s for s in sections)
                    continue
                for question, section in zip(survey.questions.all(), sections, strict=True):
                    truth = truths[question.pk]
                    truth[0] = answered - sum(truth.values())
                    labels = [*question.labels, (0, "No answer")]
                    shown = [_cell(c) for c in re.findall(r'<td class="num">(.*?)</td>', section, re.S)]
                    cells = {value: count for (value, _), count in zip(labels, shown, strict=True)}
                    n = int(_number(section, r"(\d+) people counted") or 0)
                    mean = _number(section, r"average ([\d.]+)")
                    agree = _number(section, r"(\d+)% agree")
                    assert table_leaks(n, cells, mean, agree, truth, k) == [], (username, question.text)
                    checked["survey questions"] += 1
            for coach in access.impact_coaches_for(user):
                for period in impact.periods(DEMO_DAY):
                    page = client.get(reverse("reports:impact") + f"?coach={coach.pk}&period={period.key}")
                    body = page.content.decode()
                    year = school_year_start(period.end).year + 1
                    released = list(
                        PulseResponse.objects.filter(
                            coach=coach, school_year=year, batch__isnull=False
                        ).values_list("useful", "will_use", "respected")
                    )
                    rows = (
                        PULSE_ROW.findall(body.split('id="i-pulse"', 1)[1]) if 'id="i-pulse"' in body else []
                    )
                    if not rows:
                        continue
                    n = int(_number(body, r"(\d+) anonymous answers in the school year") or 0)
                    assert n == len(released)
                    for i, (_, agree_html, mean_html) in enumerate(rows):
                        truth = Counter(row[i] for row in released)
                        agree = _cell(agree_html.replace("%", ""))
                        mean_text = re.sub(r"<[^>]+>", "", mean_html).strip()
                        mean = None if mean_text == "*" else float(mean_text)
                        cells = dict.fromkeys(VALUES)  # the page shows no counts at all
                        assert table_leaks(n, cells, mean, agree, truth, k) == [], (
                            username,
                            coach.pk,
                            period.key,
                        )
                        checked["pulse questions"] += 1
    assert checked["survey questions"] > 0 and checked["pulse questions"] > 0, checked
