"""Making, revoking and checking API tokens (issue 20). The rules of what a token reaches are in
`core.tokens`; this module holds the rows and their lifecycle.

- A token is `cm_<prefix>_<secret>`: the prefix (10 characters) finds the row, the whole token's
  SHA-256 digest proves it. The token is shown once and never stored.
- Every token expires: `API_TOKEN_DAYS` days by default, `API_TOKEN_MAX_DAYS` at most.
- Every use is audited (`AuditAction.API_TOKEN_USE` for a service account's token,
  `PERSONAL_TOKEN_USE`, a confidential act the admin sees only as counts, for a person's own)
  and stamps `last_used_at`.
- Each token may make `API_TOKEN_RATE` requests per `API_TOKEN_RATE_WINDOW` seconds (a fixed
  window in Django's cache); the next one is refused with 429 and Retry-After.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import string
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coachmap.api.models import ApiToken, ServiceAccount
from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, Role, User
from coachmap.core.tokens import PERSONAL_SCOPES, SERVICE_SCOPES, Kind, Scope

PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 10
NAME_LENGTH = 120


def default_days() -> int:
    return int(getattr(settings, "API_TOKEN_DAYS", 90))


def max_days() -> int:
    return int(getattr(settings, "API_TOKEN_MAX_DAYS", 365))


def rate() -> tuple[int, int]:
    return int(getattr(settings, "API_TOKEN_RATE", 300)), int(getattr(settings, "API_TOKEN_RATE_WINDOW", 60))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return prefix, f"cm_{prefix}_{secrets.token_urlsafe(32)}"


def _clean(
    name: str, scopes: list[str], days: int | None, allowed: tuple[Scope, ...]
) -> tuple[str, list[str], int]:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Give the token a name that says where it is used."
    elif len(name) > NAME_LENGTH:
        errors["name"] = "A name is at most 120 characters."
    chosen = list(dict.fromkeys(scopes))
    wrong = [s for s in chosen if s not in {a.value for a in allowed}]
    if wrong:
        errors["scopes"] = f"These are not scopes this token can have: {', '.join(wrong)}."
    elif not chosen:
        errors["scopes"] = "Choose at least one thing the token may do."
    days = default_days() if days is None else days
    if not 1 <= days <= max_days():
        errors["days"] = f"A token lasts from 1 to {max_days()} days."
    if errors:
        raise ValidationError(errors)
    return name, chosen, days


def _create(
    *, user: User, kind: Kind, name: str, scopes: list[str], days: int, account: ServiceAccount | None
) -> tuple[ApiToken, str]:
    prefix, secret = _new_secret()
    token = ApiToken.objects.create(
        kind=kind,
        user=user,
        service_account=account,
        name=name,
        prefix=prefix,
        digest=digest(secret),
        scopes=scopes,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, secret


def _district_of(user: User) -> int | None:
    return access.acting_district_id(user, *Role)


def personal_token_create(
    *, actor: User, name: str, scopes: list[str], days: int | None = None
) -> tuple[ApiToken, str]:
    """A token that acts as `actor`, never more. Returns the row and the secret (shown once)."""
    name, scopes, days = _clean(name, scopes, days, PERSONAL_SCOPES)
    with transaction.atomic():
        token, secret = _create(
            user=actor, kind=Kind.PERSONAL, name=name, scopes=scopes, days=days, account=None
        )
        audit_record(
            actor=actor,
            action=AuditAction.API_TOKEN_CREATE,
            obj=token,
            district=_district_of(actor),
            prefix=token.prefix,
            scopes=scopes,
        )
    return token, secret


def personal_tokens(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user, kind=Kind.PERSONAL))


def _own_tokens(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk, kind=Kind.PERSONAL)


def personal_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens: another person's is a 404."""
    token = access.fetch(_own_tokens, actor, pk=token_id)
    return _revoke(actor, token, _district_of(actor))


def _revoke(actor: User, token: ApiToken, district_id: int | None) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action=AuditAction.API_TOKEN_REVOKE,
                obj=token,
                district=district_id,
                prefix=token.prefix,
            )
    return token


# --- service accounts ---------------------------------------------------------------------------


def _admin_district(actor: User) -> District:
    district = access.acting_district(actor, Role.DISTRICT_ADMIN)
    access.require(district is not None, "Service accounts are for the district admin.")
    assert district is not None  # noqa: S101 - required above
    return district


def service_accounts_visible_to(user: User) -> list[ServiceAccount]:
    return list(
        ServiceAccount.objects.filter(district_id__in=access.admin_district_ids(user)).prefetch_related(
            "tokens"
        )
    )


def service_account_create(
    *, actor: User, name: str, scopes: list[str], days: int | None = None
) -> tuple[ServiceAccount, ApiToken, str]:
    """A service account for another system, in the admin's district, with its first token."""
    district = _admin_district(actor)
    name, scopes, days = _clean(name, scopes, days, SERVICE_SCOPES)
    with transaction.atomic():
        account = ServiceAccount.objects.create(district=district, name=name, scopes=scopes, created_by=actor)
        token, secret = _create(
            user=actor, kind=Kind.SERVICE, name=name, scopes=scopes, days=days, account=account
        )
        audit_record(
            actor=actor,
            action=AuditAction.API_TOKEN_CREATE,
            obj=token,
            district=district,
            prefix=token.prefix,
            scopes=scopes,
            service_account=name,
        )
    return account, token, secret


def service_account_revoke(*, actor: User, account_id: int) -> ServiceAccount:
    """Switch a service account off, with every token it has."""
    account = access.fetch(
        lambda u: ServiceAccount.objects.filter(district_id__in=access.admin_district_ids(u)),
        actor,
        pk=account_id,
    )
    with transaction.atomic():
        if account.revoked_at is None:
            account.revoked_at = timezone.now()
            account.save(update_fields=["revoked_at"])
        for token in account.tokens.filter(revoked_at__isnull=True):
            _revoke(actor, token, account.district_id)
    return account


# --- checking a token on a request --------------------------------------------------------------


class TokenRejected(Exception):
    """401: no such token, revoked, expired, or its maker no longer administers the district."""


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests with this token; try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Checked:
    token: ApiToken
    user: User


def check(secret: str) -> Checked:
    """The token behind `secret`, still good, with its acting user; TokenRejected otherwise."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != "cm" or len(parts[1]) != PREFIX_LENGTH:  # noqa: PLR2004 - cm_, prefix, secret
        raise TokenRejected("This is not a coachmap API token.")
    token = ApiToken.objects.select_related("user", "service_account").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, digest(secret)):
        raise TokenRejected("This token is not known: check it was copied whole.")
    if token.revoked_at is not None:
        raise TokenRejected("This token was revoked: make a new one.")
    if token.expires_at <= timezone.now():
        raise TokenRejected("This token has expired: make a new one.")
    user = token.user
    if not user.is_active:
        raise TokenRejected("The account this token acts for is switched off.")
    if token.kind == Kind.SERVICE:
        account = token.service_account
        if account is None or account.revoked_at is not None:
            raise TokenRejected("This service account was switched off.")
        if account.district_id not in access.admin_district_ids(user):
            raise TokenRejected(
                "The admin who made this service account no longer administers the district: "
                "a district admin makes a new one."
            )
    return Checked(token=token, user=user)


def throttle(token: ApiToken) -> None:
    """Count this request in the token's fixed window; RateLimited past the limit."""
    limit, window = rate()
    now = time.time()
    bucket = int(now // window)
    key = f"api-token-rate:{token.prefix}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, int((bucket + 1) * window - now + 0.999)))


def record_use(token: ApiToken, method: str, path: str) -> None:
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    district = token.service_account.district_id if token.service_account else _district_of(token.user)
    detail: dict[str, Any] = {"prefix": token.prefix, "method": method, "path": path[:300]}
    if token.service_account:
        detail["service_account"] = token.service_account.name
    # A personal token's paths say who takes coaching: a confidential act (counts only for the admin).
    action = AuditAction.API_TOKEN_USE if token.service_account else AuditAction.PERSONAL_TOKEN_USE
    audit_record(actor=token.user, action=action, obj=token, district=district, **detail)
