from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

from coachmap.coaching.cycles.queries import Reminder, reminder_for
from coachmap.coaching.cycles.queries import last_contact as cycle_last_contact
from coachmap.coaching.models import CoachingCycle

register = template.Library()


@register.filter
def reminder(cycle: CoachingCycle) -> Reminder:
    """How quiet an active cycle has gone, as of today (uses the `last_*` annotations when present)."""
    return reminder_for(cycle, timezone.localdate())


@register.filter
def last_contact(cycle: CoachingCycle) -> datetime.date | None:
    """The last session or check-in with the teacher (uses the `last_*` annotations)."""
    return cycle_last_contact(cycle)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")
