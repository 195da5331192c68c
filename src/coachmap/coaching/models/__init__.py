"""The coaching app's models: the chain (goals, requests, cycles, sessions), what best fit is made
of (intake, look-fors, coach profiles, routing policy), and matching rounds with what comes of them."""

from coachmap.coaching.models.chain import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CycleEnd,
    CycleStatus,
    RequestStatus,
    SessionType,
    TeacherGoal,
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
    Notification,
    ProposalKind,
    ProposalStatus,
    Referral,
    ReferralStatus,
    RoundStatus,
)

__all__ = [
    "DEFAULT_LOOK_FORS",
    "CoachProfile",
    "CoachingCycle",
    "CoachingRequest",
    "CoachingSession",
    "CycleEnd",
    "CycleStatus",
    "Handover",
    "IntakeObservation",
    "LookFor",
    "MatchProposal",
    "MatchingRound",
    "Notification",
    "ProposalKind",
    "ProposalStatus",
    "Referral",
    "ReferralStatus",
    "RequestStatus",
    "RoundStatus",
    "RoutingPolicy",
    "SessionType",
    "TeacherGoal",
    "TeacherIntake",
]
