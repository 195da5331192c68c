"""Small helpers for writing sentences from labels."""

from __future__ import annotations

# Words spelled with a vowel but said with a consonant sound, and the reverse.
_CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "eu", "ute")
_VOWEL_SOUND = ("hour", "honest", "honor", "heir")


def article(word: str) -> str:
    """ "a" or "an" for the word that follows: "an exemplar", "a rubric", "an hour", "a unit"."""
    lower = word.strip().lower()
    if lower.startswith(_VOWEL_SOUND):
        return "an"
    if lower.startswith(_CONSONANT_SOUND):
        return "a"
    return "an" if lower[:1] in "aeiou" and lower else "a"


def with_article(word: str, *, capital: bool = False) -> str:
    """The word with its article: with_article("exemplar") == "an exemplar"."""
    a = article(word)
    return f"{a.capitalize() if capital else a} {word}"
