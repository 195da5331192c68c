"""The framework a district starts with: the Technology Integration Matrix's five levels and a few
look-fors of quality technology use per grade band. The program lead edits it from there."""

from __future__ import annotations

from coachmap.improvement.models.framework import GradeBand

LEVELS: tuple[tuple[str, str], ...] = (
    ("Entry", "The teacher uses technology to deliver content; students watch or practise."),
    ("Adoption", "The teacher directs students' conventional, step-by-step use of tools."),
    ("Adaptation", "Students use tools on their own and adapt them to the task."),
    ("Infusion", "Students choose which tools to use, and when, to reach the learning target."),
    ("Transformation", "Students use tools for higher-order work that would be impossible without them."),
)

LOOK_FORS: dict[str, tuple[str, ...]] = {
    GradeBand.K2: (
        "Students log in and start the task on their own within two minutes.",
        "Students record their voice or a picture to show what they learned.",
        "The tool gives each small group its next step at its own level.",
    ),
    GradeBand.G35: (
        "Students explain their reasoning in writing or recorded talk, using the tool.",
        "Students give each other feedback on shared work.",
        "The teacher uses the tool's data to form small groups that day.",
    ),
    GradeBand.G68: (
        "Students choose a tool to show what they learned, and say why.",
        "Students collaborate on one shared document with visible contributions.",
        "Quick checks are scored and returned within the lesson.",
    ),
    GradeBand.G912: (
        "Students research, evaluate sources and cite them.",
        "Students publish work for an audience beyond the classroom.",
        "Students track their own progress toward the learning target.",
    ),
}
