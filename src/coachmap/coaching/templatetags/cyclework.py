from __future__ import annotations

from django import template
from django.utils import timezone

from coachmap.coaching.cycles.queries import Reminder, reminder_for
from coachmap.coaching.models import CoachingCycle

register = template.Library()


@register.filter
def reminder(cycle: CoachingCycle) -> Reminder:
    """How quiet an active cycle has gone, as of today (uses the `last_*` annotations when present)."""
    return reminder_for(cycle, timezone.localdate())
