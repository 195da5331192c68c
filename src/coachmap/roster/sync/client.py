"""Reading a OneRoster 1.1 or 1.2 REST service: sign-in, paging, rate limits, an expired token.

Signing is the libraries' (requests-oauthlib over oauthlib), never written here: OAuth 2 client
credentials (a bearer token, asked for again when the service says it has expired), or OAuth
1.0a with HMAC-SHA256 for 1.1 providers that still sign each request.

A collection is read page by page (`limit`/`offset`): the next page is the `Link` header's
`rel="next"` when the service gives one, else the next offset while `X-Total-Count` says more
remain (or, with neither, while pages come back full). A 429 or 503 waits as `Retry-After`
asks (up to `max_wait` seconds) and tries again. Any other failure raises `SyncError` with a
sentence for the district admin: the sync then changes nothing.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth2 import BackendApplicationClient, InsecureTransportError, OAuth2Error, TokenExpiredError
from requests_oauthlib import OAuth1, OAuth2Session

# Rosters change little between nights; pages this long keep the number of requests small.
PAGE_SIZE = 500
MAX_PAGES = 100_000
HTTP_UNAUTHORIZED = 401
HTTP_NOT_FOUND = 404
HTTP_TOO_MANY = 429
HTTP_UNAVAILABLE = 503
HTTP_ERROR = 400


class SyncError(Exception):
    """The service could not be read; the message says why, for the district admin."""


class NotOffered(SyncError):
    """The service has no such collection (a 404): some providers do not publish demographics."""


@dataclass
class Client:
    base_url: str
    client_id: str
    secret: str
    oauth: str = "oauth2"  # or "oauth1"
    token_url: str = ""
    scope: str = ""
    page_size: int = PAGE_SIZE
    timeout: float = 60
    max_wait: float = 300  # the longest Retry-After honoured
    tries: int = 6  # per page, counting waits after a 429 or 503
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0
    _session: requests.Session | None = field(default=None, repr=False)

    # --- sign-in ---

    def _open(self) -> requests.Session:
        if self._session is None:
            if self.oauth == "oauth1":
                session = requests.Session()
                session.auth = OAuth1(
                    self.client_id, client_secret=self.secret, signature_method=SIGNATURE_HMAC_SHA256
                )
                self._session = session
            else:
                self._session = OAuth2Session(client=BackendApplicationClient(client_id=self.client_id))
                self._token()
        return self._session

    def _token(self) -> None:
        """Ask for a new OAuth 2 token (client credentials, the id and secret sent with HTTP Basic)."""
        session = self._session
        assert isinstance(session, OAuth2Session)  # noqa: S101
        if not self.token_url:
            raise SyncError("The token address is empty: OAuth 2 needs it to sign in.")
        try:
            session.fetch_token(
                token_url=self.token_url,
                client_id=self.client_id,
                client_secret=self.secret,
                scope=self.scope.split() or None,
                timeout=self.timeout,
            )
        except InsecureTransportError as exc:
            raise SyncError(
                f"The token address {self.token_url} is not HTTPS: coachmap sends the secret only over HTTPS."
            ) from exc
        except OAuth2Error as exc:
            raise SyncError(
                f"The service refused coachmap's sign-in at {_host(self.token_url)} ({exc.error}): "
                "check the client id and secret."
            ) from exc
        except (requests.RequestException, ValueError) as exc:
            raise SyncError(
                f"coachmap could not get a sign-in token from {_host(self.token_url)}: {_plain(exc)}."
            ) from exc

    # --- reading ---

    def collection(self, name: str, since: str = "") -> list[dict[str, Any]]:
        """Every record of a collection (`orgs`, `users`, …), or only those changed after `since`."""
        url = f"{self.base_url.rstrip('/')}/{name}"
        params: dict[str, Any] | None = {"limit": self.page_size, "offset": 0}
        if since:
            assert params is not None  # noqa: S101
            params["filter"] = f"dateLastModified>'{since}'"
        records: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            response = self._get(url, params, name, page)
            items = _items(response, name, page)
            records.extend(items)
            following = response.links.get("next", {}).get("url")
            if following:
                url, params = urljoin(url, following), None
                continue
            if not items:
                break
            total = _total(response)
            more = len(records) < total if total is not None else len(items) >= self.page_size
            if not more:
                break
            params = {"limit": self.page_size, "offset": len(records)}
            if since:
                params["filter"] = f"dateLastModified>'{since}'"
            url = f"{self.base_url.rstrip('/')}/{name}"
        return records

    def _get(self, url: str, params: dict[str, Any] | None, name: str, page: int) -> requests.Response:
        refreshed = False
        for _ in range(self.tries):
            session = self._open()
            try:
                self.requests_made += 1
                response = session.get(
                    url, params=params, timeout=self.timeout, headers={"Accept": "application/json"}
                )
            except TokenExpiredError:
                self._token()
                refreshed = True
                continue
            except requests.RequestException as exc:
                raise SyncError(
                    f"coachmap could not reach the service at {_host(url)} while reading page {page} "
                    f"of {name}: {_plain(exc)}."
                ) from exc
            status = response.status_code
            if status in (HTTP_TOO_MANY, HTTP_UNAVAILABLE) and "Retry-After" in response.headers:
                self.sleep(min(_retry_after(response.headers["Retry-After"]), self.max_wait))
                continue
            if status == HTTP_UNAUTHORIZED and self.oauth != "oauth1" and not refreshed:
                # The token expired (or was revoked) before its stated time: ask for a new one once.
                self._token()
                refreshed = True
                continue
            if status == HTTP_UNAUTHORIZED:
                raise SyncError(
                    f"The service refused coachmap's sign-in (401) while reading {name}: check the "
                    "client id and secret."
                )
            if status == HTTP_NOT_FOUND:
                raise NotOffered(f"The service has no {name} (404 at {urlsplit(url).path}).")
            if status >= HTTP_ERROR:
                raise SyncError(
                    f"The service answered {status} ({response.reason or 'an error'}) while coachmap "
                    f"was reading page {page} of {name}."
                )
            return response
        raise SyncError(
            f"The service kept asking coachmap to wait (rate limit) while it read page {page} of {name}; "
            f"gave up after {self.tries} tries."
        )


def _items(response: requests.Response, name: str, page: int) -> list[dict[str, Any]]:
    try:
        body = response.json()
    except ValueError as exc:
        raise SyncError(f"Page {page} of {name} from the service is not JSON.") from exc
    items = body.get(name) if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise SyncError(f"Page {page} of {name} from the service has no list of {name} in it.")
    return items


def _total(response: requests.Response) -> int | None:
    raw = response.headers.get("X-Total-Count", "")
    return int(raw) if raw.strip().isdigit() else None


def _retry_after(value: str) -> float:
    """Retry-After in seconds: a number, or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(when.timestamp() - time.time(), 0.0)


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _plain(exc: Exception) -> str:
    """A connection error's message without the library's nesting of wrappers."""
    text = str(exc)
    return text.rsplit(": ", maxsplit=1)[-1].strip(" ')>") or type(exc).__name__
