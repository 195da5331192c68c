"""What a district starts with: the ISTE Standards for Coaches as the competency rubric, and a
vision the program lead rewrites with a coach (article 002: "This vision should be co-created with a coach")."""

from __future__ import annotations

COMPETENCIES: tuple[tuple[str, str], ...] = (
    ("Change agent", "Builds a shared vision for technology use and leads change toward it."),
    ("Connected learner", "Keeps learning: networks, reading, courses, reflection on own practice."),
    ("Collaborator", "Builds trusting partnerships with teachers and leaders; coaching is never evaluation."),
    (
        "Learning designer",
        "Helps teachers design learning where technology serves the student learning target.",
    ),
    ("Professional learning facilitator", "Plans and leads professional learning for adult learners."),
    ("Data-driven decision-maker", "Uses student and program data to choose and judge the coaching."),
    ("Digital citizen advocate", "Models and teaches safe, ethical and equitable use of technology."),
)

VISION = (
    "Every coaching hour helps students reach our schools' improvement goals. Coaches work beside "
    "teachers who ask for it, confidentially and never as evaluation, so that technology becomes a "
    "lever for better learning rather than a separate mandate."
)

AIMS: tuple[str, ...] = (
    "Tie every coaching cycle to a school's improvement goal and its indicators.",
    "Agree on what quality technology use looks like at each grade band, and grow it.",
    "Keep coaching voluntary, confidential and non-evaluative.",
    "Protect coaches' time for coaching, and grow the coaches too.",
    "Measure and reflect each year with the faculty's feedback and the data.",
)
