"""Files as files through the API (issue 20): the improvement CSV downloads, the family report's PDF
and the library's files answer with the page's own bytes, under the page's rules: another school's
or district's file is not found, and a refused upload is a 422 naming the field that stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from coachmap.api import tokens
from coachmap.core.models import AuditAction, AuditEvent
from coachmap.library import files, services
from coachmap.library.models import Resource, ResourceUse
from tests.conftest import World
from tests.core.test_access_matrix import _family_report
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a tiny pdf\n"


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def _bearer(user, scopes=("read", "write")) -> dict[str, str]:  # type: ignore[no-untyped-def]
    secret = tokens.personal_token_create(actor=user, name="script", scopes=list(scopes))[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


# --- the improvement CSV downloads -----------------------------------------------------------------


def test_a_school_table_through_the_api_is_the_pages_download_formula_safe(world: World) -> None:
    world.tool.name = "=HYPERLINK('https://evil.example', 'click')"
    world.tool.save()
    answers = {}
    for table in ("map", "needs"):
        page = world.client("principal").get(
            reverse("improvement:school-export", kwargs={"school_id": world.school.pk, "table": table})
        )
        api = Client().get(
            reverse("api:school_export", kwargs={"school_id": world.school.pk, "table": table}),
            **_bearer(world.principal),
        )
        assert api.status_code == 200 and api["Content-Type"] == "text/csv; charset=utf-8"
        assert api.content == page.content and api["Content-Disposition"] == page["Content-Disposition"]
        answers[table] = api.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in answers["map"]  # a spreadsheet shows it, never runs it
    # Audited as the page's export is.
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world.principal).count() == 4


def test_another_schools_table_is_not_found_and_an_unknown_table_is_named(world: World) -> None:
    other = world.client("other_principal")
    url = reverse("api:school_export", kwargs={"school_id": world.school.pk, "table": "needs"})
    assert other.get(url).status_code == 404
    bad = world.client("principal").get(
        reverse("api:school_export", kwargs={"school_id": world.school.pk, "table": "grades"})
    )
    assert bad.status_code == 422 and "table" in str(bad.json()["detail"])


def test_the_district_table_is_the_pages_for_the_data_owner_never_a_service_account(world: World) -> None:
    query = {"subject": "math", "sort": "name"}
    page = world.client("admin").get(
        reverse("improvement:district-export", kwargs={"table": "schools"}), query
    )
    url = reverse("api:district_export", kwargs={"table": "schools"})
    api = Client().get(url, query, **_bearer(world.admin))
    assert api.status_code == 200 and api.content == page.content
    # The data owners' unsuppressed figures: a service account (suppressed aggregates only) is refused.
    secret = tokens.service_account_create(actor=world.admin, name="BI", scopes=["read:aggregates"])[2]
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 403
    # A school's table is suppressed for it, as for a principal, so its scope reads that one.
    school_url = reverse("api:school_export", kwargs={"school_id": world.school.pk, "table": "needs"})
    service = Client().get(school_url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    principal = world.client("principal").get(
        reverse("improvement:school-export", kwargs={"school_id": world.school.pk, "table": "needs"})
    )
    assert service.status_code == 200 and service.content == principal.content


def test_the_schema_says_the_files_are_csv_and_pdf(world: World) -> None:
    paths = world.client("teacher").get(reverse("api:openapi-json")).json()["paths"]
    ok = lambda path: paths[path]["get"]["responses"]["200"]["content"]  # noqa: E731
    assert "text/csv" in ok("/api/v1/schools/{school_id}/export/{table}.csv")
    assert "text/csv" in ok("/api/v1/district/export/{table}.csv")
    assert "application/pdf" in ok("/api/v1/family-reports/{report_id}/report.pdf")


# --- the family report's PDF --------------------------------------------------------------------------


def test_the_family_report_pdf_is_the_pages(world: World) -> None:
    report = _family_report(world)
    page = world.client("principal").get(reverse("families:pdf", kwargs=report), {"lang": "es"})
    api = Client().get(
        reverse("api:family_report_pdf", kwargs=report), {"lang": "es"}, **_bearer(world.principal)
    )
    assert api.status_code == 200 and api["Content-Type"] == "application/pdf"
    assert api.content.startswith(b"%PDF") and api.content == page.content
    assert api["Content-Disposition"] == page["Content-Disposition"]
    assert (
        world.client("other_principal").get(reverse("api:family_report_pdf", kwargs=report)).status_code
        == 404
    )
    wrong = world.client("principal").get(reverse("api:family_report_pdf", kwargs=report), {"lang": "xx"})
    assert wrong.status_code == 422 and "lang" in wrong.json()["detail"]


# --- the library's files ---------------------------------------------------------------------------


def _file_resource(world: World) -> Resource:
    return services.resource_save(
        actor=world.coach.user,
        district=world.district,
        title="Observation rubric",
        kind="rubric",
        upload=SimpleUploadedFile("rubric.pdf", PDF, content_type="application/pdf"),
    )


def test_a_library_file_through_the_api_is_the_pages_and_counts_as_opened(world: World) -> None:
    resource = _file_resource(world)
    page = world.client("teacher").get(reverse("library:resource-open", kwargs={"resource_id": resource.pk}))
    api = Client().get(
        reverse("api:resource_file", kwargs={"resource_id": resource.pk}), **_bearer(world.teacher.user)
    )
    assert api.status_code == 200
    assert b"".join(api.streaming_content) == b"".join(page.streaming_content) == PDF
    for header in ("Content-Type", "Content-Disposition", "X-Content-Type-Options", "Cache-Control"):
        assert api[header] == page[header]
    assert ResourceUse.objects.filter(resource=resource).count() == 2
    # Another system reading the library fetches the file without counting an opening.
    secret = tokens.service_account_create(actor=world.admin, name="LMS", scopes=["read:library"])[2]
    fetched = Client().get(
        reverse("api:resource_file", kwargs={"resource_id": resource.pk}),
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert fetched.status_code == 200 and ResourceUse.objects.filter(resource=resource).count() == 2


def test_another_districts_file_and_a_link_are_not_found(world: World) -> None:
    elsewhere = DistrictFactory()
    stranger = Resource.objects.create(
        district=elsewhere,
        title="Theirs",
        kind="rubric",
        file="library/theirs.pdf",
        content_type="application/pdf",
    )
    teacher = world.client("teacher")
    assert teacher.get(reverse("api:resource_file", kwargs={"resource_id": stranger.pk})).status_code == 404
    assert (
        teacher.get(reverse("api:resource_file", kwargs={"resource_id": world.resource.pk})).status_code
        == 404
    )


def test_a_coach_uploads_a_resource_with_its_file_through_the_pages_form(world: World, media: Path) -> None:
    response = world.client("coach").post(
        reverse("api:resource_upload"),
        {
            "title": "Observation  rubric",
            "kind": "rubric",
            "tools": "Lexia, Seesaw",
            "grades": [3, 4],
            "goals": [world.goal.pk],
            "upload": SimpleUploadedFile("../My <rubric>.pdf", PDF, content_type="text/html"),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Observation rubric" and body["file_name"] == "My _rubric_.pdf"
    assert body["grades"] == [3, 4] and body["goals"] == [world.goal.pk] and body["url"] == ""
    made = Resource.objects.get(pk=body["id"])
    assert made.content_type == "application/pdf" and made.created_by == world.coach.user
    download = world.client("teacher").get(reverse("api:resource_file", kwargs={"resource_id": made.pk}))
    assert b"".join(download.streaming_content) == PDF


def test_a_refused_upload_names_the_file_and_stores_nothing(world: World, media: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    coach = world.client("coach")
    before = Resource.objects.count()

    def send(name: str, data: bytes):  # type: ignore[no-untyped-def]
        return coach.post(
            reverse("api:resource_upload"),
            {"title": "Rubric", "kind": "rubric", "upload": SimpleUploadedFile(name, data)},
        )

    renamed = send("rubric.pdf", b"MZ\x90\x00 a program")
    assert renamed.status_code == 422
    assert "does not look like a .pdf file" in renamed.json()["detail"]["upload"][0]
    exe = send("run.exe", b"MZ\x90\x00")
    assert exe.status_code == 422 and "not a file type the library takes" in exe.json()["detail"]["upload"][0]
    monkeypatch.setattr(files, "MAX_BYTES", 10)
    big = send("rubric.pdf", PDF)
    assert big.status_code == 422 and "the limit is" in big.json()["detail"]["upload"][0]
    assert Resource.objects.count() == before and _stored(media) == []


def test_the_author_replaces_the_file_and_a_refused_one_changes_nothing(
    world: World, media: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    resource = _file_resource(world)
    resource.goals.set([world.goal])
    url = reverse("api:resource_file_replace", kwargs={"resource_id": resource.pk})
    old = resource.file.name
    refused = world.client("coach").post(url, {"upload": SimpleUploadedFile("notes.docx", b"plain text")})
    assert refused.status_code == 422 and "upload" in refused.json()["detail"]
    resource.refresh_from_db()
    assert resource.file.name == old and len(_stored(media)) == 1
    assert (
        world.client("other_coach").post(url, {"upload": SimpleUploadedFile("a.txt", b"hi")}).status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        replaced = world.client("coach").post(url, {"upload": SimpleUploadedFile("notes.txt", b"New notes")})
    assert replaced.status_code == 200 and replaced.json()["file_name"] == "notes.txt"
    assert replaced.json()["goals"] == [world.goal.pk] and replaced.json()["title"] == "Observation rubric"
    resource.refresh_from_db()
    assert Path(resource.file.path).read_bytes() == b"New notes" and resource.content_type.startswith(
        "text/plain"
    )
    assert [p.name for p in _stored(media)] == [Path(resource.file.name).name]  # the old file went


def test_a_teacher_cannot_upload(world: World) -> None:
    response = world.client("teacher").post(
        reverse("api:resource_upload"),
        {"title": "Mine", "kind": "rubric", "upload": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 403 and not Resource.objects.filter(title="Mine").exists()
