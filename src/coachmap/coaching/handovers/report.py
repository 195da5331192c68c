"""The lead's referrals page as a chart and a CSV file (issue 17).

Referrals, handovers and lighter offers in one list, each with the teacher's answer. The handover
note is for the receiving coach only and is never part of the export or the chart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from coachmap.coaching.bestfit.models import MatchProposal, ProposalStatus
from coachmap.coaching.handovers.models import Handover, Referral, ReferralStatus
from coachmap.coaching.models import RequestStatus

HEADER = ["Kind", "Teacher", "School", "From", "To", "Why", "Teacher's answer", "Date"]
KINDS = ["Referrals", "Handovers", "Lighter offers"]
ANSWERS = ["Waiting for the teacher", "Accepted", "Declined"]


def rows(
    referrals: Iterable[Referral], handovers: Iterable[Handover], offers: Iterable[MatchProposal]
) -> list[list[Any]]:
    """One row per referral, handover and answered offer, in that order, each list as given."""
    out: list[list[Any]] = []
    for r in referrals:
        out.append(
            [
                "Referral",
                str(r.teacher),
                str(r.teacher.school),
                str(r.from_coach) if r.from_coach else "",
                r.to_label,
                r.reason,
                r.get_status_display(),
                timezone.localdate(r.created_at).isoformat(),
            ]
        )
    for h in handovers:
        teacher = h.new_request.teacher
        out.append(
            [
                "Handover",
                str(teacher),
                str(teacher.school),
                str(h.from_coach),
                h.to_label,
                h.reason,
                _handover_answer(h),
                timezone.localdate(h.created_at).isoformat(),
            ]
        )
    for p in offers:
        out.append(
            [
                "Lighter offer",
                str(p.teacher),
                str(p.teacher.school),
                "",
                p.get_offer_display(),
                "",
                p.get_status_display(),
                timezone.localdate(p.responded_at).isoformat() if p.responded_at else "",
            ]
        )
    return out


def _handover_answer(handover: Handover) -> str:
    status = handover.new_request.status
    if status in (RequestStatus.OPEN, RequestStatus.PROPOSED):
        return ANSWERS[0]
    if status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
        return ANSWERS[2]
    return ANSWERS[1]


def _answer(status: str) -> str:
    if status in (ReferralStatus.ACCEPTED, ProposalStatus.ACCEPTED):
        return ANSWERS[1]
    if status in (ReferralStatus.DECLINED, ProposalStatus.DECLINED):
        return ANSWERS[2]
    return ANSWERS[0]


def chart(
    referrals: Iterable[Referral], handovers: Iterable[Handover], offers: Iterable[MatchProposal]
) -> dict[str, Any] | None:
    """The teachers' answers to referrals, handovers and lighter offers, as bars from zero."""
    counts = {kind: dict.fromkeys(ANSWERS, 0) for kind in KINDS}
    for r in referrals:
        counts["Referrals"][_answer(r.status)] += 1
    for h in handovers:
        counts["Handovers"][_handover_answer(h)] += 1
    for p in offers:
        counts["Lighter offers"][_answer(p.status)] += 1
    total = sum(sum(c.values()) for c in counts.values())
    if not total:
        return None
    return {
        "type": "bar",
        "labels": KINDS,
        "series": [
            {"label": answer, "values": [counts[kind][answer] for kind in KINDS]} for answer in ANSWERS
        ],
        "min": 0,
        "axis": "Teachers",
        "summary": f"Bar chart of the teachers' answers to {total} referrals, handovers and lighter offers: "
        "waiting, accepted or declined. The tables below list each one.",
    }
