"""Survey pages. Results only ever as aggregates (`feedback/queries.py`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.coaching import access as coaching_access
from coachmap.core import access, inputs
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import District, Role
from coachmap.core.schoolyear import school_year_of
from coachmap.feedback import access as feedback_access
from coachmap.feedback import queries, services
from coachmap.feedback.forms import (
    OfferingFeedbackForm,
    PulseForm,
    QuestionForm,
    SurveyAnswerForm,
    SurveyForm,
)
from coachmap.feedback.models import Question, SurveyStatus


@access.route_required("feedback:pulse")
@require_POST
def pulse(request: AuthedRequest, session_id: int) -> HttpResponse:
    """Answer (or skip) the three-question pulse about a session, from the home page."""
    teacher = request.user.teacher
    session = access.fetch(coaching_access.sessions_visible_to, request.user, pk=session_id)
    access.require(
        feedback_access.may_answer_pulse(request.user, session),
        "Only the teacher answers about their session.",
    )
    try:
        if "skip" in request.POST:
            services.pulse_skip(teacher=teacher, session=session)
            messages.success(request, "Skipped. We will not ask about that session again.")
        else:
            form = PulseForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Choose an answer for each of the three questions, or skip.")
                return redirect("home")
            services.pulse_answer(teacher=teacher, session=session, **form.cleaned_data)
            messages.success(request, "Thank you. Your answers are anonymous and counted only with others’.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("home")


@access.route_required("feedback:surveys")
def surveys(request: AuthedRequest) -> HttpResponse:
    user = request.user
    teacher = getattr(user, "teacher", None) if access.has_role(user, Role.TEACHER) else None
    return render(
        request,
        "feedback/surveys.html",
        {
            "surveys": feedback_access.surveys_visible_to(user).prefetch_related("questions"),
            "to_answer": queries.surveys_to_answer(teacher) if teacher else [],
            "is_lead": access.has_role(user, Role.PROGRAM_LEAD),
            "sees_results": access.has_role(user, Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN),
        },
    )


def _lead_district(request: AuthedRequest) -> District:
    district = access.acting_district(request.user, Role.PROGRAM_LEAD)
    assert district is not None  # noqa: S101 - the role guarantees one
    return district


@access.route_required("feedback:survey-new")
def survey_new(request: AuthedRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_write(
                actor=request.user,
                district=_lead_district(request),
                school_year=school_year_of(timezone.localdate()),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Survey created. Add its questions, then open it.")
            return redirect("feedback:survey-edit", survey_id=survey.pk)
    return render(request, "feedback/survey_new.html", {"form": form})


@access.route_required("feedback:survey-edit")
def survey_edit(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id)
    access.require(feedback_access.may_edit_surveys(request.user, survey.district_id))
    form = SurveyForm(
        request.POST or None, initial={"title": survey.title, "introduction": survey.introduction}
    )
    question_form = QuestionForm(request.POST or None, prefix="question")
    if request.method == "POST":
        try:
            if "add_question" in request.POST:
                if question_form.is_valid():
                    services.question_add(actor=request.user, survey=survey, **question_form.cleaned_data)
                    messages.success(request, "Question added.")
                    return redirect("feedback:survey-edit", survey_id=survey.pk)
            elif "remove_question" in request.POST:
                question = access.fetch(
                    lambda u: Question.objects.filter(survey=survey),
                    request.user,
                    pk=inputs.parse_id(request.POST["remove_question"], "question of this survey"),
                )
                services.question_remove(actor=request.user, question=question)
                messages.success(request, "Question removed.")
                return redirect("feedback:survey-edit", survey_id=survey.pk)
            elif form.is_valid():
                services.survey_write(
                    actor=request.user,
                    district=survey.district,
                    school_year=survey.school_year,
                    survey=survey,
                    **form.cleaned_data,
                )
                messages.success(request, "Survey saved.")
                return redirect("feedback:survey-edit", survey_id=survey.pk)
        except ValidationError as exc:
            add_service_errors(question_form if "add_question" in request.POST else form, exc)
    return render(
        request,
        "feedback/survey_edit.html",
        {
            "survey": survey,
            "form": form,
            "question_form": question_form,
            "draft": survey.status == SurveyStatus.DRAFT,
        },
    )


@access.route_required("feedback:survey-status")
@require_POST
def survey_status(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id)
    try:
        services.survey_status_set(actor=request.user, survey=survey, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The survey is now {survey.get_status_display().lower()}.")
    return redirect("feedback:surveys")


@access.route_required("feedback:survey-answer")
def survey_answer(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id)
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(teacher=request.user.teacher, survey=survey, answers=form.answers())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Thank you. Your answers are anonymous.")
            return redirect("home")
    return render(request, "feedback/survey_answer.html", {"survey": survey, "form": form})


@access.route_required("feedback:survey-results")
def survey_results(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id)
    return render(
        request, "feedback/survey_results.html", {"results": queries.survey_results(request.user, survey)}
    )


# --- after a professional-learning offering (issue 16) ---------------------------------------------


@access.route_required("feedback:offering-feedback")
def offering_feedback(request: AuthedRequest, offering_id: int) -> HttpResponse:
    """Three anonymous questions for a teacher who came to an offering (or skip them)."""
    offering = access.fetch(coaching_access.offerings_visible_to, request.user, pk=offering_id)
    access.require(
        feedback_access.may_answer_offering_feedback(request.user, offering),
        "Only teachers who came to the offering answer about it.",
    )
    teacher = request.user.teacher
    form = OfferingFeedbackForm(request.POST or None)
    if request.method == "POST":
        try:
            if "skip" in request.POST:
                services.offering_feedback_skip(teacher=teacher, offering=offering)
                messages.success(request, "Skipped. We will not ask about this offering again.")
                return redirect("coaching:offering", offering_id=offering.pk)
            if form.is_valid():
                services.offering_feedback_answer(teacher=teacher, offering=offering, **form.cleaned_data)
                messages.success(
                    request, "Thank you. Your answers are anonymous and counted only with others’."
                )
                return redirect("coaching:offering", offering_id=offering.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "feedback/offering_feedback.html", {"form": form, "offering": offering})


@access.route_required("feedback:offering-results")
def offering_results(request: AuthedRequest, offering_id: int) -> HttpResponse:
    offering = access.fetch(coaching_access.offerings_visible_to, request.user, pk=offering_id)
    results = queries.offering_feedback_results(request.user, offering)
    return render(request, "feedback/offering_results.html", {"results": results, "offering": offering})
