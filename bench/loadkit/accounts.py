"""The people the Locust users act as, chosen from the generated district, each with a signed-in
session (and the API clients with a personal token), written to one JSON file for the locustfile.

Generated people have no password (only the five demo logins do), and a sign-in costs a password
hash: a person does that once a day, not once a page. So each chosen person gets a session made by
Django's own session engine, exactly as a sign-in would store it; their Locust user sends its cookie.
Needs Django set up on the database the server will serve.
"""

from __future__ import annotations

import random
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count, Q

BACKEND = "django.contrib.auth.backends.ModelBackend"
# How many people of each role the Locust users pick from (each Locust user takes one at random).
SIZES = {"teachers": 300, "coaches": 80, "principals": 60, "leads": 1, "api": 30}
CYCLES_PER_COACH = 5


def session_for(user: Any) -> str:
    """A new signed-in session for `user`, stored as `django.contrib.auth.login` stores one."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return str(store.session_key)


def build(seed: int = 7, sizes: dict[str, int] | None = None) -> dict[str, Any]:
    """Choose the people, sign them in, and return what the locustfile reads."""
    from coachmap.api import tokens
    from coachmap.coaching.models import CoachingCycle, CycleStatus
    from coachmap.core.models import Coach, Membership, Role, User

    sizes = {**SIZES, **(sizes or {})}
    rng = random.Random(seed)

    # Coaches with active cycles, and the cycles they log sessions in.
    coach_ids = list(
        Coach.objects.filter(user__is_active=True)
        .annotate(active=Count("cycles", filter=Q(cycles__status=CycleStatus.ACTIVE)))
        .filter(active__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    coach_ids = sorted(rng.sample(coach_ids, min(sizes["coaches"], len(coach_ids))))
    cycles: dict[int, list[int]] = {}
    teacher_user_ids: list[int] = []
    for coach_id, cycle_id, teacher_user_id in (
        CoachingCycle.objects.filter(coach_id__in=coach_ids, status=CycleStatus.ACTIVE)
        .order_by("coach_id", "pk")
        .values_list("coach_id", "pk", "teacher__user_id")
    ):
        if len(cycles.setdefault(coach_id, [])) < CYCLES_PER_COACH:
            cycles[coach_id].append(cycle_id)
            # Their teachers: the sessions logged in the run ask them the pulse on their home page.
            teacher_user_ids.append(teacher_user_id)
    teacher_user_ids = rng.sample(teacher_user_ids, min(sizes["teachers"], len(teacher_user_ids)))

    principals = list(
        Membership.objects.filter(role=Role.PRINCIPAL, user__is_active=True)
        .order_by("pk")
        .values_list("user_id", "school_id")
    )
    principals = sorted(rng.sample(principals, min(sizes["principals"], len(principals))))
    lead_ids = list(
        Membership.objects.filter(role=Role.PROGRAM_LEAD, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)[: sizes["leads"]]
    )

    wanted = set(teacher_user_ids) | {u for u, _ in principals} | set(lead_ids)
    coach_users = dict(Coach.objects.filter(pk__in=coach_ids).values_list("pk", "user_id"))
    wanted |= set(coach_users.values())
    users = User.objects.in_bulk(wanted)

    # API clients: coaches and the lead with a personal read token (the rate limit is per token).
    api_users = [users[coach_users[c]] for c in coach_ids[: sizes["api"] - len(lead_ids)]]
    api_users += [users[u] for u in lead_ids]
    api_tokens = [
        tokens.personal_token_create(actor=user, name="Load benchmark", scopes=["read"], days=2)[1]
        for user in api_users
    ]
    return {
        "teachers": [{"session": session_for(users[u])} for u in teacher_user_ids],
        "coaches": [{"session": session_for(users[coach_users[c]]), "cycles": cycles[c]} for c in coach_ids],
        "principals": [{"session": session_for(users[u]), "school": s} for u, s in principals],
        "leads": [{"session": session_for(users[u])} for u in lead_ids],
        "api": [{"token": t} for t in api_tokens],
        # For the in-process profile of a slow page: one person of each kind, by id.
        "probe_users": {
            "teacher": teacher_user_ids[0] if teacher_user_ids else None,
            "coach": coach_users[coach_ids[0]] if coach_ids else None,
            "principal": principals[0][0] if principals else None,
            "lead": lead_ids[0] if lead_ids else None,
        },
    }
