"""Articles in generated sentences: "an exemplar", never "A exemplar"."""

from __future__ import annotations

import pytest

from coachmap.core.words import article, with_article


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("exemplar", "an"),
        ("open", "an"),
        ("rubric", "a"),
        ("lesson plan", "a"),
        ("video case study", "a"),
        ("hour", "an"),
        ("unit", "a"),
        ("Exemplar", "an"),
    ],
)
def test_the_article_follows_the_sound(word: str, expected: str) -> None:
    assert article(word) == expected


def test_a_sentence_starts_with_a_capital_article() -> None:
    assert with_article("exemplar", capital=True) == "An exemplar"
    assert with_article("rubric") == "a rubric"


def test_the_demo_library_never_says_a_exemplar() -> None:
    from coachmap.demo import work

    sentences = [f"{with_article(word.lower(), capital=True)} for" for word in work.KIND_WORDS.values()]
    assert "An exemplar for" in sentences and "A rubric for" in sentences
