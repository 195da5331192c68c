"""The coaching app's models: the chain (goals, requests, cycles, sessions), what best fit is made
of (intake, look-fors, coach profiles, routing policy), matching rounds with what comes of them,
and cycle work (evidence, check-ins, time log, calendar, agreements)."""

from coachmap.coaching.agreements.models import PartnershipAgreement, ScheduleSetter
from coachmap.coaching.cycles.models import (
    CoachingCycle,
    CoachingSession,
    CycleOutcome,
    CycleStage,
    CycleStatus,
    EvidenceKind,
    FidelityCheckIn,
    SessionType,
    StudentEvidence,
)
from coachmap.coaching.models.fit import (
    DEFAULT_LOOK_FORS,
    CoachProfile,
    IntakeObservation,
    LookFor,
    RoutingPolicy,
    TeacherIntake,
)
from coachmap.coaching.models.matching import (
    Handover,
    MatchingRound,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    Referral,
    ReferralStatus,
    RoundStatus,
)
from coachmap.coaching.notifications.models import Notification
from coachmap.coaching.requests.models import CoachingRequest, RequestStatus, TeacherGoal
from coachmap.coaching.timelog.models import CalendarEvent, TimeCategory, TimeEntry, TimeWeek

__all__ = [
    "DEFAULT_LOOK_FORS",
    "CalendarEvent",
    "CoachProfile",
    "CoachingCycle",
    "CoachingRequest",
    "CoachingSession",
    "CycleOutcome",
    "CycleStage",
    "CycleStatus",
    "EvidenceKind",
    "FidelityCheckIn",
    "Handover",
    "IntakeObservation",
    "LookFor",
    "MatchProposal",
    "MatchingRound",
    "Notification",
    "PartnershipAgreement",
    "ProposalKind",
    "ProposalStatus",
    "Referral",
    "ReferralStatus",
    "RequestStatus",
    "RoundStatus",
    "RoutingPolicy",
    "ScheduleSetter",
    "SessionType",
    "StudentEvidence",
    "TeacherGoal",
    "TeacherIntake",
    "TimeCategory",
    "TimeEntry",
    "TimeWeek",
]
