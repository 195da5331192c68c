"""The library: safe uploads and serving, tags, full-text search on this database, suggestions, usage."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from coachmap.library import queries, services
from coachmap.library.models import ResourceUse
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path):  # type: ignore[no-untyped-def]
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def _add(world: World, title: str, **tags: object):  # type: ignore[no-untyped-def]
    return services.resource_save(
        actor=world.coach.user,
        district=world.district,
        title=title,
        kind=tags.pop("kind", "lesson_plan"),
        url="https://example.org/" + title.replace(" ", "-"),
        **tags,
    )


def test_search_stems_matches_prefixes_and_needs_every_word(world: World) -> None:
    rubric = _add(
        world, "Feedback rubrics for argument writing", kind="rubric", practices=["feedback on writing"]
    )
    video = _add(
        world,
        "Station rotation in grade 3",
        kind="video_case",
        tools=["Lexia"],
        description="A teacher launches stations.",
    )
    _add(world, "Number talks with Desmos", tools=["Desmos"])
    found = lambda text: [r.title for r in queries.browse(world.teacher.user, text=text)]  # noqa: E731
    assert found("rubric") == [rubric.title]  # plural in the title, singular in the query
    assert found("lex") == [video.title]  # the start of a tool name
    assert found("station lexia") == [video.title]
    assert found("station desmos") == []
    assert found("writing") == [rubric.title]
    assert len(found("")) == 4  # with the world's resource
    assert found('"; DROP TABLE x; --') == []


def test_filters_by_tag(world: World) -> None:
    _add(
        world,
        "Exit ticket bank",
        practices=["Exit Tickets"],
        subjects=["ela"],
        grades=[3, 4],
        quadrants=["new_developing"],
    )
    titles = lambda **f: [r.title for r in queries.browse(world.coach.user, **f)]  # noqa: E731
    assert titles(practice="exit tickets") == ["Exit ticket bank"]
    assert titles(grade=4, subject="ela") == ["Exit ticket bank"]
    assert titles(quadrant="experienced_confident") == []
    assert titles(tool="LEXIA") == ["Small-group rotation planner"]


def test_an_upload_is_checked_stored_under_a_random_name_and_served_safely(world: World) -> None:
    pdf = services.resource_save(
        actor=world.lead,
        district=world.district,
        title="Observation rubric",
        kind="rubric",
        upload=SimpleUploadedFile(
            "../Observation <rubric>.pdf", b"%PDF-1.7\n% a tiny pdf\n", content_type="text/html"
        ),
    )
    assert pdf.file_name == "Observation _rubric_.pdf" and pdf.content_type == "application/pdf"
    assert "Observation" not in pdf.file.name and pdf.file.name.startswith("library/")
    response = world.client("teacher").get(reverse("library:resource-open", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    docx = services.resource_save(
        actor=world.lead,
        district=world.district,
        title="Lesson plan",
        kind="lesson_plan",
        upload=SimpleUploadedFile("plan.docx", b"PK\x03\x04 word document", content_type="text/html"),
    )
    response = world.client("teacher").get(reverse("library:resource-open", args=[docx.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    with pytest.raises(ValidationError, match="not a file type the library takes"):
        services.resource_save(
            actor=world.lead,
            district=world.district,
            title="Tool",
            kind="exemplar",
            upload=SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/pdf"),
        )
    with pytest.raises(ValidationError, match=r"does not look like a \.pdf"):
        services.resource_save(
            actor=world.lead,
            district=world.district,
            title="Fake",
            kind="exemplar",
            upload=SimpleUploadedFile(
                "fake.pdf", b"<script>alert(1)</script>", content_type="application/pdf"
            ),
        )


def test_links_must_be_web_addresses_and_only_author_or_lead_change_a_resource(world: World) -> None:
    with pytest.raises(ValidationError, match="https://"):
        services.resource_save(
            actor=world.lead, district=world.district, title="x", kind="exemplar", url="javascript:alert(1)"
        )
    with pytest.raises(PermissionDenied):
        services.resource_save(
            actor=world.other_coach.user,
            district=world.district,
            resource=world.resource,
            title="Mine now",
            kind="exemplar",
            url="https://example.org",
        )
    with pytest.raises(PermissionDenied):
        services.resource_save(
            actor=world.teacher.user,
            district=world.district,
            title="x",
            kind="exemplar",
            url="https://example.org",
        )


def test_opening_counts_uses_without_saying_who(world: World) -> None:
    client = world.client("teacher")
    for _ in range(2):
        response = client.get(reverse("library:resource-open", args=[world.resource.pk]))
        assert response["Location"] == "https://example.org/rotation-planner"
    assert ResourceUse.objects.filter(resource=world.resource, kind="opened").count() == 2
    counted = queries.browse(world.teacher.user).get(pk=world.resource.pk)
    assert (counted.opened, counted.in_sessions) == (2, 0)


def test_a_cycle_gets_suggestions_from_its_goal_and_tools_with_reasons(world: World) -> None:
    tagged = _add(world, "Reading goal exemplar", goals=[world.goal], subjects=["ela"])
    _add(world, "Unrelated", tools=["Desmos"], subjects=["math"])
    suggestions = queries.suggestions_for_cycle(world.coach.user, world.cycle)
    assert [s.resource.title for s in suggestions] == ["Small-group rotation planner", tagged.title]
    assert suggestions[0].fit.reasons == ("uses lexia", "about small-group rotations")
    assert suggestions[1].fit.reasons == ("tagged with this school goal", "same subject")


def test_paging_through_a_search_keeps_the_search(world: World) -> None:
    for i in range(25):
        _add(world, f"Fractions lesson {i:02d}", kind="rubric")
    response = world.client("coach").get(reverse("library:index"), {"q": "fractions", "kind": "rubric"})
    body = response.content.decode()
    assert "Page 1 of 2" in body
    assert 'href="?q=fractions&amp;kind=rubric&amp;page=2"' in body
    second = world.client("coach").get(
        reverse("library:index"), {"q": "fractions", "kind": "rubric", "page": 2}
    )
    assert "Page 2 of 2" in second.content.decode()


def test_tool_names_are_shown_as_named_and_still_match_in_any_case(world: World) -> None:
    resource = _add(world, "Station rotations", tools=["Google  Classroom", "google classroom", "IXL"])
    assert resource.tools == ["Google Classroom", "IXL"]
    assert [r.title for r in queries.browse(world.coach.user, tool="GOOGLE classroom™")] == [
        "Station rotations"
    ]
    page = world.client("teacher").get(reverse("library:index")).content.decode()
    assert "Google Classroom, IXL" in page
