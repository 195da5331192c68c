"""Writes to districts, schools, people and roles. Each is one transaction; role changes are audited.

People's accounts: nobody sets another person's password. A person added by an admin gets an
unusable password and an emailed link to set their own; an admin may send that link again, and
changes names, email (until the person has a password of their own) and whether the account is
active. Each of these is audited with the person as subject, so they are told on next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import (
    AuditAction,
    AuditEvent,
    Coach,
    District,
    Membership,
    Role,
    School,
    Teacher,
    User,
)


def district_settings_update(
    *,
    actor: User,
    district: District,
    min_group_size: int,
    coaching_time_target: int,
    state_id: str | None = None,
    rate_coding: bool | None = None,
    import_hold_percent: int | None = None,
) -> District:
    """Change the district's settings; the audit row holds the values before and after.

    A minimum group size below `core.group_size.FLOOR` is refused (the model's validator); one
    below `WARN_BELOW` is allowed, and callers show `group_size.warning` to the person who chose it.
    """
    access.require(
        access.may_change_district(actor, district.pk),
        "Only a district admin can change settings.",
    )
    state_id = district.state_id if state_id is None else state_id.strip()
    fields = ["min_group_size", "rate_coding", "coaching_time_target", "state_id", "import_hold_percent"]
    with transaction.atomic():
        # What is stored, not what the caller's instance says: a bound ModelForm has already
        # written the new values onto it, and the audit must show the real change.
        before = District.objects.select_for_update().filter(pk=district.pk).values(*fields).get()
        district.min_group_size = min_group_size
        district.coaching_time_target = coaching_time_target
        district.state_id = state_id
        if rate_coding is not None:
            district.rate_coding = rate_coding
        if import_hold_percent is not None:
            district.import_hold_percent = import_hold_percent
        district.full_clean()
        district.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=district,
            district=district,
            before=before,
            after={f: getattr(district, f) for f in fields},
        )
    return district


def membership_grant(
    *, actor: User | None, user: User, district: District, role: Role, school: School | None = None
) -> Membership:
    """Give a user a role. `actor` is None only for set-up commands run by the operator."""
    if actor is not None:
        access.require(
            access.may_change_district(actor, district.pk),
            "Only a district admin can change roles.",
        )
    if role.is_school_role and school is None:
        raise ValidationError(f"A {role.label.lower()} belongs to a school: choose one.")
    if not role.is_school_role:
        school = None
    if school is not None and school.district_id != district.pk:
        raise ValidationError(f"{school} is not in {district}.")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, district=district, school=school, role=role
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.ROLE_CHANGE,
                obj=membership,
                district=district,
                subject=user,
                user=user.username,
                role=role.value,
                school=school.pk if school else None,
                change="grant",
            )
    access.forget_grants(user)
    return membership


def membership_revoke(*, actor: User, membership: Membership) -> None:
    access.require(
        access.may_change_district(actor, membership.district_id),
        "Only a district admin can change roles.",
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_CHANGE,
            obj=membership,
            district=membership.district_id,
            subject=membership.user,
            user=membership.user.username,
            role=membership.role,
            change="revoke",
        )
        membership.delete()
    access.forget_grants(membership.user)


# --- people's accounts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteAddress:
    """Where emailed links point: the host and scheme the admin is using."""

    domain: str
    protocol: str = "https"


def _require_admin_of(actor: User, user: User) -> District:
    """The district in which `actor` administers `user`'s account (403 otherwise)."""
    shared = access.district_ids(actor, Role.DISTRICT_ADMIN) & set(
        Membership.objects.filter(user=user).values_list("district_id", flat=True)
    )
    access.require(bool(shared), "Only a district admin of this person's district can change their account.")
    return District.objects.get(pk=min(shared))


def person_add(
    *,
    actor: User,
    district: District,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    school: School | None,
    site: SiteAddress,
) -> User:
    """Add a person with a role. They get no password: an emailed link lets them set their own."""
    access.require(
        access.may_change_district(actor, district.pk),
        "Only a district admin can add people.",
    )
    if not email.strip():
        raise ValidationError(
            {"email": "Enter the person's email address: their set-your-password link goes there."}
        )
    with transaction.atomic():
        user = User(username=username.strip(), first_name=first_name.strip(), last_name=last_name.strip())
        user.email = email.strip()
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit_record(
            actor=actor,
            action=AuditAction.ACCOUNT_CREATE,
            obj=user,
            district=district,
            subject=user,
            user=user.username,
        )
        membership_grant(actor=actor, user=user, district=district, role=role, school=school)
        if role is Role.TEACHER and school is not None:
            Teacher.objects.create(user=user, school=school)
        if role is Role.COACH:
            Coach.objects.create(user=user, district=district)
        password_link_send(actor=actor, user=user, site=site, new_account=True)
    return user


def account_update_problems(*, actor: User, user: User, email: str, is_active: bool) -> dict[str, str]:
    """Why an admin may not make this change to `user`'s account, by field (empty when they may).

    Once the person has a password of their own, their email is theirs: a new address would
    receive their password-reset link, and with it their account.
    """
    problems: dict[str, str] = {}
    if email.strip() != user.email and user.has_usable_password():
        problems["email"] = (
            f"{user} has set their own password, so only they can change their email address: "
            "a new address would receive their password-reset link. Ask them to change it on their "
            "“Change email” page."
        )
    if user.pk == actor.pk and user.is_active and not is_active:
        problems["is_active"] = "You cannot switch off your own account."
    return problems


def account_update(
    *, actor: User, user: User, first_name: str, last_name: str, email: str, is_active: bool
) -> User:
    """An admin corrects a person's name or email, or switches their account off or on."""
    district = _require_admin_of(actor, user)
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=user.pk)
        problems = account_update_problems(actor=actor, user=stored, email=email, is_active=is_active)
        if problems:
            raise ValidationError(problems)
        after = {
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "email": email.strip(),
            "is_active": is_active,
        }
        before = {field: getattr(stored, field) for field in after}
        changed = [field for field in after if before[field] != after[field]]
        if not changed:
            return stored
        for field in changed:
            setattr(stored, field, after[field])
        stored.full_clean()
        stored.save(update_fields=changed)
        _record_account_changes(actor=actor, district=district, user=stored, before=before, after=after)
    return stored


def _record_account_changes(
    *, actor: User, district: District, user: User, before: dict[str, Any], after: dict[str, Any]
) -> None:
    changes = {f: [before[f], after[f]] for f in after if before[f] != after[f]}
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.ACCOUNT_CHANGE,
            obj=user,
            district=district,
            subject=user,
            user=user.username,
            changes=changes,
        )


def teacher_profile_update(
    *,
    actor: User,
    teacher: Teacher,
    school: School,
    years_experience: int,
    grades: list[int],
    subjects: list[str],
) -> Teacher:
    """An admin corrects a teacher's profile; the teacher is told what changed."""
    district = _require_admin_of(actor, teacher.user)
    if school.district_id != district.pk:
        raise ValidationError({"school": f"{school} is not in {district}: choose one of its schools."})
    with transaction.atomic():
        stored = Teacher.objects.select_for_update().select_related("school", "user").get(pk=teacher.pk)

        def snapshot(t: Teacher) -> dict[str, Any]:
            return {
                "school": t.school.name,
                "years_experience": t.years_experience,
                "grades": list(t.grades),
                "subjects": list(t.subjects),
            }

        before = snapshot(stored)
        stored.school, stored.years_experience = school, years_experience
        stored.grades, stored.subjects = list(grades), list(subjects)
        stored.full_clean()
        stored.save()
        _record_account_changes(
            actor=actor, district=district, user=stored.user, before=before, after=snapshot(stored)
        )
    return stored


def coach_settings_update(
    *, actor: User, coach: Coach, coach_type: str, schools: list[School], capacity: int
) -> Coach:
    """An admin sets a coach's kind of coaching, schools served and capacity; the coach is told."""
    district = _require_admin_of(actor, coach.user)
    if any(s.district_id != coach.district_id for s in schools):
        raise ValidationError({"schools": "A coach serves schools of their own district only."})
    with transaction.atomic():
        stored = Coach.objects.select_for_update().select_related("user").get(pk=coach.pk)

        def snapshot(c: Coach) -> dict[str, Any]:
            return {
                "coach_type": c.get_coach_type_display(),
                "schools": sorted(c.schools.values_list("name", flat=True)),
                "capacity": c.capacity,
            }

        before = snapshot(stored)
        stored.coach_type, stored.capacity = coach_type, capacity
        stored.full_clean()
        stored.save()
        stored.schools.set(schools)
        _record_account_changes(
            actor=actor, district=district, user=stored.user, before=before, after=snapshot(stored)
        )
    return stored


def password_link_send(*, actor: User, user: User, site: SiteAddress, new_account: bool = False) -> None:
    """Email a person a single-use link to set their own password. Only they receive it."""
    district = _require_admin_of(actor, user)
    if not user.email:
        raise ValidationError(f"{user} has no email address, so no link can be sent. Add one first.")
    if not user.is_active:
        raise ValidationError(f"{user}'s account is switched off: switch it on before sending a link.")
    context = {
        "email": user.email,
        "domain": site.domain,
        "site_name": "coachmap",
        "protocol": site.protocol,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "new_account": new_account,
        "sent_by": actor,
    }
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.PASSWORD_LINK,
            obj=user,
            district=district,
            subject=user,
            user=user.username,
            new_account=new_account,
        )
        # Sent last: when the mail cannot go, the audit row is rolled back with everything else.
        subject = render_to_string("registration/password_reset_subject.txt", context)
        send_mail(
            " ".join(subject.split()),
            render_to_string("registration/password_reset_email.txt", context),
            None,
            [user.email],
        )


def own_email_change(*, user: User, password: str, email: str) -> User:
    """A person changes their own email address, proving it is them with their password.

    The old address is told, so a change made from a forgotten open session does not go unseen.
    """
    if not user.check_password(password):
        raise ValidationError({"password": "That is not your current password."})
    email = email.strip()
    if not email:
        raise ValidationError({"email": "Enter the email address you want password links sent to."})
    old = user.email
    if email == old:
        return user
    with transaction.atomic():
        user.email = email
        user.full_clean()
        user.save(update_fields=["email"])
        audit_record(
            actor=user,
            action=AuditAction.ACCOUNT_CHANGE,
            obj=user,
            subject=user,
            district=Membership.objects.filter(user=user).values_list("district_id", flat=True).first(),
            user=user.username,
            changes={"email": [old, email]},
        )
        if old:
            send_mail(
                "Your coachmap email address was changed",
                f"Hello {user.get_full_name() or user.get_username()},\n\n"
                f"The email address of your coachmap account was changed from {old} to {email}, "
                "from your own signed-in account. Password links now go to the new address.\n\n"
                "If you did not do this, reset your password and tell your district admin.\n",
                None,
                [old],
            )
    return user


def account_changes_mark_seen(*, user: User, through: AuditEvent) -> None:
    """The person has been shown the changes to their account up to `through`."""
    if through.subject_id != user.pk:
        raise ValidationError("That change is not about this account.")
    with transaction.atomic():
        User.objects.filter(pk=user.pk, account_changes_seen__lt=through.pk).update(
            account_changes_seen=through.pk
        )
    user.account_changes_seen = max(user.account_changes_seen, through.pk)
