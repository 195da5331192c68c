from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.models import Role
from coachmap.reports import queries


@access.role_required(Role.PRINCIPAL, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)
def coaching_trends(request: AuthedRequest) -> HttpResponse:
    """Aggregate coaching activity: counts and minutes, never notes, never who."""
    tables = queries.coaching_trends_for(request.user, timezone.localdate())
    return render(request, "reports/coaching_trends.html", {"tables": tables})
