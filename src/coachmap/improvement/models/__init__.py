"""The improvement chain's data: goals, the needs assessment's summary tables, indicators, the technology map."""

from coachmap.improvement.models.framework import (
    FrameworkLevel,
    FrameworkLookFor,
    FrameworkVersion,
    GradeBand,
    Walkthrough,
    band_of_grade,
)
from coachmap.improvement.models.goals import (
    MAX_ACTIVE_GOALS,
    DataSource,
    DistrictGoal,
    GoalChange,
    GoalStatus,
    ImprovementGoal,
    Metric,
    NeedNote,
)
from coachmap.improvement.models.indicators import Indicator, IndicatorKind, Measurement
from coachmap.improvement.models.summaries import (
    AuditedTable,
    EnrollmentCell,
    OutcomeStudents,
    ResultCell,
    SummaryState,
    TurnaroundCell,
    UsageCell,
)
from coachmap.improvement.models.techmap import Tool, ToolKind, ToolLink

__all__ = [
    "MAX_ACTIVE_GOALS",
    "AuditedTable",
    "DataSource",
    "DistrictGoal",
    "EnrollmentCell",
    "FrameworkLevel",
    "FrameworkLookFor",
    "FrameworkVersion",
    "GoalChange",
    "GoalStatus",
    "GradeBand",
    "ImprovementGoal",
    "Indicator",
    "IndicatorKind",
    "Measurement",
    "Metric",
    "NeedNote",
    "OutcomeStudents",
    "ResultCell",
    "SummaryState",
    "Tool",
    "ToolKind",
    "ToolLink",
    "TurnaroundCell",
    "UsageCell",
    "Walkthrough",
    "band_of_grade",
]
