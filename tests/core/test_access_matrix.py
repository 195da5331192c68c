"""Every URL and API route × every role → the expected status, and no confidential note leaks.

The list of routes comes from the URL configuration itself: a page added without an entry in
EXPECTED fails `test_every_route_has_an_expectation`, so no page can be forgotten. Admin pages
are generated from the admin registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coachmap.core.admin import site as admin_site
from tests import issue16_world
from tests.conftest import (
    CHECKIN_NOTE,
    HANDOVER_NOTE,
    MICRO_NOTE,
    OTHER_SECRET_NOTE,
    ROLES,
    SECRET_BARRIER,
    SECRET_NOTE,
    World,
    copy_for_the_test,
    world_for_the_module,
)
from tests.issue16_world import DECLINED_NAME, GROUP_SECRET_NOTE

A, T, OT, C, OC, L, P, OP, AD = ROLES  # anonymous, teacher, other teacher, coach, ...


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[World], dict[str, Any]]
    statuses: dict[str, int]
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    # Roles allowed to see SECRET_NOTE (and the check-in's SECRET_BARRIER) in the response.
    sees_notes: frozenset[str] = frozenset()
    # Roles allowed to see HANDOVER_NOTE (only ever the receiving coach).
    sees_handover_note: frozenset[str] = frozenset()
    # The API's writes take a JSON body.
    json: bool = False

    def send(self, client: Any, url: str, world: World, **headers: Any) -> Any:
        if self.json:
            return getattr(client, self.method)(
                url, self.data(world), content_type="application/json", **headers
            )
        return getattr(client, self.method)(url, self.data(world), **headers)

    # Issue 16: roles allowed to see MICRO_NOTE (a micro-coaching conversation: the teacher and the
    # coach) and CHECKIN_NOTE (a principal–coach check-in: the principal, the coach and the lead).
    sees_micro_note: frozenset[str] = frozenset()
    sees_checkin_note: frozenset[str] = frozenset()


def only(allowed: dict[str, int], default: int = 403, anonymous: int = 302) -> dict[str, int]:
    statuses = dict.fromkeys(ROLES, default)
    statuses[A] = anonymous
    statuses.update(allowed)
    return statuses


NONE = lambda w: {}  # noqa: E731


def _person(w: World) -> dict[str, Any]:
    return {"person_id": w.teacher.user.pk}


def _flags_file(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"kind": "flags", "upload": SimpleUploadedFile("flags.csv", b"sourcedId,flag\n", "text/csv")}


def _school(w: World) -> dict[str, Any]:
    return {"school_id": w.school.pk}


PDF_BYTES = b"%PDF-1.7\n% a tiny pdf\n"


def _pdf_upload(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "title": "Observation rubric",
        "kind": "rubric",
        "upload": SimpleUploadedFile("rubric.pdf", PDF_BYTES, "application/pdf"),
    }


def _file_resource(w: World) -> dict[str, Any]:
    """A library resource that is an uploaded file (the coach's), made on first use."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coachmap.library import services
    from coachmap.library.models import Resource

    found = Resource.objects.filter(district=w.district, title="Uploaded rubric").first()
    if found is None:
        found = services.resource_save(
            actor=w.coach.user,
            district=w.district,
            title="Uploaded rubric",
            kind="rubric",
            upload=SimpleUploadedFile("rubric.pdf", PDF_BYTES, "application/pdf"),
        )
    return {"resource_id": found.pk}


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path: Any, settings: Any) -> None:
    """Uploaded files (the library's, through the API) go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path


def body_of(response: Any) -> str:
    """The answer's text, whether sent at once or streamed (a library file)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


# Who reads the world's school's needs, goals, indicators and map (issue 15).
READERS = {C: 200, OC: 404, L: 200, P: 200, OP: 404, AD: 200}


def _this_year() -> int:
    from django.utils import timezone

    from coachmap.core.schoolyear import school_year_of

    return school_year_of(timezone.localdate())


def _family_report(w: World) -> dict[str, Any]:
    """The world school's fall report, published, made on first use."""
    from coachmap.families import services
    from coachmap.families.models import FamilyReport

    report = FamilyReport.objects.filter(school=w.school).first()
    if report is None:
        report = services.report_start(
            actor=w.principal, school=w.school, school_year=_this_year(), term="fall"
        )
        report = services.report_texts_save(
            actor=w.principal,
            report=report,
            texts={"en": {"contact": "Call the office."}, "es": {"contact": "Llame a la oficina."}},
        )
        report = services.report_publish(actor=w.principal, report=report)
    return {"report_id": report.pk}


def _family_link(w: World) -> dict[str, Any]:
    from coachmap.families.models import FamilyReport

    report = FamilyReport.objects.get(pk=_family_report(w)["report_id"])
    return {"school_id": report.school_id, "token": report.token}


def _i16(w: World) -> issue16_world.Issue16:
    """Issue 16's group cycle and offering in this world (made by the autouse fixture below)."""
    return issue16_world.of(w)


def _group(w: World) -> dict[str, Any]:
    return {"group_id": _i16(w).group.pk}


def _offering(w: World) -> dict[str, Any]:
    return {"offering_id": _i16(w).offering.pk}


def _seat(w: World) -> dict[str, Any]:
    return {"seat_id": _i16(w).seat.pk}


def _fresh_session(w: World) -> dict[str, Any]:
    """A session of the world's cycle held today, whose pulse is still open (made for each request)."""
    from django.utils import timezone

    from tests.factories import SessionFactory

    return {"session_id": SessionFactory(cycle=w.cycle, date=timezone.localdate()).pk}


def _leads_draft(w: World) -> int:
    """A draft survey the lead wrote (the world's draft has no author, which a save would refuse)."""
    from coachmap.feedback.models import Survey

    return Survey.objects.create(district=w.district, title="Draft", school_year=2027, created_by=w.lead).pk


def _draft_question(w: World) -> dict[str, Any]:
    """A question of the world's draft survey, made for each request (removing it is the act)."""
    from coachmap.feedback.models import Question

    question = Question.objects.create(survey=w.draft_survey, text="Was it useful?", position=9)
    return {"survey_id": w.draft_survey.pk, "question_id": question.pk}


def _new_offering(w: World) -> dict[str, Any]:
    """A new offering of the world's district with seats to take (made for each request)."""
    import datetime

    from django.utils import timezone

    from coachmap.coaching.learning.models import Offering, OfferingSession

    offering = Offering.objects.create(
        district=w.district,
        title="Reading conferences",
        description="One on one.",
        seats=5,
        presenter_coach=w.coach,
    )
    OfferingSession.objects.create(
        offering=offering, starts_at=timezone.now() + datetime.timedelta(days=30), minutes=60
    )
    return {"offering_id": offering.pk}


def _framework_version(w: World) -> dict[str, Any]:
    from coachmap.improvement.framework.services import framework_ensure

    return {"number": framework_ensure(district=w.district).number}


def _coach_goal(w: World) -> dict[str, Any]:
    from coachmap.program.services import coach_goal_set

    return {"goal_id": coach_goal_set(coach=w.coach, text="Lead a workshop on feedback").pk}


def _review_year(w: World) -> dict[str, Any]:
    from coachmap.program.services import review_gather

    return {"year": review_gather(actor=w.lead, district=w.district).school_year}


def _paused_cycle(w: World) -> dict[str, Any]:
    """The world's cycle, paused (as its coach would), so that resuming it is the act."""
    import datetime

    from coachmap.coaching.models import CoachingCycle, CycleStatus

    CoachingCycle.objects.filter(pk=w.cycle.pk, status=CycleStatus.ACTIVE).update(
        status=CycleStatus.CLOSED, outcome="paused", closed_on=datetime.date(2026, 10, 1)
    )
    return {"cycle_id": w.cycle.pk}


def _micro_session(w: World) -> dict[str, Any]:
    """A micro-coaching log on the world's cycle made a moment ago, made anew for each request
    (taking it back is the act)."""
    from tests.factories import SessionFactory

    return {"session_id": SessionFactory(cycle=w.cycle, session_type="micro", notes="").pk}


INTAKE_ITEMS = (
    "plan_for_goal",
    "adjust_mid_lesson",
    "check_understanding",
    "students_do_thinking",
    "small_groups",
    "use_data",
    "try_new",
    "explain_why",
)
AGREEMENT_WORDS = {
    "who_is_coached": "Any teacher who asks.",
    "schedule_set_by": "coach",
    "success_looks_like": "Students explain their reasoning.",
    "principal_will_ask": "Trends.",
    "principal_will_not_ask": "What was said in a session.",
}


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def _in_a_week() -> Any:
    import datetime

    return _today() + datetime.timedelta(days=7)


def _fresh_peer_support(w: World) -> dict[str, Any]:
    """A peer observation the teacher took up, no host asked yet (arranging it is the act)."""
    from coachmap.coaching.models import LighterSupport, SupportKind

    return {"support_id": LighterSupport.objects.create(teacher=w.teacher, kind=SupportKind.PEER).pk}


def _look_for(w: World) -> dict[str, Any]:
    from coachmap.coaching.bestfit.services import policy_ensure
    from coachmap.coaching.models import LookFor

    policy_ensure(district=w.district)
    return {"look_for_id": LookFor.objects.filter(district=w.district).order_by("id").first().pk}


def _policy(w: World) -> dict[str, Any]:
    """The district's routing policy as it stands, sent back (saving it is the act)."""
    from coachmap.coaching.bestfit.services import policy_ensure

    snapshot = policy_ensure(district=w.district).snapshot()
    return {
        **{
            k: snapshot[k]
            for k in ("experience_threshold", "adoption_discount", "confidence_threshold", "weights")
        },
        "routes": snapshot["routes"],
    }


CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@test\r\n"
    b"DTSTART:20261201T150000Z\r\nDTEND:20261201T160000Z\r\nSUMMARY:PLC meeting\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


def _calendar_file(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"calendar": SimpleUploadedFile("calendar.ics", CALENDAR, "text/calendar")}


def _self_ratings(w: World) -> dict[str, Any]:
    from coachmap.program.services import rubric_ensure

    return {
        "ratings": {str(area.pk): 2 for area in rubric_ensure(district=w.district)},
        "reflection": "Growing.",
    }


def _teachers_to_invite(w: World) -> dict[str, Any]:
    from coachmap.people.queries import teachers_to_invite

    return {"expected": len(teachers_to_invite(w.district).people)}


def _second_role(w: World) -> dict[str, Any]:
    """A second role of the world's teacher (a person's last role cannot be taken), made anew when taken."""
    from coachmap.core.models import Membership, Role

    membership, _ = Membership.objects.get_or_create(
        user=w.teacher.user, district=w.district, school=None, role=Role.COACH
    )
    return {"person_id": w.teacher.user.pk, "role_id": membership.pk}


def _person_with_email(w: World) -> dict[str, Any]:
    from coachmap.core.models import User

    User.objects.filter(pk=w.teacher.user.pk).update(email="tess@example.org")
    return _person(w)


def _column_mapping(w: World) -> int:
    from coachmap.roster.models import ColumnMapping

    mapping, _ = ColumnMapping.objects.get_or_create(
        district=w.district, kind="results", name="Old vendor", defaults={"columns": {"student_id": "ID"}}
    )
    return mapping.pk


SIGNED_IN_200 = dict.fromkeys(ROLES[1:], 200)


def _goal_in(w: World) -> dict[str, Any]:
    return {
        "statement": "By June 2030, 60% of our English learners are proficient in math, up from 40%.",
        "subject": "math",
        "student_group": "el",
        "metric": "proficiency_rate",
        "baseline": 40,
        "target": 60,
        "target_date": "2030-06-15",
    }


def _district_goal_in(w: World) -> dict[str, Any]:
    return {
        "statement": "Every school closes half its gap in math for students with disabilities.",
        "subject": "math",
        "student_group": "swd",
        "target_date": "2030-06-01",
    }


def _framework_in(w: World) -> dict[str, Any]:
    return {
        "levels": [{"name": "Entry", "description": "The teacher uses the tool."}, {"name": "Adoption"}],
        "look_fors": {
            "k2": ["Logs in alone"],
            "g35": ["Explains with the tool"],
            "g68": ["Chooses a tool"],
            "g912": ["Cites sources"],
        },
        "change_note": "Two levels to start.",
    }


def _walkthrough_in(w: World) -> dict[str, Any]:
    from coachmap.improvement.framework.services import framework_ensure

    version = framework_ensure(district=w.district)
    return {
        "school_id": w.school.pk,
        "observed_on": "2026-09-15",
        "grade_band": "g35",
        "level_id": version.levels.first().pk,
        "look_for_ids": [version.look_fors.filter(grade_band="g35").first().pk],
    }


EXPECTED: dict[str, Route] = {
    "home": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "login": Route(NONE, only(dict.fromkeys(ROLES[1:], 302), anonymous=200)),
    # For a load balancer (issue 18): open to everyone, signed in or not.
    "healthz": Route(NONE, only(dict.fromkeys(ROLES, 200), anonymous=200)),
    "logout": Route(NONE, only(dict.fromkeys(ROLES[1:], 302), anonymous=302), method="post"),
    "district-settings": Route(NONE, only({AD: 200})),
    # Single sign-on (issue 13): the district admin's settings; the providers' addresses answer 404
    # while no district turned the provider on (tests/signin covers them turned on).
    "signin:settings": Route(NONE, only({AD: 200})),
    "signin:provider": Route(lambda w: {"kind": "google"}, only({AD: 200})),
    "signin:passwords": Route(
        NONE, only({AD: 302}), method="post", data=lambda w: {"passwords_allowed": "on"}
    ),
    "google_login": Route(NONE, only(dict.fromkeys(ROLES, 404), anonymous=404)),
    "google_callback": Route(NONE, only(dict.fromkeys(ROLES, 404), anonymous=404)),
    "microsoft_login": Route(NONE, only(dict.fromkeys(ROLES, 404), anonymous=404)),
    "microsoft_callback": Route(NONE, only(dict.fromkeys(ROLES, 404), anonymous=404)),
    "openid_connect_login": Route(
        lambda w: {"provider_id": "clever"}, only(dict.fromkeys(ROLES, 404), anonymous=404)
    ),
    "openid_connect_callback": Route(
        lambda w: {"provider_id": "oidc"}, only(dict.fromkeys(ROLES, 404), anonymous=404)
    ),
    "socialaccount_login_cancelled": Route(NONE, only(dict.fromkeys(ROLES, 200), anonymous=200)),
    "socialaccount_login_error": Route(NONE, only(dict.fromkeys(ROLES, 200), anonymous=200)),
    # People (issue 13): the district admin's; another district's person is a 404 (tests/people).
    "people:index": Route(NONE, only({AD: 200})),
    "people:new": Route(NONE, only({AD: 200})),
    "people:invite-teachers": Route(NONE, only({AD: 200})),
    "people:person": Route(_person, only({AD: 200})),
    "people:role-give": Route(_person, only({AD: 302}), method="post", data=lambda w: {"role": "coach"}),
    "people:role-take": Route(
        lambda w: {**_person(w), "membership_id": w.teacher.user.memberships.get().pk},
        only({AD: 302}),
        method="post",
    ),
    "people:switch": Route(_person, only({AD: 302}), method="post"),
    "people:invite": Route(_person, only({AD: 302}), method="post"),
    "invitation_accept": Route(
        lambda w: {"uidb64": "MQ", "token": "1-2"}, only(dict.fromkeys(ROLES, 200), anonymous=200)
    ),
    # Passwords (issue 12): anyone may ask for a reset link; only the signed-in change their own.
    "password_reset": Route(NONE, only(dict.fromkeys(ROLES, 200), anonymous=200)),
    "password_reset_done": Route(NONE, only(dict.fromkeys(ROLES, 200), anonymous=200)),
    "password_reset_confirm": Route(
        lambda w: {"uidb64": "MQ", "token": "set-password"}, only(dict.fromkeys(ROLES, 200), anonymous=200)
    ),
    "password_reset_complete": Route(NONE, only(dict.fromkeys(ROLES, 200), anonymous=200)),
    "password_change": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "email_change": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "password_change_done": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    # Read by the principal, the admin, the program lead and the school's coach (issue 15); another
    # school's coach or principal gets 404, as for any school not theirs.
    "improvement:school": Route(lambda w: {"school_id": w.school.pk}, only(READERS)),
    "improvement:goal-new": Route(lambda w: {"school_id": w.school.pk}, only({P: 200, OP: 404})),
    "improvement:goal-status": Route(
        lambda w: {"goal_id": w.goal.pk},
        only({P: 302, OP: 404}),
        method="post",
        data=lambda w: {"status": "met"},
    ),
    "improvement:needs": Route(_school, only(READERS)),
    "improvement:need-note": Route(
        _school,
        only({P: 302, OP: 404}),
        method="post",
        data=lambda w: {"key": "ela:all:el", "note": "Seen it."},
    ),
    "improvement:need-move": Route(
        _school,
        only({P: 302, OP: 404}),
        method="post",
        data=lambda w: {"key": "ela:4:el", "order": "ela:all:el,ela:4:el", "direction": "up"},
    ),
    "improvement:need-reset": Route(_school, only({P: 302, OP: 404}), method="post"),
    "improvement:techmap": Route(_school, only(READERS)),
    "improvement:tool-new": Route(_school, only({P: 200, OP: 404})),
    "improvement:school-export": Route(lambda w: {"school_id": w.school.pk, "table": "needs"}, only(READERS)),
    "improvement:goal": Route(lambda w: {"goal_id": w.goal.pk}, only(READERS)),
    "improvement:indicator-new": Route(lambda w: {"goal_id": w.goal.pk}, only({P: 200, OP: 404})),
    "improvement:indicator": Route(lambda w: {"indicator_id": w.indicator.pk}, only(READERS)),
    "improvement:measurement-new": Route(
        lambda w: {"indicator_id": w.indicator.pk},
        only({P: 302, OP: 404}),
        method="post",
        data=lambda w: {"measured_on": "2025-09-01", "value": "40"},
    ),
    "improvement:tool-link-new": Route(lambda w: {"tool_id": w.tool.pk}, only({P: 200, OP: 404})),
    "improvement:tool-link-delete": Route(
        lambda w: {"link_id": w.tool_link.pk}, only({P: 302, OP: 404}), method="post"
    ),
    "improvement:district-needs": Route(NONE, only({AD: 200})),
    "improvement:district": Route(NONE, only({AD: 200})),
    "improvement:district-export": Route(lambda w: {"table": "schools"}, only({AD: 200})),
    "coaching:my-goals": Route(NONE, only({T: 200, OT: 200})),
    "coaching:request-new": Route(lambda w: {"goal_id": w.fresh_goal_id}, only({T: 200, OT: 404})),
    "coaching:request-respond": Route(
        lambda w: {"request_id": w.proposed_request.pk},
        only({T: 302, OT: 404}),
        method="post",
        data=lambda w: {"answer": "accept"},
    ),
    "coaching:requests": Route(NONE, only({L: 200})),
    "coaching:request-assign": Route(lambda w: {"request_id": w.open_request.pk}, only({L: 200})),
    "coaching:caseload": Route(NONE, only({C: 200, OC: 200})),
    "coaching:cycle-open": Route(
        lambda w: {"request_id": w.accepted_request.pk}, only({C: 302, OC: 404}), method="post"
    ),
    "coaching:cycle": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({T: 200, OT: 404, C: 200, OC: 404}),
        sees_notes=frozenset({T, C}),
    ),
    "coaching:session-new": Route(lambda w: {"cycle_id": w.cycle.pk}, only({C: 200, OC: 404})),
    "coaching:cycle-close": Route(lambda w: {"cycle_id": w.cycle.pk}, only({C: 200, OC: 404})),
    # Cycle work (issue 6).
    "coaching:cycle-plan": Route(lambda w: {"cycle_id": w.cycle.pk}, only({C: 200, OC: 404})),
    "coaching:cycle-stage": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 302, OC: 404}),
        method="post",
        data=lambda w: {"stage": "learning"},
    ),
    "coaching:evidence-new": Route(lambda w: {"cycle_id": w.cycle.pk}, only({C: 200, OC: 404})),
    "coaching:checkin-new": Route(lambda w: {"cycle_id": w.cycle.pk}, only({C: 200, OC: 404})),
    "coaching:cycle-resume": Route(
        lambda w: {"cycle_id": w.cycle.pk}, only({C: 302, OC: 404}), method="post"
    ),
    "coaching:micro": Route(NONE, only({C: 200, OC: 200})),
    # The world's session is a full one: its coach is told it cannot be undone (and sent back).
    "coaching:micro-undo": Route(
        lambda w: {"session_id": w.session.pk}, only({C: 302, OC: 404}), method="post"
    ),
    "coaching:time-week": Route(NONE, only({C: 200, OC: 200})),
    "coaching:calendar-import": Route(NONE, only({C: 200, OC: 200})),
    "coaching:time-team": Route(NONE, only({L: 200})),
    "coaching:agreements": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "coaching:agreement-new": Route(NONE, only({C: 200, OC: 200, P: 200, OP: 200})),
    "coaching:agreement": Route(
        lambda w: {"agreement_id": w.agreement.pk},
        only({T: 200, C: 200, L: 200, P: 200, AD: 200}, default=404),
    ),
    "coaching:agreement-edit": Route(
        lambda w: {"agreement_id": w.agreement.pk}, only({C: 200, P: 200, OC: 404, OP: 404})
    ),
    "coaching:agreement-acknowledge": Route(
        lambda w: {"agreement_id": w.agreement.pk}, only({C: 302, P: 302, OC: 404, OP: 404}), method="post"
    ),
    "feedback:pulse": Route(
        lambda w: {"session_id": w.session.pk},
        only({T: 302, OT: 404}),
        method="post",
        data=lambda w: {"skip": "1"},
    ),
    "feedback:surveys": Route(NONE, only({T: 200, OT: 200, L: 200, P: 200, OP: 200, AD: 200})),
    "feedback:survey-new": Route(NONE, only({L: 200})),
    "feedback:survey-edit": Route(lambda w: {"survey_id": w.draft_survey.pk}, only({L: 200})),
    "feedback:survey-status": Route(
        lambda w: {"survey_id": w.draft_survey.pk},
        only({L: 302}),
        method="post",
        data=lambda w: {"status": "open"},
    ),
    "feedback:survey-answer": Route(lambda w: {"survey_id": w.open_survey.pk}, only({T: 200, OT: 200})),
    "feedback:survey-results": Route(
        lambda w: {"survey_id": w.open_survey.pk}, only({L: 200, P: 200, OP: 200, AD: 200})
    ),
    "library:index": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "library:resource-new": Route(NONE, only({C: 200, OC: 200, L: 200})),
    "library:resource": Route(lambda w: {"resource_id": w.resource.pk}, only(dict.fromkeys(ROLES[1:], 200))),
    "library:resource-edit": Route(lambda w: {"resource_id": w.resource.pk}, only({C: 200, L: 200})),
    "library:resource-open": Route(
        lambda w: {"resource_id": w.resource.pk}, only(dict.fromkeys(ROLES[1:], 302))
    ),
    "reports:impact": Route(NONE, only({C: 200, OC: 200, L: 200, AD: 200})),
    "reports:impact-pdf": Route(NONE, only({C: 200, OC: 200, L: 200, AD: 200})),
    "reports:coaching-trends": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200})),
    # Family reports (issue 15): the principal writes and publishes; the lead and the district
    # review every school's; teachers and coaches read only the public link, like any family.
    "families:index": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200})),
    "families:new": Route(
        NONE,
        # Another school's principal names a school that is not theirs: the form refuses it.
        only({P: 302, OP: 400}),
        method="post",
        data=lambda w: {"school": w.school.pk, "school_year": _this_year(), "term": "winter"},
    ),
    "families:report": Route(_family_report, only({P: 200, OP: 404, L: 200, AD: 200})),
    "families:pdf": Route(_family_report, only({P: 200, OP: 404, L: 200, AD: 200})),
    "families:edit": Route(_family_report, only({P: 200, OP: 404})),
    "families:publish": Route(_family_report, only({P: 302, OP: 404}), method="post"),
    "families:revoke": Route(
        _family_report,
        only({P: 302, OP: 404}),
        method="post",
        data=lambda w: {"confirmed": "yes"},
    ),
    # The families' link: no account, the same page for everyone.
    "families:public": Route(_family_link, only(dict.fromkeys(ROLES, 200), anonymous=200)),
    "families:public-pdf": Route(_family_link, only(dict.fromkeys(ROLES, 200), anonymous=200)),
    "reports:dashboard-csv": Route(
        lambda w: {"table": "reach-school"}, only({P: 200, OP: 200, L: 200, AD: 200})
    ),
    "reports:summary": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200})),
    "reports:summary-pdf": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200})),
    # The program as a whole (issue 16): the vision and the framework for everyone in the district;
    # a coach's growth for that coach alone; the review for the lead (who writes it) and the admins.
    "program:vision": Route(NONE, only(SIGNED_IN_200)),
    "program:vision-edit": Route(NONE, only({L: 200})),
    "program:framework": Route(NONE, only(SIGNED_IN_200)),
    "program:framework-version": Route(_framework_version, only(SIGNED_IN_200)),
    "program:framework-edit": Route(NONE, only({L: 200})),
    "program:framework-report": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200})),
    "program:walkthroughs": Route(NONE, only({C: 200, OC: 200, P: 200, OP: 200})),
    "program:growth": Route(NONE, only({C: 200, OC: 200})),
    "program:growth-assessment": Route(NONE, only({C: 200, OC: 200})),
    "program:growth-goal-new": Route(NONE, only({C: 200, OC: 200})),
    "program:growth-goal-status": Route(
        _coach_goal, only({C: 302, OC: 404}), method="post", data=lambda w: {"status": "met"}
    ),
    "program:learning-new": Route(NONE, only({C: 200, OC: 200})),
    "program:rubric": Route(NONE, only({L: 200})),
    "program:team-growth": Route(NONE, only({L: 200})),
    "program:reviews": Route(NONE, only({L: 200, AD: 200})),
    "program:review": Route(_review_year, only({L: 200, AD: 200})),
    "program:review-gather": Route(NONE, only({L: 302}), method="post"),
    "program:review-annotate": Route(
        _review_year,
        only({L: 302}),
        method="post",
        data=lambda w: {"what_worked": "Cycles tied to goals.", "what_to_change": "More PLC time."},
    ),
    "impact:index": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200})),
    "impact:export": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200})),
    "impact:pdf": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200})),
    # Best fit: intake, look-fors, profiles, routing policy, matching and what follows.
    "coaching:intake": Route(NONE, only({T: 200, OT: 200})),
    "coaching:proposal-respond": Route(
        lambda w: {"proposal_id": w.offer_proposal.pk},
        only({T: 302, OT: 404}),
        method="post",
        data=lambda w: {"answer": "accept"},
    ),
    "coaching:referral-respond": Route(
        lambda w: {"referral_id": w.referral.pk},
        only({T: 302, OT: 404}),
        method="post",
        data=lambda w: {"answer": "decline"},
    ),
    "notifications:list": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "notifications:settings": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "coaching:coach-profile": Route(NONE, only({C: 200, OC: 200})),
    "coaching:teacher-intake": Route(lambda w: {"teacher_id": w.teacher.pk}, only({C: 200, OC: 404})),
    "coaching:look-fors": Route(NONE, only({C: 200, OC: 200, L: 200})),
    "coaching:handover-new": Route(lambda w: {"cycle_id": w.cycle.pk}, only({C: 200, OC: 404})),
    "coaching:cycle-refer": Route(lambda w: {"cycle_id": w.cycle.pk}, only({C: 200, OC: 404})),
    "coaching:handover": Route(
        lambda w: {"handover_id": w.handover.pk},
        only({C: 200, OC: 200, L: 200}),
        sees_handover_note=frozenset({C}),
    ),
    "coaching:rounds": Route(NONE, only({L: 200})),
    "coaching:round-run": Route(NONE, only({L: 302}), method="post"),
    "coaching:round": Route(lambda w: {"round_id": w.draft_round.pk}, only({L: 200})),
    "coaching:round-confirm": Route(
        lambda w: {"round_id": w.draft_round.pk},
        only({L: 302}),
        method="post",
        data=lambda w: {"confirmed": "yes"},
    ),
    "coaching:proposal-edit": Route(lambda w: {"proposal_id": w.draft_proposal.pk}, only({L: 200})),
    "coaching:caseloads": Route(NONE, only({L: 200})),
    "coaching:caseloads-export": Route(NONE, only({L: 200})),
    "coaching:referrals": Route(NONE, only({L: 200})),
    "coaching:referrals-export": Route(NONE, only({L: 200})),
    "coaching:requests-export": Route(NONE, only({L: 200})),
    "coaching:quadrants": Route(NONE, only({L: 200, P: 200, OP: 200, AD: 200})),
    "coaching:policy": Route(NONE, only({L: 200, AD: 200})),
    # The JSON API: 401 for anonymous callers instead of a redirect.
    "api:api-root": Route(NONE, only(dict.fromkeys(ROLES, 404), anonymous=404)),
    # The schema and its docs are for signed-in people (issue 12): 401 / the sign-in page otherwise.
    "api:openapi-json": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:openapi-view": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=302)),
    "api:me": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:goals": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:cycles": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:cycle_sessions": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({T: 200, C: 200, L: 403}, default=404, anonymous=401),
        sees_notes=frozenset({T, C}),
    ),
    "api:coaching_trends": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    "roster:imports": Route(NONE, only({L: 200, AD: 200})),
    "roster:import-run": Route(lambda w: {"run_id": _import_run(w)}, only({L: 200, AD: 200})),
    "roster:import-status": Route(lambda w: {"run_id": _import_run(w)}, only({L: 200, AD: 200})),
    # Importing a checked or held file: a finished run goes back to its page with a message.
    # The nightly roster sync (issue 20): the district admin's; "Sync now" without a service goes back with a message.
    "roster:sync": Route(NONE, only({AD: 200})),
    "roster:sync-now": Route(NONE, only({AD: 302}), method="post"),
    # Outbound webhooks (issue 20): the district admin's.
    "notifications:webhooks": Route(NONE, only({AD: 200})),
    "notifications:webhook-remove": Route(
        lambda w: {"endpoint_id": _webhook(w)}, only({AD: 302}), method="post"
    ),
    "roster:import-confirm": Route(
        lambda w: {"run_id": _import_run(w)}, only({L: 302, AD: 302}), method="post"
    ),
    "api:intakes": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:routing_policy": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:rounds": Route(NONE, only({L: 200}, anonymous=401)),
    "api:round_run": Route(NONE, only({L: 200}, anonymous=401), method="post"),
    "api:round_detail": Route(
        lambda w: {"round_id": w.draft_round.pk}, only({L: 200}, default=404, anonymous=401)
    ),
    "api:round_confirm": Route(
        lambda w: {"round_id": w.draft_round.pk}, only({L: 200}, default=404, anonymous=401), method="post"
    ),
    "api:proposals": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:proposal_respond": Route(
        lambda w: {"proposal_id": w.offer_proposal.pk},
        only({T: 200, L: 403}, default=404, anonymous=401),
        method="post",
        data=lambda w: {"accept": "true"},
    ),
    "api:referrals": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:quadrants": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    # Group cycles (issue 16): the page is the members' and the coach's, as a one-teacher cycle's; the
    # lead sees the caseload line on the list; principals and the admin see nothing of a group.
    "coaching:groups": Route(NONE, only({T: 200, OT: 200, C: 200, OC: 200, L: 200})),
    "coaching:group": Route(_group, only({T: 200, OT: 404, C: 200, OC: 404}), sees_notes=frozenset({T, C})),
    "coaching:group-answer": Route(
        _group, only({T: 302, OT: 404}), method="post", data=lambda w: {"answer": "accept"}
    ),
    "coaching:group-new": Route(NONE, only({C: 200, OC: 200})),
    "coaching:group-open": Route(_group, only({C: 302, OC: 404}), method="post"),
    "coaching:group-plan": Route(_group, only({C: 200, OC: 404})),
    "coaching:group-session-new": Route(_group, only({C: 200, OC: 404})),
    "coaching:group-stage": Route(
        _group, only({C: 302, OC: 404}), method="post", data=lambda w: {"stage": "learning"}
    ),
    "coaching:group-close": Route(_group, only({C: 200, OC: 404})),
    "coaching:group-resume": Route(_group, only({C: 302, OC: 404}), method="post"),
    # Professional learning (issue 16): the catalog is everyone's; the sign-up list and attendance the
    # presenter's and the lead's; a seat its teacher's.
    "coaching:offerings": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "coaching:offering": Route(_offering, only(dict.fromkeys(ROLES[1:], 200))),
    "coaching:offering-new": Route(NONE, only({C: 200, OC: 200, L: 200})),
    "coaching:attendance": Route(
        lambda w: {"session_id": _i16(w).past_session.pk}, only({C: 200, OC: 403, L: 200})
    ),
    "coaching:seat-take": Route(_offering, only({T: 302, OT: 302}), method="post"),
    "coaching:seat-give-back": Route(_seat, only({T: 302, OT: 404}), method="post"),
    "coaching:follow-up": Route(_seat, only({T: 302, OT: 404}), method="post"),
    "feedback:offering-feedback": Route(_offering, only({T: 200, OT: 403})),
    "feedback:offering-results": Route(_offering, only({C: 200, OC: 403, L: 200, AD: 200})),
    # The pages' reads and writes through the API (issue 20): the same roles as the pages.
    # Coaches and the lead read their schools' needs, indicators and map (issue 15), as on the pages.
    "api:needs": Route(_school, only(READERS, anonymous=401)),
    "api:need_note": Route(
        _school,
        only({P: 200, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {"key": "ela:all:el", "note": "Seen it."},
        json=True,
    ),
    "api:indicators": Route(NONE, only({C: 200, OC: 200, L: 200, P: 200, OP: 200, AD: 200}, anonymous=401)),
    "api:indicator": Route(lambda w: {"indicator_id": w.indicator.pk}, only(READERS, anonymous=401)),
    "api:measurement_add": Route(
        lambda w: {"indicator_id": w.indicator.pk},
        only({P: 200, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {"measured_on": "2025-09-01", "value": 40},
        json=True,
    ),
    "api:technology_map": Route(_school, only(READERS, anonymous=401)),
    "api:time_week": Route(NONE, only({C: 200, OC: 200}, anonymous=401)),
    "api:time_week_confirm": Route(
        NONE,
        only({C: 200, OC: 200}, anonymous=401),
        method="post",
        data=lambda w: {
            "week": "2025-09-01",
            "entries": [{"day": "2025-09-01", "category": "co_plan", "minutes": 60}],
        },
        json=True,
    ),
    "api:time_team": Route(NONE, only({L: 200}, anonymous=401)),
    "api:agreements": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:agreement": Route(
        lambda w: {"agreement_id": w.agreement.pk},
        only({T: 200, C: 200, L: 200, P: 200, AD: 200}, default=404, anonymous=401),
    ),
    "api:agreement_acknowledge": Route(
        lambda w: {"agreement_id": w.agreement.pk},
        only({C: 200, P: 200, OC: 404, OP: 404}, anonymous=401),
        method="post",
    ),
    "api:surveys": Route(NONE, only({T: 200, OT: 200, L: 200, P: 200, OP: 200, AD: 200}, anonymous=401)),
    "api:survey_results": Route(
        lambda w: {"survey_id": w.open_survey.pk}, only({L: 200, P: 200, OP: 200, AD: 200}, anonymous=401)
    ),
    "api:library": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:resource": Route(
        lambda w: {"resource_id": w.resource.pk}, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)
    ),
    "api:imports": Route(NONE, only({L: 200, AD: 200}, anonymous=401)),
    "api:import_run": Route(lambda w: {"run_id": _import_run(w)}, only({L: 200, AD: 200}, anonymous=401)),
    "api:import_upload": Route(NONE, only({L: 202, AD: 202}, anonymous=401), method="post", data=_flags_file),
    "api:impact_summary": Route(NONE, only({C: 200, OC: 200, L: 200, AD: 200}, anonymous=401)),
    "api:requests_waiting": Route(NONE, only({L: 200}, anonymous=401)),
    # Goals, requests and the cycle's life through the API (issue 20): the pages' roles and scopes.
    # Another school's teacher names a goal that is not of their school: the goal is refused (422).
    "api:teacher_goals": Route(NONE, only({T: 200, OT: 200}, anonymous=401)),
    "api:teacher_goal_create": Route(
        NONE,
        only({T: 200, OT: 422}, anonymous=401),
        method="post",
        data=lambda w: {"statement": "Use Lexia in small groups.", "improvement_goal_id": w.goal.pk},
        json=True,
    ),
    "api:request_submit": Route(
        lambda w: {"goal_id": w.fresh_goal_id},
        only({T: 200, OT: 404}, anonymous=401),
        method="post",
        data=lambda w: {"needs": ["Lexia"], "note": "Mornings suit me."},
        json=True,
    ),
    "api:request_respond": Route(
        lambda w: {"request_id": w.proposed_request.pk},
        only({T: 200, OT: 404}, anonymous=401),
        method="post",
        data=lambda w: {"accept": True},
        json=True,
    ),
    "api:request_coaches": Route(lambda w: {"request_id": w.open_request.pk}, only({L: 200}, anonymous=401)),
    "api:request_propose": Route(
        lambda w: {"request_id": w.open_request.pk},
        only({L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"coach_id": w.coach.pk},
        json=True,
    ),
    "api:caseload": Route(NONE, only({C: 200, OC: 200}, anonymous=401)),
    "api:cycle_open": Route(
        lambda w: {"request_id": w.accepted_request.pk}, only({C: 200, OC: 404}, anonymous=401), method="post"
    ),
    "api:cycle_detail": Route(
        lambda w: {"cycle_id": w.cycle.pk}, only({T: 200, OT: 404, C: 200, OC: 404}, anonymous=401)
    ),
    "api:cycle_plan": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {
            "learning_target": "Students explain the main idea with two details.",
            "practice": "small-group rotations",
            "tools": ["Lexia"],
            "look_fors": ["Each group knows its next task"],
        },
        json=True,
    ),
    "api:cycle_stage": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"stage": "learning"},
        json=True,
    ),
    "api:cycle_close": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"outcome": "paused"},
        json=True,
    ),
    "api:cycle_resume": Route(_paused_cycle, only({C: 200, OC: 404}, anonymous=401), method="post"),
    "api:evidence_create": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {
            "kind": "post",
            "measure": "exit ticket",
            "measured_on": "2026-10-01",
            "students_assessed": 24,
            "students_meeting": 15,
        },
        json=True,
    ),
    # Session notes and check-ins (a teacher's barriers): the browser session only.
    "api:session_create": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"date": "2026-10-01", "minutes": 30, "session_type": "co_plan", "notes": "Planned."},
        json=True,
    ),
    "api:micro_log": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"minutes": 10, "note": "Quick word at the door."},
        json=True,
    ),
    "api:micro_undo": Route(_micro_session, only({C: 204, OC: 404}, anonymous=401), method="post"),
    "api:cycle_checkins": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({T: 200, OT: 404, C: 200, OC: 404}, anonymous=401),
        sees_notes=frozenset({T, C}),
    ),
    "api:checkin_create": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {
            "date": "2026-10-01",
            "seen": ["Each group knows its next task"],
            "barriers": "Time.",
        },
        json=True,
    ),
    "api:notifications": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:notifications_read": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401), method="post"),
    # The improvement pages' reads and writes through the API (issue 20): each with its page's roles
    # and scope; another school's principal, or a coach of another school, gets 404.
    "api:school_goal_detail": Route(lambda w: {"goal_id": w.goal.pk}, only(READERS, anonymous=401)),
    "api:school_goal_create": Route(
        _school, only({P: 201, OP: 404}, anonymous=401), method="post", data=_goal_in, json=True
    ),
    "api:school_goal_edit": Route(
        lambda w: {"goal_id": w.goal.pk},
        only({P: 200, OP: 404}, anonymous=401),
        method="put",
        data=lambda w: {
            "statement": "By June 2030, 55% of EL students are proficient.",
            "target": 55,
            "target_date": "2030-06-15",
        },
        json=True,
    ),
    "api:school_goal_status": Route(
        lambda w: {"goal_id": w.goal.pk},
        only({P: 200, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {"status": "met"},
        json=True,
    ),
    "api:indicator_create": Route(
        lambda w: {"goal_id": w.goal.pk},
        only({P: 201, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {
            "kind": "custom",
            "name": "Exit tickets returned",
            "unit": "% of tickets",
            "target": 90,
        },
        json=True,
    ),
    "api:tool_create": Route(
        _school,
        only({P: 201, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {"name": "Newsela", "kind": "tool", "grades": [3, 4], "subjects": ["ela"]},
        json=True,
    ),
    "api:tool_link_create": Route(
        lambda w: {"tool_id": w.tool.pk},
        only({P: 201, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {
            "goal_id": w.goal.pk,
            "rationale": "Leveled articles for the group the gap points to.",
        },
        json=True,
    ),
    "api:tool_link_delete": Route(
        lambda w: {"link_id": w.tool_link.pk}, only({P: 204, OP: 404}, anonymous=401), method="delete"
    ),
    "api:needs_tables": Route(_school, only(READERS, anonymous=401)),
    "api:need_move": Route(
        _school,
        only({P: 200, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {"key": "ela:4:el", "order": ["ela:all:el", "ela:4:el"], "direction": "up"},
        json=True,
    ),
    "api:need_reset": Route(_school, only({P: 200, OP: 404}, anonymous=401), method="post"),
    "api:district_needs": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:district_comparison_read": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:district_goal_list": Route(NONE, only(SIGNED_IN_200, anonymous=401)),
    "api:district_goal_detail": Route(
        lambda w: {"goal_id": w.lt.district_goal.pk}, only(SIGNED_IN_200, anonymous=401)
    ),
    "api:district_goal_create": Route(
        NONE, only({L: 201, AD: 201}, anonymous=401), method="post", data=_district_goal_in, json=True
    ),
    "api:district_goal_edit": Route(
        lambda w: {"goal_id": w.lt.district_goal.pk},
        only({L: 200, AD: 200}, anonymous=401),
        method="put",
        data=lambda w: {**_district_goal_in(w), "status": "active"},
        json=True,
    ),
    "api:framework_current": Route(NONE, only(SIGNED_IN_200, anonymous=401)),
    "api:framework_version": Route(_framework_version, only(SIGNED_IN_200, anonymous=401)),
    "api:framework_publish": Route(
        NONE, only({L: 201}, anonymous=401), method="post", data=_framework_in, json=True
    ),
    "api:walkthrough_list": Route(NONE, only({C: 200, OC: 200, P: 200, OP: 200}, anonymous=401)),
    # Another school's coach or principal names the world's school: not theirs, a 404.
    "api:walkthrough_record": Route(
        NONE,
        only({C: 201, OC: 404, P: 201, OP: 404}, anonymous=401),
        method="post",
        data=_walkthrough_in,
        json=True,
    ),
    # Issue 20, the feedback, library, professional-learning and email-settings pages' writes: the
    # same roles as the pages; other people's objects are 404.
    "api:pulse_pending": Route(NONE, only({T: 200, OT: 200}, anonymous=401)),
    "api:pulse_answer": Route(
        _fresh_session,
        only({T: 200, OT: 404}, anonymous=401),
        method="post",
        data=lambda w: {"skip": True},
        json=True,
    ),
    "api:survey_detail": Route(
        lambda w: {"survey_id": w.open_survey.pk},
        only({T: 200, OT: 200, L: 200, P: 200, OP: 200, AD: 200}, anonymous=401),
    ),
    "api:survey_create": Route(
        NONE,
        only({L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"title": "Spring survey"},
        json=True,
    ),
    "api:survey_update": Route(
        lambda w: {"survey_id": _leads_draft(w)},
        only({L: 200}, anonymous=401),
        method="put",
        data=lambda w: {"title": "Next year's survey", "introduction": "Anonymous."},
        json=True,
    ),
    "api:survey_question_add": Route(
        lambda w: {"survey_id": w.draft_survey.pk},
        only({L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"text": "My coach listened.", "kind": "scale"},
        json=True,
    ),
    "api:survey_question_remove": Route(
        _draft_question,
        only({L: 200}, anonymous=401),
        method="delete",
    ),
    "api:survey_status": Route(
        lambda w: {"survey_id": w.draft_survey.pk},
        only({L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"status": "open"},
        json=True,
    ),
    "api:survey_answer": Route(
        lambda w: {"survey_id": w.open_survey.pk},
        only({T: 200, OT: 200}, anonymous=401),
        method="post",
        data=lambda w: {"answers": [{"question_id": w.open_survey.questions.get().pk, "value": 4}]},
        json=True,
    ),
    "api:offering_feedback_answer": Route(
        _offering,
        only({T: 200}, anonymous=401),
        method="post",
        data=lambda w: {"skip": True},
        json=True,
    ),
    "api:offering_feedback_results": Route(_offering, only({C: 200, L: 200, AD: 200}, anonymous=401)),
    "api:offerings": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:offering": Route(_offering, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:offering_create": Route(
        NONE,
        only({C: 200, OC: 200, L: 200}, anonymous=401),
        method="post",
        data=lambda w: {
            "title": "Exit tickets that steer tomorrow",
            "description": "Short checks, read in five minutes.",
            "goals": [w.goal.pk],
            "presenter_name": "Ann Outside, Reading Institute",
            "first_starts_at": "2099-02-01T15:00:00-05:00",
        },
        json=True,
    ),
    "api:offering_signup": Route(_new_offering, only({T: 200, OT: 200}, anonymous=401), method="post"),
    "api:offering_withdraw": Route(_seat, only({T: 200, OT: 404}, anonymous=401), method="post"),
    "api:offering_follow_up": Route(_seat, only({T: 200, OT: 404}, anonymous=401), method="post"),
    "api:offering_attendance": Route(
        lambda w: {"session_id": _i16(w).past_session.pk},
        only({C: 200, OC: 403, L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"present": [_i16(w).seat.pk]},
        json=True,
    ),
    "api:resource_create": Route(
        NONE,
        only({C: 200, OC: 200, L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"title": "Exit ticket bank", "kind": "exemplar", "url": "https://example.org/exit"},
        json=True,
    ),
    "api:resource_update": Route(
        lambda w: {"resource_id": w.resource.pk},
        only({C: 200, L: 200}, anonymous=401),
        method="put",
        data=lambda w: {"title": "Rotation planner", "kind": "lesson_plan", "url": w.resource.url},
        json=True,
    ),
    "api:resource_open": Route(
        lambda w: {"resource_id": w.resource.pk},
        only(dict.fromkeys(ROLES[1:], 200), anonymous=401),
        method="post",
    ),
    "api:notification_settings": Route(NONE, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:notification_settings_update": Route(
        NONE,
        only(dict.fromkeys(ROLES[1:], 200), anonymous=401),
        method="put",
        data=lambda w: {"surveys": "weekly"},
        json=True,
    ),
    # The API's first paths answer as /api/v1/ does (issue 20).
    "api-legacy": Route(lambda w: {"rest": "me"}, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    # API tokens (issue 20): each person's own page; service accounts are the district admin's.
    "tokens:personal": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "tokens:personal-revoke": Route(
        lambda w: {"token_id": _teachers_token(w)}, only({T: 302}, default=404), method="post"
    ),
    "tokens:services": Route(NONE, only({AD: 200})),
    "tokens:service-revoke": Route(
        lambda w: {"account_id": _service_account(w)}, only({AD: 302}), method="post"
    ),
    # --- issue 16: lighter supports ---
    # A support: its teacher, the coaches of the teacher's school and the lead; nobody else knows it exists.
    "coaching:lighter-support": Route(
        lambda w: {"support_id": w.lt.micro_support.pk}, only({T: 200, OT: 404, C: 200, OC: 404, L: 200})
    ),
    # A micro-coaching conversation's notes: the teacher and the coach, like session notes.
    "coaching:micro-conversation": Route(
        lambda w: {"conversation_id": w.lt.conversation.pk},
        only({T: 200, OT: 404, C: 200, OC: 404}),
        sees_micro_note=frozenset({T, C}),
    ),
    "coaching:micro-conversation-new": Route(NONE, only({C: 200, OC: 200})),
    # Choosing a host: the lead and a coach of the teacher's school.
    "coaching:observation-arrange": Route(
        lambda w: {"support_id": w.lt.peer_support.pk}, only({C: 200, OC: 404, L: 200})
    ),
    # Hosting is the host's (the other teacher) to accept; the observer does not see the ask.
    "coaching:observation-answer": Route(
        lambda w: {"observation_id": w.lt.observation.pk},
        only({T: 404, OT: 302}),
        method="post",
        data=lambda w: {"answer": "decline"},
    ),
    "coaching:observation-reflect": Route(
        lambda w: {"observation_id": w.lt.observation.pk},
        only({T: 404, OT: 403}),
        method="post",
        data=lambda w: {"reflection": "Saw it."},
    ),
    # --- issue 16: principal–coach check-ins: the coach, the school's principal and the lead ---
    "coaching:principal-checkins": Route(NONE, only({C: 200, OC: 200, P: 200, OP: 200, L: 200})),
    "coaching:principal-checkin-new": Route(NONE, only({C: 200, OC: 200, P: 200, OP: 200})),
    "coaching:principal-checkin": Route(
        lambda w: {"checkin_id": w.lt.checkin.pk},
        only({C: 200, OC: 404, P: 200, OP: 404, L: 200}),
        sees_checkin_note=frozenset({C, P, L}),
    ),
    # --- issue 16: district-wide goals: everyone in the district reads; the lead and admin write ---
    "improvement:district-goals": Route(NONE, only(dict.fromkeys(ROLES[1:], 200))),
    "improvement:district-goal": Route(
        lambda w: {"goal_id": w.lt.district_goal.pk}, only(dict.fromkeys(ROLES[1:], 200))
    ),
    "improvement:district-goal-new": Route(NONE, only({L: 200, AD: 200})),
    "improvement:district-goal-edit": Route(
        lambda w: {"goal_id": w.lt.district_goal.pk}, only({L: 200, AD: 200})
    ),
    "improvement:goal-edit": Route(lambda w: {"goal_id": w.goal.pk}, only({P: 200, OP: 404})),
    # --- issue 20: support that is not a one-to-one cycle, through the API: the pages' roles ---
    "api:lighter_supports": Route(NONE, only({T: 200, OT: 200, C: 200, OC: 200, L: 200}, anonymous=401)),
    "api:lighter_support": Route(
        lambda w: {"support_id": w.lt.micro_support.pk},
        only({T: 200, OT: 404, C: 200, OC: 404, L: 200}, anonymous=401),
    ),
    # Dates and minutes only: the focus, next step and notes are read one at a time, signed in.
    "api:micro_conversations": Route(NONE, only({T: 200, OT: 200, C: 200, OC: 200}, anonymous=401)),
    "api:micro_conversation": Route(
        lambda w: {"conversation_id": w.lt.conversation.pk},
        only({T: 200, OT: 404, C: 200, OC: 404}, anonymous=401),
        sees_micro_note=frozenset({T, C}),
    ),
    # Another school's coach names a teacher they do not serve: refused, naming the field.
    "api:micro_create": Route(
        NONE,
        only({C: 200, OC: 422}, anonymous=401),
        method="post",
        data=lambda w: {
            "teacher_id": w.teacher.pk,
            "date": str(_today()),
            "minutes": 10,
            "focus": "Exit tickets",
            "next_step": "Try one on Friday",
            "notes": "Between us.",
        },
        json=True,
    ),
    "api:peer_observations": Route(NONE, only(SIGNED_IN_200, anonymous=401)),
    "api:observation_create": Route(
        _fresh_peer_support,
        only({C: 200, OC: 404, L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"host_id": w.other_teacher.pk, "date": str(_in_a_week()), "focus": "Exit tickets"},
        json=True,
    ),
    # The host (the other teacher) answers; the observer does not know the ask exists.
    "api:observation_host_answer": Route(
        lambda w: {"observation_id": w.lt.observation.pk},
        only({T: 404, OT: 200}, anonymous=401),
        method="post",
        data=lambda w: {"accept": False},
        json=True,
    ),
    "api:observation_reflection": Route(
        lambda w: {"observation_id": w.lt.observation.pk},
        only({T: 404, OT: 403}, anonymous=401),
        method="post",
        data=lambda w: {"reflection": "Saw it."},
        json=True,
    ),
    "api:groups": Route(NONE, only({T: 200, OT: 200, C: 200, OC: 200, L: 200}, anonymous=401)),
    "api:group_detail": Route(_group, only({T: 200, OT: 404, C: 200, OC: 404}, anonymous=401)),
    "api:group_sessions": Route(
        _group, only({T: 200, OT: 404, C: 200, OC: 404}, anonymous=401), sees_notes=frozenset({T, C})
    ),
    # Another school's coach offers a goal of a school they do not serve: refused, naming the field.
    "api:group_create": Route(
        NONE,
        only({C: 201, OC: 422}, anonymous=401),
        method="post",
        data=lambda w: {
            "name": "Grade 4 team",
            "kind": "team",
            "improvement_goal_id": w.goal.pk,
            "focus": "How do our students use feedback?",
            "teacher_ids": [w.teacher.pk, w.accepted_request.goal.teacher_id],
        },
        json=True,
    ),
    "api:group_invite": Route(
        _group,
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"teacher_id": w.accepted_request.goal.teacher_id},
        json=True,
    ),
    "api:group_answer": Route(
        _group,
        only({T: 200, OT: 404}, anonymous=401),
        method="post",
        data=lambda w: {"accept": False},
        json=True,
    ),
    # The world's group is already under way: its coach is told so (422), as the page says.
    "api:group_open": Route(_group, only({C: 422, OC: 404}, anonymous=401), method="post"),
    "api:group_plan": Route(
        _group,
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"learning_target": "Explain the main idea.", "look_fors": ["Cites a detail"]},
        json=True,
    ),
    "api:group_session_create": Route(
        _group,
        only({C: 201, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"date": str(_today()), "minutes": 45, "session_type": "co_plan"},
        json=True,
    ),
    # The world's group has no plan yet: its coach is told what the next stage needs (422).
    "api:group_stage": Route(
        _group,
        only({C: 422, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"stage": "learning"},
        json=True,
    ),
    "api:group_close": Route(
        _group,
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"outcome": "paused"},
        json=True,
    ),
    # The world's group is not paused: nothing to resume (422).
    "api:group_resume": Route(_group, only({C: 422, OC: 404}, anonymous=401), method="post"),
    "api:handovers": Route(NONE, only({C: 200, OC: 200, L: 200}, anonymous=401)),
    "api:handover_detail": Route(
        lambda w: {"handover_id": w.handover.pk},
        only({C: 200, OC: 200, L: 200}, anonymous=401),
        sees_handover_note=frozenset({C}),
    ),
    "api:handover_create": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 201, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"support_type": "instructional", "reason": "An instructional coach fits better."},
        json=True,
    ),
    "api:referral_create": Route(
        lambda w: {"cycle_id": w.cycle.pk},
        only({C: 201, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"offer": "micro_coaching", "reason": "Short conversations fit now."},
        json=True,
    ),
    "api:referral_answer": Route(
        lambda w: {"referral_id": w.referral.pk},
        only({T: 200, OT: 404}, anonymous=401),
        method="post",
        data=lambda w: {"accept": False},
        json=True,
    ),
    "api:intake_submit": Route(
        NONE,
        only({T: 200, OT: 200}, anonymous=401),
        method="post",
        data=lambda w: {
            "years_experience": 3,
            "answers": dict.fromkeys(INTAKE_ITEMS, 3),
            "tech_comfort": 3,
            "needs_tools": ["Lexia"],
            "availability": ["planning"],
        },
        json=True,
    ),
    "api:intake_observation_add": Route(
        lambda w: {"teacher_id": w.teacher.pk},
        only({C: 201, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"note": "Groups rotate smoothly."},
        json=True,
    ),
    "api:coach_profile": Route(NONE, only({C: 200, OC: 200}, anonymous=401)),
    "api:coach_profile_update": Route(
        NONE,
        only({C: 200, OC: 200}, anonymous=401),
        method="post",
        data=lambda w: {"tools": ["Lexia"], "content_areas": ["ela"], "quadrants": ["new_confident"]},
        json=True,
    ),
    "api:look_fors": Route(NONE, only({C: 200, OC: 200, L: 200}, anonymous=401)),
    "api:look_for_add": Route(
        NONE,
        only({C: 201, OC: 201, L: 201}, anonymous=401),
        method="post",
        data=lambda w: {"quadrant": "new_confident", "text": "Asks for feedback after a lesson"},
        json=True,
    ),
    "api:look_for_active": Route(
        _look_for,
        only({C: 200, OC: 200, L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"active": False},
        json=True,
    ),
    "api:routing_policy_update": Route(
        NONE, only({L: 200, AD: 200}, anonymous=401), method="post", data=_policy, json=True
    ),
    "api:proposal_edit": Route(
        lambda w: {"proposal_id": w.draft_proposal.pk},
        only({L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"offer": "workshop", "reason": "A workshop opens next week."},
        json=True,
    ),
    "api:calendar_import": Route(
        NONE, only({C: 200, OC: 200}, anonymous=401), method="post", data=_calendar_file
    ),
    # --- issue 20: the People page, district and sign-in settings through the API (admin's) ---
    "api:people": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:people_teachers_to_invite": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:people_invite_teachers": Route(
        NONE, only({AD: 200}, anonymous=401), method="post", data=_teachers_to_invite, json=True
    ),
    "api:person": Route(_person, only({AD: 200}, anonymous=401)),
    "api:person_create": Route(
        NONE,
        only({AD: 201}, anonymous=401),
        method="post",
        data=lambda w: {
            "first_name": "Nadia",
            "last_name": "New",
            "email": "nadia.new@example.org",
            "role": "teacher",
            "school_id": w.school.pk,
        },
        json=True,
    ),
    "api:person_role_give": Route(
        _person, only({AD: 200}, anonymous=401), method="post", data=lambda w: {"role": "coach"}, json=True
    ),
    "api:person_role_take": Route(_second_role, only({AD: 200}, anonymous=401), method="post"),
    "api:person_switch": Route(
        _person, only({AD: 200}, anonymous=401), method="post", data=lambda w: {"active": True}, json=True
    ),
    "api:person_invite": Route(_person_with_email, only({AD: 200}, anonymous=401), method="post"),
    "api:district_settings": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:district_settings_update": Route(
        NONE, only({AD: 200}, anonymous=401), method="post", data=lambda w: {"min_group_size": 12}, json=True
    ),
    # Never with a token (tests/api/test_api_matrix.py): the session's statuses.
    "api:signin_settings": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:signin_provider_save": Route(
        lambda w: {"kind": "google"},
        only({AD: 200}, anonymous=401),
        method="post",
        data=lambda w: {"enabled": False, "client_id": "abc.apps.example"},
        json=True,
    ),
    # --- issue 20: the district admin's operations pages (tests/api/test_api_ops.py) ---
    # Saving the sync's connection and adding a webhook take or hand out a secret: never with a token.
    "api:roster_sync": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:roster_sync_save": Route(
        NONE,
        only({AD: 200}, anonymous=401),
        method="post",
        data=lambda w: {
            "base_url": "https://sis.example.org/ims/oneroster/v1p1",
            "token_url": "https://sis.example.org/oauth/token",
            "client_id": "coachmap",
            "secret": "s3cret",
        },
        json=True,
    ),
    "api:roster_sync_runs": Route(NONE, only({AD: 200}, anonymous=401)),
    # The world's district has no service connected: "Sync now" is refused as on the page.
    "api:roster_sync_now": Route(NONE, only({AD: 422}, anonymous=401), method="post"),
    "api:webhook_list": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:webhook_add": Route(
        NONE,
        only({AD: 201}, anonymous=401),
        method="post",
        data=lambda w: {"url": "https://warehouse.example.org/hooks", "events": ["import.finished"]},
        json=True,
    ),
    "api:webhook_remove": Route(
        lambda w: {"webhook_id": _webhook(w)}, only({AD: 204}, anonymous=401), method="delete"
    ),
    "api:webhook_deliveries": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:school_list": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:school_read": Route(_school, only({AD: 200}, anonymous=401)),
    "api:school_update": Route(
        _school,
        only({AD: 200}, anonymous=401),
        method="post",
        data=lambda w: {"name": "Maple Elementary"},
        json=True,
    ),
    "api:audit_trail": Route(NONE, only({AD: 200}, anonymous=401)),
    "api:audit_activity": Route(NONE, only({AD: 200}, anonymous=401)),
    # --- issue 20: roster confirmations and saved column mappings (the lead and the admin) ---
    # The world's import has run already: confirming it again is refused, as on its page.
    "api:import_confirm": Route(
        lambda w: {"run_id": _import_run(w)},
        only({L: 422, AD: 422}, anonymous=401),
        method="post",
        data=lambda w: {"confirm": True},
        json=True,
    ),
    "api:column_mappings": Route(NONE, only({L: 200, AD: 200}, anonymous=401)),
    "api:column_mapping_save": Route(
        NONE,
        only({L: 201, AD: 201}, anonymous=401),
        method="post",
        data=lambda w: {"name": "Star Reading", "columns": {"student_id": "SIS ID", "subject": "Subject"}},
        json=True,
    ),
    "api:column_mapping_delete": Route(
        lambda w: {"mapping_id": _column_mapping(w)}, only({L: 204, AD: 204}, anonymous=401), method="delete"
    ),
    # --- issue 20: writing agreements; principal–coach check-ins (notes: coach, principal, lead) ---
    "api:agreement_create": Route(
        NONE,
        only({C: 201, OC: 404, P: 201, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {**AGREEMENT_WORDS, "school_id": w.school.pk, "coach_id": w.coach.pk},
        json=True,
    ),
    "api:agreement_update": Route(
        lambda w: {"agreement_id": w.agreement.pk},
        only({C: 200, P: 200, OC: 404, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: AGREEMENT_WORDS,
        json=True,
    ),
    "api:principal_checkins": Route(NONE, only({C: 200, OC: 200, P: 200, OP: 200, L: 200}, anonymous=401)),
    "api:principal_checkin": Route(
        lambda w: {"checkin_id": w.lt.checkin.pk},
        only({C: 200, OC: 404, P: 200, OP: 404, L: 200}, anonymous=401),
        sees_checkin_note=frozenset({C, P, L}),
    ),
    "api:principal_checkin_schedule": Route(
        NONE,
        only({C: 201, OC: 404, P: 201, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {
            "school_id": w.school.pk,
            "coach_id": w.coach.pk,
            "date": str(_today()),
            "figure_keys": ["sessions"],
        },
        json=True,
    ),
    "api:principal_checkin_record": Route(
        lambda w: {"checkin_id": w.lt.checkin.pk},
        only({C: 200, OC: 404, P: 200, OP: 404, L: 403}, anonymous=401),
        method="post",
        data=lambda w: {"notes": "We looked at the totals."},
        json=True,
        sees_checkin_note=frozenset({C, P, L}),
    ),
    # --- issue 20: family reports through the API: the principal writes; the lead and district review ---
    "api:family_reports": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    "api:family_report": Route(_family_report, only({P: 200, OP: 404, L: 200, AD: 200}, anonymous=401)),
    "api:family_report_start": Route(
        NONE,
        only({P: 201, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {"school_id": w.school.pk, "school_year": _this_year(), "term": "winter"},
        json=True,
    ),
    "api:family_report_texts": Route(
        _family_report,
        only({P: 200, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {"texts": {"en": {"help": "Read together every night."}}},
        json=True,
    ),
    "api:family_report_publish": Route(_family_report, only({P: 200, OP: 404}, anonymous=401), method="post"),
    "api:family_report_take_down": Route(
        _family_report,
        only({P: 200, OP: 404}, anonymous=401),
        method="post",
        data=lambda w: {"confirm": True},
        json=True,
    ),
    # --- issue 20: files as files: the pages' CSV downloads, the family report's PDF, library files ---
    "api:school_export": Route(
        lambda w: {"school_id": w.school.pk, "table": "needs"}, only(READERS, anonymous=401)
    ),
    "api:district_export": Route(lambda w: {"table": "schools"}, only({AD: 200}, anonymous=401)),
    "api:family_report_pdf": Route(_family_report, only({P: 200, OP: 404, L: 200, AD: 200}, anonymous=401)),
    "api:resource_file": Route(_file_resource, only(dict.fromkeys(ROLES[1:], 200), anonymous=401)),
    "api:resource_upload": Route(
        NONE, only({C: 201, OC: 201, L: 201}, anonymous=401), method="post", data=_pdf_upload
    ),
    "api:resource_file_replace": Route(
        _file_resource,
        only({C: 200, L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"upload": _pdf_upload(w)["upload"]},
    ),
    # --- issue 20: the program through the API: the vision, a coach's own self-assessment, the review ---
    "api:program_vision": Route(NONE, only(SIGNED_IN_200, anonymous=401)),
    "api:program_vision_write": Route(
        NONE,
        only({L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"vision": "Coaching helps every teacher grow.", "aims": ["Reach half the teachers"]},
        json=True,
    ),
    "api:self_assessments": Route(NONE, only({C: 200, OC: 200}, anonymous=401)),
    "api:self_assessment_current": Route(NONE, only({C: 200, OC: 200}, anonymous=401)),
    "api:self_assessment_save": Route(
        NONE, only({C: 200, OC: 200}, anonymous=401), method="post", data=_self_ratings, json=True
    ),
    # a coach's goals and learning log: the coach's own (another coach's goal is a 404); the rubric
    # and the team's growth: the program lead's, as on the pages
    "api:coach_growth": Route(NONE, only({C: 200, OC: 200}, anonymous=401)),
    "api:coach_goal_create": Route(
        NONE,
        only({C: 201, OC: 201}, anonymous=401),
        method="post",
        data=lambda w: {"text": "Lead a workshop on feedback"},
        json=True,
    ),
    "api:coach_goal_status": Route(
        _coach_goal,
        only({C: 200, OC: 404}, anonymous=401),
        method="post",
        data=lambda w: {"status": "met"},
        json=True,
    ),
    "api:learning_entries": Route(NONE, only({C: 200, OC: 200}, anonymous=401)),
    "api:learning_entry_add": Route(
        NONE,
        only({C: 201, OC: 201}, anonymous=401),
        method="post",
        data=lambda w: {"on": "2026-09-10", "kind": "book", "title": "The Impact Cycle", "minutes": 60},
        json=True,
    ),
    "api:rubric": Route(NONE, only({L: 200}, anonymous=401)),
    "api:rubric_update": Route(
        NONE,
        only({L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"areas": [{"name": "Collaborator", "description": "Partners with teachers"}]},
        json=True,
    ),
    "api:team_growth": Route(NONE, only({L: 200}, anonymous=401)),
    "api:program_reviews": Route(NONE, only({L: 200, AD: 200}, anonymous=401)),
    "api:program_review": Route(_review_year, only({L: 200, AD: 200}, anonymous=401)),
    "api:program_review_gather": Route(NONE, only({L: 200}, anonymous=401), method="post"),
    "api:program_review_notes": Route(
        _review_year,
        only({L: 200}, anonymous=401),
        method="post",
        data=lambda w: {"what_worked": "Cycles tied to goals.", "what_to_change": "More PLC time."},
        json=True,
    ),
    # --- issue 20: the program dashboard, its summaries, the impact estimates, the levels report ---
    "api:program_dashboard": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    "api:program_summary": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    "api:impact_estimates": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    # Their files as files (issue 20): the pages' downloads, to whom the pages give them.
    "api:dashboard_csv": Route(
        lambda w: {"table": "reach-school"}, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)
    ),
    "api:summary_pdf": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    "api:impact_pdf": Route(NONE, only({C: 200, OC: 200, L: 200, AD: 200}, anonymous=401)),
    "api:impact_estimates_csv": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    "api:impact_board_pdf": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
    "api:framework_report": Route(NONE, only({P: 200, OP: 200, L: 200, AD: 200}, anonymous=401)),
}


def _teachers_token(w: World) -> int:
    from coachmap.api import tokens

    return tokens.personal_token_create(actor=w.teacher.user, name="script", scopes=["read"])[0].pk


def _service_account(w: World) -> int:
    from coachmap.api import tokens

    return tokens.service_account_create(actor=w.admin, name="Warehouse", scopes=["read:aggregates"])[0].pk


def _webhook(w: World) -> int:
    """A webhook of the world's district, made anew for each request (removing it is the act)."""
    from coachmap.notifications.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        district=w.district,
        url="https://warehouse.example.org/hooks",
        events=["import.finished"],
        secret_sealed=b"x",
    )
    return endpoint.pk


def _import_run(w: World) -> int:
    """A finished import of the world's district, made on first use."""
    from coachmap.roster.models import ImportRun, ImportStatus

    run, _ = ImportRun.objects.get_or_create(
        district=w.district, kind="flags", filename="flags.csv", defaults={"status": ImportStatus.DONE}
    )
    return run.pk


def _names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def all_route_names() -> set[str]:
    return set(_names(get_resolver().url_patterns))


def test_every_route_has_an_expectation() -> None:
    routes = {name for name in all_route_names() if not name.startswith("admin:")}
    missing = routes - set(EXPECTED)
    assert not missing, f"Add these routes to EXPECTED with a status per role: {sorted(missing)}"
    stale = set(EXPECTED) - routes
    assert not stale, f"EXPECTED names routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_route_status_for_role(world: World, name: str, role: str) -> None:
    route = EXPECTED[name]
    url = reverse(name, kwargs=route.kwargs(world))
    response = route.send(world.client(role), url, world)
    assert response.status_code == route.statuses[role], f"{route.method.upper()} {url} as {role}"
    body = body_of(response)
    if role not in route.sees_notes:
        assert SECRET_NOTE not in body, f"{url} shows a confidential note to {role}"
        assert GROUP_SECRET_NOTE not in body, f"{url} shows a group's confidential note to {role}"
        assert SECRET_BARRIER not in body, f"{url} shows a confidential check-in to {role}"
    if role != C and (name.startswith("coaching:group") or name == "home"):
        # Only the coach who asked learns that a teacher declined a group (the admin's People page
        # lists every person, as it always has, without a word about groups).
        assert DECLINED_NAME not in body, f"{url} shows a teacher who declined a group to {role}"
    assert OTHER_SECRET_NOTE not in body, f"{url} shows another school's confidential note to {role}"
    if role not in route.sees_handover_note:
        assert HANDOVER_NOTE not in body, f"{url} shows a handover note to {role}"
    if role not in route.sees_micro_note:
        assert MICRO_NOTE not in body, f"{url} shows a micro-coaching note to {role}"
    if role not in route.sees_checkin_note:
        assert CHECKIN_NOTE not in body, f"{url} shows a principal–coach check-in's notes to {role}"


# --- the admin, generated from its registry ---------------------------------------------------------


@pytest.fixture(scope="module")
def _one_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world every route is walked in, built once for the module (see `world_for_the_module`).

    It carries issue 16's group cycle, with its confidential note, a declined member and an
    offering. The world's only audit row is a consent, which the admin never sees as a row
    (issue 12), so an act of administration is added too: the audit trail's change page is
    walked as well."""
    from coachmap.core.audit import audit_record
    from coachmap.core.models import AuditAction

    with world_for_the_module(django_db_blocker) as world:
        issue16_world.of(world)
        audit_record(
            actor=world.admin,
            action=AuditAction.ACCOUNT_CHANGE,
            obj=world.lead,
            district=world.district,
            user=world.lead.username,
            changes={"last_name": ["Old", world.lead.last_name]},
        )
        yield world


@pytest.fixture(name="world")
def _world_copy(_one_world: World, db: None) -> World:
    """This test's own copy of the module's world, in its own savepoint."""
    return copy_for_the_test(_one_world)


def admin_routes(world: World) -> Iterator[tuple[str, str, set[int]]]:
    """(label, url, statuses a district admin may get) for every admin page of every registered model."""
    yield "index", reverse("admin:index"), {200}
    for model, model_admin in admin_site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield f"{info[0]} app", reverse("admin:app_list", kwargs={"app_label": info[0]}), {200}
        yield f"{info[1]} list", reverse("admin:{}_{}_changelist".format(*info)), {200}
        yield (
            f"{info[1]} add",
            reverse("admin:{}_{}_add".format(*info)),
            {200 if model_admin.addable else 403},
        )
        obj = model_admin.get_queryset(_request_for(world.admin)).first()
        if obj is not None:
            yield f"{info[1]} change", reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), {200}
            yield f"{info[1]} history", reverse("admin:{}_{}_history".format(*info), args=[obj.pk]), {200}
            deletable = {200} if model_admin.deletable else {403}
            yield f"{info[1]} delete", reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), deletable


def _request_for(user: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_district_admins_only(world: World, role: str) -> None:
    client = world.client(role)
    for label, url, admin_statuses in admin_routes(world):
        status = client.get(url).status_code
        if role == AD:
            assert status in admin_statuses, f"admin {label} ({url}) gave {status}"
        elif role == A:
            assert status == 302, f"anonymous {label} ({url}) gave {status}"
        else:
            assert status == 403, f"{role} {label} ({url}) gave {status}"


def test_every_admin_model_page_is_walked(world: World) -> None:
    walked = {label for label, _, _ in admin_routes(world)}
    for model in admin_site._registry:
        assert f"{model._meta.model_name} list" in walked
        assert f"{model._meta.model_name} change" in walked, (
            f"no {model.__name__} in the world fixture to open"
        )


def test_admin_never_registers_notes_or_cycles() -> None:
    registered = {m.__name__ for m in admin_site._registry}
    assert not registered & {"CoachingSession", "CoachingCycle", "TeacherGoal", "CoachingRequest"}


def test_admin_cannot_open_another_districts_school(world: World) -> None:
    from tests.factories import SchoolFactory

    elsewhere = SchoolFactory()
    response = world.client(AD).get(reverse("admin:core_school_change", args=[elsewhere.pk]))
    assert response.status_code == 404
