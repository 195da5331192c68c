"""The district's look-for framework (issue 16, part 4): versions, picks in check-ins and
micro-coaching, walkthroughs, and the levels reported in aggregate only."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.coaching.cycles import services as cycle_services
from coachmap.coaching.models import FidelityCheckIn, SessionType
from coachmap.improvement.framework import queries as framework_queries
from coachmap.improvement.framework import services
from coachmap.improvement.models import FrameworkVersion, GradeBand, Walkthrough
from coachmap.program import queries
from tests.conftest import World
from tests.factories import CycleFactory, TeacherFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 20)
NOON = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))

NEW_LOOK_FORS = {
    "k2": ["Students record what they learned."],
    "g35": ["Students give each other feedback."],
    "g68": ["Students choose a tool and say why."],
    "g912": ["Students publish for a real audience."],
}


def _publish(world: World, **changes: object) -> FrameworkVersion:
    data: dict[str, object] = {
        "levels": ["Starting: the teacher shows", "Growing", "Leading: students choose"],
        "look_fors": NEW_LOOK_FORS,
        "change_note": "Three levels are easier to share.",
    } | changes
    return services.framework_publish(actor=world.lead, district=world.district, **data)  # type: ignore[arg-type]


@time_machine.travel(NOON)
def test_editing_the_framework_publishes_a_new_version_and_old_check_ins_keep_theirs(world: World) -> None:
    first = services.framework_ensure(district=world.district)
    assert first.number == 1
    assert first.levels.first().name == "Entry"
    adoption = first.levels.get(name="Adoption")
    k2 = first.look_fors.filter(grade_band=GradeBand.K2).first()
    checkin = cycle_services.checkin_record(
        coach=world.coach,
        cycle=world.cycle,
        date=TODAY,
        seen=["Each group knows its next task"],
        framework_level=adoption,
        framework_look_fors=[k2],
    )
    assert checkin.framework_version == first
    assert checkin.framework_band == GradeBand.K2

    second = _publish(world)

    assert second.number == 2
    assert framework_queries.current_version(world.district.pk) == second
    checkin = FidelityCheckIn.objects.get(pk=checkin.pk)
    assert checkin.framework_version == first
    assert checkin.framework_level.name == "Adoption"
    assert [lf.text for lf in checkin.framework_look_fors.all()] == [k2.text]
    # The old version is kept whole, and both are in the history.
    assert first.levels.count() == 5
    assert [v.number for v in framework_queries.history(world.teacher.user, world.district.pk)] == [2, 1]
    # New records use the current version only.
    with pytest.raises(ValidationError, match="current framework") as raised:
        cycle_services.checkin_record(
            coach=world.coach, cycle=world.cycle, date=TODAY, seen=[], framework_level=adoption
        )
    assert "framework_level" in raised.value.message_dict


@time_machine.travel(NOON)
def test_only_the_lead_publishes_and_bad_input_names_the_field_and_changes_nothing(world: World) -> None:
    services.framework_ensure(district=world.district)
    with pytest.raises(PermissionDenied):
        services.framework_publish(
            actor=world.coach.user, district=world.district, levels=["A", "B"], look_fors=NEW_LOOK_FORS
        )
    with pytest.raises(ValidationError) as raised:
        _publish(world, levels=["Only one"])
    assert "levels" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        _publish(world, look_fors={**NEW_LOOK_FORS, "g912": []})
    assert "look_fors_g912" in raised.value.message_dict
    with pytest.raises(ValidationError, match="same name"):
        _publish(world, levels=["Entry", "entry: again"])
    assert FrameworkVersion.objects.filter(district=world.district).count() == 1


@time_machine.travel(NOON)
def test_micro_coaching_picks_look_fors_and_a_level_and_free_text_stays_possible(world: World) -> None:
    version = services.framework_ensure(district=world.district)
    infusion = version.levels.get(name="Infusion")
    g35 = list(version.look_fors.filter(grade_band=GradeBand.G35))
    session = cycle_services.session_log(
        coach=world.coach,
        cycle=world.cycle,
        date=TODAY,
        minutes=10,
        session_type=SessionType.MICRO,
        framework_level=infusion,
        framework_look_fors=g35[:2],
    )
    assert session.framework_version == version
    assert session.framework_band == GradeBand.G35
    assert session.framework_look_fors.count() == 2
    plain = cycle_services.session_log(
        coach=world.coach,
        cycle=world.cycle,
        date=TODAY,
        minutes=10,
        session_type=SessionType.MICRO,
        look_fors_seen=["Each group knows its next task"],
    )
    assert plain.framework_version is None
    assert plain.look_fors_seen == ["Each group knows its next task"]
    k2 = version.look_fors.filter(grade_band=GradeBand.K2).first()
    with pytest.raises(ValidationError) as raised:
        cycle_services.session_log(
            coach=world.coach,
            cycle=world.cycle,
            date=TODAY,
            minutes=10,
            session_type=SessionType.MICRO,
            framework_look_fors=[g35[0], k2],
        )
    assert "framework_look_fors" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        cycle_services.session_log(
            coach=world.coach,
            cycle=world.cycle,
            date=TODAY,
            minutes=10,
            session_type=SessionType.MICRO,
            framework_level=infusion,
        )
    assert "framework_band" in raised.value.message_dict


@time_machine.travel(NOON)
def test_a_check_in_on_a_cycle_without_free_text_look_fors_can_use_the_framework(world: World) -> None:
    version = services.framework_ensure(district=world.district)
    bare = CycleFactory(coach=world.coach, request__goal__teacher=world.teacher)
    checkin = cycle_services.checkin_record(
        coach=world.coach,
        cycle=bare,
        date=TODAY,
        framework_band=GradeBand.G68,
        framework_level=version.levels.get(name="Adaptation"),
    )
    assert checkin.fidelity is None
    assert checkin.framework_band == GradeBand.G68


@time_machine.travel(NOON)
def test_walkthroughs_are_recorded_by_the_schools_principal_and_coaches_and_name_no_teacher(
    world: World,
) -> None:
    version = services.framework_ensure(district=world.district)
    level = version.levels.get(name="Adoption")
    look_for = version.look_fors.filter(grade_band=GradeBand.G35).first()
    for who in (world.coach.user, world.principal):
        services.walkthrough_record(
            actor=who,
            school=world.school,
            observed_on=TODAY,
            grade_band=GradeBand.G35,
            level=level,
            look_fors=[look_for],
        )
    for outsider in (world.other_coach.user, world.other_principal, world.lead, world.teacher.user):
        with pytest.raises(PermissionDenied):
            services.walkthrough_record(
                actor=outsider, school=world.school, observed_on=TODAY, grade_band=GradeBand.G35, level=level
            )
    with pytest.raises(ValidationError) as raised:
        services.walkthrough_record(
            actor=world.principal,
            school=world.school,
            observed_on=TODAY + datetime.timedelta(days=1),
            grade_band=GradeBand.K2,
            level=level,
            look_fors=[look_for],
        )
    assert set(raised.value.message_dict) == {"observed_on", "look_fors"}
    assert Walkthrough.objects.count() == 2
    assert "teacher" not in {f.name for f in Walkthrough._meta.get_fields()}
    # Each observer sees their own list only.
    response = world.client("principal").get(reverse("program:walkthroughs"))
    assert response.content.decode().count("Level seen: Adoption") == 1


def _walkthroughs(world: World, version: FrameworkVersion, level_name: str, n: int) -> None:
    level = version.levels.get(name=level_name)
    for _ in range(n):
        services.walkthrough_record(
            actor=world.principal,
            school=world.school,
            observed_on=TODAY,
            grade_band=GradeBand.G35,
            level=level,
        )


@time_machine.travel(NOON)
def test_levels_are_reported_in_aggregate_with_small_cells_hidden(world: World) -> None:
    version = services.framework_ensure(district=world.district)
    _walkthroughs(world, version, "Adoption", 12)
    _walkthroughs(world, version, "Infusion", 3)

    table = queries.framework_levels(world.principal, world.district, 2027)

    assert table.levels == ["Entry", "Adoption", "Adaptation", "Infusion", "Transformation"]
    [row] = table.rows
    assert (row.school, row.band) == ("Maple Elementary", "Grades 3 to 5")
    # 3 is below the minimum group size (10); 12 is hidden too, or 15 − 12 would give it away.
    assert row.cells == [0, None, 0, None, 0]
    assert row.total == 15
    # Another school's principal sees nothing of this school.
    assert queries.framework_levels(world.other_principal, world.district, 2027).rows == []
    # The lead's page names no teacher.
    body = world.client("lead").get(reverse("program:framework-report")).content.decode()
    assert "Maple Elementary" in body
    assert str(world.teacher) not in body


@time_machine.travel(NOON)
def test_a_teacher_counts_once_per_band_however_many_check_ins(world: World) -> None:
    version = services.framework_ensure(district=world.district)
    entry, infusion = version.levels.get(name="Entry"), version.levels.get(name="Infusion")
    for day, level in ((TODAY - datetime.timedelta(days=9), entry), (TODAY, infusion)):
        cycle_services.checkin_record(
            coach=world.coach,
            cycle=world.cycle,
            date=day,
            seen=[],
            framework_band=GradeBand.K2,
            framework_level=level,
        )
    for _ in range(10):
        teacher = TeacherFactory(school=world.school)
        cycle = CycleFactory(coach=world.coach, request__goal__teacher=teacher)
        cycle_services.session_log(
            coach=world.coach,
            cycle=cycle,
            date=TODAY,
            minutes=10,
            session_type=SessionType.MICRO,
            framework_band=GradeBand.K2,
            framework_level=infusion,
        )
    [row] = queries.framework_levels(world.lead, world.district, 2027).rows
    # Eleven teachers, each at their latest level: the first teacher's early "Entry" is not counted.
    assert row.cells == [0, 0, 0, 11, 0]
    assert row.total == 11


def test_publishing_from_the_editor_asks_first_and_changes_nothing_until_confirmed(world: World) -> None:
    services.framework_ensure(district=world.district)
    data = {
        "levels": "Starting: the teacher shows\nLeading: students choose",
        "change_note": "Two levels.",
        **{f"look_fors_{band}": "\n".join(items) for band, items in NEW_LOOK_FORS.items()},
    }
    client = world.client("lead")
    asked = client.post(reverse("program:framework-edit"), data)
    assert asked.status_code == 200
    assert "Publish version 2 of the look-for framework?" in asked.content.decode()
    assert FrameworkVersion.objects.filter(district=world.district).count() == 1
    done = client.post(reverse("program:framework-edit"), {**data, "confirmed": "yes"})
    assert done.status_code == 302
    current = framework_queries.current_version(world.district.pk)
    assert current is not None and current.number == 2
    assert [lv.name for lv in current.levels.all()] == ["Starting", "Leading"]
    bad = client.post(reverse("program:framework-edit"), {**data, "levels": "Only one", "confirmed": "yes"})
    assert bad.status_code == 200 and "between 2 and" in bad.content.decode()
    assert FrameworkVersion.objects.filter(district=world.district).count() == 2


@time_machine.travel(NOON)
def test_the_check_in_and_micro_coaching_forms_offer_the_framework(world: World) -> None:
    version = services.framework_ensure(district=world.district)
    world.teacher.grades = [4]
    world.teacher.save()
    client = world.client("coach")
    page = client.get(reverse("coaching:checkin-new", args=[world.cycle.pk])).content.decode()
    assert "Level of technology use seen" in page
    g35 = version.look_fors.filter(grade_band=GradeBand.G35).first()
    k2 = version.look_fors.filter(grade_band=GradeBand.K2).first()
    assert g35.text in page and k2.text not in page  # the teacher's band only
    level = version.levels.get(name="Adaptation")
    response = client.post(
        reverse("coaching:checkin-new", args=[world.cycle.pk]),
        {
            "date": "2026-10-20",
            "framework_band": "g35",
            "framework_look_fors": [str(g35.pk)],
            "framework_level": str(level.pk),
            "adaptations": "Students chose their own tool.",
        },
    )
    assert response.status_code == 302
    checkin = FidelityCheckIn.objects.get(adaptations="Students chose their own tool.")
    assert (checkin.framework_level, list(checkin.framework_look_fors.all())) == (level, [g35])
    cycle_page = client.get(reverse("coaching:cycle", args=[world.cycle.pk])).content.decode()
    assert "level Adaptation" in cycle_page
    micro = client.get(reverse("coaching:micro")).content.decode()
    assert "against the district's look-for framework" in micro or "against the district&#x27;s" in micro
