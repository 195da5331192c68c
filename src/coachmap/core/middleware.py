"""Each district's own clock: pages show dates and times in the time zone of the signed-in
person's district (`District.time_zone`, set by `coachmap setup` or in Settings); without one,
the server's `TIME_ZONE`."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from coachmap.core import access
from coachmap.core.models import District


class DistrictTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = ""
        districts = access.district_ids(request.user)
        if districts:
            zone = (
                District.objects.filter(pk=min(districts)).values_list("time_zone", flat=True).first() or ""
            )
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone)) if zone else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # a zone since removed from the system
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
