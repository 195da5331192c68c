"""Teachers from a OneRoster bundle: profiles, their users and teacher memberships, in bulk.

A teacher is a person who signs in, so unlike students they keep their names. A new teacher
gets the existing user of the same username if that user has no teacher profile yet (an
account made before the roster arrived), otherwise a new user who cannot sign in until given
a password or single sign-on. Memberships are granted and revoked as
`core.services.membership_grant` does, with the same audit rows, but a chunk at a time.
Teacher profiles are never deleted: confidential coaching records hang on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.hashers import make_password

from coachmap.core.bulk import insert_rows
from coachmap.core.models import AuditAction, AuditEvent, District, Membership, Role, School, Teacher, User
from coachmap.roster.importers.report import Report
from coachmap.roster.importers.staging import fetchall
from coachmap.roster.models import Enrollment

CHUNK = 2000


def teachers_merge(*, district: District, actor: User | None, mode: str, report: Report) -> None:
    counts = report.entity("teachers")
    schools = dict(
        School.objects.filter(district=district).exclude(source_id="").values_list("source_id", "id")
    )
    password = make_password(None)  # unusable: nobody signs in with it
    last = 0
    while True:
        chunk = fetchall(
            "SELECT u.row, u.source_id, u.school_ref, n.given, n.family, n.email, n.username FROM stg_users u "
            "LEFT JOIN stg_teacher_names n ON n.source_id = u.source_id "
            "WHERE u.kind = 'teacher' AND u.status = 'active' AND u.row > %s ORDER BY u.row LIMIT %s",
            [last, CHUNK],
        )
        if not chunk:
            break
        last = chunk[-1][0]
        rows = [
            (sid, schools[school], given or "", family or "", email or "", username or "")
            for _, sid, school, given, family, email, username in chunk
        ]
        _merge_chunk(district, actor, rows, password, counts)
    _revoke_leavers(district, actor, mode, counts)


def _merge_chunk(
    district: District,
    actor: User | None,
    rows: list[tuple[str, int, str, str, str, str]],
    password: str,
    counts: Any,
) -> None:
    existing = {
        t.source_id: t
        for t in Teacher.objects.filter(
            school__district=district, source_id__in=[r[0] for r in rows]
        ).select_related("user")
    }
    new = [r for r in rows if r[0] not in existing]
    user_ids = _users_for(new, password)
    insert_rows(
        Teacher, ["user", "school", "source_id"], [(user_ids[sid], school, sid) for sid, school, *_ in new]
    )
    changed_users: list[User] = []
    moved: list[Teacher] = []
    for sid, school, given, family, email, _ in rows:
        teacher = existing.get(sid)
        if teacher is None:
            continue
        user = teacher.user
        # Once a person has a password of their own, their email is theirs: a roster file that
        # changed it would send their password-reset link elsewhere (issue 12).
        kept_email = user.email if user.has_usable_password() else email
        if (user.first_name, user.last_name, user.email) != (given, family, kept_email):
            user.first_name, user.last_name, user.email = given, family, kept_email
            changed_users.append(user)
        if teacher.school_id != school:
            Membership.objects.filter(
                user=user, district=district, role=Role.TEACHER, school_id=teacher.school_id
            ).delete()
            teacher.school_id = school
            moved.append(teacher)
    User.objects.bulk_update(changed_users, ["first_name", "last_name", "email"])
    Teacher.objects.bulk_update(moved, ["school"])
    wanted = {user_ids[sid] if sid in user_ids else existing[sid].user_id: school for sid, school, *_ in rows}
    granted = _grant(district, actor, wanted)
    counts.added += len(new)
    touched = {u.pk for u in changed_users} | {t.user_id for t in moved} | granted
    for sid, *_ in rows:
        if sid in existing:
            if existing[sid].user_id in touched:
                counts.changed += 1
            else:
                counts.unchanged += 1


def _users_for(new: list[tuple[str, int, str, str, str, str]], password: str) -> dict[str, int]:
    """sourcedId → user id for new teachers, reusing accounts that have no teacher profile yet.

    New accounts go in as plain rows (a district's first roster brings tens of thousands of
    teachers; model instances would cost more than the inserts)."""
    wanted = {sid: (username or email or f"teacher-{sid}")[:150] for sid, _, _, _, email, username in new}
    found = dict(User.objects.filter(username__in=set(wanted.values())).values_list("username", "pk"))
    taken_by_teacher = set(
        Teacher.objects.filter(user__in=found.values()).values_list("user__username", flat=True)
    )
    chosen: dict[str, int | str] = {}  # an id, or the username of an account made below
    to_create: list[tuple[str, str, str, str, str]] = []
    used = set(found)
    for sid, _, given, family, email, _ in new:
        name = wanted[sid]
        if name in found and name not in taken_by_teacher:
            chosen[sid] = found[name]
            taken_by_teacher.add(name)
            continue
        candidate, n = name, 1
        while candidate in used or (candidate != name and User.objects.filter(username=candidate).exists()):
            n += 1
            candidate = f"{name[:140]}-{n}"
        used.add(candidate)
        chosen[sid] = candidate
        to_create.append((candidate, given, family, email, password))
    insert_rows(User, ["username", "first_name", "last_name", "email", "password"], to_create)
    made = dict(User.objects.filter(username__in=[row[0] for row in to_create]).values_list("username", "pk"))
    return {sid: made[v] if isinstance(v, str) else v for sid, v in chosen.items()}


def _grant(district: District, actor: User | None, wanted: dict[int, int]) -> set[int]:
    """Teacher memberships for user → school; returns the users who got one."""
    have = set(
        Membership.objects.filter(district=district, role=Role.TEACHER, user_id__in=wanted).values_list(
            "user_id", "school_id"
        )
    )
    missing = [(user, school) for user, school in wanted.items() if (user, school) not in have]
    insert_rows(
        Membership,
        ["user", "district", "school", "role"],
        [(user, district.pk, school, Role.TEACHER.value) for user, school in missing],
    )
    pairs = set(missing)
    created = [
        (pk, user, school)
        for pk, user, school in Membership.objects.filter(
            district=district, role=Role.TEACHER, user_id__in=[user for user, _ in missing]
        ).values_list("pk", "user_id", "school_id")
        if (user, school) in pairs
    ]
    _audit(district, actor, created, "grant")
    return {user for _, user, _ in created}


def _audit(
    district: District, actor: User | None, memberships: Sequence[tuple[int, int, int | None]], change: str
) -> None:
    """The audit rows `membership_grant` / `membership_revoke` write, one per (membership, user, school)."""
    usernames = dict(
        User.objects.filter(pk__in=[user for _, user, _ in memberships]).values_list("pk", "username")
    )
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    insert_rows(
        AuditEvent,
        ["actor", "action", "district", "subject", "object_type", "object_id", "detail"],
        [
            (
                actor_id,
                AuditAction.ROLE_CHANGE.value,
                district.pk,
                user,
                Membership._meta.label_lower,
                str(pk),
                {
                    "user": usernames.get(user, ""),
                    "role": Role.TEACHER.value,
                    "school": school,
                    "change": change,
                    "reason": "OneRoster import",
                },
            )
            for pk, user, school in memberships
        ],
    )


def _revoke_leavers(district: District, actor: User | None, mode: str, counts: Any) -> None:
    """Teachers who left the roster lose the teacher role and their classes; profiles stay."""
    if mode == "bulk":
        active = {
            sid
            for (sid,) in fetchall(
                "SELECT source_id FROM stg_users WHERE kind = 'teacher' AND status = 'active'"
            )
        }
        candidates = Teacher.objects.filter(school__district=district).exclude(source_id="")
        leaving = [t for t in candidates.only("id", "user_id", "source_id") if t.source_id not in active]
    else:
        marked = [sid for (sid,) in fetchall("SELECT source_id FROM stg_users WHERE status <> 'active'")]
        leaving = (
            list(Teacher.objects.filter(school__district=district, source_id__in=marked)) if marked else []
        )
    users = {t.user_id: t for t in leaving}
    revoked = list(Membership.objects.filter(district=district, role=Role.TEACHER, user_id__in=users))
    if not revoked:
        return
    _audit(district, actor, [(m.pk, m.user_id, m.school_id) for m in revoked], "revoke")
    Membership.objects.filter(pk__in=[m.pk for m in revoked]).delete()
    Enrollment.objects.filter(teacher__in=[users[m.user_id] for m in revoked]).delete()
    counts.removed += len({m.user_id for m in revoked})
