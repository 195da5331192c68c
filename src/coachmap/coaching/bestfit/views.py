"""Pages for best fit: intake, look-fors, coach profiles, routing policy, matching rounds, caseloads and quadrants."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coachmap.coaching import access as coaching_access
from coachmap.coaching import pages
from coachmap.coaching.bestfit import caseload_report, queries, services
from coachmap.coaching.bestfit import rounds as matching_rounds
from coachmap.coaching.bestfit.forms import (
    CoachProfileForm,
    IntakeForm,
    LookForForm,
    ObservationForm,
    PolicyForm,
    ProposalEditForm,
)
from coachmap.coaching.bestfit.matching import explain
from coachmap.coaching.bestfit.matching.model import PART_KEYS
from coachmap.coaching.bestfit.placement import SELF_ASSESSMENT, Quadrant, look_for_hint
from coachmap.coaching.models import CoachProfile, ProposalKind, RoundStatus
from coachmap.coaching.requests import queries as request_queries
from coachmap.core import access, confirm, inputs
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role

# --- teacher -------------------------------------------------------------------------------------


@access.route_required("coaching:intake")
def intake(request: AuthedRequest) -> HttpResponse:
    """The teacher's intake: experience, a short self-assessment, needs, availability, preferences."""
    teacher = request.user.teacher
    current = queries.own_intake(teacher)
    initial: dict[str, object] = {"years_experience": teacher.years_experience, "tech_comfort": 3}
    if current is not None:
        initial |= {
            "years_experience": current.years_experience,
            "new_to_adoption": current.new_to_adoption,
            "tech_comfort": current.tech_comfort,
            "needs_tools": current.needs_tools,
            "needs_content": current.needs_content,
            "needs_practices": current.needs_practices,
            "availability": current.availability,
            "preferred_coach": current.preferred_coach_id,
            "language": current.language,
            **{f"item_{k}": v for k, v in current.confidence_answers.items()},
        }
    coaches = access.coaches_visible_to(request.user).filter(schools=teacher.school_id).select_related("user")
    form = IntakeForm(request.POST or None, initial=initial, coaches=coaches)
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_submit(teacher=teacher, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Thank you. Your intake is saved; it helps the team find the right support."
            )
            return redirect("coaching:my-goals")
    observations = queries.observations_for(request.user, current) if current else []
    return render(
        request,
        "coaching/bestfit/intake_form.html",
        {"form": form, "intake": current, "observations": observations},
    )


@access.route_required("coaching:proposal-respond")
@require_POST
def proposal_respond(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    """The teacher takes up or turns down a lighter offer."""
    proposal = access.fetch(coaching_access.proposals_visible_to, request.user, pk=proposal_id)
    return pages.offer_answer(
        request,
        allowed=coaching_access.may_answer_proposal(request.user, proposal),
        not_yours="Only the teacher it was offered to can answer.",
        respond=lambda accept: matching_rounds.offer_respond(
            teacher=request.user.teacher, proposal=proposal, accept=accept
        ),
        accepted="Thank you: the coaching team will be in touch.",
        declined="Declined. You can still ask again.",
    )


# --- everyone ------------------------------------------------------------------------------------


# --- coach ---------------------------------------------------------------------------------------


@access.route_required("coaching:coach-profile")
def coach_profile(request: AuthedRequest) -> HttpResponse:
    """A coach's competencies: what matching reads to fit them to teachers' needs."""
    coach = request.user.coach
    profile = CoachProfile.objects.filter(coach=coach).first()
    initial = (
        {
            f: getattr(profile, f)
            for f in ["tools", "practices", "content_areas", "grade_bands", "quadrants", "languages"]
        }
        if profile
        else {}
    )
    form = CoachProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.coach_profile_update(coach=coach, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Profile saved. The next matching round uses it.")
            return redirect("coaching:coach-profile")
    return render(request, "coaching/bestfit/coach_profile.html", {"form": form, "coach": coach})


@access.route_required("coaching:teacher-intake")
def teacher_intake(request: AuthedRequest, teacher_id: int) -> HttpResponse:
    """A coach reads a teacher's intake and records look-fors, which may move the placement."""
    coach = request.user.coach
    found = access.fetch(coaching_access.intakes_visible_to, request.user, teacher_id=teacher_id)
    access.require(
        coaching_access.may_read_intake_answers(request.user, found),
        "Only the teacher's own coaches read this.",
    )
    district_id = found.teacher.school.district_id
    look_fors = coaching_access.look_fors_visible_to(request.user).filter(
        district_id=district_id, active=True
    )
    form = ObservationForm(request.POST or None, look_fors=look_fors)
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_add(coach=coach, intake=found, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Observation saved.")
            return redirect("coaching:teacher-intake", teacher_id=teacher_id)
    answers = [(item.text, found.confidence_answers.get(item.key)) for item in SELF_ASSESSMENT]
    observations = queries.observations_for(request.user, found)
    hint = look_for_hint(lf.quadrant for o in observations for lf in o.look_fors.all())
    return render(
        request,
        "coaching/bestfit/teacher_intake.html",
        {
            "intake": found,
            "answers": answers,
            "observations": observations,
            "hint": hint,
            "form": form,
        },
    )


@access.route_required("coaching:look-fors")
def look_fors(request: AuthedRequest) -> HttpResponse:
    """The district's look-for checklists per quadrant, editable by its coaches and program lead."""
    district_id = access.acting_district_id(request.user, Role.COACH, Role.PROGRAM_LEAD)
    assert district_id is not None  # noqa: S101 - the role guarantees one
    services.policy_ensure(district=district_id)
    form = LookForForm(request.POST or None)
    if request.method == "POST" and "toggle" in request.POST:
        look_for = access.fetch(
            coaching_access.look_fors_visible_to,
            request.user,
            pk=inputs.parse_id(request.POST.get("toggle"), "look-for"),
        )
        if look_for.active and not confirm.is_confirmed(request):
            # Every coach of the district checks the same list: taking one off reaches them all.
            return confirm.confirm_page(
                request,
                confirm.Confirmation(
                    question=f"Take “{look_for.text}” off the district’s checklist?",
                    consequences=[
                        "Every coach in the district stops seeing it when they record an observation.",
                        "Observations already recorded keep it, and placements do not change.",
                        "You can put it back on the checklist from this page at any time.",
                    ],
                    confirm_label="Take it off the checklist",
                    action=reverse("coaching:look-fors"),
                    cancel_url=reverse("coaching:look-fors"),
                    fields={"toggle": str(look_for.pk)},
                    destructive=True,
                ),
            )
        services.look_for_set_active(actor=request.user, look_for=look_for, active=not look_for.active)
        messages.success(
            request, f"“{look_for.text}” is {'back on' if look_for.active else 'off'} the checklist."
        )
        return redirect("coaching:look-fors")
    if request.method == "POST" and form.is_valid():
        district = access.districts_visible_to(request.user).get(pk=district_id)
        try:
            services.look_for_add(
                actor=request.user,
                district=district,
                quadrant=Quadrant(form.cleaned_data["quadrant"]),
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Look-for added.")
            return redirect("coaching:look-fors")
    grouped = queries.look_fors_by_quadrant(request.user, district_id, active_only=False)
    return render(request, "coaching/bestfit/look_fors.html", {"grouped": grouped, "form": form})


# --- program lead --------------------------------------------------------------------------------


@access.route_required("coaching:rounds")
def rounds(request: AuthedRequest) -> HttpResponse:
    page = Paginator(queries.rounds(request.user), 20).get_page(request.GET.get("page"))
    waiting = request_queries.requests_waiting(request.user).count()
    return render(request, "coaching/bestfit/rounds.html", {"page": page, "waiting": waiting})


@access.route_required("coaching:round-run")
@require_POST
def round_run(request: AuthedRequest) -> HttpResponse:
    district = queries.lead_district(request.user)
    assert district is not None  # noqa: S101 - the role guarantees one
    matching_round = matching_rounds.round_run(actor=request.user, district=district)
    figures = matching_round.figures
    messages.success(
        request,
        f"Round run: {figures['matched']} of {figures['requests']} requests matched with a coach, "
        f"{figures['offered']} offered lighter support. Review, then confirm.",
    )
    return redirect("coaching:round", round_id=matching_round.pk)


@access.route_required("coaching:round")
def round_detail(request: AuthedRequest, round_id: int) -> HttpResponse:
    """Every proposal of a round with its explanation: score and parts, best alternative, or why not."""
    matching_round = access.fetch(coaching_access.rounds_visible_to, request.user, pk=round_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ProposalKind.values else ""
    page = Paginator(queries.round_proposals(request.user, matching_round, kind), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "coaching/bestfit/round_detail.html",
        {
            "round": matching_round,
            "page": page,
            "kind": kind,
            "kinds": ProposalKind.choices,
            "is_draft": matching_round.status == RoundStatus.DRAFT,
            "weights": explain.weights_words(
                {k: matching_round.settings_used.get("weights", {}).get(k, 0) for k in PART_KEYS}
            ),
            "reach": queries.round_reach(matching_round)
            if matching_round.status == RoundStatus.DRAFT
            else None,
        },
    )


@access.route_required("coaching:round-confirm")
def round_confirm(request: AuthedRequest, round_id: int) -> HttpResponse:
    """Sending a round reaches every teacher in it: a confirmation page names how many first."""
    matching_round = access.fetch(coaching_access.rounds_visible_to, request.user, pk=round_id)
    back = reverse("coaching:round", kwargs={"round_id": matching_round.pk})
    if not confirm.is_confirmed(request):
        if matching_round.status != RoundStatus.DRAFT:
            messages.error(request, "This round was already confirmed: its proposals went to the teachers.")
            return redirect(back)
        reach = queries.round_reach(matching_round)
        return confirm.confirm_page(
            request,
            confirm.Confirmation(
                question=f"Send proposals to {reach.teachers_label}?",
                consequences=reach.consequences,
                confirm_label=f"Send to {reach.teachers_label}",
                action=reverse("coaching:round-confirm", kwargs={"round_id": matching_round.pk}),
                cancel_url=back,
            ),
        )
    try:
        matching_rounds.round_confirm(actor=request.user, matching_round=matching_round)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Round confirmed. Teachers see their proposals and decide; nothing starts without them."
        )
    return redirect(back)


@access.route_required("coaching:proposal-edit")
def proposal_edit(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    proposal = access.fetch(coaching_access.proposals_visible_to, request.user, pk=proposal_id)
    access.require(coaching_access.may_run_matching(request.user, proposal.round.district_id))
    options = queries.coach_options_by_fit(request.user, proposal)
    form = ProposalEditForm(request.POST or None, options=options)
    if request.method == "POST" and form.is_valid():
        coach_key = form.cleaned_data["coach"]
        try:
            matching_rounds.proposal_edit(
                actor=request.user,
                proposal=proposal,
                coach=form.coaches[coach_key] if coach_key else None,
                offer=form.cleaned_data["offer"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Proposal changed.")
            return redirect("coaching:round", round_id=proposal.round_id)
    return render(request, "coaching/bestfit/proposal_edit.html", {"form": form, "proposal": proposal})


@access.route_required("coaching:caseloads")
def caseloads(request: AuthedRequest) -> HttpResponse:
    rows = queries.caseloads(request.user)
    return render(
        request, "coaching/bestfit/caseloads.html", {"rows": rows, "chart": caseload_report.chart(rows)}
    )


@access.route_required("coaching:caseloads-export")
def caseloads_export(request: AuthedRequest) -> HttpResponse:
    """The caseloads as CSV, audited; a byte-order mark first so spreadsheet programs read it as UTF-8."""
    return pages.lead_csv_export(
        request,
        table="caseloads",
        header=caseload_report.HEADER,
        rows=caseload_report.csv_rows(queries.caseloads(request.user)),
    )


@access.route_required("coaching:quadrants")
def quadrants(request: AuthedRequest) -> HttpResponse:
    """How many teachers with an intake sit in each quadrant, per school; small counts hidden."""
    return render(
        request, "coaching/bestfit/quadrants.html", {"table": queries.quadrant_distribution(request.user)}
    )


@access.route_required("coaching:policy")
def policy(request: AuthedRequest) -> HttpResponse:
    """The routing policy: cuts, routes per quadrant, matching weights. Defaults in docs/matching.md."""
    district = queries.policy_district(request.user)
    assert district is not None  # noqa: S101 - the role guarantees one
    current = services.policy_ensure(district=district)
    initial: dict[str, object] = {
        "experience_threshold": current.experience_threshold,
        "adoption_discount": current.adoption_discount,
        "confidence_threshold": current.confidence_threshold,
        **{f"weight_{k}": v for k, v in current.weights.as_dict().items()},
    }
    for q, route in current.route_map.items():
        initial[f"types_{q.value}"] = list(route.types)
        initial[f"offers_{q.value}"] = [str(o) for o in route.offers]
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(actor=request.user, district=district, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Routing policy saved; placements were recomputed with the new cuts.")
            return redirect("coaching:policy")
    return render(request, "coaching/bestfit/policy.html", {"form": form, "policy": current})
