"""Students (pseudonymous), classes, enrollments and the results coachmap reasons from.

No student name, email, username, password or birth date is ever stored: a student is a source
id, a school, a grade and the group flags coachmap disaggregates by.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from coachmap.core.grades import GRADE_CHOICES
from coachmap.core.groups import GROUP_CHOICES, Gender, Race
from coachmap.core.models import District, School, Teacher, User


class Subject(models.TextChoices):
    ELA = "ela", "English language arts"
    MATH = "math", "Mathematics"
    SCIENCE = "science", "Science"
    SOCIAL_STUDIES = "social_studies", "Social studies"
    OTHER = "other", "Other"


class Window(models.TextChoices):
    FALL = "fall", "Fall"
    WINTER = "winter", "Winter"
    SPRING = "spring", "Spring"
    STATE = "state", "State test"
    OTHER = "other", "Other"


# State files also report the complement of a program group ("Non English Language Learners",
# "General Education", "Paid Meals"). They are kept under these codes, next to core.groups'.
PUBLISHED_ONLY_GROUPS: list[tuple[str, str]] = [
    ("not:el", "Not English learners"),
    ("not:swd", "Students without disabilities"),
    ("not:ed", "Not economically disadvantaged"),
]
PUBLISHED_GROUP_CHOICES: list[tuple[str, str]] = GROUP_CHOICES + PUBLISHED_ONLY_GROUPS


class Student(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="students")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    source_id = models.CharField(max_length=100)
    grade = models.SmallIntegerField(choices=GRADE_CHOICES)
    race_ethnicity = models.CharField(max_length=20, choices=Race.CHOICES, default=Race.UNKNOWN)
    english_learner = models.BooleanField(default=False)
    disability = models.BooleanField(default=False)
    econ_disadvantaged = models.BooleanField(default=False)
    gender = models.CharField(max_length=10, choices=Gender.CHOICES, default=Gender.UNKNOWN)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "source_id"], name="student_source_id_unique")
        ]
        indexes = [models.Index(fields=["school", "grade"])]

    def __str__(self) -> str:
        return f"Student {self.source_id}"


class Class(models.Model):
    """A class section (OneRoster `classes`)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    source_id = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    course_code = models.CharField(max_length=100, blank=True)
    grades = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=20, choices=Subject.choices, default=Subject.OTHER)
    course = models.ForeignKey(
        "Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="classes"
    )

    class Meta:
        verbose_name_plural = "classes"
        constraints = [models.UniqueConstraint(fields=["school", "source_id"], name="class_source_id_unique")]
        indexes = [models.Index(fields=["source_id"])]

    def __str__(self) -> str:
        return self.title


class Enrollment(models.Model):
    """A student or a teacher in a class."""

    # No index of its own: the (klass, student) index below serves lookups by class.
    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="enrollments", db_index=False)
    source_id = models.CharField(max_length=100, blank=True)
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="enrollments"
    )
    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, null=True, blank=True, related_name="enrollments"
    )
    primary = models.BooleanField(default=False)
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(student__isnull=False, teacher__isnull=True)
                | Q(student__isnull=True, teacher__isnull=False),
                name="enrollment_student_xor_teacher",
            )
        ]
        indexes = [models.Index(fields=["klass", "student"]), models.Index(fields=["source_id"])]

    def __str__(self) -> str:
        who = f"student {self.student_id}" if self.student_id else f"teacher {self.teacher_id}"
        return f"{who} in class {self.klass_id}"


class Assessment(models.Model):
    """One administration of a test: a subject in a window of a school year."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="assessments")
    name = models.CharField(max_length=200)
    source_id = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=20, choices=Subject.choices)
    school_year = models.PositiveSmallIntegerField(
        help_text="The year the school year ends in (2026 = 2025–26)."
    )
    window = models.CharField(max_length=10, choices=Window.choices)
    administered_on = models.DateField(null=True, blank=True)
    proficient_cut = models.FloatField(
        null=True, blank=True, help_text="Scale score at or above which is proficient."
    )

    class Meta:
        ordering = ["-school_year", "subject", "window"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name", "subject", "school_year", "window"], name="assessment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.get_subject_display()} {self.get_window_display()} {self.school_year}"


class Result(models.Model):
    """A student's result on an assessment, with the school and grade at the time of testing."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="results")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    grade = models.SmallIntegerField(choices=GRADE_CHOICES)
    scale_score = models.FloatField(null=True, blank=True)
    performance_level = models.CharField(max_length=40, blank=True)
    proficient = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "student"], name="result_once_per_student")
        ]
        indexes = [models.Index(fields=["school", "assessment"])]

    def __str__(self) -> str:
        return f"Result of student {self.student_id} on assessment {self.assessment_id}"


class PublishedResult(models.Model):
    """A figure from a state's public results file: counts and/or a rate for a group.

    `school` is empty for district-level rows. Suppressed cells stay suppressed: `suppressed`
    is true and the numbers are empty, never zero.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="published_results")
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    entity_code = models.CharField(max_length=40)
    entity_name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    grade = models.SmallIntegerField(null=True, blank=True, help_text="Empty for all grades.")
    subject = models.CharField(max_length=30)
    group = models.CharField(max_length=40, choices=PUBLISHED_GROUP_CHOICES)
    tested = models.PositiveIntegerField(null=True, blank=True)
    proficient = models.PositiveIntegerField(null=True, blank=True)
    published_rate = models.FloatField(null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "entity_code", "year", "grade", "subject", "group"],
                condition=Q(grade__isnull=False),
                name="published_result_unique_grade",
            ),
            models.UniqueConstraint(
                fields=["district", "entity_code", "year", "subject", "group"],
                condition=Q(grade__isnull=True),
                name="published_result_unique_all_grades",
            ),
        ]
        # One index serves both kinds of row when an import matches figures (grade may be NULL).
        indexes = [models.Index(fields=["district", "entity_code", "year", "subject", "group"])]

    def __str__(self) -> str:
        return f"{self.entity_name} {self.year} grade {self.grade or 'all'} {self.subject} {self.group}"


class UsageWeek(models.Model):
    """Minutes a student spent in a technology tool in one week (Monday start)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="usage_weeks")
    tool = models.CharField(max_length=100, help_text="Normalised tool name, matched to the technology map.")
    week = models.DateField()
    minutes = models.FloatField(default=0)
    events = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "tool", "week"], name="usage_week_unique")]
        indexes = [models.Index(fields=["district", "tool", "week"])]

    def __str__(self) -> str:
        return f"{self.tool}, week of {self.week}: {self.minutes:.0f} min"


class LineItem(models.Model):
    """A gradebook assignment or assessment (OneRoster `lineItems`)."""

    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="line_items")
    source_id = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True)
    assign_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    result_min = models.FloatField(null=True, blank=True)
    result_max = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["klass", "source_id"], name="line_item_source_id_unique")
        ]
        indexes = [models.Index(fields=["source_id"])]

    def __str__(self) -> str:
        return self.title


class Score(models.Model):
    """A student's gradebook score on a line item (OneRoster `results`)."""

    # No index of its own: the unique (line_item, student) index serves lookups by line item.
    line_item = models.ForeignKey(LineItem, on_delete=models.CASCADE, related_name="scores", db_index=False)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="scores")
    source_id = models.CharField(max_length=100)
    status = models.CharField(max_length=30, blank=True)
    score = models.FloatField(null=True, blank=True)
    score_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line_item", "student"], name="score_once_per_student")
        ]
        indexes = [models.Index(fields=["source_id"])]

    def __str__(self) -> str:
        return f"Score of student {self.student_id} on line item {self.line_item_id}"


class AcademicSession(models.Model):
    """A school year, term, semester or grading period (OneRoster `academicSessions`)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="academic_sessions")
    source_id = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    type = models.CharField(max_length=20)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    parent_source_id = models.CharField(max_length=100, blank=True)
    school_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "source_id"], name="academic_session_source_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    """A course in the catalogue (OneRoster `courses`); classes are its sections."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="courses")
    source_id = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    course_code = models.CharField(max_length=100, blank=True)
    grades = models.JSONField(default=list, blank=True)
    subjects = models.CharField(max_length=200, blank=True)
    org_source_id = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "source_id"], name="course_source_id_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    """A gradebook category (OneRoster `categories`); line items carry its title."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(max_length=100)
    title = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["district", "source_id"], name="category_source_id_unique")
        ]

    def __str__(self) -> str:
        return self.title


class ImportKind(models.TextChoices):
    ONEROSTER = "oneroster", "OneRoster bundle"
    RESULTS = "results", "Assessment results (vendor CSV)"
    PUBLISHED = "published", "Published state results"
    USAGE = "usage", "Technology usage"
    FLAGS = "flags", "Program flags"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Imported"
    CHECKED = "checked", "Checked: nothing changed yet"
    HELD = "held", "Waiting for your confirmation: nothing changed yet"
    REJECTED = "rejected", "Rejected: nothing changed"
    FAILED = "failed", "Failed: nothing changed"


class ImportRun(models.Model):
    """One import, from the command line or the upload page: what was asked and what it did.

    `report` holds the import report (counts, warnings, problems with file, row, column and
    value); it never holds a student's name, since the importers never read those into it.
    """

    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_runs",
        help_text="Empty only while a first OneRoster import creates the district.",
    )
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    filename = models.CharField(max_length=255)
    upload_path = models.CharField(max_length=500, blank=True, help_text="Deleted once the import ends.")
    mapping = models.CharField(max_length=100, blank=True)
    dry_run = models.BooleanField(default=False)
    allow_removals = models.BooleanField(
        default=False,
        help_text="Confirmed by the person importing: may remove or change more than the district's share.",
    )
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    # An uploaded file (or the command line), or the nightly sync from the OneRoster service.
    origin = models.CharField(
        max_length=10, choices=[("file", "A file"), ("sync", "The roster sync")], default="file"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)


class ColumnMapping(models.Model):
    """A saved column mapping for one source of vendor CSVs: coachmap field → the file's header."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="column_mappings")
    kind = models.CharField(max_length=20, choices=ImportKind.choices, default=ImportKind.RESULTS)
    name = models.CharField(max_length=100)
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "kind", "name"], name="column_mapping_unique")
        ]

    def __str__(self) -> str:
        return self.name


# The REST sync's models live with it (`roster/sync/`) and are the roster app's.
from coachmap.roster.sync.models import (  # noqa: E402, F401
    OAuthVersion,
    SyncConnection,
    SyncMode,
    SyncRun,
    SyncStatus,
)
