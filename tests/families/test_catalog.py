"""The family report's message catalogs: the committed .mo is the .po compiled, every message is
translated, and the Spanish report shows no English (issue 15)."""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from coachmap.families import services
from tests.families.conftest import SPANISH_CONTACT, SPANISH_HELP, Families

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_every_language_but_english_has_a_catalog() -> None:
    codes = {p.parent.parent.name for p in CATALOGS}
    assert codes == {code for code, _ in settings.LANGUAGES} - {"en"}


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_the_committed_mo_matches_its_po(po_path: Path) -> None:
    """Read with polib and Python's own gettext, so a machine without GNU gettext checks it too."""
    po = polib.pofile(str(po_path))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]
    mo_path = po_path.with_suffix(".mo")
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            for n, form in entry.msgstr_plural.items():
                count = (
                    {0: 1, 1: 1_000_000, 2: 2}[n] if len(entry.msgstr_plural) == 3 else (1 if n == 0 else 2)
                )
                got = (
                    compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, count)
                    if entry.msgctxt
                    else compiled.ngettext(entry.msgid, entry.msgid_plural, count)
                )
                assert got == form, (entry.msgid, n)
        else:
            got = (
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else compiled.gettext(entry.msgid)
            )
            assert got == entry.msgstr, f"the .mo is stale for {entry.msgid!r}: run `make messages`"
    # And nothing in the .mo that the .po no longer has.
    compiled_ids = {key for key in compiled._catalog if key}  # noqa: SLF001 - the stdlib keeps it there
    po_ids = set()
    for entry in po.translated_entries():
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            po_ids |= {(msgid, n) for n in entry.msgstr_plural}
        else:
            po_ids.add(msgid)
    assert compiled_ids == po_ids


class _Text(HTMLParser):
    """The visible text nodes of a page (not inside <script>, <style> or <title>)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "title"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "title"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.nodes.append(text)


def _pattern(message: str) -> re.Pattern[str]:
    """A message with its placeholders (%(name)s, {name}) standing for any text."""
    parts = re.split(r"%\([a-z_]+\)s|\{[a-z_]+\}", " ".join(message.split()))
    return re.compile("^" + "(.+?)".join(re.escape(p) for p in parts) + "$")


def test_the_spanish_report_has_no_untranslated_string(families: Families) -> None:
    report = services.report_publish(actor=families.principal, report=families.report)
    po = polib.pofile(str(LOCALE / "es" / "LC_MESSAGES" / "django.po"))
    spanish, english = [], []
    for entry in po.translated_entries():
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        spanish += [_pattern(f) for f in forms]
        if entry.msgid not in forms:
            english += [_pattern(m) for m in (entry.msgid, entry.msgid_plural) if m]
    # Data: names and the principal's own Spanish words, and the language names of the switcher.
    data = {report.school.name, "Lexia", SPANISH_HELP, SPANISH_CONTACT, "English", "Español"}
    page = Client().get(reverse("families:public", args=[report.school_id, report.token]), {"lang": "es"})
    parser = _Text()
    parser.feed(page.content.decode())
    assert len(parser.nodes) > 20
    for node in parser.nodes:
        assert not any(p.match(node) for p in english), f"English on the Spanish page: {node!r}"
        assert node in data or any(p.match(node) for p in spanish), f"not from the catalog: {node!r}"
