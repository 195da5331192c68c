"""Notifications in a real browser: the header's unread count, the page that clears it, and the
email settings, at desktop and phone width, each checked by axe."""

from __future__ import annotations

import pytest

from coachmap.notifications.models import Delivery, EmailPreference, Topic
from coachmap.notifications.services import notification_send
from tests.e2e.conftest import check_page, login
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_unread_count_leads_to_the_notifications_and_clears_and_email_choices_save(page) -> None:  # type: ignore[no-untyped-def]
    person = UserFactory(username="tess", email="tess@example.org")
    notification_send(user=person, text="Tina accepted you as their coach.", url="/")
    notification_send(user=person, text="Omar declined the workshop.", url="/")

    login(page, "tess", PASSWORD)
    page.get_by_role("link", name="2 new notifications").click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_text("Tina accepted you as their coach.").is_visible()
    check_page(page, "notifications with two unread")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_role("link", name="2 new notifications").count() == 0

    page.get_by_role("link", name="Choose which notifications come by email, and how often").click()
    check_page(page, "email notification settings")
    group = page.get_by_role("group", name="Invitations to answer a survey")
    group.get_by_label("Not by email (only here in coachmap)").check()
    page.get_by_role("button", name="Save my email choices").click()
    assert page.get_by_text("Saved. coachmap emails you as chosen from now on.").is_visible()
    assert EmailPreference.objects.get(user=person, topic=Topic.SURVEYS).delivery == Delivery.OFF

    # At phone width, with something unread in the header, nothing scrolls sideways.
    notification_send(
        user=person, text="Reminder: your next coaching meeting with Tina is tomorrow.", url="/"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.get_by_role("link", name="1 new notification").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_page(page, "email notification settings at phone width")
