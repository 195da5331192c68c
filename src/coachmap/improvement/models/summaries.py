"""Summary tables the pages read instead of raw results (STYLE.md, "Dashboards read summaries").

They hold sums per *demographic cell*: the students of one grade who share a race/ethnicity,
gender and program flags. Any student group is a union of such cells, so a group's figures are
sums over cells, selected by the same `core.groups` fields as on `Student`. They are derived data:
`improvement.summaries.summaries_rebuild` recreates them from the raw tables, which stay the
source of truth, and a test proves the two agree. Their foreign keys carry no database
constraint or index of their own so a rebuild stays one bulk insert.
"""

from __future__ import annotations

from django.db import models

from coachmap.core.groups import Gender, Race
from coachmap.core.models import District, School
from coachmap.roster.models import Assessment


def _district() -> models.ForeignKey[District]:
    return models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )


def _school(*, null: bool = False) -> models.ForeignKey[School | None]:
    return models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="+", null=null, db_index=False, db_constraint=False
    )


class DemographicCell(models.Model):
    """The columns that place students in groups, named as on `Student`."""

    grade = models.SmallIntegerField()
    race_ethnicity = models.CharField(max_length=20, choices=Race.CHOICES)
    english_learner = models.BooleanField()
    disability = models.BooleanField()
    econ_disadvantaged = models.BooleanField()
    gender = models.CharField(max_length=10, choices=Gender.CHOICES)

    class Meta:
        abstract = True


class ResultCell(DemographicCell):
    """Sums over one assessment's results for one demographic cell of one school.

    Rows without a school sum the whole district. `grade` and `school` are those at the time of
    testing. `matched` counts students with a fall score on the same assessment at the same school
    (`growth_sum` adds up their gains); students whose fall score was at another school are kept
    apart in `moved_*`, and district rows count them in `matched`. `off_roster` counts tested
    students who are not on the current roster in that school and grade (`off_grade`: not in that
    grade), so participation can add them to the enrolled count.
    """

    district = _district()
    school = _school(null=True)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    tested = models.PositiveIntegerField(default=0)
    proficient = models.PositiveIntegerField(default=0)
    scored = models.PositiveIntegerField(default=0)
    score_sum = models.FloatField(default=0)
    matched = models.PositiveIntegerField(default=0)
    growth_sum = models.FloatField(default=0)
    moved_matched = models.PositiveIntegerField(
        default=0, help_text="Students tested here whose fall score was at another school of the district."
    )
    moved_growth_sum = models.FloatField(default=0)
    off_roster = models.PositiveIntegerField(default=0)
    off_grade = models.PositiveIntegerField(
        default=0, help_text="Tested students whose grade on the current roster is another one."
    )

    class Meta:
        indexes = [models.Index(fields=["assessment", "school"])]

    def __str__(self) -> str:
        return f"Results of assessment {self.assessment_id} at school {self.school_id or 'all'}, grade {self.grade}"


class EnrollmentCell(DemographicCell):
    """Students on the current roster per demographic cell of a school (no school: the district)."""

    district = _district()
    school = _school(null=True)
    students = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["district", "school"])]

    def __str__(self) -> str:
        return f"Roster of school {self.school_id or 'all'}, grade {self.grade}"


class UsageCell(models.Model):
    """Minutes in one tool in one week by the students of a school, from the usage imports."""

    district = _district()
    school = _school()
    tool = models.CharField(max_length=100)
    week = models.DateField()
    students = models.PositiveIntegerField(default=0)
    minutes = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["school", "tool", "week"])]

    def __str__(self) -> str:
        return f"{self.tool} at school {self.school_id}, week of {self.week}"


class TurnaroundCell(models.Model):
    """Gradebook scores of a school's classes by the month their work was due: how many, and the
    days from due date to score added up (from OneRoster lineItems and results)."""

    district = _district()
    school = _school()
    subject = models.CharField(max_length=20)
    month = models.DateField(help_text="The first day of the month the work was due.")
    scores = models.PositiveIntegerField(default=0)
    days_sum = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["school", "month"])]

    def __str__(self) -> str:
        return f"Turnaround at school {self.school_id}, {self.month:%B %Y}"


class OutcomeStudents(models.Model):
    """Every student the impact estimates compare on one outcome (a starting and an outcome test),
    as packed columns: the student, the school and grade tested at, their one teacher for the
    subject, the two scores and the group flags (`improvement.outcome_rows` builds and reads them).

    Student-level data, unlike the other summaries: a retention purge deletes the rows of the years
    it deletes. One row an outcome, read whole: at 450,000 students the page reads it in one value
    instead of joining enrollments, classes and millions of results.
    """

    district = _district()
    baseline = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    outcome = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    students = models.PositiveIntegerField(default=0)
    columns = models.BinaryField(help_text="The columns, packed by improvement.outcome_rows.pack.")
    built_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["baseline", "outcome"], name="outcome_students_unique")
        ]
        indexes = [models.Index(fields=["district"])]

    def __str__(self) -> str:
        return f"Students of outcome {self.baseline_id} → {self.outcome_id}"


class SummaryState(models.Model):
    """When a district's summaries were last rebuilt, so pages can say how fresh their figures are."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="+")
    built_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    result_cells = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Summaries of {self.district_id} built {self.built_at:%Y-%m-%d %H:%M}"


class AuditedTable(models.Model):
    """The cells a disclosure audit hid in one needs table, keyed by the table's fingerprint
    (`improvement.needs.table.fingerprint`: every figure and rule the audit reads).

    An audit can take seconds; pages, exports and goals read the same tables again and again, in
    several processes. Derived data: a summaries rebuild empties a district's rows, and a new
    fingerprint simply misses. Cells are [grade, group] pairs.
    """

    district = _district()
    fingerprint = models.CharField(max_length=64, unique=True)
    tested = models.JSONField(default=list)
    matched = models.JSONField(default=list)
    enrolled = models.JSONField(default=list)
    audited_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Audited table {self.fingerprint[:12]}"
