"""Reading what a district uploads: a zip, a folder or one CSV file, streamed row by row.

Files are never read into memory whole: rows come one at a time from the csv module over a
decoding stream, so a 2 GB file needs no more memory than a small one. A UTF-8 byte-order mark,
CRLF line endings and a missing final newline are accepted; any other encoding is reported with
the row where the first undecodable byte sits.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from coachmap.roster.importers.report import Report

# One cell of any file coachmap reads: ids, names, dates, scores and notes are far shorter. A
# longer cell is refused with its row and column, and the reader never holds much more than
# this in memory: lines are read at most MAX_LINE characters at a time (`BoundedLines`).
MAX_FIELD = 65_536
MAX_LINE = 1 << 20
csv.field_size_limit(MAX_FIELD)

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PROGRESS_EVERY = 16384


class CellTooLong(Exception):
    """A cell (or a line) longer than the reader takes; `column` counts from 0 within the row."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__(f"line {line}, field {column + 1}")
        self.line = line
        self.column = column


class BoundedLines:
    """The lines of `text` for the csv module, each at most MAX_LINE characters: a longer line
    raises `CellTooLong` naming the field it was in, without reading the rest of it. `record`
    holds the text of the record being read (for locating a cell csv finds too long)."""

    def __init__(self, text: IO[str]) -> None:
        self._readline = text.readline
        self._open_quote = False  # the record so far has an odd number of quotes: a cell goes on
        self.line = 0
        self.record = ""

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        line = self._readline(MAX_LINE + 1)
        if not line:
            raise StopIteration
        self.line += 1
        self.record = self.record + line[:MAX_LINE] if self._open_quote else line[:MAX_LINE]
        self._open_quote ^= bool(line.count('"') & 1)
        if len(line) > MAX_LINE:
            raise CellTooLong(self.line, field_index(self.record))
        return line

    def too_long(self) -> CellTooLong:
        """The cell csv found longer than MAX_FIELD: the last one begun in the current record."""
        return CellTooLong(self.line, field_index(self.record))


def field_index(record: str) -> int:
    """Which field (from 0) of a partly read CSV record is the first longer than MAX_FIELD, or,
    when none is yet, the field its end is in. Doubled quotes count twice and so cancel out."""
    index, quoted, length = 0, False, 0
    for char in record:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            index, length = index + 1, 0
            continue
        length += 1
        if length > MAX_FIELD:
            return index
    return index


def is_too_long(exc: csv.Error) -> bool:
    return "field larger than field limit" in str(exc)


class Source:
    """The files of an upload, by base name (a zip's inner folders are looked through)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}
        if self.path.is_dir():
            for child in sorted(self.path.iterdir()):
                if child.is_file():
                    self._members[child.name] = str(child)
        elif zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            for info in self._zip.infolist():
                if not info.is_dir() and not Path(info.filename).name.startswith("."):
                    self._members.setdefault(Path(info.filename).name, info.filename)
        elif self.path.is_file():
            self._members[self.path.name] = str(self.path)
        else:
            raise FileNotFoundError(f"{self.path} is not a file, a folder or a zip")

    @property
    def name(self) -> str:
        return self.path.name

    def names(self) -> list[str]:
        return list(self._members)

    def find(self, name: str) -> str | None:
        """The member called `name`, matching case only if there is no exact match."""
        if name in self._members:
            return name
        lowered = {n.lower(): n for n in self._members}
        return lowered.get(name.lower())

    def open(self, name: str) -> IO[bytes]:
        member = self._members[name]
        if self._zip is not None:
            return self._zip.open(member)
        return open(member, "rb")

    def size(self, name: str) -> int:
        member = self._members[name]
        if self._zip is not None:
            return self._zip.getinfo(member).file_size
        return os.path.getsize(member)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Table:
    """One CSV file of a source: its header, then its rows as (row number, cells).

    Problems with the file itself (empty, wrong encoding, a row with the wrong number of
    fields, broken quoting) go to the report; such rows are not yielded.
    """

    def __init__(
        self, source: Source, name: str, report: Report, progress: Progress | None = None, *, label: str = ""
    ) -> None:
        self.source = source
        self.name = name
        self.report = report
        self.progress = progress
        self.label = label or name
        self.header: list[str] | None = None
        self.rows_read = 0
        self._binary = source.open(name)
        self._size = source.size(name)
        head = self._binary.read(4)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            report.problem(
                name, 1, "", "", "wrong encoding: the file is UTF-16; save it as UTF-8 (CSV UTF-8)"
            )
            return
        self._text = io.TextIOWrapper(
            io.BufferedReader(_Prefixed(head, self._binary), buffer_size=1 << 16),
            encoding="utf-8-sig",
            newline="",
            errors="strict",
        )
        self._lines = BoundedLines(self._text)
        self._reader = csv.reader(self._lines, strict=True)
        try:
            first = next(self._reader, None)
        except (UnicodeDecodeError, csv.Error, CellTooLong) as exc:
            self._broken(exc)
            return
        if first is None or not any(cell.strip() for cell in first):
            report.problem(
                name, 1 if first is not None else None, "", "", "the file is empty: it needs a header row"
            )
            return
        self.header = [cell.strip() for cell in first]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        if self.header is None:
            return
        width = len(self.header)
        reader = self._reader
        report = self.report
        name = self.name
        count = 0
        padded = 0
        try:
            for cells in reader:
                count += 1
                if len(cells) != width:
                    if not cells or (len(cells) == 1 and not cells[0]):
                        continue  # a blank line
                    if len(cells) > width and not any(c.strip() for c in cells[width:]):
                        # Real exports end some rows with stray empty fields; nothing is lost.
                        padded += 1
                        yield reader.line_num, cells[:width]
                        continue
                    few = "few" if len(cells) < width else "many"
                    report.problem(
                        name,
                        reader.line_num,
                        "",
                        ",".join(cells),
                        f"too {few} fields: the row has {len(cells)}, the header has {width}",
                    )
                    continue
                yield reader.line_num, cells
                if self.progress is not None and count % PROGRESS_EVERY == 0:
                    self.progress(self.label, self._binary_position(), self._size)
        except (UnicodeDecodeError, csv.Error, CellTooLong) as exc:
            self._broken(exc)
        finally:
            if padded:
                report.warn(
                    name,
                    None,
                    "",
                    "",
                    f"{padded:,} rows end with empty fields beyond the header; they were ignored",
                )
            self.rows_read = count
            report.rows_read[name] = report.rows_read.get(name, 0) + count
            if self.progress is not None:
                self.progress(self.label, self._size, self._size)
            self.close()

    def _binary_position(self) -> int:
        try:
            return self._binary.tell()
        except (OSError, ValueError):
            return 0

    def _broken(self, exc: Exception) -> None:
        if isinstance(exc, csv.Error) and is_too_long(exc):
            exc = self._lines.too_long()
        if isinstance(exc, CellTooLong):
            header = self.header or []
            column = header[exc.column] if exc.column < len(header) else f"field {exc.column + 1}"
            self.report.problem(
                self.name,
                exc.line,
                column,
                "",
                f"a cell is longer than {MAX_FIELD:,} characters, far more than any value coachmap reads: "
                "check that this is the right file and that its quotes are balanced (a missing closing "
                "quote runs one cell on to the end of the file)",
            )
        elif isinstance(exc, UnicodeDecodeError):
            row, byte = _first_undecodable_line(self.source, self.name)
            self.report.problem(
                self.name,
                row,
                "",
                "",
                f"wrong encoding: the byte 0x{byte:02X} is not UTF-8; save the file as UTF-8 (CSV UTF-8)",
            )
        else:
            line = getattr(self._reader, "line_num", None)
            self.report.problem(self.name, line, "", "", f"the file is not valid CSV: {exc}")

    def close(self) -> None:
        self._binary.close()


class _Prefixed(io.RawIOBase):
    """A binary stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _first_undecodable_line(source: Source, name: str) -> tuple[int | None, int]:
    with source.open(name) as binary:
        for number, line in enumerate(binary, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, line[exc.start]
    return None, 0
