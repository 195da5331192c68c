"""Library tags, file checks and suggestions: the parts that need no database."""

from __future__ import annotations

import pytest

from coachmap.library import files, suggest, tags


def test_tool_names_compare_by_one_spelling() -> None:
    assert tags.normalise("  Google   Classroom™ ") == "google classroom"
    # Kept as named (the first spelling wins), compared by key.
    assert tags.tag_list("Lexia, lexia , Desmos,,") == ["Lexia", "Desmos"]
    assert tags.tag_list(["Seesaw", "SEESAW"]) == ["Seesaw"]
    assert tags.tag_list(["  Google   Classroom "]) == ["Google Classroom"]
    assert tags.has_tag(["Google Classroom"], "google classroom™")
    assert tags.search_text("Title", ["a", " b "], "") == "Title a b"


@pytest.mark.parametrize(
    ("name", "head", "content_type", "inline"),
    [
        ("rubric.pdf", b"%PDF-1.7\n", "application/pdf", True),
        ("photo.JPG", b"\xff\xd8\xff\xe0", "image/jpeg", True),
        ("notes.txt", b"Plain words", "text/plain; charset=utf-8", True),
        ("plan.docx", b"PK\x03\x04rest", files.TYPES["docx"].content_type, False),
        ("case.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4", False),
    ],
)
def test_allowed_files_and_how_they_are_served(
    name: str, head: bytes, content_type: str, inline: bool
) -> None:
    kind = files.check_upload(name, 1000, head)
    assert (kind.content_type, kind.inline) == (content_type, inline)
    assert files.served_as(kind.content_type) == (content_type, inline)


@pytest.mark.parametrize(
    ("name", "size", "head", "message"),
    [
        ("setup.exe", 10, b"MZ", "not a file type the library takes"),
        ("page.html", 10, b"<html>", "not a file type the library takes"),
        ("drawing.svg", 10, b"<svg>", "not a file type the library takes"),
        ("script.js", 10, b"alert(1)", "not a file type the library takes"),
        ("rubric.pdf", 10, b"MZ\x90\x00", "does not look like a .pdf file"),
        ("plan.docx", 10, b"%PDF-", "does not look like a .docx file"),
        ("notes.txt", 10, b"bin\x00ary", "does not look like a .txt file"),
        ("empty.pdf", 0, b"", "is empty"),
        ("huge.pdf", files.MAX_BYTES + 1, b"%PDF-", "the limit is 25 MB"),
    ],
)
def test_refused_uploads_say_why(name: str, size: int, head: bytes, message: str) -> None:
    with pytest.raises(files.FileRejected, match=message):
        files.check_upload(name, size, head)


def test_unknown_stored_types_go_out_as_bytes_to_download() -> None:
    assert files.served_as("text/html") == ("application/octet-stream", False)


def test_file_names_are_cleaned() -> None:
    assert files.clean_name("C:\\Users\\x\\..\\Rubric <final>.pdf") == "Rubric _final_.pdf"
    assert files.clean_name("../../etc/passwd") == "passwd"
    assert files.clean_name('a"b\r\nc.pdf') == "a_b_c.pdf"
    assert files.clean_name("...") == "file"


def test_suggestions_score_goal_tools_practice_subject_and_grades_with_reasons() -> None:
    cycle = suggest.CycleTags(
        goal_id=7, subject="ela", tools=["lexia", "seesaw"], practice="small-group rotations", grades=[3]
    )
    best = suggest.fit(
        cycle,
        suggest.ResourceTags(
            goal_ids=[7],
            subjects=["ela"],
            tools=["lexia"],
            practices=["small-group rotations"],
            grades=[3, 4],
        ),
    )
    assert best.score == 4 + 3 + 3 + 1 + 1
    assert best.reasons == (
        "tagged with this school goal",
        "uses lexia",
        "about small-group rotations",
        "same subject",
        "same grades",
    )
    unrelated = suggest.fit(
        cycle,
        suggest.ResourceTags(goal_ids=[], subjects=["math"], tools=["desmos"], practices=[], grades=[8]),
    )
    assert unrelated == suggest.Fit(0, ())


def test_a_shared_tool_is_named_as_the_resource_names_it() -> None:
    found = suggest.fit(
        suggest.CycleTags(goal_id=None, subject="", tools=["lexia"], practice="", grades=[]),
        suggest.ResourceTags(goal_ids=[], subjects=[], tools=["Lexia"], practices=[], grades=[]),
    )
    assert found.reasons == ("uses Lexia",)
