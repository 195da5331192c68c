"""The nightly roster sync against a OneRoster REST service the test starts on 127.0.0.1
(`oneroster_server.py`, serving the shared Ed-Fi sample and a changed copy of it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from coachmap.core.models import District, Role
from coachmap.roster.models import (
    Class,
    Enrollment,
    ImportRun,
    ImportStatus,
    Student,
    SyncConnection,
    SyncMode,
    SyncRun,
    SyncStatus,
)
from coachmap.roster.services import import_run_confirm
from coachmap.roster.sync import services
from coachmap.roster.sync.client import Client, SyncError
from tests.factories import DistrictFactory, UserFactory, member
from tests.roster.conftest import snapshot
from tests.roster.oneroster_server import CHANGED, CLIENT_ID, SECRET, Server, Service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test service listens on 127.0.0.1 without TLS; oauthlib asks for HTTPS otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=tmp_path / "media", VAR_DIR=tmp_path / "var"):
        yield tmp_path


@pytest.fixture
def admin_and_district(media: Path) -> tuple:
    district = DistrictFactory(name="Grand Bend ISD")
    admin = UserFactory()
    member(admin, Role.DISTRICT_ADMIN, district=district)
    return admin, district


def media_root(district: District) -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "imports"


def _connect(admin, district: District, server: Server, *, oauth: str = "oauth2") -> SyncConnection:
    return services.sync_connect(
        actor=admin,
        district=district,
        base_url=server.base_url,
        version=server.service.version,
        oauth=oauth,
        token_url=server.token_url if oauth == "oauth2" else "",
        client_id=CLIENT_ID,
        secret=SECRET,
        hour=2,
        enabled=True,
    )


def _sync(district: District, server: Server, *, page_size: int = 3, actor=None) -> SyncRun:
    connection = SyncConnection.objects.get(district=district)
    client = services.client_for(connection)
    client.page_size = page_size
    client.sleep = lambda seconds: None
    run = services.sync_start(actor=actor, district=district)
    return services.sync_execute(run=run, client=client)


def test_first_sync_is_full_and_imports_the_sample_over_pages(admin_and_district) -> None:
    admin, district = admin_and_district
    with Server(Service()) as server:
        _connect(admin, district, server)
        run = _sync(district, server, page_size=3)
    assert run.status == SyncStatus.DONE, run.reason
    assert run.mode == SyncMode.FULL
    assert Student.objects.filter(district=district).count() == 8
    assert Enrollment.objects.filter(klass__school__district=district).count() == 24
    assert run.fetched["users"] == 10
    # 24 enrollments, three a page: eight pages, each followed by its Link header.
    assert sum(1 for line in server.service.log if line.startswith("GET enrollments")) == 8
    assert run.import_run is not None and run.import_run.status == ImportStatus.DONE
    assert "Added" in run.reason
    connection = SyncConnection.objects.get(district=district)
    assert connection.watermark == "2026-01-01T00:00:00Z"
    # The bundle on disk holds names: it is gone once the import has run.
    assert not list((media_root(district)).glob("sync-*.zip"))


@pytest.mark.parametrize("paging", ["total", "none"])
def test_paging_without_link_headers(admin_and_district, paging: str) -> None:
    admin, district = admin_and_district
    with Server(Service(paging=paging)) as server:
        _connect(admin, district, server)
        run = _sync(district, server, page_size=4)
    assert run.status == SyncStatus.DONE, run.reason
    assert Enrollment.objects.filter(klass__school__district=district).count() == 24


def test_a_rate_limit_is_waited_out(admin_and_district) -> None:
    admin, district = admin_and_district
    waits: list[float] = []
    with Server(Service(rate_limit={("users", 2), ("enrollments", 1)})) as server:
        _connect(admin, district, server)
        client = services.client_for(SyncConnection.objects.get(district=district))
        client.page_size, client.sleep = 3, waits.append
        run = services.sync_execute(run=services.sync_start(actor=None, district=district), client=client)
    assert run.status == SyncStatus.DONE, run.reason
    assert "429 users 2" in server.service.log and "429 enrollments 1" in server.service.log
    assert waits == [0.0, 0.0]
    assert Student.objects.filter(district=district).count() == 8


def test_an_expired_token_is_replaced(admin_and_district) -> None:
    admin, district = admin_and_district
    with Server(Service(expire_after=5)) as server:
        _connect(admin, district, server)
        run = _sync(district, server)
    assert run.status == SyncStatus.DONE, run.reason
    tokens = server.service.log.count("POST /token")
    assert tokens >= 2  # 401 → a new token → the same page again
    assert server.service.log.count("401 expired") == tokens - 1
    assert Student.objects.filter(district=district).count() == 8


def test_oauth1_signed_requests(admin_and_district) -> None:
    admin, district = admin_and_district
    with Server(Service(oauth="oauth1")) as server:
        _connect(admin, district, server, oauth="oauth1")
        run = _sync(district, server)
    assert run.status == SyncStatus.DONE, run.reason
    assert "POST /token" not in server.service.log
    assert Student.objects.filter(district=district).count() == 8


def test_a_wrong_secret_fails_with_a_plain_reason(admin_and_district) -> None:
    admin, district = admin_and_district
    with Server(Service(oauth="oauth1")) as server:
        _connect(admin, district, server, oauth="oauth1")
        connection = SyncConnection.objects.get(district=district)
        client = services.client_for(connection)
        client.secret = "wrong"
        run = services.sync_execute(run=services.sync_start(actor=None, district=district), client=client)
    assert run.status == SyncStatus.FAILED
    assert "refused coachmap's sign-in (401)" in run.reason
    assert "Nothing was changed" in run.reason


def test_version_1_2_roles_inside_users(admin_and_district) -> None:
    admin, district = admin_and_district
    with Server(Service(version="1.2")) as server:
        _connect(admin, district, server)
        run = _sync(district, server)
    assert run.status == SyncStatus.DONE, run.reason
    assert Student.objects.filter(district=district).count() == 8


def test_a_server_error_mid_sync_changes_nothing(admin_and_district) -> None:
    admin, district = admin_and_district
    with Server(Service()) as server:
        _connect(admin, district, server)
        assert _sync(district, server).status == SyncStatus.DONE
        before = snapshot()
        server.service.folder = CHANGED
        server.service.fail = {("enrollments", 3)}
        run = _sync(district, server, page_size=1)
    assert run.status == SyncStatus.FAILED
    assert run.reason.startswith(
        "The service answered 500 (Internal Server Error) while coachmap was reading page 3 of enrollments."
    )
    assert "Nothing was changed" in run.reason
    assert run.import_run is None  # nothing reached the import: nothing half-applied
    assert snapshot() == before
    # The next run asks for the same changes again.
    assert SyncConnection.objects.get(district=district).watermark == "2026-01-01T00:00:00Z"


def test_delta_by_date_last_modified(admin_and_district) -> None:
    admin, district = admin_and_district
    district.import_hold_percent = 50
    district.save()
    with Server(Service()) as server:
        _connect(admin, district, server)
        assert _sync(district, server).status == SyncStatus.DONE
        server.service.folder = CHANGED
        run = _sync(district, server)
    assert run.mode == SyncMode.DELTA
    assert run.status == SyncStatus.DONE, run.reason
    assert server.service.filters[-1] == "dateLastModified>'2026-01-01T00:00:00Z'"
    # Only what changed on 2026-03-01 came: one class, two users, three enrollments, two demographics.
    assert run.fetched == {
        "orgs": 0,
        "academicSessions": 0,
        "courses": 0,
        "classes": 1,
        "users": 2,
        "enrollments": 3,
        "demographics": 2,
    }
    students = set(Student.objects.filter(district=district).values_list("source_id", flat=True))
    assert "605100" in students and "605015" not in students and len(students) == 8
    assert Class.objects.get(source_id="25590100102Trad220ALG112011").title == "ALG-1 (block schedule)"
    assert "removed 1 of 8 students" in run.reason
    assert SyncConnection.objects.get(district=district).watermark == "2026-03-01T00:00:00Z"
    # A third run finds nothing new.
    with Server(Service(folder=CHANGED)) as server:
        SyncConnection.objects.filter(district=district).update(
            base_url=server.base_url, token_url=server.token_url
        )
        again = _sync(district, server)
    assert again.status == SyncStatus.DONE
    assert again.reason == "Nothing changed on the service since the last sync."


def test_removals_above_the_threshold_are_held(admin_and_district) -> None:
    admin, district = admin_and_district  # the district asks before removing more than 5 %
    with Server(Service()) as server:
        _connect(admin, district, server)
        assert _sync(district, server).status == SyncStatus.DONE
        before = snapshot()
        server.service.folder = CHANGED
        run = _sync(district, server)
    assert run.status == SyncStatus.HELD
    assert "Not applied yet" in run.reason and "more than 5 %" in run.reason
    assert snapshot() == before
    held = ImportRun.objects.get(pk=run.import_run_id)
    assert held.status == ImportStatus.HELD and Path(held.upload_path).exists()
    assert SyncConnection.objects.get(district=district).watermark == "2026-01-01T00:00:00Z"
    # The admin confirms it on the import's report, as for an uploaded file.
    again = import_run_confirm(actor=admin, run=held, confirmed=True)
    again.refresh_from_db()
    assert again.status == ImportStatus.DONE and again.origin == "sync"
    students = set(Student.objects.filter(district=district).values_list("source_id", flat=True))
    assert "605100" in students and "605015" not in students


def test_a_sync_while_another_runs_is_refused(admin_and_district) -> None:
    admin, district = admin_and_district
    with Server(Service()) as server:
        _connect(admin, district, server)
        services.sync_start(actor=admin, district=district)
        with pytest.raises(ValidationError, match="already running"):
            services.sync_start(actor=admin, district=district)
    assert SyncRun.objects.filter(district=district).count() == 1


def test_only_the_district_admin_connects_or_syncs(admin_and_district) -> None:
    _admin, district = admin_and_district
    lead = UserFactory()
    member(lead, Role.PROGRAM_LEAD, district=district)
    with pytest.raises(PermissionDenied):
        services.sync_connect(
            actor=lead,
            district=district,
            base_url="https://sis.example.org/ims/oneroster/v1p1",
            version="1.1",
            oauth="oauth2",
            token_url="https://sis.example.org/token",
            client_id="x",
            secret="y",
            hour=2,
            enabled=True,
        )
    with pytest.raises(PermissionDenied):
        services.sync_start(actor=lead, district=district)


def test_the_secret_is_sealed(admin_and_district) -> None:
    admin, district = admin_and_district
    with Server(Service()) as server:
        connection = _connect(admin, district, server)
    assert SECRET.encode() not in bytes(connection.secret_sealed)
    assert services.secret_of(connection) == SECRET
    # Saving again without a secret keeps it.
    services.sync_connect(
        actor=admin,
        district=district,
        base_url=connection.base_url,
        version="1.1",
        oauth="oauth2",
        token_url=connection.token_url,
        client_id=CLIENT_ID,
        secret="",
        hour=3,
        enabled=True,
    )
    assert services.secret_of(SyncConnection.objects.get(district=district)) == SECRET


def test_the_nightly_schedule_starts_each_district_once(admin_and_district) -> None:
    import datetime

    import time_machine
    from django.utils import timezone

    admin, district = admin_and_district
    with Server(Service()) as server:
        _connect(admin, district, server)  # nightly at 2
        night = timezone.make_aware(datetime.datetime(2026, 12, 7, 1, 30))
        with override_settings(ROSTER_SYNC_CLIENT_OPTIONS={"page_size": 5}):
            with time_machine.travel(night, tick=False):
                assert services.syncs_due(timezone.now()) == 0
            with time_machine.travel(night + datetime.timedelta(hours=1), tick=False):
                assert services.syncs_due(timezone.now()) == 1  # the task backend in tests runs it at once
            with time_machine.travel(night + datetime.timedelta(hours=2), tick=False):
                assert services.syncs_due(timezone.now()) == 0
            with time_machine.travel(night + datetime.timedelta(days=1, hours=1), tick=False):
                assert services.syncs_due(timezone.now()) == 1
    first, second = SyncRun.objects.filter(district=district).order_by("started_at")
    assert first.status == SyncStatus.DONE, first.reason
    assert (first.mode, second.mode) == (SyncMode.FULL, SyncMode.DELTA)


def test_client_gives_up_on_an_endless_rate_limit() -> None:
    with Server(Service(rate_limit={("orgs", 1)})) as server:
        server.service.tokens["t"] = 0
        client = Client(
            base_url=server.base_url,
            client_id=CLIENT_ID,
            secret=SECRET,
            token_url=server.token_url,
            tries=1,
            sleep=lambda s: None,
        )
        with pytest.raises(SyncError, match="kept asking coachmap to wait"):
            client.collection("orgs")


def test_the_command_syncs_now(admin_and_district) -> None:
    from io import StringIO

    from django.core.management import call_command

    admin, district = admin_and_district
    with Server(Service()) as server:
        _connect(admin, district, server)
        out = StringIO()
        call_command("roster_sync", district=district.slug, stdout=out)
    assert out.getvalue().startswith("Everything (full): Synced. Added")
    assert Student.objects.filter(district=district).count() == 8
