"""Lighter-support pages: a support and its status, micro-coaching without a cycle, a peer observation
(arrange, the host's answer, the reflection). Thin: parse, call one service or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.coaching import access as coaching_access
from coachmap.coaching import pages
from coachmap.coaching.lighter import forms, queries, services
from coachmap.coaching.lighter.models import ObservationStatus, SupportKind
from coachmap.core import access, inputs
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors


@access.route_required("coaching:lighter-support")
def lighter_support(request: AuthedRequest, support_id: int) -> HttpResponse:
    """A lighter support with its status and what happens next; the observer's reflection form."""
    support = access.fetch(coaching_access.lighter_supports_visible_to, request.user, pk=support_id)
    today = timezone.localdate()
    view = queries.support_view(request.user, support, today)
    is_teacher = support.teacher.user_id == request.user.pk
    reflect = None
    if (
        is_teacher
        and view.observation is not None
        and view.observation.status == ObservationStatus.SCHEDULED
        and view.observation.date <= today
    ):
        reflect = forms.ReflectionForm()
    conversations = (
        queries.conversations_of(request.user, support) if support.kind == SupportKind.MICRO else []
    )
    return render(
        request,
        "coaching/lighter/support_detail.html",
        {
            "support": support,
            "view": view,
            "is_teacher": is_teacher,
            "reflect_form": reflect,
            "conversations": conversations,
            "may_arrange": support.kind == SupportKind.PEER
            and coaching_access.may_arrange_observation(request.user, support),
            "may_log": support.kind == SupportKind.MICRO
            and coaching_access.may_log_micro(request.user, support.teacher),
        },
    )


@access.route_required("coaching:micro-conversation-new")
def micro_conversation_new(request: AuthedRequest) -> HttpResponse:
    """A micro-coaching conversation logged without a cycle (`?teacher=<id>` picks the teacher)."""
    coach = request.user.coach
    teachers = queries.micro_teachers(coach)
    initial: dict[str, object] = {"date": timezone.localdate(), "minutes": 10}
    if request.method == "GET" and request.GET.get("teacher"):
        chosen = teachers.filter(pk=inputs.parse_id(request.GET["teacher"], what="teacher")).first()
        if chosen is not None:
            initial["teacher"] = chosen
    form = forms.MicroConversationForm(request.POST or None, teachers=teachers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.micro_conversation_log(coach=coach, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Logged {conversation.minutes} minutes of micro-coaching with {conversation.teacher}; "
                "they can read the next step you agreed.",
            )
            return redirect("coaching:micro-conversation", conversation_id=conversation.pk)
    return pages.form_page(
        request,
        form,
        "Log a micro-coaching conversation",
        "Log conversation",
        intro="A short conversation without a full cycle. The focus, next step and notes are for the "
        "teacher and you only; the minutes join your time log as micro-coaching.",
        back=reverse("home"),
    )


@access.route_required("coaching:micro-conversation")
def micro_conversation(request: AuthedRequest, conversation_id: int) -> HttpResponse:
    conversation = access.fetch(
        coaching_access.micro_conversations_visible_to, request.user, pk=conversation_id
    )
    conversation = queries.conversation_notes(request.user, conversation)
    return render(request, "coaching/lighter/conversation_detail.html", {"c": conversation})


@access.route_required("coaching:observation-arrange")
def observation_arrange(request: AuthedRequest, support_id: int) -> HttpResponse:
    support = access.fetch(coaching_access.lighter_supports_visible_to, request.user, pk=support_id)
    access.require(
        coaching_access.may_arrange_observation(request.user, support),
        "Only the program lead or a coach of the teacher's school arranges a peer observation.",
    )
    form = forms.ObservationArrangeForm(request.POST or None, hosts=queries.host_choices(support))
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_arrange(actor=request.user, support=support, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The host has been asked. The visit is scheduled when they say yes.")
            return redirect("coaching:lighter-support", support_id=support.pk)
    return pages.form_page(
        request,
        form,
        f"A peer observation for {support.teacher}",
        "Ask the host",
        intro="Choose a colleague who teaches the practice well. They are asked first and may say no; "
        "a colleague who says no is not asked again.",
        back=reverse("coaching:lighter-support", args=[support.pk]),
    )


@access.route_required("coaching:observation-answer")
@require_POST
def observation_answer(request: AuthedRequest, observation_id: int) -> HttpResponse:
    observation = access.fetch(coaching_access.peer_observations_visible_to, request.user, pk=observation_id)
    return pages.offer_answer(
        request,
        allowed=coaching_access.may_answer_observation(request.user, observation),
        not_yours="Only the colleague asked to host can answer.",
        respond=lambda accept: services.observation_answer(
            host=request.user.teacher, observation=observation, accept=accept
        ),
        accepted=f"Thank you: {observation.support.teacher} visits your class on {observation.date:%A %B %-d}.",
        declined="You said no. Nobody else is told who was asked; the coaching team finds another host.",
    )


@access.route_required("coaching:observation-reflect")
@require_POST
def observation_reflect(request: AuthedRequest, observation_id: int) -> HttpResponse:
    observation = access.fetch(coaching_access.peer_observations_visible_to, request.user, pk=observation_id)
    access.require(
        coaching_access.may_reflect_observation(request.user, observation),
        "Only the teacher who observed writes the reflection.",
    )
    form = forms.ReflectionForm(request.POST)
    if form.is_valid():
        try:
            services.observation_reflect(
                teacher=request.user.teacher, observation=observation, **form.cleaned_data
            )
        except ValidationError as exc:
            pages.error_message(request, exc)
        else:
            messages.success(request, "Reflection saved. Ask for a full cycle whenever you want.")
    else:
        messages.error(request, "Write a few words on what you saw and what you will try.")
    return redirect("coaching:lighter-support", support_id=observation.support_id)
