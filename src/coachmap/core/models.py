"""Districts, schools, people and their roles, and the audit trail.

Roles are data: a `Membership` says that a user holds a role in a district, or in one school of
it. What each role may see is decided in `core/access.py`, never here and never in templates.
"""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coachmap.core import group_size
from coachmap.core.grades import GRADE_CHOICES, grade_band, grade_label


class Role(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    COACH = "coach", "Coach"
    PROGRAM_LEAD = "program_lead", "Program lead"
    PRINCIPAL = "principal", "Principal"
    DISTRICT_ADMIN = "district_admin", "District admin"

    @property
    def is_school_role(self) -> bool:
        """Held in one school (teacher, principal) rather than across the district."""
        return self in (Role.TEACHER, Role.PRINCIPAL)

    @property
    def sees_notes(self) -> bool:
        """Only the two people in a coaching relationship ever read its notes."""
        return self in (Role.TEACHER, Role.COACH)


def validate_time_zone(value: str) -> None:
    """A time zone of the IANA database, as a person would type it (America/Indiana/Indianapolis)."""
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{value}” is not a time zone coachmap knows. Write it as Region/City, for example "
            "America/New_York, America/Chicago or America/Indiana/Indianapolis."
        )


POSTAL_CODE_LENGTH = 2


def validate_state(value: str) -> None:
    if value and not (len(value) == POSTAL_CODE_LENGTH and value.isalpha() and value.isupper()):
        raise ValidationError(
            f"“{value}” is not a state's two-letter postal code: write it like IN, TX or CA."
        )


class District(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    source_id = models.CharField(
        "OneRoster org id",
        max_length=100,
        blank=True,
        help_text="The sourcedId of the district's org in its OneRoster files (orgs.csv, type "
        "“district”): roster imports are refused when a bundle names another district.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Where the district's days begin and end, as Region/City (America/Chicago). "
        "Empty: the server's time zone.",
    )
    state = models.CharField(
        max_length=2,
        blank=True,
        validators=[validate_state],
        help_text="The two-letter postal code of the district's state (IN), whose published results "
        "files coachmap reads.",
    )
    state_id = models.CharField(
        "code in state data files",
        max_length=40,
        blank=True,
        help_text="How the state's published results name this district (e.g. Indiana's corporation ID), "
        "so coachmap can pick the district's own rows out of a statewide file.",
    )
    min_group_size = models.PositiveSmallIntegerField(
        default=group_size.DEFAULT,
        validators=[
            MinValueValidator(group_size.FLOOR, message=group_size.BELOW_FLOOR_MESSAGE),
            MaxValueValidator(group_size.CEILING),
        ],
        help_text=(
            "Figures about fewer people than this are hidden: student-data figures from everyone but "
            f"the district admins, coaching and survey figures from everyone. {group_size.FLOOR} or more; "
            f"{group_size.WARN_BELOW} or more recommended."
        ),
    )
    rate_coding = models.BooleanField(
        "show rates near 0 % or 100 % as bounds",
        default=True,
        help_text=(
            "A group's rate within 5 points of 0 % or 100 % shows as \u201c\u2264 5 %\u201d or "
            "\u201c\u2265 95 %\u201d to everyone but the district's data owners, so that nobody learns "
            "that every student of a group passed or failed."
        ),
    )
    coaching_time_target = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of a coach's working time that should be spent coaching, in percent.",
    )
    time_counts_plc = models.BooleanField(
        "grade-level and PLC meetings count as coaching time",
        default=True,
        help_text="A coach's time in grade-level teams and professional learning communities.",
    )
    time_counts_committee = models.BooleanField(
        "leadership committees count as coaching time",
        default=True,
        help_text="A coach's seat on the school's or district's leadership committees.",
    )
    time_counts_learning = models.BooleanField(
        "the coach's own learning counts as coaching time",
        default=True,
        help_text="Book studies, conferences and courses that grow the coach.",
    )
    import_hold_percent = models.PositiveSmallIntegerField(
        "ask before an import removes or changes more than (%)",
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=(
            "An import that would remove or change more than this share of what the district holds "
            "(students, teachers, classes, results…) waits until someone confirms it. 0 asks every "
            "time something would be removed; an import that would remove everything always asks."
        ),
    )
    retention_years = models.PositiveSmallIntegerField(
        "keep students' results, usage and gradebook scores for (school years)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=(
            "Leave empty to keep everything. With a number, student-level data from older school "
            "years can be deleted (District → Data kept, a check first); the dashboards keep their "
            "figures for those years, shown only for groups of the minimum size."
        ),
    )
    student_data_kept_from = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Students' results, usage and scores from before this day were deleted; the summaries keep their figures.",
    )
    is_demo = models.BooleanField(
        default=False, editable=False, help_text="Generated by `coachmap demo-data`; holds no real people."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def time_counted(self) -> frozenset[str]:
        """The coaching-related time-log categories this district counts as coaching time."""
        flags = {"plc": self.time_counts_plc, "committee": self.time_counts_committee}
        flags["learning"] = self.time_counts_learning
        return frozenset(k for k, on in flags.items() if on)


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField(max_length=200)
    source_id = models.CharField(max_length=100, blank=True)
    grade_low = models.SmallIntegerField(choices=GRADE_CHOICES, default=0)
    grade_high = models.SmallIntegerField(choices=GRADE_CHOICES, default=5)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "source_id"], condition=~Q(source_id=""), name="school_source_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(grade_low__lte=models.F("grade_high")), name="school_grade_span"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_band(self) -> str:
        return grade_band(self.grade_low, self.grade_high)

    @property
    def grades_label(self) -> str:
        return f"{grade_label(self.grade_low)}–{grade_label(self.grade_high)}"


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships.

    Nobody sets another person's password: it is set by its owner through an emailed link
    (or changed by them with the old one). Changes others make to the account are audited with
    the person as `AuditEvent.subject` and shown to them once (`account_changes_seen`).
    """

    account_changes_seen = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="The last audit record of a change to this account shown to its owner.",
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "district", "school", "role"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user", "district", "role"],
                condition=Q(school=None),
                name="membership_unique_district",
            ),
            models.CheckConstraint(
                condition=(Q(role__in=["teacher", "principal"]) & Q(school__isnull=False))
                | (~Q(role__in=["teacher", "principal"]) & Q(school__isnull=True)),
                name="membership_scope_matches_role",
                violation_error_message="Teachers and principals belong to a school; other roles to the district.",
            ),
        ]

    def __str__(self) -> str:
        where = self.school or self.district
        return f"{self.user} — {self.get_role_display()} ({where})"


class Teacher(models.Model):
    """A teacher's profile: who they are as a professional, for goals and best-fit coaching."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="teacher")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="teachers")
    source_id = models.CharField(max_length=100, blank=True)
    years_experience = models.PositiveSmallIntegerField(default=0)
    grades = models.JSONField(default=list, blank=True, help_text="Grades taught, as numbers (0 = KG).")
    subjects = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source_id"], condition=~Q(source_id=""), name="teacher_source_id_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class CoachType(models.TextChoices):
    TECHNOLOGY = "technology", "Technology coach"
    INSTRUCTIONAL = "instructional", "Instructional coach"
    CLIMATE = "climate", "Climate coach"
    CONTENT = "content", "Content coach"
    MENTOR = "mentor", "New-teacher mentor"


class Coach(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="coach")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="coaches")
    coach_type = models.CharField(max_length=20, choices=CoachType.choices, default=CoachType.TECHNOLOGY)
    schools = models.ManyToManyField(School, related_name="coaches", blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text="Most coaching cycles this coach runs at once.",
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name_plural = "coaches"

    def __str__(self) -> str:
        return str(self.user)


class AuditAction(models.TextChoices):
    NOTES_READ = "notes_read", "Read confidential session notes"
    EXPORT = "export", "Exported data"
    ROLE_CHANGE = "role_change", "Changed a role"
    CONSENT = "consent", "Accepted or declined coaching"
    IMPORT = "import", "Imported data"
    SETTINGS_CHANGE = "settings_change", "Changed district settings"
    ACCOUNT_CREATE = "account_create", "Added a person"
    ACCOUNT_CHANGE = "account_change", "Changed a person's account"
    PASSWORD_LINK = "password_link", "Sent a set-your-password link"
    # Single sign-on (coachmap.signin): the first sign-in that links a provider's account to a
    # person, every refused sign-in, and a district admin's password sign-in while passwords are off.
    SIGN_IN_LINKED = "sign_in_linked", "Linked a sign-in account"
    SIGN_IN_REFUSED = "sign_in_refused", "Refused a sign-in"
    SIGN_IN_PASSWORD = "sign_in_password", "Signed in with a password while passwords are off"
    DATA_PURGE = "data_purge", "Deleted old student data under the retention setting"
    # Family reports (coachmap.families): a school's report to its families goes public or stops.
    REPORT_PUBLISH = "report_publish", "Published a family report"
    REPORT_REVOKE = "report_revoke", "Took a family report's link down"
    # API tokens (coachmap.api): made, revoked, and every request signed in with one.
    API_TOKEN_CREATE = "api_token_create", "Made an API token"
    API_TOKEN_REVOKE = "api_token_revoke", "Revoked an API token"
    API_TOKEN_USE = "api_token_use", "Used a service account's API token"
    # A person's own token: the paths they call (their cycle, their requests) say who takes
    # coaching, so the district admin sees these only as counts.
    PERSONAL_TOKEN_USE = "personal_token_use", "Used a personal API token"

    @property
    def is_confidential(self) -> bool:
        """Acts that say who takes coaching or whose notes were read: never listed beyond the
        teacher and coach concerned; the district admin sees them only as counts."""
        return self in (AuditAction.NOTES_READ, AuditAction.CONSENT, AuditAction.PERSONAL_TOKEN_USE)

    @property
    def is_account_change(self) -> bool:
        """Changes to a person's account, shown to that person on their next sign-in."""
        return self in (
            AuditAction.ROLE_CHANGE,
            AuditAction.ACCOUNT_CREATE,
            AuditAction.ACCOUNT_CHANGE,
            AuditAction.PASSWORD_LINK,
        )


class AuditEvent(models.Model):
    """An append-only record of a sensitive read or write."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    subject = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person whose account the act changed, who is told of it on their next sign-in.",
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, related_name="+")
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_type} {self.object_id}"
