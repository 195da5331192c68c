"""Phase 4, merge: what is not a plain staged table: the district and its schools, the small
files, teachers, demographics; and the notes on users that were not imported."""

from __future__ import annotations

from collections import Counter

from django.db import models
from django.utils.text import slugify

from coachmap.core.models import District, School
from coachmap.roster.importers.oneroster.state import ImportState, SmallFile
from coachmap.roster.importers.report import MAX_LISTED
from coachmap.roster.importers.staging import execute, fetchall, fetchone, is_distinct
from coachmap.roster.importers.teachers import teachers_merge


def district_and_schools(st: ImportState) -> None:  # noqa: PLR0912 - each branch is one problem the report names
    report = st.report
    orgs = st.small.get("orgs", SmallFile())
    if st.district is None:
        assert st.district_org is not None  # noqa: S101 - checked in read.read_orgs
        name = st.district_org[2]["name"]
        slug = base = slugify(name)[:45] or "district"
        n = 1
        while District.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        st.district = District.objects.create(name=name, slug=slug, source_id=st.district_org_id)
        report.entity("districts").added += 1
    elif st.district_org is not None and not st.district.source_id:
        st.district.source_id = st.district_org_id
        st.district.save(update_fields=["source_id"])
        report.entity("districts").changed += 1
    elif st.district_org is not None:
        report.entity("districts").unchanged += 1
    st.district_id = st.district.pk
    counts = report.entity("schools")
    existing = {s.source_id: s for s in School.objects.filter(district=st.district).exclude(source_id="")}
    seen = set()
    for sid, (row, status, fields) in orgs.rows.items():
        if fields["type"] != "school":
            if fields["type"] != "district":
                counts.skipped += 1
            continue
        seen.add(sid)
        school = existing.get(sid)
        if status != "active":
            if school is not None:
                report.warn(
                    "orgs.csv",
                    row,
                    "status",
                    status,
                    f"{school} is kept: coachmap never deletes a school",
                )
            continue
        if school is None:
            School.objects.create(district=st.district, source_id=sid, name=fields["name"])
            counts.added += 1
        elif school.name != fields["name"]:
            school.name = fields["name"]
            school.save(update_fields=["name"])
            counts.changed += 1
        else:
            counts.unchanged += 1
    if st.manifest.mode("orgs") == "bulk":
        for sid, school in existing.items():
            if sid not in seen:
                report.warn("orgs.csv", None, "", sid, f"{school} is not in orgs.csv; it is kept")


def small_file(st: ImportState, file: str, model: type[models.Model], entity: str) -> None:
    small = st.small.get(file)
    mode = st.manifest.mode(file)
    if small is None or mode == "absent":
        return
    counts = st.report.entity(entity)
    manager = model._default_manager
    existing = {obj.source_id: obj for obj in manager.filter(district=st.district)}  # type: ignore[attr-defined]
    keep: set[str] = set()
    for sid, (_, status, staged) in small.rows.items():
        fields = {k: v for k, v in staged.items() if not k.startswith("_")}
        obj = existing.get(sid)
        if status != "active":
            continue
        keep.add(sid)
        if obj is None:
            manager.create(district=st.district, source_id=sid, **fields)
            counts.added += 1
        elif any(getattr(obj, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(obj, k, v)
            obj.save()
            counts.changed += 1
        else:
            counts.unchanged += 1
    if mode == "bulk":
        gone = [obj.pk for sid, obj in existing.items() if sid not in keep]
    else:
        gone = [
            existing[sid].pk
            for sid, (_, status, _) in small.rows.items()
            if status != "active" and sid in existing
        ]
    if gone:
        manager.filter(pk__in=gone).delete()
        counts.removed += len(gone)


def teachers(st: ImportState) -> None:
    assert st.district is not None  # noqa: S101
    teachers_merge(district=st.district, actor=st.actor, mode=st.manifest.mode("users"), report=st.report)


def note_skipped_users(st: ImportState) -> None:
    skipped = Counter(
        dict(
            fetchall(
                "SELECT COALESCE(role, 'no role'), COUNT(*) FROM stg_users "
                "WHERE kind = 'other' AND status = 'active' GROUP BY role"
            )
        )
    )
    for role, n in sorted(skipped.items()):
        st.report.entity("users not imported").skipped += n
        if role == "student":
            st.report.notes.append(
                f"{n:,} students were not imported: they have no grade coachmap tracks (PK–12) or no school."
            )
        elif role == "teacher":
            st.report.notes.append(f"{n:,} teachers were not imported: they belong to no school.")
        else:
            st.report.notes.append(
                f"{n:,} users with the role {role} were not imported (coachmap imports students and teachers)."
            )
    for row, codes, grade in fetchall(
        "SELECT row, grade_codes, grade FROM stg_users WHERE kind = 'other' AND role = 'student' "
        f"AND status = 'active' ORDER BY row LIMIT {MAX_LISTED}"
    ):
        if grade is None:
            st.report.warn(
                "users.csv",
                row,
                "grades",
                codes,
                "student not imported: no grade coachmap tracks (PK–12)",
            )
        else:
            st.report.warn(
                "users.csv", row, "orgSourcedIds", "", "student not imported: belongs to no school"
            )


def demographics(st: ImportState) -> None:
    counts = st.report.entity("demographics")
    d = st.district_id
    mode = st.manifest.mode("demographics")
    table = "roster_student"
    reset = 0
    if mode == "bulk":
        reset = execute(
            f"UPDATE {table} SET race_ethnicity = 'unknown', gender = 'unknown' WHERE district_id = %s "
            "AND (race_ethnicity <> 'unknown' OR gender <> 'unknown') AND NOT EXISTS "
            f"(SELECT 1 FROM stg_demographics s WHERE s.source_id = {table}.source_id AND s.status = 'active')",
            [d],
        )
    else:
        reset = execute(
            f"UPDATE {table} SET race_ethnicity = 'unknown', gender = 'unknown' WHERE district_id = %s "
            f"AND EXISTS (SELECT 1 FROM stg_demographics s WHERE s.source_id = {table}.source_id "
            "AND s.status <> 'active')",
            [d],
        )
    changed = execute(
        f"UPDATE {table} SET race_ethnicity = s.race, gender = s.gender FROM stg_demographics s "
        f"WHERE {table}.district_id = %s AND {table}.source_id = s.source_id AND s.status = 'active' AND ("
        + is_distinct(f"{table}.race_ethnicity", "s.race")
        + " OR "
        + is_distinct(f"{table}.gender", "s.gender")
        + ")",
        [d],
    )
    # One join counts both the rows that matched a student and those whose student is new.
    matched, added = fetchone(
        f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {table}.id > %s THEN 1 ELSE 0 END), 0) "
        f"FROM stg_demographics s JOIN {table} ON {table}.district_id = %s "
        f"AND {table}.source_id = s.source_id WHERE s.status = 'active'",
        [st.last_student_id, d],
    )
    (active,) = fetchone("SELECT COUNT(*) FROM stg_demographics WHERE status = 'active'")
    counts.added += added
    counts.changed += changed
    counts.removed += reset
    counts.unchanged += matched - added - changed
    counts.skipped += active - matched
    if active - matched:
        st.report.notes.append(
            f"{active - matched:,} demographics rows are for users who are not imported students; they were skipped."
        )
