"""The technology map: tools and initiatives, each tied to the goals and indicators it should move."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.improvement import access as improvement_access
from coachmap.improvement import services
from coachmap.improvement.forms import ToolForm, ToolLinkForm
from coachmap.improvement.models import GoalStatus
from coachmap.improvement.queries.techmap import tech_map


@access.route_required("improvement:techmap")
def techmap(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = access.fetch(access.schools_readable_by, request.user, pk=school_id)
    return render(
        request,
        "improvement/techmap.html",
        {
            "school": school,
            "map": tech_map(request.user, school),
            "may_edit": access.leads_school(request.user, school.pk),
        },
    )


@access.route_required("improvement:tool-new")
def tool_new(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = access.fetch(access.schools_led_by, request.user, pk=school_id)
    access.require(access.leads_school(request.user, school.pk), "Only the school's principal keeps its map.")
    form = ToolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tool = services.tool_add(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{tool} is on the map. Now say which goal it serves.")
            return redirect("improvement:tool-link-new", tool_id=tool.pk)
    return render(request, "improvement/tool_form.html", {"form": form, "school": school})


@access.route_required("improvement:tool-link-new")
def tool_link_new(request: AuthedRequest, tool_id: int) -> HttpResponse:
    tool = access.fetch(improvement_access.tools_visible_to, request.user, pk=tool_id)
    access.require(
        access.leads_school(request.user, tool.school_id), "Only the school's principal keeps its map."
    )
    goals = list(
        improvement_access.improvement_goals_visible_to(request.user)
        .filter(school=tool.school, status=GoalStatus.ACTIVE)
        .prefetch_related("indicators")
    )
    form = ToolLinkForm(request.POST or None, goals=goals)
    if request.method == "POST" and form.is_valid():
        kind, _, pk = form.cleaned_data["target"].partition(":")
        indicator = next(
            (i for g in goals for i in g.indicators.all() if kind == "indicator" and str(i.pk) == pk), None
        )
        goal = (
            indicator.goal
            if indicator
            else next((g for g in goals if kind == "goal" and str(g.pk) == pk), None)
        )
        try:
            if goal is None:
                raise ValidationError(
                    {"target": "Choose one of the school's active goals or their indicators."}
                )
            services.tool_link_add(
                actor=request.user,
                tool=tool,
                goal=goal,
                indicator=indicator,
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{tool} is linked.")
            return redirect("improvement:techmap", school_id=tool.school_id)
    return render(
        request,
        "improvement/tool_link_form.html",
        {"form": form, "tool": tool, "school": tool.school, "goals": goals},
    )


@access.route_required("improvement:tool-link-delete")
@require_POST
def tool_link_delete(request: AuthedRequest, link_id: int) -> HttpResponse:
    link = access.fetch(improvement_access.tool_links_visible_to, request.user, pk=link_id)
    school_id = link.tool.school_id
    try:
        services.tool_link_remove(actor=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Link removed.")
    return redirect("improvement:techmap", school_id=school_id)
