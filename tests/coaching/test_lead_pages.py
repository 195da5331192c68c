"""The lead's matching pages in words a person uses, and broad acts confirmed before they happen (issue 17)."""

from __future__ import annotations

from django.test import Client

from coachmap.coaching.bestfit import queries as fit_queries
from coachmap.coaching.bestfit import rounds as matching_rounds
from coachmap.coaching.bestfit import services as fit_services
from coachmap.coaching.bestfit.matching.explain import fit_quality, seconds_words, weights_words
from coachmap.coaching.models import LookFor, MatchProposal, ProposalKind, RoundStatus
from coachmap.core.models import CoachType
from coachmap.notifications.models import Notification
from tests.coaching.test_matching_flow import scene
from tests.factories import CoachFactory


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_sending_a_round_first_asks_how_many_teachers_it_reaches_and_sends_nothing(db: None) -> None:
    s = scene(n_teachers=3)
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    client = _client(s.lead)

    page = client.get(f"/matching/{matching_round.pk}/confirm/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Send proposals to 3 teachers?" in text
    assert "Send to 3 teachers" in text and "Cancel, change nothing" in text
    assert 'name="confirmed" value="yes"' in text
    matching_round.refresh_from_db()
    assert matching_round.status == RoundStatus.DRAFT
    assert not Notification.objects.filter(user__in=[t.user for t in s.teachers]).exists()

    sent = client.post(f"/matching/{matching_round.pk}/confirm/", {"confirmed": "yes"})
    assert sent.status_code == 302
    matching_round.refresh_from_db()
    assert matching_round.status == RoundStatus.CONFIRMED
    assert Notification.objects.filter(user__in=[t.user for t in s.teachers]).count() == 3


def test_a_post_without_the_confirmation_shows_the_question_instead_of_sending(db: None) -> None:
    s = scene(n_teachers=2)
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    page = _client(s.lead).post(f"/matching/{matching_round.pk}/confirm/")
    assert "Send proposals to 2 teachers?" in page.content.decode()
    matching_round.refresh_from_db()
    assert matching_round.status == RoundStatus.DRAFT


def test_the_round_page_speaks_plainly_and_folds_each_fit_table(db: None) -> None:
    s = scene(n_teachers=3)
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    text = _client(s.lead).get(f"/matching/{matching_round.pk}/").content.decode()
    assert "How well the matches fit" in text
    assert "Matched in" in text
    assert "Same grade and subject: up to +20" in text
    assert "grade_subject" not in text and "Total fit" not in text and "Seconds" not in text
    assert text.count('<details class="fit">') == 3  # collapsed: no `open`
    listing = _client(s.lead).get("/matching/").content.decode()
    assert "Total fit" not in listing and "Seconds" not in listing and "How well they fit" in listing


def test_fit_in_words() -> None:
    weights = {
        "needs": 35,
        "grade_subject": 20,
        "quadrant": 15,
        "continuity": 10,
        "preference": 10,
        "load": 10,
    }
    assert fit_quality(2 * 800, 2, weights) == "strong (on average 80 of 100 points)"
    assert fit_quality(600, 1, weights) == "fair (on average 60 of 100 points)"
    assert fit_quality(450, 1, weights).startswith("weak")
    assert fit_quality(0, 0, weights) == "no match yet"
    assert seconds_words(0.236) == "0.2 seconds"
    assert seconds_words(0.04) == "under 0.1 seconds"
    assert seconds_words(1.0) == "1.0 second"
    assert weights_words({"grade_subject": 20, "load": 0}) == ["Same grade and subject: up to +20"]


def test_changing_a_proposal_lists_coaches_by_how_well_each_fits_this_teacher(db: None) -> None:
    s = scene(n_teachers=1, tech_capacity=1)
    # A coach with many free places but nothing in common with the teacher: listed after the better fit.
    roomy = CoachFactory(
        district=s.district,
        schools=list(s.tech.schools.all()),
        coach_type=CoachType.TECHNOLOGY,
        capacity=20,
        user__first_name="Roomy",
        user__last_name="Empty",
    )
    fit_services.coach_profile_update(
        coach=roomy, tools=[], content_areas=[], grade_bands=[], practices=[], quadrants=[], languages=[]
    )
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    proposal = MatchProposal.objects.get(round=matching_round, kind=ProposalKind.COACH)
    options = fit_queries.coach_options_by_fit(s.lead, proposal)
    assert options[0].coach.pk == s.tech.pk
    assert options[0].score is not None and options[-1].score is not None
    assert [o.score for o in options] == sorted((o.score for o in options), reverse=True)
    assert roomy.pk in [o.coach.pk for o in options]
    assert options[0].free < next(o for o in options if o.coach.pk == roomy.pk).free

    text = _client(s.lead).get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert text.index("Casey Rivera — fits") < text.index("Roomy Empty — fits")
    assert "places free" in text


def test_taking_a_look_for_off_the_district_checklist_asks_first(world) -> None:  # type: ignore[no-untyped-def]
    fit_services.policy_ensure(district=world.district)
    look_for = LookFor.objects.filter(district=world.district, active=True).first()
    client = world.client("coach")
    page = client.post("/look-fors/", {"toggle": str(look_for.pk)})
    assert page.status_code == 200
    text = page.content.decode()
    assert "off the district’s checklist?" in text and "Every coach in the district" in text
    look_for.refresh_from_db()
    assert look_for.active  # nothing changed yet

    done = client.post("/look-fors/", {"toggle": str(look_for.pk), "confirmed": "yes"})
    assert done.status_code == 302
    look_for.refresh_from_db()
    assert not look_for.active
    # Putting it back is not broad: one click.
    client.post("/look-fors/", {"toggle": str(look_for.pk)})
    look_for.refresh_from_db()
    assert look_for.active


def test_the_lead_is_told_how_many_requests_wait_and_for_how_long(world) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    from coachmap.coaching.models import CoachingRequest

    CoachingRequest.objects.filter(pk=world.open_request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=6)
    )
    text = world.client("lead").get("/").content.decode()
    assert "request waiting for a coach" in text or "requests waiting for a coach" in text
    assert "the oldest has waited 6 days" in text
    assert 'href="/requests/"' in text


def test_only_teachers_are_linked_to_the_intake_from_the_surveys_page(world) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/my/intake/"' in world.client("teacher").get("/surveys/").content.decode()
    for role in ("lead", "principal", "admin"):
        assert "/my/intake/" not in world.client(role).get("/surveys/").content.decode(), role


def test_the_caseloads_page_has_a_chart_from_zero_and_a_csv_that_excel_reads(world) -> None:  # type: ignore[no-untyped-def]
    from coachmap.core.models import AuditAction, AuditEvent

    client = world.client("lead")
    page = client.get("/caseloads/").content.decode()
    assert 'data-chart="caseloads-chart"' in page and '"min": 0' in page
    response = client.get("/caseloads/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Coach,Kind of coach,")
    assert len(lines) == 1 + 2  # the two coaches of the district
    assert AuditEvent.objects.filter(actor=world.lead, action=AuditAction.EXPORT).exists()
