"""First run: create the district and its first district admin, once.

`coachmap setup` parses and prompts; this module checks every value (a ValidationError names the
field), refuses when a district already exists, and does the work in one transaction. The first
admin gets no password: the command prints their invitation link (`core.links`), the same link an
invitation email carries, and they choose their password through it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from coachmap.core import group_size
from coachmap.core import services as core_services
from coachmap.core.audit import audit_record
from coachmap.core.links import SiteAddress, password_link
from coachmap.core.models import AuditAction, District, Role, User, validate_state, validate_time_zone

# The values `coachmap setup` asks for, in order, with the words a person reads.
FIELDS: dict[str, str] = {
    "district_name": "district name",
    "time_zone": "time zone",
    "state": "state",
    "state_code": "district's code in state files",
    "min_group_size": "minimum group size",
    "oneroster_org_id": "OneRoster org id",
    "admin_name": "first district admin's name",
    "admin_email": "first district admin's email",
}
OPTIONAL = {"state", "state_code", "oneroster_org_id"}


class AlreadySetUp(Exception):
    """The database holds a district already: setup runs once."""


def already_set_up() -> District | None:
    return District.objects.order_by("pk").first()


def refusal(district: District) -> str:
    return (
        f"coachmap is already set up: this database holds the district “{district}”. "
        "`coachmap setup` runs once, on an empty database, and has changed nothing. "
        "Add more district admins on the People page (District → People)."
    )


def clean_value(field: str, raw: str) -> str | int:
    """One value, checked and normalised; a ValidationError names the field and what to write."""
    value = " ".join(str(raw).split()) if field != "admin_email" else str(raw).strip()
    label = FIELDS[field]
    if not value:
        if field in OPTIONAL:
            return ""
        raise ValidationError({field: f"The {label} is required."})
    try:
        if field == "time_zone":
            validate_time_zone(value)
        elif field == "state":
            value = value.upper()
            validate_state(value)
        elif field == "admin_email":
            validate_email(value)
        elif field == "min_group_size":
            return _group_size(value)
    except ValidationError as exc:
        raise ValidationError({field: f"The {label}: {' '.join(exc.messages)}"}) from exc
    limits = {"district_name": 200, "state_code": 40, "oneroster_org_id": 100, "admin_name": 300}
    if field in limits and len(value) > limits[field]:
        raise ValidationError({field: f"The {label} is longer than {limits[field]} characters."})
    return value


def _group_size(value: str) -> int:
    try:
        size = int(value)
    except ValueError:
        raise ValidationError(f"“{value}” is not a whole number: enter {group_size.FLOOR} or more.") from None
    if size < group_size.FLOOR:
        raise ValidationError(group_size.BELOW_FLOOR_MESSAGE)
    if size > group_size.CEILING:
        raise ValidationError(f"{size} is more than {group_size.CEILING}: enter a smaller number.")
    return size


@dataclass(frozen=True)
class SetupDone:
    district: District
    admin: User
    link: str


def district_setup(*, values: dict[str, str], site: SiteAddress) -> SetupDone:
    """Create the district and its first admin. Every value is checked before anything is
    written (all problems at once, by field); a second run raises AlreadySetUp."""
    cleaned: dict[str, str | int] = {}
    problems: dict[str, list[str]] = {}
    for field in FIELDS:
        try:
            cleaned[field] = clean_value(field, values.get(field, "") or "")
        except ValidationError as exc:
            problems.setdefault(field, []).extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        existing = already_set_up()
        if existing is not None:
            raise AlreadySetUp(refusal(existing))
        name = str(cleaned["district_name"])
        district = District(
            name=name,
            slug=slugify(name)[:45] or "district",
            time_zone=str(cleaned["time_zone"]),
            state=str(cleaned["state"]),
            state_id=str(cleaned["state_code"]),
            min_group_size=int(cleaned["min_group_size"]),
            source_id=str(cleaned["oneroster_org_id"]),
        )
        district.full_clean()
        district.save()
        audit_record(
            actor=None,
            action=AuditAction.SETTINGS_CHANGE,
            obj=district,
            district=district,
            via="coachmap setup",
            after={f: str(v) for f, v in cleaned.items() if not f.startswith("admin_")},
        )
        first, _, last = str(cleaned["admin_name"]).rpartition(" ")
        email = str(cleaned["admin_email"])
        admin = User(username=email.lower()[:150], first_name=first or last, last_name=last if first else "")
        admin.email = email
        admin.set_unusable_password()
        admin.full_clean()
        admin.save()
        audit_record(
            actor=None,
            action=AuditAction.ACCOUNT_CREATE,
            obj=admin,
            district=district,
            subject=admin,
            user=admin.username,
            via="coachmap setup",
        )
        core_services.membership_grant(actor=None, user=admin, district=district, role=Role.DISTRICT_ADMIN)
        link = password_link(user=admin, site=site)
        audit_record(
            actor=None,
            action=AuditAction.PASSWORD_LINK,
            obj=admin,
            district=district,
            subject=admin,
            user=admin.username,
            invitation=link.invitation,
            via="coachmap setup (printed, not emailed)",
        )
    return SetupDone(district=district, admin=admin, link=link.url)
