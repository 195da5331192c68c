"""Data-set profiles of DESIGN.md §5."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    schools: int
    teachers: int
    coaches: int
    students: int
    results_per_student: int  # 2 subjects × (fall, winter, spring interim + state test)
    sessions_per_year: int
    # Shares of schools by band: elementary, middle, high.
    bands: tuple[float, float, float] = (0.5, 0.33, 0.17)
    # Earlier school years with a state test (for trends), on top of the year of `results`.
    history_years: int = 2
    # Share of schools with technology-use and gradebook data (time on task, turnaround).
    extras_share: float = 1.0

    @property
    def results(self) -> int:
        return self.students * self.results_per_student


PROFILES: dict[str, Profile] = {
    "demo": Profile(
        "demo",
        schools=6,
        teachers=180,
        coaches=6,
        students=3_000,
        results_per_student=8,
        sessions_per_year=1_500,
    ),
    "large": Profile(
        "large",
        schools=1_000,
        teachers=25_000,
        coaches=500,
        students=450_000,
        results_per_student=8,
        sessions_per_year=100_000,
        bands=(0.6, 0.2, 0.2),
        extras_share=0.05,
    ),
}
