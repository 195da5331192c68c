"""What the REST service returned, written as the OneRoster CSV bundle the file import reads.

The REST binding carries the same records as the CSV binding, shaped as JSON: a reference is an
object (`"course": {"sourcedId": …}`), a list is an array (`"grades": ["09"]`), OneRoster 1.2
puts a user's roles inside the user. `write_bundle` writes one CSV per collection with the CSV
binding's header (`oneroster.spec`) and a manifest: `bulk` for a full sync (what the service
no longer has is removed, as with a bulk file), `delta` for the changes since the last sync
(rows marked `tobedeleted` are removed, the rest merged onto what the district holds). A
collection with no changes is `absent`. Pure: no ORM, no HTTP.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from coachmap.roster.importers.oneroster import spec

# The collections a sync reads, in the order the import reads their files.
COLLECTIONS = ("orgs", "academicSessions", "courses", "classes", "users", "enrollments", "demographics")

Record = dict[str, Any]


def _ref(value: Any) -> str:
    """The sourcedId of a reference object (or a bare id)."""
    if isinstance(value, dict):
        return str(value.get("sourcedId") or "")
    return "" if value is None else str(value)


def _refs(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_ref(v) for v in value if _ref(v))
    return _ref(value)


def _list(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _user_ids(value: Any) -> str:
    """[{type, identifier}] → "{type:identifier},…", the CSV binding's form."""
    if not isinstance(value, list):
        return _text(value)
    return ",".join(
        f"{{{_text(v.get('type'))}:{_text(v.get('identifier'))}}}" for v in value if isinstance(v, dict)
    )


# For each CSV column that is not a plain field of the same name: how to get it from a record.
SPECIAL: dict[str, Callable[[Record], str]] = {
    "parentSourcedId": lambda r: _ref(r.get("parent")),
    "schoolYearSourcedId": lambda r: (
        _ref(r.get("schoolYear")) if isinstance(r.get("schoolYear"), dict) else ""
    ),
    "orgSourcedId": lambda r: _ref(r.get("org")),
    "courseSourcedId": lambda r: _ref(r.get("course")),
    "schoolSourcedId": lambda r: _ref(r.get("school")),
    "termSourcedIds": lambda r: _refs(r.get("terms")),
    "orgSourcedIds": lambda r: _refs(r.get("orgs")),
    "agentSourcedIds": lambda r: _refs(r.get("agents")),
    "classSourcedId": lambda r: _ref(r.get("class")),
    "userSourcedId": lambda r: _ref(r.get("user")),
    "primaryOrgSourcedId": lambda r: _ref(r.get("primaryOrg")),
    "resourceSourcedIds": lambda r: _refs(r.get("resources")),
    "userIds": lambda r: _user_ids(r.get("userIds")),
}
LISTS = {"grades", "subjects", "subjectCodes", "periods"}


def row_of(record: Record, header: list[str]) -> list[str]:
    """One record as the cells of a CSV row under `header`."""
    cells = []
    for column in header:
        if column in SPECIAL:
            cells.append(SPECIAL[column](record))
        elif column == "schoolYear":
            # academicSessions: a year; a course's schoolYear is a reference (above).
            cells.append(_text(record.get("schoolYear")))
        elif column in LISTS:
            cells.append(_list(record.get(column)))
        elif column.startswith("metadata."):
            cells.append(_text((record.get("metadata") or {}).get(column.removeprefix("metadata."))))
        else:
            cells.append(_text(record.get(column)))
    return cells


def roles_of(users: Iterable[Record]) -> list[Record]:
    """OneRoster 1.2: the roles inside each user, as the records of roles.csv."""
    roles = []
    for user in users:
        for index, role in enumerate(user.get("roles") or []):
            if not isinstance(role, dict):
                continue
            roles.append(
                {
                    "sourcedId": f"{user.get('sourcedId')}-role-{index + 1}",
                    "status": user.get("status", ""),
                    "dateLastModified": user.get("dateLastModified", ""),
                    "user": {"sourcedId": user.get("sourcedId")},
                    "roleType": role.get("roleType", ""),
                    "role": role.get("role", ""),
                    "beginDate": role.get("beginDate", ""),
                    "endDate": role.get("endDate", ""),
                    "org": role.get("org"),
                    "userProfileSourcedId": _ref(role.get("userProfile")),
                }
            )
    return roles


def write_bundle(
    folder: Path, *, version: str, delta: bool, collections: dict[str, list[Record] | None]
) -> dict[str, str]:
    """Write the bundle into `folder`; returns the manifest's file modes. A collection given as
    None was not offered by the service (left absent)."""
    headers = spec.HEADERS_12 if version == "1.2" else spec.HEADERS_11
    files: dict[str, list[Record] | None] = dict(collections)
    if version == "1.2" and files.get("users") is not None:
        files["roles"] = roles_of(files["users"] or [])
    modes: dict[str, str] = {}
    for name in spec.FILES:
        records = files.get(name)
        if records is None or (delta and not records):
            modes[name] = "absent"
            continue
        modes[name] = "delta" if delta else "bulk"
        header = headers[name]
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for record in records:
                writer.writerow(row_of(record, header))
    with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["propertyName", "value"])
        writer.writerow(["manifest.version", "1.0"])
        writer.writerow(["oneroster.version", version])
        for name, mode in modes.items():
            writer.writerow([f"file.{name}", mode])
    return modes


def latest_change(collections: dict[str, list[Record] | None]) -> str:
    """The newest dateLastModified among the records: where the next delta starts."""
    stamps = [
        str(r.get("dateLastModified"))
        for records in collections.values()
        for r in records or []
        if r.get("dateLastModified")
    ]
    return max(stamps, default="")
