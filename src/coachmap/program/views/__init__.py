"""Pages of the coaching program as a whole: the vision, the look-for framework, the coaches' own growth, the annual review. Thin: parse, call one service or query, render."""

from coachmap.program.views.framework import (
    framework,
    framework_edit,
    framework_report,
    framework_version,
    walkthroughs,
)
from coachmap.program.views.growth import (
    growth,
    growth_assessment,
    growth_goal_new,
    growth_goal_status,
    learning_new,
    rubric,
    team_growth,
)
from coachmap.program.views.review import review, review_annotate, review_gather, reviews
from coachmap.program.views.vision import vision, vision_edit

__all__ = [
    "framework",
    "framework_edit",
    "framework_report",
    "framework_version",
    "growth",
    "growth_assessment",
    "growth_goal_new",
    "growth_goal_status",
    "learning_new",
    "review",
    "review_annotate",
    "review_gather",
    "reviews",
    "rubric",
    "team_growth",
    "vision",
    "vision_edit",
    "walkthroughs",
]
