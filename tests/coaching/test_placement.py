"""Placing a teacher on experience × confidence, and routing each quadrant."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coachmap.coaching.bestfit.placement import (
    SELF_ASSESSMENT,
    Quadrant,
    Shift,
    Thresholds,
    look_for_hint,
    place,
    quadrant_of,
)
from coachmap.coaching.bestfit.routing import (
    DEFAULT_ROUTES,
    Route,
    check_route,
    route_for,
    routes_from_json,
    routes_to_json,
)

CUTS = Thresholds(experience_years=4, confidence=3.5, adoption_discount_years=2)
ALL_FOURS = {item.key: 4 for item in SELF_ASSESSMENT}


def test_the_self_assessment_has_six_to_ten_items_on_a_five_point_scale() -> None:
    assert 6 <= len(SELF_ASSESSMENT) <= 10
    assert len({i.key for i in SELF_ASSESSMENT}) == len(SELF_ASSESSMENT)


def test_a_second_year_teacher_who_feels_confident_is_newer_and_confident() -> None:
    placed = place(years=2, new_to_adoption=False, answers=ALL_FOURS, thresholds=CUTS)
    assert (placed.experience, placed.confidence, placed.quadrant) == (2.0, 4.0, Quadrant.NEW_CONFIDENT)


def test_a_veteran_new_to_the_curriculum_adoption_counts_as_newer_with_it() -> None:
    assert place(years=5, new_to_adoption=False, answers=ALL_FOURS, thresholds=CUTS).quadrant == (
        Quadrant.EXPERIENCED_CONFIDENT
    )
    placed = place(years=5, new_to_adoption=True, answers=ALL_FOURS, thresholds=CUTS)
    assert placed.experience == 3.0
    assert placed.quadrant == Quadrant.NEW_CONFIDENT


def test_a_coachs_observation_moves_the_placement_and_the_district_cut_decides_the_quadrant() -> None:
    answers = dict.fromkeys(ALL_FOURS, 3) | {"plan_for_goal": 4, "try_new": 4}  # mean 3.25
    before = place(years=12, new_to_adoption=False, answers=answers, thresholds=CUTS)
    assert before.quadrant == Quadrant.EXPERIENCED_DEVELOPING
    after = place(
        years=12,
        new_to_adoption=False,
        answers=answers,
        thresholds=CUTS,
        shifts=[Shift(0, 0.5, "Adapts lessons on the fly in every observation")],
    )
    assert after.confidence == 3.75
    assert after.quadrant == Quadrant.EXPERIENCED_CONFIDENT
    assert after.self_assessed == 3.25


def test_an_unanswered_self_assessment_sits_on_the_cut() -> None:
    placed = place(years=1, new_to_adoption=False, answers={}, thresholds=CUTS)
    assert placed.self_assessed is None
    assert placed.confidence == CUTS.confidence


@given(
    st.floats(0, 40, allow_nan=False),
    st.floats(1, 5, allow_nan=False),
    st.floats(0, 40, allow_nan=False),
    st.floats(1, 5, allow_nan=False),
)
def test_quadrants_follow_the_cuts(experience: float, confidence: float, cut_e: float, cut_c: float) -> None:
    q = quadrant_of(experience, confidence, Thresholds(cut_e, cut_c))
    assert (q in (Quadrant.NEW_CONFIDENT, Quadrant.NEW_DEVELOPING)) == (experience < cut_e)
    assert (q in (Quadrant.NEW_DEVELOPING, Quadrant.EXPERIENCED_DEVELOPING)) == (confidence < cut_c)


def test_look_fors_hint_at_the_quadrant_most_of_them_belong_to() -> None:
    assert (
        look_for_hint(["new_confident", "new_confident", "experienced_developing"]) == Quadrant.NEW_CONFIDENT
    )
    assert look_for_hint(["new_confident", "experienced_developing"]) is None
    assert look_for_hint([]) is None


def test_every_default_route_is_valid_and_survives_a_round_trip_through_json() -> None:
    for quadrant, route in DEFAULT_ROUTES.items():
        assert check_route(quadrant, route) == []
    assert routes_from_json(routes_to_json(DEFAULT_ROUTES)) == DEFAULT_ROUTES


def test_a_referral_puts_its_support_type_first() -> None:
    route = route_for(Quadrant.NEW_CONFIDENT, DEFAULT_ROUTES, preferred_type="instructional")
    assert route.types == ("instructional", "technology", "mentor")


def test_a_bad_route_is_explained_to_the_person_editing_it() -> None:
    problems = check_route(Quadrant.NEW_CONFIDENT, Route(("technology", "technology", "wizard"), ("nap",)))
    assert problems == [
        "Newer to teaching, confident: unknown support type wizard.",
        "Newer to teaching, confident: a support type is listed twice.",
        "Newer to teaching, confident: unknown lighter offer nap.",
    ]
