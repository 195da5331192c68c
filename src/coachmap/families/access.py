"""Who may see and change family reports.

Drafts and the review page: the school's principal, and the program lead and district admins of
its district (every school). Teachers and coaches see a report only through its public link, like
any family. Only the principal writes, publishes and revokes (`may_change_family_report`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coachmap.core.access import AnyUser, admin_district_ids, lead_district_ids, leads_school, school_ids
from coachmap.core.models import Role
from coachmap.families.models import FamilyReport


def family_reports_visible_to(user: AnyUser) -> QuerySet[FamilyReport]:
    return FamilyReport.objects.filter(
        Q(school_id__in=school_ids(user, Role.PRINCIPAL))
        | Q(school__district_id__in=lead_district_ids(user) | admin_district_ids(user))
    )


def may_change_family_report(user: AnyUser, report: FamilyReport) -> bool:
    """Edit, publish, revoke: the school's principal."""
    return leads_school(user, report.school_id)


TOKEN_LENGTH = 64


def public_report(school_id: int, token: str) -> FamilyReport | None:
    """The published, unrevoked report behind a public link, or None: a wrong token, another
    school's or district's token and a revoked one all answer None alike."""
    if not token or len(token) > TOKEN_LENGTH:
        return None
    return (
        FamilyReport.objects.filter(
            school_id=school_id, token=token, published_at__isnull=False, revoked_at__isnull=True
        )
        .select_related("school__district")
        .first()
    )
