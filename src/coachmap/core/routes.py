"""Who may open which page: one table, URL name → roles, for every page behind a sign-in.

The pages' decorator (`access.route_required("url-name")`), the API (`access.may_open`) and the
menu (`core.navigation`) all read it, so the three never disagree; `tests/core/test_routes.py`
proves every named URL that asks for a sign-in is here and that each view's decorator names its
own route. An empty set means any signed-in user. Whether a person may act on one object (this
cycle, that school) is a `may_<verb>_<thing>` check in the app's `access.py`, not a role here.
"""

from __future__ import annotations

from coachmap.core.models import Role

T, C, L, P, A = Role.TEACHER, Role.COACH, Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN
SIGNED_IN: frozenset[Role] = frozenset()

# Roles, then the routes they open, app by app.
_TABLE: tuple[tuple[frozenset[Role], tuple[str, ...]], ...] = (
    # --- everyone signed in: home, own account, the shared pages ---
    (
        SIGNED_IN,
        (
            "home",
            "email_change",
            # Django's own views check the sign-in themselves; listed so the table is complete.
            "password_change",
            "password_change_done",
            "library:index",
            "library:resource",
            "library:resource-open",
            "coaching:agreements",
            "coaching:agreement",
            "notifications:list",
            "notifications:settings",
            # API tokens (issue 20): each person's own.
            "tokens:personal",
            "tokens:personal-revoke",
        ),
    ),
    # --- the district ---
    # Django's admin checks staff rights itself; the table says whose menu shows it.
    (
        frozenset({A}),
        ("district-settings", "signin:settings", "signin:provider", "signin:passwords", "admin:index"),
    ),
    # --- API service accounts for other systems (issue 20) ---
    (frozenset({A}), ("tokens:services", "tokens:service-revoke")),
    # --- people: the district admin's People page ---
    (
        frozenset({A}),
        (
            "people:index",
            "people:new",
            "people:invite-teachers",
            "people:person",
            "people:role-give",
            "people:role-take",
            "people:switch",
            "people:invite",
        ),
    ),
    # --- improvement: a school's needs, goals and technology map ---
    # Read by the principal, the district admin, the program lead (every school of the district)
    # and a coach (the schools they serve), each scoped by `access.schools_readable_by`; only the
    # principal writes (the next row).
    (
        frozenset({C, L, P, A}),
        (
            "improvement:school",
            "improvement:needs",
            "improvement:techmap",
            "improvement:school-export",
            "improvement:goal",
            "improvement:indicator",
        ),
    ),
    (
        frozenset({P}),
        (
            "improvement:need-note",
            "improvement:need-move",
            "improvement:need-reset",
            "improvement:goal-new",
            "improvement:goal-status",
            "improvement:goal-edit",
            "improvement:indicator-new",
            "improvement:measurement-new",
            "improvement:tool-new",
            "improvement:tool-link-new",
            "improvement:tool-link-delete",
        ),
    ),
    (frozenset({A}), ("improvement:district", "improvement:district-needs", "improvement:district-export")),
    # District-wide goals (issue 16): everyone in the district reads them; the admin and the lead write them.
    (frozenset({T, C, L, P, A}), ("improvement:district-goals", "improvement:district-goal")),
    (frozenset({L, A}), ("improvement:district-goal-new", "improvement:district-goal-edit")),
    # --- coaching: a teacher's requests, intake and offers ---
    (
        frozenset({T}),
        (
            "coaching:my-goals",
            "coaching:request-new",
            "coaching:request-respond",
            "coaching:intake",
            "coaching:proposal-respond",
            "coaching:referral-respond",
            "coaching:observation-answer",
            "coaching:observation-reflect",
        ),
    ),
    # --- coaching: lighter supports (issue 16) ---
    (frozenset({T, C, L}), ("coaching:lighter-support",)),
    (frozenset({T, C}), ("coaching:micro-conversation",)),
    (frozenset({C, L}), ("coaching:observation-arrange",)),
    # --- coaching: principal–coach check-ins (issue 16) ---
    (frozenset({C, P, L}), ("coaching:principal-checkins", "coaching:principal-checkin")),
    (frozenset({C, P}), ("coaching:principal-checkin-new",)),
    # --- coaching: a coach's caseload, cycles, time and profile ---
    (frozenset({T, C}), ("coaching:cycle",)),
    (
        frozenset({C}),
        (
            "coaching:caseload",
            "coaching:micro",
            "coaching:micro-undo",
            "coaching:micro-conversation-new",
            "coaching:time-week",
            "coaching:calendar-import",
            "coaching:coach-profile",
            "coaching:teacher-intake",
            "coaching:cycle-open",
            "coaching:cycle-plan",
            "coaching:cycle-stage",
            "coaching:cycle-close",
            "coaching:cycle-resume",
            "coaching:session-new",
            "coaching:evidence-new",
            "coaching:checkin-new",
            "coaching:handover-new",
            "coaching:cycle-refer",
        ),
    ),
    (frozenset({C, L}), ("coaching:look-fors", "coaching:handover")),
    (
        frozenset({C, P}),
        ("coaching:agreement-new", "coaching:agreement-edit", "coaching:agreement-acknowledge"),
    ),
    # --- coaching: the program lead's requests, matching and team ---
    (
        frozenset({L}),
        (
            "coaching:requests",
            "coaching:requests-export",
            "coaching:request-assign",
            "coaching:rounds",
            "coaching:round-run",
            "coaching:round",
            "coaching:round-confirm",
            "coaching:proposal-edit",
            "coaching:caseloads",
            "coaching:caseloads-export",
            "coaching:referrals",
            "coaching:referrals-export",
            "coaching:time-team",
        ),
    ),
    (frozenset({L, A}), ("coaching:policy",)),
    # --- coaching: group cycles (issue 16); a group's page is its members' and coach's, as a cycle's ---
    (frozenset({T, C, L}), ("coaching:groups",)),
    (frozenset({T, C}), ("coaching:group",)),
    (frozenset({T}), ("coaching:group-answer",)),
    (
        frozenset({C}),
        (
            "coaching:group-new",
            "coaching:group-open",
            "coaching:group-plan",
            "coaching:group-session-new",
            "coaching:group-stage",
            "coaching:group-close",
            "coaching:group-resume",
        ),
    ),
    # --- coaching: professional-learning offerings (issue 16) ---
    (SIGNED_IN, ("coaching:offerings", "coaching:offering")),
    (frozenset({C, L}), ("coaching:offering-new", "coaching:attendance")),
    (frozenset({T}), ("coaching:seat-take", "coaching:seat-give-back", "coaching:follow-up")),
    (frozenset({P, L, A}), ("coaching:quadrants",)),
    # --- reports ---
    (
        frozenset({P, L, A}),
        ("reports:coaching-trends", "reports:dashboard-csv", "reports:summary", "reports:summary-pdf"),
    ),
    (frozenset({C, L, A}), ("reports:impact", "reports:impact-pdf")),
    # --- family reports: the principal writes and publishes; the lead and the district review.
    # Teachers and coaches read a report through its public link, like any family (no row: PUBLIC).
    (frozenset({P, L, A}), ("families:index", "families:report", "families:pdf")),
    (frozenset({P}), ("families:new", "families:edit", "families:publish", "families:revoke")),
    # --- impact estimates: the district (lead, admin) or a principal's own school ---
    (frozenset({P, L, A}), ("impact:index", "impact:export", "impact:pdf")),
    # --- roster imports ---
    (
        frozenset({L, A}),
        ("roster:imports", "roster:import-run", "roster:import-status", "roster:import-confirm"),
    ),
    # the nightly sync from the district's OneRoster service: its address and secret are the admin's
    (frozenset({A}), ("roster:sync", "roster:sync-now")),
    # --- outbound webhooks: other systems hear about the district's events ---
    (frozenset({A}), ("notifications:webhooks", "notifications:webhook-remove")),
    # --- program: the vision, the look-for framework, coach growth, the annual review (issue 16) ---
    (SIGNED_IN, ("program:vision", "program:framework", "program:framework-version")),
    (
        frozenset({L}),
        (
            "program:vision-edit",
            "program:framework-edit",
            "program:rubric",
            "program:team-growth",
            "program:review-gather",
            "program:review-annotate",
        ),
    ),
    (frozenset({P, L, A}), ("program:framework-report",)),
    (frozenset({C, P}), ("program:walkthroughs",)),
    (
        frozenset({C}),
        (
            "program:growth",
            "program:growth-assessment",
            "program:growth-goal-new",
            "program:growth-goal-status",
            "program:learning-new",
        ),
    ),
    (frozenset({L, A}), ("program:reviews", "program:review")),
    # --- feedback: pulse checks and surveys ---
    (frozenset({T}), ("feedback:pulse", "feedback:survey-answer")),
    (frozenset({T, L, P, A}), ("feedback:surveys",)),
    (frozenset({L}), ("feedback:survey-new", "feedback:survey-edit", "feedback:survey-status")),
    (frozenset({P, L, A}), ("feedback:survey-results",)),
    (frozenset({T}), ("feedback:offering-feedback",)),
    (frozenset({C, L, A}), ("feedback:offering-results",)),
    # --- library ---
    (frozenset({C, L}), ("library:resource-new", "library:resource-edit")),
)


def _build() -> dict[str, frozenset[Role]]:
    table: dict[str, frozenset[Role]] = {}
    for roles, routes in _TABLE:
        for route in routes:
            if route in table:
                raise ValueError(f"The route {route!r} is listed twice in core/routes.py.")
            table[route] = roles
    return table


ROUTE_ROLES: dict[str, frozenset[Role]] = _build()


def roles_for(route: str) -> frozenset[Role]:
    """The roles that may open a route; a KeyError names a route missing from the table."""
    return ROUTE_ROLES[route]


# The API routes whose roles are a page's: each calls `access.may_open(user, page)` with the page
# named here (the rest of the API is scoped object by object, not by role).
API_ROUTES: dict[str, str] = {
    "api:rounds": "coaching:rounds",
    "api:round_run": "coaching:rounds",
    "api:quadrants": "coaching:quadrants",
    "api:coaching_trends": "reports:coaching-trends",
    "api:indicators": "improvement:indicator",
    "api:time_week": "coaching:time-week",
    "api:time_team": "coaching:time-team",
    "api:surveys": "feedback:surveys",
    "api:imports": "roster:imports",
    "api:impact_summary": "reports:impact",
    "api:requests_waiting": "coaching:requests",
    "api:district_needs": "improvement:district-needs",
    "api:district_comparison_read": "improvement:district",
    "api:district_goal_list": "improvement:district-goals",
    "api:district_goal_create": "improvement:district-goal-new",
    "api:framework_current": "program:framework",
    "api:framework_publish": "program:framework-edit",
    "api:walkthrough_list": "program:walkthroughs",
    "api:walkthrough_record": "program:walkthroughs",
    "api:teacher_goals": "coaching:my-goals",
    "api:caseload": "coaching:caseload",
    "api:lighter_supports": "coaching:lighter-support",
    "api:micro_conversations": "coaching:micro-conversation",
    "api:groups": "coaching:groups",
    "api:handovers": "coaching:handover",
    "api:coach_profile": "coaching:coach-profile",
    "api:look_fors": "coaching:look-fors",
    "api:people": "people:index",
    "api:people_teachers_to_invite": "people:invite-teachers",
    "api:district_settings": "district-settings",
    "api:signin_settings": "signin:settings",
    "api:column_mappings": "roster:imports",
    "api:principal_checkins": "coaching:principal-checkins",
    "api:family_reports": "families:index",
    "api:program_vision": "program:vision",
    "api:self_assessments": "program:growth",
    "api:self_assessment_current": "program:growth-assessment",
    "api:coach_growth": "program:growth",
    "api:coach_goal_create": "program:growth-goal-new",
    "api:learning_entries": "program:growth",
    "api:learning_entry_add": "program:learning-new",
    "api:rubric": "program:rubric",
    "api:rubric_update": "program:rubric",
    "api:team_growth": "program:team-growth",
    "api:program_reviews": "program:reviews",
    "api:pulse_pending": "feedback:pulse",
    "api:survey_create": "feedback:survey-new",
    "api:offerings": "coaching:offerings",
    "api:offering_create": "coaching:offering-new",
    "api:resource_create": "library:resource-new",
    "api:notification_settings": "notifications:settings",
    "api:notification_settings_update": "notifications:settings",
    # "Sync now" before the connection is saved: refused (422) as on the page, whatever came before.
    "api:roster_sync_now": "roster:sync-now",
    "api:roster_sync": "roster:sync",
    "api:roster_sync_save": "roster:sync",
    "api:roster_sync_runs": "roster:sync",
    "api:webhook_list": "notifications:webhooks",
    "api:webhook_add": "notifications:webhooks",
    "api:webhook_deliveries": "notifications:webhooks",
    # The admin site's pages: the Schools page and the audit trail are the district admin's.
    "api:school_list": "admin:index",
    "api:audit_trail": "admin:index",
    "api:audit_activity": "admin:index",
}
