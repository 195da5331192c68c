"""The student groups coachmap disaggregates by, and which of them partition all students.

A group is named by a code (`race:hispanic`, `el`, `gender:female`). Groups in one *partition*
are mutually exclusive and together make up all students, so their counts add up to the
all-students count; `core.privacy` uses that to decide complementary suppression.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = "all"


class Race:
    AMERICAN_INDIAN = "american_indian"
    ASIAN = "asian"
    BLACK = "black"
    HISPANIC = "hispanic"
    PACIFIC_ISLANDER = "pacific_islander"
    WHITE = "white"
    MULTIRACIAL = "multiracial"
    UNKNOWN = "unknown"

    CHOICES: list[tuple[str, str]] = [
        (AMERICAN_INDIAN, "American Indian or Alaska Native"),
        (ASIAN, "Asian"),
        (BLACK, "Black or African American"),
        (HISPANIC, "Hispanic or Latino"),
        (PACIFIC_ISLANDER, "Native Hawaiian or Pacific Islander"),
        (WHITE, "White"),
        (MULTIRACIAL, "Two or more races"),
        (UNKNOWN, "Not reported"),
    ]


class Gender:
    FEMALE = "female"
    MALE = "male"
    NONBINARY = "nonbinary"
    UNKNOWN = "unknown"

    CHOICES: list[tuple[str, str]] = [
        (FEMALE, "Female"),
        (MALE, "Male"),
        (NONBINARY, "Nonbinary"),
        (UNKNOWN, "Not reported"),
    ]


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    short: str
    partition: str | None  # groups sharing a partition add up to all students
    field: str | None  # the Student field that selects the group
    value: object = True


def _build() -> list[Group]:
    groups = [Group(ALL, "All students", "All", None, None)]
    race_short = {
        Race.AMERICAN_INDIAN: "Am. Indian",
        Race.ASIAN: "Asian",
        Race.BLACK: "Black",
        Race.HISPANIC: "Hispanic",
        Race.PACIFIC_ISLANDER: "Pac. Islander",
        Race.WHITE: "White",
        Race.MULTIRACIAL: "Multiracial",
        Race.UNKNOWN: "Race n/r",
    }
    for code, label in Race.CHOICES:
        groups.append(Group(f"race:{code}", label, race_short[code], "race", "race_ethnicity", code))
    groups += [
        Group("el", "English learners", "EL", None, "english_learner"),
        Group("swd", "Students with disabilities", "SWD", None, "disability"),
        Group("ed", "Economically disadvantaged", "Econ. dis.", None, "econ_disadvantaged"),
    ]
    for code, label in Gender.CHOICES:
        groups.append(
            Group(
                f"gender:{code}",
                label,
                label if code != Gender.UNKNOWN else "Gender n/r",
                "gender",
                "gender",
                code,
            )
        )
    return groups


GROUPS: list[Group] = _build()
BY_CODE: dict[str, Group] = {g.code: g for g in GROUPS}
GROUP_CHOICES: list[tuple[str, str]] = [(g.code, g.label) for g in GROUPS]


def partitions() -> dict[str, list[str]]:
    """Partition name → the codes of its groups."""
    result: dict[str, list[str]] = {}
    for g in GROUPS:
        if g.partition:
            result.setdefault(g.partition, []).append(g.code)
    return result


def label(code: str) -> str:
    group = BY_CODE.get(code)
    return group.label if group else code
