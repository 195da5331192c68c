"""What may be uploaded to the library, and how it may be served.

An upload is accepted only when its extension is on the list *and* its first bytes look like that
type (a renamed program is refused). Only PDF, images and plain text may open in the browser;
everything else is served as a download, and every file goes out with
`X-Content-Type-Options: nosniff`, so nothing uploaded ever runs in the browser.

Plain functions; no database access.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    inline: bool
    magic: tuple[bytes, ...]
    """Accepted beginnings of the file; empty means "text": no NUL bytes in the first block."""


_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", True, (b"%PDF-",)),
    "png": FileType("image/png", True, (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", True, (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", True, (b"\xff\xd8\xff",)),
    "txt": FileType("text/plain; charset=utf-8", True, ()),
    "csv": FileType("text/csv; charset=utf-8", False, ()),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False, _ZIP),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", False, _ZIP
    ),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False, _ZIP),
    "odt": FileType("application/vnd.oasis.opendocument.text", False, _ZIP),
    "odp": FileType("application/vnd.oasis.opendocument.presentation", False, _ZIP),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", False, _ZIP),
    "doc": FileType("application/msword", False, _OLE),
    "ppt": FileType("application/vnd.ms-powerpoint", False, _OLE),
    "xls": FileType("application/vnd.ms-excel", False, _OLE),
    "mp4": FileType("video/mp4", False, ()),
}
# An MP4 has "ftyp" at byte 4, checked separately.


class FileRejected(ValueError):
    """The upload is refused; the message says why and what to do."""


def clean_name(name: str) -> str:
    """A file name safe to show and to put in a Content-Disposition header."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w.\- ()]+", "_", base).strip(" ._") or "file"
    return base[:150]


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].casefold() if "." in name else ""


def check_upload(name: str, size: int, head: bytes) -> FileType:
    """The file's type when the upload is acceptable; raises FileRejected otherwise."""
    allowed = ", ".join(sorted(TYPES))
    ext = extension(name)
    if ext not in TYPES:
        raise FileRejected(f"“{clean_name(name)}” is not a file type the library takes. Allowed: {allowed}.")
    if size <= 0:
        raise FileRejected(f"“{clean_name(name)}” is empty.")
    if size > MAX_BYTES:
        raise FileRejected(
            f"“{clean_name(name)}” is {size / (1024 * 1024):.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB. "
            "Share large videos as a link instead."
        )
    kind = TYPES[ext]
    if ext == "mp4":
        looks_right = head[4:8] == b"ftyp"
    elif kind.magic:
        looks_right = head.startswith(kind.magic)
    else:
        looks_right = b"\x00" not in head
    if not looks_right:
        raise FileRejected(
            f"“{clean_name(name)}” does not look like a .{ext} file; upload the original file."
        )
    return kind


def served_as(content_type: str) -> tuple[str, bool]:
    """(Content-Type, inline?) for a stored file; unknown types go out as a download of bytes."""
    for kind in TYPES.values():
        if kind.content_type == content_type:
            return kind.content_type, kind.inline
    return "application/octet-stream", False
