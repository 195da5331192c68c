"""The impact summary: plain figures for a coach and period, a one-page PDF, never a note."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import reverse

from coachmap.coaching.models import StudentEvidence, TimeEntry
from coachmap.core.models import AuditAction, AuditEvent
from coachmap.reports import impact
from tests.conftest import OTHER_SECRET_NOTE, SECRET_BARRIER, SECRET_NOTE, World
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))


def _year(world: World) -> impact.Period:
    return impact.period_for("year", NOON.date())


def test_periods_are_the_school_year_its_halves_and_last_year() -> None:
    keys = [(p.key, p.start, p.end) for p in impact.periods(datetime.date(2026, 10, 20))]
    assert keys == [
        ("year", datetime.date(2026, 8, 1), datetime.date(2027, 7, 31)),
        ("fall", datetime.date(2026, 8, 1), datetime.date(2026, 12, 31)),
        ("spring", datetime.date(2027, 1, 1), datetime.date(2027, 7, 31)),
        ("last-year", datetime.date(2025, 8, 1), datetime.date(2026, 7, 31)),
    ]
    assert impact.period_for("nonsense", datetime.date(2026, 10, 20)).key == "year"


@time_machine.travel(NOON)
def test_the_summary_counts_cycles_minutes_time_fidelity_and_evidence(world: World) -> None:
    SessionFactory(cycle=world.cycle, date=datetime.date(2026, 9, 15), minutes=20, session_type="micro")
    StudentEvidence.objects.create(
        cycle=world.cycle,
        kind="post",
        measured_on=datetime.date(2026, 10, 1),
        measure="exit ticket",
        students_assessed=24,
        students_meeting=18,
    )
    TimeEntry.objects.create(
        coach=world.coach, date=datetime.date(2026, 9, 14), category="observe", minutes=300
    )
    TimeEntry.objects.create(
        coach=world.coach, date=datetime.date(2026, 9, 14), category="testing", minutes=100
    )
    s = impact.impact_summary(world.coach.user, world.coach, _year(world))
    assert (s.cycles_total, s.teachers, s.sessions, s.minutes) == (1, 1, 2, 60)
    assert [(b.label, b.value, b.percent) for b in s.by_type] == [
        ("Co-planning", 40, 67),
        ("Micro-coaching", 20, 33),
    ]
    assert (s.time.coaching_percent, s.time.other_percent) == (75, 25)
    assert s.fidelity[0].fidelity == 50.0 and not s.fidelity[0].hidden  # the coach sees their own
    assert (round(s.pre_share), round(s.post_share), round(s.change)) == (38, 75, 38)
    # The program lead gets the same summary, with classroom figures about too few teachers hidden.
    lead_view = impact.impact_summary(world.lead, world.coach, _year(world))
    assert lead_view.fidelity[0].hidden and lead_view.fidelity[0].fidelity is None
    assert lead_view.evidence_hidden and lead_view.change is None
    assert lead_view.sessions == 2


def test_principals_and_teachers_do_not_get_a_coachs_summary(world: World) -> None:
    for who in ("principal", "teacher", "other_coach"):
        with pytest.raises(PermissionDenied):
            impact.impact_summary(world.users[who], world.coach, _year(world))


@time_machine.travel(NOON)
@pytest.mark.parametrize("who", ["coach", "lead", "admin"])
def test_no_note_or_check_in_ever_reaches_the_summary_page_or_pdf(world: World, who: str) -> None:
    client = world.client(who)
    for period in ("year", "last-year"):
        for coach in (world.coach, world.other_coach):
            query = f"?coach={coach.pk}&period={period}"
            page = client.get(reverse("reports:impact") + query).content.decode()
            for secret in (SECRET_NOTE, OTHER_SECRET_NOTE, SECRET_BARRIER, "Added a picture menu"):
                assert secret not in page
    summary = impact.impact_summary(world.users[who], world.coach, _year(world))
    printed = render_to_string("reports/impact_print.html", {"s": summary, "generated": NOON.date()})
    for secret in (SECRET_NOTE, SECRET_BARRIER, "Added a picture menu"):
        assert secret not in printed


@time_machine.travel(NOON)
def test_the_pdf_is_one_printed_page_and_its_export_is_audited(world: World) -> None:
    from weasyprint import CSS, HTML

    from coachmap.reports.pdf import PRINT_CSS

    response = world.client("lead").get(reverse("reports:impact-pdf") + f"?coach={world.coach.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == world.lead and event.detail["report"] == "impact summary"
    summary = impact.impact_summary(world.lead, world.coach, _year(world))
    html = render_to_string("reports/impact_print.html", {"s": summary, "generated": NOON.date()})
    document = HTML(string=html).render(stylesheets=[CSS(filename=str(PRINT_CSS))])
    assert len(document.pages) == 1
