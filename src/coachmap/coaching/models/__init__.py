"""The coaching app's models, gathered from its topic packages so that Django and the migrations
find them under the one `coaching` app label: goals and requests (`requests`), cycles with their
sessions, evidence and check-ins (`cycles`), best fit and matching rounds (`bestfit`), handovers
and referrals (`handovers`), the time log (`timelog`), partnership agreements (`agreements`), group cycles (`groups`) and
professional-learning offerings (`learning`).
Notifications live in their own app, `coachmap.notifications`, below every app that calls them."""

from coachmap.coaching.agreements.models import PartnershipAgreement, PrincipalCheckIn, ScheduleSetter
from coachmap.coaching.bestfit.models import (
    DEFAULT_LOOK_FORS,
    CoachProfile,
    IntakeObservation,
    LookFor,
    MatchingRound,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    RoundStatus,
    RoutingPolicy,
    TeacherIntake,
)
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
from coachmap.coaching.groups.models import (
    Consent,
    GroupCycle,
    GroupEvidence,
    GroupKind,
    GroupMember,
    GroupSession,
    GroupStatus,
    Protocol,
)
from coachmap.coaching.handovers.models import Handover, Referral, ReferralStatus
from coachmap.coaching.learning.models import (
    Attendance,
    GradeBand,
    Offering,
    OfferingSession,
    OfferingStatus,
    Seat,
    SeatStatus,
)
from coachmap.coaching.lighter.models import (
    LighterSupport,
    MicroConversation,
    ObservationStatus,
    PeerObservation,
    SupportKind,
    SupportStatus,
)
from coachmap.coaching.requests.models import CoachingRequest, RequestStatus, TeacherGoal
from coachmap.coaching.timelog.models import CalendarEvent, TimeCategory, TimeEntry, TimeWeek

__all__ = [
    "DEFAULT_LOOK_FORS",
    "Attendance",
    "CalendarEvent",
    "CoachProfile",
    "CoachingCycle",
    "CoachingRequest",
    "CoachingSession",
    "Consent",
    "CycleOutcome",
    "CycleStage",
    "CycleStatus",
    "EvidenceKind",
    "FidelityCheckIn",
    "GradeBand",
    "GroupCycle",
    "GroupEvidence",
    "GroupKind",
    "GroupMember",
    "GroupSession",
    "GroupStatus",
    "Handover",
    "IntakeObservation",
    "LighterSupport",
    "LookFor",
    "MatchProposal",
    "MatchingRound",
    "MicroConversation",
    "ObservationStatus",
    "Offering",
    "OfferingSession",
    "OfferingStatus",
    "PartnershipAgreement",
    "PeerObservation",
    "PrincipalCheckIn",
    "ProposalKind",
    "ProposalStatus",
    "Protocol",
    "Referral",
    "ReferralStatus",
    "RequestStatus",
    "RoundStatus",
    "RoutingPolicy",
    "ScheduleSetter",
    "Seat",
    "SeatStatus",
    "SessionType",
    "StudentEvidence",
    "SupportKind",
    "SupportStatus",
    "TeacherGoal",
    "TeacherIntake",
    "TimeCategory",
    "TimeEntry",
    "TimeWeek",
]
