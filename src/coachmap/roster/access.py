"""Who may see the roster: pseudonymous students, results and import runs.

Scopes built on the primitives of `core.access` (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coachmap.core.access import (
    AnyUser,
    admin_district_ids,
    district_ids,
    lead_district_ids,
    school_ids,
)
from coachmap.core.models import Role
from coachmap.roster.models import ColumnMapping, ImportRun, Result, Student, SyncRun


def students_visible_to(user: AnyUser) -> QuerySet[Student]:
    """Pseudonymous student rows: the data owners (district admin) and the principal's school."""
    return Student.objects.filter(
        Q(district_id__in=admin_district_ids(user)) | Q(school_id__in=school_ids(user, Role.PRINCIPAL))
    )


def results_visible_to(user: AnyUser) -> QuerySet[Result]:
    return Result.objects.filter(
        Q(assessment__district_id__in=admin_district_ids(user))
        | Q(school_id__in=school_ids(user, Role.PRINCIPAL))
    )


def import_runs_visible_to(user: AnyUser) -> QuerySet[ImportRun]:
    """Imports are run and read by the program lead and the district admin of the district."""
    return ImportRun.objects.filter(district_id__in=lead_district_ids(user) | admin_district_ids(user))


IMPORT_ROLES = (Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)


def column_mappings_visible_to(user: AnyUser) -> QuerySet[ColumnMapping]:
    """Saved column mappings belong to the imports: their district's program lead and district admin."""
    return ColumnMapping.objects.filter(district_id__in=district_ids(user, *IMPORT_ROLES))


def may_import_into(user: AnyUser, district_id: int) -> bool:
    """Imports are run by the district's program lead and district admin."""
    return district_id in district_ids(user, *IMPORT_ROLES)


def may_connect_roster(user: AnyUser, district_id: int) -> bool:
    """The district's OneRoster service (its address and secret, the nightly sync) is the
    district admin's."""
    return district_id in admin_district_ids(user)


def sync_runs_visible_to(user: AnyUser) -> QuerySet[SyncRun]:
    return SyncRun.objects.filter(district_id__in=admin_district_ids(user))
