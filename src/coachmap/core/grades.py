"""Grades as small integers (-1 = pre-K, 0 = kindergarten, 1–12) and their labels."""

GRADE_LABELS: dict[int, str] = {-1: "PK", 0: "KG", **{g: str(g) for g in range(1, 13)}}
GRADE_CHOICES: list[tuple[int, str]] = [
    (g, "Pre-K" if g == -1 else "K" if g == 0 else f"Grade {g}") for g in GRADE_LABELS
]

# OneRoster grade codes ("KG", "01" … "12") to our integers.
ONEROSTER_GRADES: dict[str, int] = {
    "PK": -1,
    "PR": -1,
    "TK": -1,
    "KG": 0,
    **{f"{g:02d}": g for g in range(1, 13)},
}


def grade_label(grade: int) -> str:
    return GRADE_LABELS.get(grade, str(grade))


LAST_ELEMENTARY_GRADE = 5
LAST_MIDDLE_GRADE = 8


def grade_band(low: int, high: int) -> str:
    """The band a school (or a class) sits in, by its highest grade."""
    if high <= LAST_ELEMENTARY_GRADE:
        return "elementary"
    if high <= LAST_MIDDLE_GRADE:
        return "middle"
    return "high"
