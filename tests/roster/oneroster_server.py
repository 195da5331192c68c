"""A small OneRoster 1.1/1.2 REST service on 127.0.0.1 for the roster sync tests.

It serves a OneRoster CSV bundle (the shared Ed-Fi sample, or its changed copy) as the REST
binding's JSON: references as objects, lists as arrays, a 1.2 user's roles inside the user. It
signs people in as a real provider does — OAuth 2 client credentials (HTTP Basic at `/token`, a
bearer token that expires when the test says so) or OAuth 1.0a (the HMAC-SHA256 signature checked
with oauthlib) — pages with `limit`/`offset`, `X-Total-Count` and a `Link` header, filters on
`dateLastModified>'…'`, and injects the failures the tests need: a 429 with `Retry-After`, a 500
on a given page.
"""

from __future__ import annotations

import base64
import csv
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1.rfc5849 import signature, utils

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "edfi-lms-toolkit-1.1"
CHANGED = DATA / "oneroster-rest-changed"
# The sample leaves dateLastModified empty: the service says when it last changed everything.
BASE_MODIFIED = "2026-01-01T00:00:00Z"
CLIENT_ID = "coachmap-test"
SECRET = "s3cret-for-tests"
PREFIX = {"1.1": "/ims/oneroster/v1p1", "1.2": "/ims/oneroster/rostering/v1p2"}

REFS = {  # CSV column → (JSON key, is a list, the referenced type)
    "parentSourcedId": ("parent", False, "org"),
    "schoolYearSourcedId": ("schoolYear", False, "academicSession"),
    "orgSourcedId": ("org", False, "org"),
    "courseSourcedId": ("course", False, "course"),
    "schoolSourcedId": ("school", False, "org"),
    "termSourcedIds": ("terms", True, "academicSession"),
    "orgSourcedIds": ("orgs", True, "org"),
    "agentSourcedIds": ("agents", True, "user"),
    "classSourcedId": ("class", False, "class"),
    "userSourcedId": ("user", False, "user"),
}
LISTS = {"grades", "subjects", "subjectCodes", "periods"}


def _ref(sid: str, kind: str) -> dict[str, str]:
    return {"href": f"/{kind}s/{sid}", "sourcedId": sid, "type": kind}


def record_of(file: str, row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as the REST binding's JSON record."""
    record: dict[str, Any] = {}
    for column, value in row.items():
        if column is None:
            continue  # stray empty fields past the header (the sample's teachers have one)
        if column in REFS:
            key, many, kind = REFS[column]
            if file == "academicSessions" and column == "parentSourcedId":
                kind = "academicSession"
            if many:
                record[key] = [_ref(v, kind) for v in value.split(",") if v]
            elif value:
                record[key] = _ref(value, kind)
        elif column in LISTS:
            record[column] = [v for v in value.split(",") if v]
        elif column == "userIds":
            record[column] = [
                {"type": t, "identifier": i} for t, i in re.findall(r"\{([^:}]*):([^}]*)\}", value)
            ]
        elif column.startswith("metadata."):
            record.setdefault("metadata", {})[column.removeprefix("metadata.")] = value
        else:
            record[column] = value
    record["status"] = record.get("status") or "active"
    record["dateLastModified"] = record.get("dateLastModified") or BASE_MODIFIED
    return record


def load(folder: Path, version: str) -> dict[str, list[dict[str, Any]]]:
    collections: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.csv")):
        if path.stem == "manifest":
            continue
        with open(path, newline="", encoding="utf-8-sig") as f:
            collections[path.stem] = [record_of(path.stem, row) for row in csv.DictReader(f)]
    if version == "1.2":
        for user in collections.get("users", []):
            # 1.2 keeps a user's roles inside the user; its orgs and role fields are gone.
            orgs = user.pop("orgs", [])
            role = user.pop("role", "")
            user["roles"] = [{"roleType": "primary", "role": role, "org": org} for org in orgs]
            if orgs:
                user["primaryOrg"] = orgs[0]
    return collections


@dataclass
class Service:
    """What the service serves and how it misbehaves; the tests change it between runs."""

    folder: Path = SAMPLE
    version: str = "1.1"
    oauth: str = "oauth2"
    paging: str = "link"  # "link", "total" (X-Total-Count only) or "none" (full pages mean more)
    max_limit: int = 1000
    rate_limit: set[tuple[str, int]] = field(default_factory=set)  # (collection, page) → one 429
    fail: set[tuple[str, int]] = field(default_factory=set)  # (collection, page) → 500
    expire_after: int | None = None  # a token stops working after this many requests
    not_offered: set[str] = field(default_factory=set)
    tokens: dict[str, int] = field(default_factory=dict)  # token → requests served with it
    log: list[str] = field(default_factory=list)  # "GET users offset=3", "POST /token", "429 users 2"
    filters: list[str] = field(default_factory=list)

    def data(self) -> dict[str, list[dict[str, Any]]]:
        return load(self.folder, self.version)


class Server:
    """The service on 127.0.0.1 in a thread, for one test."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.httpd: WSGIServer = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    @property
    def base_url(self) -> str:
        return self.root + PREFIX[self.service.version]

    @property
    def token_url(self) -> str:
        return self.root + "/token"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- the WSGI application ---

    def app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ["REQUEST_METHOD"]
        if path == "/token" and method == "POST":
            return self._token(environ, start_response)
        prefix = PREFIX[self.service.version]
        if method != "GET" or not path.startswith(prefix + "/"):
            return _json(start_response, "404 Not Found", {"error": "no such address"})
        name = path.removeprefix(prefix + "/")
        refused = self._signed_in(environ)
        if refused:
            return _json(start_response, "401 Unauthorized", {"imsx_description": refused})
        return self._collection(name, environ, start_response)

    def _token(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.service.log.append("POST /token")
        basic = environ.get("HTTP_AUTHORIZATION", "")
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = parse_qs(environ["wsgi.input"].read(length).decode())
        if basic != expected or form.get("grant_type") != ["client_credentials"]:
            return _json(start_response, "401 Unauthorized", {"error": "invalid_client"})
        token = secrets.token_urlsafe(16)
        self.service.tokens[token] = 0
        return _json(
            start_response, "200 OK", {"access_token": token, "token_type": "bearer", "expires_in": 3600}
        )

    def _signed_in(self, environ: dict[str, Any]) -> str:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if self.service.oauth == "oauth1":
            return "" if _oauth1_valid(environ, header) else "bad OAuth 1.0a signature"
        token = header.removeprefix("Bearer ").strip()
        if token not in self.service.tokens:
            return "unknown token"
        limit = self.service.expire_after
        if limit is not None and self.service.tokens[token] >= limit:
            self.service.log.append("401 expired")
            return "token expired"
        self.service.tokens[token] += 1
        return ""

    def _collection(self, name: str, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        service = self.service
        if name in service.not_offered:
            return _json(start_response, "404 Not Found", {"error": "not offered"})
        data = service.data()
        if name not in data:
            return _json(start_response, "404 Not Found", {"error": "not offered"})
        query = parse_qs(environ.get("QUERY_STRING", ""))
        limit = min(int(query.get("limit", ["100"])[0]), service.max_limit)
        offset = int(query.get("offset", ["0"])[0])
        page = offset // limit + 1 if limit else 1
        service.log.append(f"GET {name} offset={offset}")
        if (name, page) in service.rate_limit:
            service.rate_limit.discard((name, page))
            service.log.append(f"429 {name} {page}")
            return _json(
                start_response, "429 Too Many Requests", {"error": "slow down"}, [("Retry-After", "0")]
            )
        if (name, page) in service.fail:
            service.log.append(f"500 {name} {page}")
            return _json(start_response, "500 Internal Server Error", {"error": "the service broke"})
        records = data[name]
        for text in query.get("filter", []):
            service.filters.append(text)
            match = re.fullmatch(r"dateLastModified>'([^']*)'", text)
            if match is None:
                return _json(start_response, "400 Bad Request", {"error": f"cannot filter on {text}"})
            records = [r for r in records if r["dateLastModified"] > match.group(1)]
        chunk = records[offset : offset + limit]
        headers: list[tuple[str, str]] = []
        if service.paging in ("link", "total"):
            headers.append(("X-Total-Count", str(len(records))))
        if service.paging == "link" and offset + limit < len(records):
            following = {**{k: v[0] for k, v in query.items()}, "offset": str(offset + limit)}
            url = f"{PREFIX[service.version]}/{name}?{urlencode(following)}"
            headers.append(("Link", f'<{url}>; rel="next"'))
        return _json(start_response, "200 OK", {name: chunk}, headers)


def _oauth1_valid(environ: dict[str, Any], header: str) -> bool:
    """Check an OAuth 1.0a HMAC-SHA256 signature as the provider would (oauthlib's own check)."""
    if not header.startswith("OAuth "):
        return False
    host = environ.get("HTTP_HOST", "127.0.0.1")
    query = environ.get("QUERY_STRING", "")
    uri = f"http://{host}{environ.get('PATH_INFO', '')}" + (f"?{query}" if query else "")
    request = OAuthRequest(uri, http_method="GET", headers={"Authorization": header})
    params = signature.collect_parameters(
        uri_query=query, headers=request.headers, exclude_oauth_signature=True
    )
    request.params = params
    oauth = {k: utils.unescape(v) for k, v in utils.parse_authorization_header(header)}
    request.signature = oauth.get("oauth_signature", "")
    if oauth.get("oauth_consumer_key") != CLIENT_ID or oauth.get("oauth_signature_method") != "HMAC-SHA256":
        return False
    return signature.verify_hmac_sha256(request, SECRET)


def _json(
    start_response: Any, status: str, body: Any, headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *(headers or [])]
    )
    return [data]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None
