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

V12_MANIFEST = (
    "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.orgs,bulk\nfile.users,bulk\n"
    "file.roles,bulk\nfile.classes,bulk\nfile.enrollments,bulk\nfile.academicSessions,bulk\n"
    "file.categories,bulk\nfile.lineItems,bulk\nfile.results,bulk\n"
)
V12_USERS = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,"
    "email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,"
    "preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n"
    "s1,active,,true,ana.s,,Ana,Secret,,,ana@example.org,,,,03,hunter2,,,,,,sch1,\n"
    "s2,active,,true,ben.s,,Ben,Hidden,,,ben@example.org,,,,KG,,,,,,,sch1,\n"
    "t1,active,,true,tess.t,,Tess,Teacher,,,tess@example.org,,,,,,,,,,,sch1,\n"
    "p1,active,,true,pat.p,,Pat,Parent,,,pat@example.org,,,,,,,,,,,sch1,\n"
)
V12_ROLES = (
    "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\n"
    "r1,active,,s1,primary,student,,,sch1,\n"
    "r2,active,,s2,primary,student,,,sch1,\n"
    "r3,active,,t1,primary,teacher,,,sch1,\n"
    "r4,active,,t1,secondary,teacher,,,d1,\n"
    "r5,active,,p1,primary,parent,,,sch1,\n"
)
V12_FILES = {
    "manifest.csv": V12_MANIFEST,
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
    "d1,active,,Lakeside District,district,,\nsch1,active,,Lakeside Elementary,school,,d1\n",
    "academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
    "q1,active,,Quarter 1,gradingPeriod,2025-08-20,2025-10-31,,2026\n",
    "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
    "c1,active,,Reading 3,03,,R3,homeroom,,sch1,q1,Reading,,\n",
    "users.csv": V12_USERS,
    "roles.csv": V12_ROLES,
    "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"
    "e1,active,,c1,sch1,s1,student,false,,\ne2,active,,c1,sch1,s2,student,false,,\ne3,active,,c1,sch1,t1,teacher,TRUE,,\n"
    "e4,active,,c1,sch1,p1,parent,false,,\n",
    "categories.csv": "sourcedId,status,dateLastModified,title,weight\ncat1,active,,Quizzes,0.4\n",
    "lineItems.csv": "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,"
    "categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax\n"
    "li1,active,,Fluency check,,2025-09-01,2025-09-08,c1,cat1,q1,0,100\n",
    "results.csv": "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment\n"
    "res1,active,,li1,s1,fully graded,88,2025-09-10,\nres2,active,,li1,s2,submitted,,,\n",
}


V12 = V12_FILES

SNAPSHOT_FIELDS: dict[type[Model], list[str]] = {
    District: ["name", "slug", "source_id"],
    School: ["district__slug", "source_id", "name", "grade_low", "grade_high"],
    User: ["username", "first_name", "last_name", "email", "is_active"],
    Membership: ["user__username", "district__slug", "school__source_id", "role"],
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
    Enrollment: [
        "source_id",
        "klass__source_id",
        "student__source_id",
        "teacher__source_id",
        "primary",
        "begin_date",
    ],
    LineItem: ["source_id", "klass__source_id", "title", "category", "assign_date", "due_date"],
    Score: ["source_id", "line_item__source_id", "student__source_id", "status", "score", "score_date"],
    Assessment: ["name", "subject", "school_year", "window"],
    Result: ["assessment__name", "student__source_id", "scale_score", "proficient"],
    PublishedResult: [
        "entity_code",
        "year",
        "grade",
        "subject",
        "group",
        "tested",
        "proficient",
        "suppressed",
    ],
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
    allow_removals: bool = False,
    **options: Any,
) -> Report:
    if district is None:
        district = District.objects.order_by("pk").first()  # as the command does with one district
    run = import_run_create(
        actor=None,
        district=district,
        kind=kind,
        filename=str(path),
        mapping=mapping,
        dry_run=dry_run,
        allow_removals=allow_removals,
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
