"""The best-fit pages as people use them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from coachmap.coaching.bestfit import rounds as matching_rounds
from coachmap.coaching.bestfit import services as fit_services
from coachmap.coaching.bestfit.placement import Quadrant
from coachmap.coaching.models import LookFor, MatchingRound, RoundStatus
from tests.conftest import World
from tests.factories import RequestFactory, TeacherFactory


def test_the_teacher_answers_an_offer_and_a_referral_from_the_home_page(world: World) -> None:
    body = world.client("teacher").get(reverse("home")).content.decode()
    assert "Take up the offer" in body
    assert "Accept the referral" in body
    assert "Update my intake" in body


def test_a_coach_sees_where_the_checked_look_fors_point(world: World) -> None:
    client = world.client("coach")
    url = reverse("coaching:teacher-intake", kwargs={"teacher_id": world.teacher.pk})
    look_fors = LookFor.objects.filter(district=world.district, quadrant="experienced_developing")[:2]
    response = client.post(
        url, {"look_fors": [lf.pk for lf in look_fors], "experience_shift": "0.0", "confidence_shift": "0.0"}
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "point mostly to: <strong>Experienced, building confidence</strong>" in body
    assert "move it below if you agree" in body


def test_moving_a_placement_without_a_reason_is_refused_on_the_page(world: World) -> None:
    url = reverse("coaching:teacher-intake", kwargs={"teacher_id": world.teacher.pk})
    response = world.client("coach").post(url, {"experience_shift": "0.0", "confidence_shift": "-1.0"})
    assert response.status_code == 200
    assert "Say why the placement moves" in response.content.decode()


def test_the_lead_reads_each_proposals_explanation_on_the_round_page(world: World) -> None:
    newcomer = TeacherFactory(school=world.school, user__first_name="Nadia", user__last_name="Park")
    RequestFactory(goal__teacher=newcomer, goal__improvement_goal=world.goal, needs=["Lexia"])
    matching_round = matching_rounds.round_run(actor=world.lead, district=world.district)
    body = (
        world.client("lead")
        .get(reverse("coaching:round", kwargs={"round_id": matching_round.pk}))
        .content.decode()
    )
    assert "Nadia Park" in body
    assert "Competencies cover the teacher&#x27;s needs" in body
    assert "Covers 1 of 1 needs: lexia" in body
    assert "Nothing is offered: already working with a coach" in body  # Tina, mid-cycle
    assert "Confirm and send to teachers" in body


def test_the_command_line_runs_and_confirms_a_round(world: World) -> None:
    out = StringIO()
    call_command(
        "matching_round", district=world.district.slug, lead=world.lead.username, confirm=True, stdout=out
    )
    assert "requests matched with a coach" in out.getvalue()
    assert MatchingRound.objects.filter(status=RoundStatus.CONFIRMED, run_by=world.lead).exists()
    with pytest.raises(CommandError, match="No district"):
        call_command("matching_round", district="nowhere", lead=world.lead.username)


def _policy_form(world: World) -> dict[str, str]:
    policy = fit_services.policy_ensure(district=world.district)
    data = {
        "experience_threshold": "4",
        "adoption_discount": "2",
        "confidence_threshold": "3.5",
        **{f"weight_{k}": str(v) for k, v in policy.weights.as_dict().items()},
    }
    for q, route in policy.route_map.items():
        data |= {f"types_{q.value}_{i}": t for i, t in enumerate(route.types)}
        data |= {f"offers_{q.value}_{i}": str(o) for i, o in enumerate(route.offers)}
    return data


def test_the_lead_changes_the_routing_policy_by_name_and_a_slip_is_explained(world: World) -> None:
    client = world.client("lead")
    url = reverse("coaching:policy")
    page = client.get(url).content.decode()
    # Plain choices by name, and help on the page instead of a path to a file.
    assert ">Micro-coaching<" in page and ">Peer observation" in page and ">New-teacher mentor<" in page
    assert "micro_coaching," not in page and "docs/matching.md" not in page
    assert "How routing and matching use these settings" in page
    bad = _policy_form(world) | {"types_new_confident_0": "mentor", "types_new_confident_1": "mentor"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "New-teacher mentor is chosen twice" in response.content.decode()
    good = _policy_form(world) | {
        "types_new_confident_0": "mentor",
        "types_new_confident_1": "technology",
        "weight_load": "0",
    }
    assert client.post(url, good).status_code == 302
    policy = fit_services.policy_ensure(district=world.district)
    assert policy.route_map[Quadrant.NEW_CONFIDENT].types == ("mentor", "technology")
    assert policy.weight_load == 0
