"""The main menu, defined once: which pages each role reaches, grouped the way people think.

Roles are data here as everywhere: a link names the roles it is for, and the menu a person sees
is the union over the roles they hold. Templates render what `menu_for` returns and never compare
role names. Who may open a page is one table, `core.routes.ROUTE_ROLES`, which the pages' decorator
(`access.route_required`) reads too: a link shows exactly where it opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from coachmap.core.models import Role
from coachmap.core.routes import roles_for

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


def _link(label: str, url_name: str) -> Link:
    """A menu link for the roles that may open it (`core.routes`): any signed-in user's is everyone's."""
    return Link(label, url_name, roles_for(url_name) or EVERYONE)


SECTIONS: tuple[Section, ...] = (
    Section(
        "My coaching",
        (
            _link("My goals", "coaching:my-goals"),
            _link("My intake", "coaching:intake"),
        ),
    ),
    Section(
        "Coaching",
        (
            _link("Caseload", "coaching:caseload"),
            _link("Micro-coaching", "coaching:micro"),
            _link("Group cycles", "coaching:groups"),
            _link("My time", "coaching:time-week"),
            _link("My profile", "coaching:coach-profile"),
            _link("Look-fors", "coaching:look-fors"),
            _link("Walkthroughs", "program:walkthroughs"),
            _link("My growth", "program:growth"),
        ),
    ),
    Section(
        "Coaching program",
        (
            _link("Requests", "coaching:requests"),
            _link("Matching", "coaching:rounds"),
            _link("Caseloads", "coaching:caseloads"),
            _link("Referrals", "coaching:referrals"),
            _link("Team time", "coaching:time-team"),
            _link("Routing policy", "coaching:policy"),
            _link("Coach growth", "program:team-growth"),
            _link("Annual review", "program:reviews"),
        ),
    ),
    Section(
        "Progress",
        (
            _link("Coaching trends", "reports:coaching-trends"),
            _link("Quadrants", "coaching:quadrants"),
            _link("Impact", "reports:impact"),
            _link("Family reports", "families:index"),
            _link("Did it work?", "impact:index"),
            _link("Surveys", "feedback:surveys"),
            _link("Technology use by level", "program:framework-report"),
        ),
    ),
    Section(
        "Shared",
        (
            _link("Program vision", "program:vision"),
            _link("Look-for framework", "program:framework"),
            _link("Library", "library:index"),
            _link("Professional learning", "coaching:offerings"),
            _link("Agreements", "coaching:agreements"),
            _link("Check-ins", "coaching:principal-checkins"),
            _link("District goals", "improvement:district-goals"),
            _link("Notifications", "notifications:list"),
            _link("API tokens", "tokens:personal"),
        ),
    ),
    Section(
        "District",
        (
            _link("Schools compared", "improvement:district"),
            _link("District needs", "improvement:district-needs"),
            _link("People", "people:index"),
            _link("Import data", "roster:imports"),
            _link("Roster sync", "roster:sync"),
            _link("Webhooks", "notifications:webhooks"),
            _link("Settings", "district-settings"),
            _link("Sign-in", "signin:settings"),
            _link("Service accounts", "tokens:services"),
            _link("Admin", "admin:index"),
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


def _school_sections(
    led_schools: Sequence[tuple[int, str]], current_path: str, *, served: bool = False
) -> list[MenuSection]:
    """A section per school the person leads as principal (where a principal starts), or, with
    `served`, per school a coach serves (read-only: the same pages, without the principal's buttons)."""
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
            single = len(led_schools) == 1 and not served
            sections.append(MenuSection("My school" if single else name, tuple(links)))
    return sections


def menu_for(
    roles: Iterable[Role],
    current_path: str = "",
    led_schools: Sequence[tuple[int, str]] = (),
    served_schools: Sequence[tuple[int, str]] = (),
) -> list[MenuSection]:
    """The sections and links for someone holding `roles`; `current` marks the page they are on.

    `led_schools` are the (id, name) of schools the person is principal of; `served_schools` those
    a coach serves and does not also lead.
    """
    held = set(roles)
    if not held:
        return []
    menu = _school_sections(led_schools, current_path)
    menu += _school_sections(served_schools, current_path, served=True)
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
