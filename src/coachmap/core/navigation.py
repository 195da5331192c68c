"""The main menu, defined once: which pages each role reaches, grouped the way people think.

Roles are data here as everywhere: a link names the roles it is for, and the menu a person sees
is the union over the roles they hold. Templates render what `menu_for` returns and never compare
role names. Whether a page may be *opened* is still decided by the page itself (`core.access`);
a menu link only saves a search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from coachmap.core.models import Role

T, C, L, P, A = Role.TEACHER, Role.COACH, Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class Section:
    label: str
    links: tuple[Link, ...]


def _link(label: str, url_name: str, *roles: Role) -> Link:
    return Link(label, url_name, frozenset(roles) or EVERYONE)


SECTIONS: tuple[Section, ...] = (
    Section(
        "My coaching",
        (
            _link("My goals", "coaching:my-goals", T),
            _link("My intake", "coaching:intake", T),
        ),
    ),
    Section(
        "Coaching",
        (
            _link("Caseload", "coaching:caseload", C),
            _link("Micro-coaching", "coaching:micro", C),
            _link("My time", "coaching:time-week", C),
            _link("My profile", "coaching:coach-profile", C),
            _link("Look-fors", "coaching:look-fors", C, L),
        ),
    ),
    Section(
        "Coaching program",
        (
            _link("Requests", "coaching:requests", L),
            _link("Matching", "coaching:rounds", L),
            _link("Caseloads", "coaching:caseloads", L),
            _link("Referrals", "coaching:referrals", L),
            _link("Team time", "coaching:time-team", L),
            _link("Routing policy", "coaching:policy", L, A),
        ),
    ),
    Section(
        "Progress",
        (
            _link("Coaching trends", "reports:coaching-trends", P, L, A),
            _link("Quadrants", "coaching:quadrants", P, L, A),
            _link("Impact", "reports:impact", C, L, A),
            _link("Surveys", "feedback:surveys", T, L, P, A),
        ),
    ),
    Section(
        "Shared",
        (
            _link("Library", "library:index"),
            _link("Agreements", "coaching:agreements"),
            _link("Notifications", "coaching:notifications"),
        ),
    ),
    Section(
        "District",
        (
            _link("Schools compared", "improvement:district", A),
            _link("District needs", "improvement:district-needs", A),
            _link("Import data", "roster:imports", L, A),
            _link("Settings", "district-settings", A),
            _link("Admin", "admin:index", A),
        ),
    ),
)


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class MenuSection:
    label: str
    links: tuple[MenuLink, ...]


SCHOOL_LINKS: tuple[tuple[str, str], ...] = (
    ("What our data say", "improvement:school"),
    ("Prioritised needs", "improvement:needs"),
    ("Technology map", "improvement:techmap"),
)


def _school_sections(led_schools: Sequence[tuple[int, str]], current_path: str) -> list[MenuSection]:
    """A section per school the person leads as principal: where a principal starts."""
    sections = []
    for school_id, name in led_schools:
        links = []
        for label, url_name in SCHOOL_LINKS:
            try:
                url = reverse(url_name, kwargs={"school_id": school_id})
            except NoReverseMatch:  # a page not installed in this deployment
                continue
            links.append(MenuLink(label, url, current_path == url))
        if links:
            sections.append(MenuSection("My school" if len(led_schools) == 1 else name, tuple(links)))
    return sections


def menu_for(
    roles: Iterable[Role], current_path: str = "", led_schools: Sequence[tuple[int, str]] = ()
) -> list[MenuSection]:
    """The sections and links for someone holding `roles`; `current` marks the page they are on.

    `led_schools` are the (id, name) of schools the person is principal of.
    """
    held = set(roles)
    if not held:
        return []
    menu = _school_sections(led_schools, current_path)
    for section in SECTIONS:
        links = []
        for link in section.links:
            if not link.roles & held:
                continue
            try:
                url = reverse(link.url_name)
            except NoReverseMatch:  # a page not installed in this deployment
                continue
            links.append(MenuLink(link.label, url, current_path == url))
        if links:
            menu.append(MenuSection(section.label, tuple(links)))
    return menu
