"""Every page a role reaches from home and the menu, read as that role (issue 17).

Two promises: every link shown to a role opens for that role (200, never a 403 or 404 behind a
link), and the visible text speaks the words a person uses (no `snake_case`, no model class
names). The crawl starts at home, follows every link on it (the menu is on every page) and then
every link on those pages: two levels, within the site.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.test import Client

from tests.conftest import World

ROLES = ["teacher", "coach", "lead", "principal", "admin"]
# Not pages of the product: Django's own admin (its words are Django's), the API's machine docs,
# files to download, and sign-out (a form, never followed).
SKIP = re.compile(r"^/(admin|api|static|media)/|/export/|\.csv$|/download/|/accounts/logout/")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
MODEL_NAMES = frozenset(
    m.__name__
    for m in apps.get_models()
    if m.__module__.startswith("coachmap.") and re.search(r"[a-z][A-Z]", m.__name__)
)
CAMEL = re.compile(r"\b(" + "|".join(sorted(MODEL_NAMES)) + r")\b")


class _Page(HTMLParser):
    """The links and the visible text of a page (no tags, scripts, styles or attribute values)."""

    INVISIBLE = frozenset({"script", "style", "template", "title", "head"})

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.INVISIBLE:
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.INVISIBLE and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def _read(client: Client, url: str) -> tuple[int, _Page]:
    response = client.get(url)
    page = _Page()
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        page.feed(response.content.decode())
    return response.status_code, page


def _internal(href: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not href.startswith("/") or SKIP.search(parts.path):
        return None
    return href


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


def crawl(client: Client, depth: int = 2, per_shape: int = 3) -> dict[str, tuple[int, _Page, str]]:
    """url → (status, page, the page that linked to it), breadth first from home.

    At most `per_shape` pages of one shape (`/cycles/N/`) are read: a role's right to a page
    depends on the route, and a demo district links hundreds of teachers' pages.
    """
    seen: dict[str, tuple[int, _Page, str]] = {}
    shapes: dict[str, int] = {}
    frontier = [("/", "(start)")]
    for _ in range(depth + 1):
        following = []
        for url, source in frontier:
            if url in seen or shapes.get(_shape(url), 0) >= per_shape:
                continue
            shapes[_shape(url)] = shapes.get(_shape(url), 0) + 1
            status, page = _read(client, url)
            seen[url] = (status, page, source)
            following += [
                (link, url) for href in page.links if (link := _internal(href)) and link not in seen
            ]
        frontier = following
    return seen


@pytest.mark.parametrize("role", ROLES)
def test_every_link_shown_to_a_role_opens_for_that_role(world: World, role: str) -> None:
    pages = crawl(world.client(role))
    assert len(pages) > 5, f"the crawl for {role} found almost nothing"
    broken = [
        f"{url} answers {status} (linked from {source})"
        for url, (status, _, source) in pages.items()
        if status != 200
    ]
    assert not broken, f"Links shown to the {role} that do not open for them:\n" + "\n".join(broken)


@pytest.mark.parametrize("role", ROLES)
def test_pages_speak_a_persons_words_not_code_names(world: World, role: str) -> None:
    problems = []
    for url, (status, page, _) in crawl(world.client(role)).items():
        if status != 200:
            continue
        text = " ".join(" ".join(page.text).split())
        for word in sorted(set(SNAKE.findall(text)) | set(CAMEL.findall(text))):
            at = text.find(word)
            problems.append(f"{url}: “{word}” in “…{text[max(0, at - 50) : at + 50]}…”")
    assert not problems, f"Code names shown to the {role}:\n" + "\n".join(problems)


def test_in_the_demo_district_every_role_reaches_working_pages_in_plain_words(db: None) -> None:
    """The same two promises over the demo district, where every page has something to show."""
    import datetime

    from coachmap.core.models import User
    from coachmap.demo.generate import Generator
    from coachmap.demo.profiles import PROFILES

    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    problems = []
    for role in ROLES:
        client = Client()
        client.force_login(User.objects.get(username=role))
        for url, (status, page, source) in crawl(client).items():
            if status != 200:
                problems.append(f"{role}: {url} answers {status} (linked from {source})")
                continue
            text = " ".join(" ".join(page.text).split())
            problems += [
                f"{role}: {url} shows “{word}”"
                for word in sorted(set(SNAKE.findall(text)) | set(CAMEL.findall(text)))
            ]
    assert not problems, "\n".join(problems)
