"""Issue 16: a lighter support at phone width. A teacher takes up a peer observation offered instead
of a full cycle, reads what happens next, the colleague asked to host says yes on their home page,
and the teacher then reads the visit's date, all at 390 pixels, with axe on every page and nothing
scrolling sideways."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching.lighter import services as lighter_services
from coachmap.coaching.models import (
    LighterSupport,
    MatchingRound,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    RoundStatus,
)
from tests.e2e.conftest import check_page, login, logout
from tests.factories import (
    PASSWORD,
    CoachFactory,
    DistrictFactory,
    RequestFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    member,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page, name: str) -> None:  # type: ignore[no-untyped-def]
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner == 390, f"{name} scrolls sideways at 390 px: {scroll} px wide"


def test_a_peer_observation_at_phone_width(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    from coachmap.core.models import Role

    district = DistrictFactory(name="Riverbend")
    school = SchoolFactory(district=district, name="Maple Elementary")
    CoachFactory(district=district, schools=[school], user__username="casey")
    lead = member(UserFactory(username="lee"), Role.PROGRAM_LEAD, district=district)
    teacher = TeacherFactory(school=school, user__username="taylor", user__first_name="Taylor")
    host = TeacherFactory(
        school=school, user__username="hana", user__first_name="Hana", user__last_name="Host"
    )
    request = RequestFactory(goal__teacher=teacher, goal__improvement_goal__school=school)
    sent = MatchingRound.objects.create(district=district, run_by=lead, status=RoundStatus.CONFIRMED)
    MatchProposal.objects.create(
        round=sent,
        request=request,
        teacher=teacher,
        kind=ProposalKind.OFFER,
        offer="peer_observation",
        status=ProposalStatus.SENT,
        explanation={"instead": "Offered instead: a peer observation.", "trail": []},
    )

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        login(page, "taylor", PASSWORD)
        page.get_by_role("button", name="Take up the offer").click()
        page.wait_for_url("**/")
        assert page.get_by_text("Peer observation: finding a host").first.is_visible()
        check_page(page, "i16 lighter support teacher home")
        _no_sideways_scroll(page, "home")
        support = LighterSupport.objects.get(request=request)
        page.get_by_role("link", name="Peer observation").first.click()
        page.wait_for_url(f"**{reverse('coaching:lighter-support', args=[support.pk])}")
        assert page.get_by_role("heading", name="Peer observation: finding a host").is_visible()
        check_page(page, "i16 lighter support page, finding a host")
        _no_sideways_scroll(page, "support page")
        logout(page)

        # The lead asks a colleague; the visit is scheduled only when the host says yes.
        visit = timezone.localdate() + datetime.timedelta(days=3)
        lighter_services.observation_arrange(
            actor=lead, support=support, host=host, date=visit, focus="Exit tickets"
        )
        login(page, "hana", PASSWORD)
        assert page.get_by_role("heading", name="Asked to host a colleague").is_visible()
        check_page(page, "i16 host asked")
        _no_sideways_scroll(page, "host home")
        page.get_by_role("button", name="Yes, host").click()
        page.wait_for_url("**/")
        assert page.get_by_role("heading", name="Colleagues visiting my class").is_visible()
        logout(page)

        login(page, "taylor", PASSWORD)
        page.goto(reverse("coaching:lighter-support", args=[support.pk]))
        assert page.get_by_role("heading", name=f"Peer observation on {visit:%B %-d}").is_visible()
        assert page.get_by_text("Hana Host").first.is_visible()
        check_page(page, "i16 lighter support page, scheduled")
        _no_sideways_scroll(page, "support page scheduled")
    finally:
        context.close()
