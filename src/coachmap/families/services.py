"""Writing family reports: start a draft, write the principal's words, publish, revoke."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, School, User
from coachmap.core.schoolyear import school_year_of
from coachmap.families import access as families_access
from coachmap.families.content import report_content
from coachmap.families.models import FamilyReport, Term

MAX_TEXT = 2000
PARTS = ("help", "contact")


def languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def report_start(*, actor: User, school: School, school_year: int, term: str) -> FamilyReport:
    """A draft for one term; a school has one report per term."""
    access.require(
        access.leads_school(actor, school.pk), "Only the school's principal starts its family report."
    )
    if term not in Term.values:
        raise ValidationError({"term": "Choose fall, winter or spring."})
    this_year = school_year_of(timezone.localdate())
    if not this_year - 1 <= school_year <= this_year + 1:
        raise ValidationError({"school_year": "Choose last, this or next school year."})
    try:
        with transaction.atomic():
            return FamilyReport.objects.create(
                school=school, school_year=school_year, term=term, created_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"term": "Your school already has a report for that term: open it from the list."}
        ) from exc


def report_texts_save(*, actor: User, report: FamilyReport, texts: dict[str, dict[str, str]]) -> FamilyReport:
    """The principal's words, per language: how families can help, and how to ask a question."""
    access.require(
        families_access.may_change_family_report(actor, report),
        "Only the school's principal writes its report.",
    )
    codes = {code for code, _ in languages()}
    clean: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for code, parts in texts.items():
        if code not in codes:
            continue
        clean[code] = {}
        for part in PARTS:
            value = (parts.get(part) or "").strip()
            if len(value) > MAX_TEXT:
                errors[f"{part}_{code}"] = f"Keep it under {MAX_TEXT} characters (it has {len(value)})."
            clean[code][part] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = FamilyReport.objects.select_for_update().get(pk=report.pk)
        report.texts = clean
        report.save(update_fields=["texts", "updated_at"])
    return report


def report_publish(*, actor: User, report: FamilyReport) -> FamilyReport:
    """Freeze what the report says and open a new unguessable public link."""
    access.require(
        families_access.may_change_family_report(actor, report),
        "Only the school's principal publishes its report.",
    )
    with transaction.atomic():
        report = FamilyReport.objects.select_for_update().select_related("school__district").get(pk=report.pk)
        missing = {
            f"contact_{code}": f"Write how families can ask a question, in {name}, before you publish."
            for code, name in languages()
            if not report.text(code, "contact")
        }
        if missing:
            raise ValidationError(missing)
        report.content = report_content(report.school, timezone.localdate())
        report.token = secrets.token_urlsafe(32)
        report.published_at = timezone.now()
        report.revoked_at = None
        report.save(update_fields=["content", "token", "published_at", "revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.REPORT_PUBLISH,
            obj=report,
            district=report.school.district_id,
            school=report.school.name,
            term=f"{report.term} {report.school_year}",
        )
    return report


def report_revoke(*, actor: User, report: FamilyReport) -> FamilyReport:
    """End the public link: it answers "not available" from now on, and never works again."""
    access.require(
        families_access.may_change_family_report(actor, report),
        "Only the school's principal takes its report down.",
    )
    with transaction.atomic():
        report = FamilyReport.objects.select_for_update().select_related("school").get(pk=report.pk)
        if not report.is_public:
            raise ValidationError("This report has no public link to take down.")
        report.revoked_at = timezone.now()
        report.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.REPORT_REVOKE,
            obj=report,
            district=report.school.district_id,
            school=report.school.name,
            term=f"{report.term} {report.school_year}",
        )
    return report
