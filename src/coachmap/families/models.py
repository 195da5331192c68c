"""Family reports: a school's plain-language report to its families for one term, in their languages.

A report starts as the principal's draft. Publishing freezes what it says (`content`, plain
figures already suppressed and coded, language-neutral) and makes an unguessable public link;
revoking ends the link. Publishing again makes a new link, so an old one never comes back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coachmap.core.models import School


class Term(models.TextChoices):
    FALL = "fall", "Fall"
    WINTER = "winter", "Winter"
    SPRING = "spring", "Spring"


class FamilyReport(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="family_reports")
    school_year = models.PositiveSmallIntegerField(help_text="The school year, named by the year it ends in.")
    term = models.CharField(max_length=10, choices=Term.choices)
    texts = models.JSONField(
        default=dict,
        blank=True,
        help_text="The principal's words per language: {code: {'help': …, 'contact': …}}.",
    )
    content = models.JSONField(
        default=dict, blank=True, help_text="What the report says, frozen when it is published."
    )
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "-school_year", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "term"], name="family_report_once_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_term_display()} {self.school_year}"

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.revoked_at is None and bool(self.token)

    @property
    def state(self) -> str:
        if self.is_public:
            return "published"
        return "revoked" if self.revoked_at is not None else "draft"

    def text(self, language: str, part: str) -> str:
        value = (self.texts.get(language) or {}).get(part, "")
        return value if isinstance(value, str) else ""
