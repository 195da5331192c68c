"""Helpers for the import tests: run an import as the command line does, write bundles, and
take a snapshot of everything an import may touch (to prove a failed import changed nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.models import Model

from coachmap.core.models import AuditEvent, District, Membership, School, Teacher, User
from coachmap.roster.importers.report import Report
from coachmap.roster.models import (
    AcademicSession,
    Assessment,
    Category,
    Class,
    Course,
    Enrollment,
    LineItem,
    PublishedResult,
    Result,
    Score,
    Student,
    UsageWeek,
)
from coachmap.roster.services import import_run_create, import_run_execute

DATA = Path(__file__).resolve().parent / "data"
SAMPLE = DATA / "edfi-lms-toolkit-1.1"
SCHOOLOGY = DATA / "schoology-user-activities-example.csv"
INDIANA = DATA / "indiana-corporation-k8.csv"

SNAPSHOT_FIELDS: dict[type[Model], list[str]] = {
    District: ["name", "slug", "source_id"],
    School: ["district_id", "source_id", "name", "grade_low", "grade_high"],
    User: ["username", "first_name", "last_name", "email", "is_active"],
    Membership: ["user__username", "district_id", "school_id", "role"],
    Teacher: ["user__username", "school__source_id", "source_id"],
    Student: [
        "source_id",
        "school__source_id",
        "grade",
        "race_ethnicity",
        "gender",
        "english_learner",
        "disability",
        "econ_disadvantaged",
    ],
    AcademicSession: ["source_id", "title", "type", "start_date", "end_date", "school_year"],
    Course: ["source_id", "title", "course_code"],
    Category: ["source_id", "title"],
    Class: ["source_id", "school__source_id", "title", "course_code", "grades", "subject"],
    Enrollment: ["source_id", "klass__source_id", "student__source_id", "teacher__source_id", "primary", "begin_date"],
    LineItem: ["source_id", "klass__source_id", "title", "category", "assign_date", "due_date"],
    Score: ["source_id", "line_item__source_id", "student__source_id", "status", "score", "score_date"],
    Assessment: ["name", "subject", "school_year", "window"],
    Result: ["assessment__name", "student__source_id", "scale_score", "proficient"],
    PublishedResult: ["entity_code", "year", "grade", "subject", "group", "tested", "proficient", "suppressed"],
    UsageWeek: ["student__source_id", "tool", "week", "minutes", "events"],
}


def snapshot(*, audit: bool = False) -> dict[str, Any]:
    """Every row an import may write, as sorted tuples (audit rows too when asked)."""
    state: dict[str, Any] = {}
    for model, fields in SNAPSHOT_FIELDS.items():
        state[model.__name__] = sorted(model._default_manager.values_list(*fields), key=repr)
    if audit:
        state["AuditEvent"] = AuditEvent.objects.count()
    return state


def do_import(
    kind: str,
    path: Path | str,
    *,
    district: District | None = None,
    dry_run: bool = False,
    mapping: str = "",
    **options: Any,
) -> Report:
    if district is None:
        district = District.objects.order_by("pk").first()  # as the command does with one district
    run = import_run_create(
        actor=None, district=district, kind=kind, filename=str(path), mapping=mapping, dry_run=dry_run
    )
    return import_run_execute(run=run, path=path, **options)


def sample_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in SAMPLE.iterdir() if p.suffix == ".csv"}


def write_bundle(folder: Path, files: dict[str, bytes | str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def problems(report: Report) -> list[str]:
    return [str(p) for p in report.problems]
