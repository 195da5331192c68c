"""Plain-language summaries written from the dashboard's figures by fixed templates.

For one school and a period, or for the program as a whole: what the school is working on, what
moved, what did not, where coaching went. Every sentence is built from figures that are already
suppressed (a hidden row is said to be "too few to report"), so a summary never tells more than
the dashboard it comes from. No external service; the same figures always give the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from coachmap.reports.dashboard import NONE_KEY, Dashboard, Table

GOALS_LISTED = 4
"""At most this many items a paragraph, so the summary fits on one page; the dashboard has them all."""


@dataclass(frozen=True)
class Paragraph:
    heading: str
    sentences: list[str]


@dataclass(frozen=True)
class Summary:
    title: str
    period: str
    paragraphs: list[Paragraph]
    coaching: Coaching

    @property
    def text(self) -> str:
        return "\n\n".join(f"{p.heading}\n" + " ".join(p.sentences) for p in self.paragraphs)


def _n(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _figure(value: float | None) -> str:
    return "no figure yet" if value is None else f"{round(value, 1):g}"


def _working_on(d: Dashboard, whole: bool) -> Paragraph:
    goals = d.goals
    if not goals:
        return Paragraph(
            "What the school is working on" if not whole else "What the schools are working on",
            ["No active school improvement goal is set yet, so coaching cannot be tied to one."],
        )
    if whole:
        schools = sorted({g.school for g in goals})
        sentences = [
            f"{_n(len(schools), 'school')} {'has' if len(schools) == 1 else 'have'} "
            f"{_n(len(goals), 'active improvement goal')}."
        ]
        sentences += [f"{g.school}: “{_short(g.goal.statement)}”" for g in goals[:GOALS_LISTED]]
        if len(goals) > GOALS_LISTED:
            sentences.append(
                f"And {_n(len(goals) - GOALS_LISTED, 'more goal')}; the dashboard lists them all."
            )
        return Paragraph("What the schools are working on", sentences)
    sentences = [f"“{_short(g.goal.statement)}” Students: {g.group.lower()}." for g in goals]
    return Paragraph("What the school is working on", sentences)


def _moved(d: Dashboard) -> tuple[Paragraph, Paragraph]:
    moved: list[str] = []
    still: list[str] = []
    for g in d.goals:
        line = f"“{_short(g.goal.statement, 90)}”: from {_figure(g.baseline)} to {_figure(g.current)} (target {_figure(g.target)}), {g.status.lower()}."
        if g.current is not None and g.current != g.baseline and g.status in ("Target met", "On track"):
            moved.append(line)
        else:
            still.append(line)
    for i in d.indicators:
        if i.moved is None:
            continue
        better = i.moved < 0 if i.indicator.lower_is_better else i.moved > 0
        line = f"{i.indicator.name}: {'up' if i.moved > 0 else 'down'} {abs(i.moved):g} {i.unit} since the baseline."
        if i.moved == 0:
            still.append(f"{i.indicator.name}: no change since the baseline.")
        elif better:
            moved.append(line)
        else:
            still.append(line)
    ev = d.evidence.total
    if ev is not None and not ev.hidden and ev.values.get("cycles"):
        pre, post = ev.values.get("pre_percent"), ev.values.get("post_percent")
        sentence = (
            f"In {_n(ev.values['cycles'], 'cycle')} with evidence before and after, students meeting the "
            f"cycle's target went from {pre} % to {post} %."
        )
        (moved if post is not None and pre is not None and post > pre else still).append(sentence)
    elif ev is not None and ev.hidden:
        still.append("Too few cycles have evidence before and after to report students' progress.")
    return (
        Paragraph("What moved", _capped(moved) or ["Nothing has moved measurably yet."]),
        Paragraph(
            "What did not move, or not enough",
            _capped(still) or ["Every figure with data moved the right way."],
        ),
    )


def _capped(items: list[str]) -> list[str]:
    if len(items) <= GOALS_LISTED:
        return items
    return [*items[:GOALS_LISTED], f"And {len(items) - GOALS_LISTED} more on the dashboard."]


@dataclass(frozen=True)
class Coaching:
    """Where coaching went, as the summary says it (from the alignment table). With the total
    hidden, or no session logged, only `suppressed` and `goals_hidden` say anything."""

    suppressed: bool
    """Too few teachers were coached in the period to report where coaching went."""
    sessions: int | None = None
    hours: float | None = None
    cycles: int | None = None
    teachers: int | None = None
    top_goal: str | None = None
    """The shown goal that had the most coaching, with its hours and share of the time."""
    top_goal_hours: float | None = None
    top_goal_percent: int | None = None
    goals_hidden: int = 0
    not_tied_hours: float | None = None
    """Hours of coaching tied to no active school goal; None when none, or when that row is hidden."""


def coaching(table: Table) -> Coaching:
    """The coaching figures the summary's last paragraph states, read from the suppressed table."""
    total = table.total
    hidden = sum(1 for r in table.rows if r.hidden and r.key != NONE_KEY)
    if total is None or total.hidden:
        return Coaching(suppressed=True, goals_hidden=hidden)
    v = total.values
    found = Coaching(
        suppressed=False,
        sessions=v["sessions"],
        hours=round(v["minutes"] / 60, 1),
        cycles=v["cycles"],
        teachers=v["teachers"],
        goals_hidden=hidden,
    )
    shown = [r for r in table.rows if not r.hidden and r.values.get("minutes") and r.key != NONE_KEY]
    shown.sort(key=lambda r: -r.values["minutes"])
    other = next((r for r in table.rows if r.key == NONE_KEY and not r.hidden), None)
    return replace(
        found,
        top_goal=shown[0].label if shown else None,
        top_goal_hours=shown[0].values["hours"] if shown else None,
        top_goal_percent=round(100 * shown[0].values["minutes"] / v["minutes"]) if shown else None,
        not_tied_hours=other.values["hours"] if other is not None and other.values.get("minutes") else None,
    )


def _coaching(d: Dashboard, c: Coaching) -> Paragraph:
    sentences: list[str] = []
    if c.suppressed:
        sentences.append("Too few teachers were coached in this period to report where coaching went.")
    elif not c.sessions:
        sentences.append("No coaching sessions were logged in this period.")
    else:
        sentences.append(
            f"Coaches logged {_n(c.sessions, 'session')} ({c.hours:g} hours) in "
            f"{_n(c.cycles or 0, 'cycle')} with {_n(c.teachers or 0, 'teacher')}."
        )
        if c.top_goal is not None:
            sentences.append(
                f"Most went to “{_short(c.top_goal, 90)}” ({c.top_goal_hours:g} hours, "
                f"{c.top_goal_percent} % of the time)."
            )
        if c.goals_hidden:
            sentences.append(f"{_n(c.goals_hidden, 'goal')} had too few teachers coached to report.")
        if c.not_tied_hours is not None:
            sentences.append(
                f"{c.not_tied_hours:g} hours of coaching were not tied to an active school goal."
            )
    if d.without_coaching:
        names = ["“" + _short(g, 90) + "”" for g in d.without_coaching[:GOALS_LISTED]]
        more = len(d.without_coaching) - len(names)
        if more:
            names.append(f"{_n(more, 'other goal')}")
        sentences.append(f"No coaching went to: {_list(names)}.")
    reach = d.reach[0].total
    if reach is not None and not reach.hidden and reach.values.get("asked"):
        v = reach.values
        sentences.append(
            f"{_n(v['asked'], 'teacher')} asked for coaching; {v['matched']} were matched with a coach, "
            f"{v['started']} started a cycle and {v['finished']} finished one."
        )
    t = d.time
    if t is not None and not t.team_hidden and t.team_share is not None:
        sentences.append(
            f"The coaching team spent {t.team_share} % of its logged time coaching, against a target of {t.target} %."
        )
    return Paragraph("Where coaching went", sentences)


def summary(d: Dashboard) -> Summary:
    """The summary for the dashboard's filters: a school when one is chosen, else the program."""
    whole = d.filters.school is None
    title = "The coaching program" if whole else d.filters.school.name  # type: ignore[union-attr]
    if d.filters.coach_type:
        title += f" ({d.filters.coach_type_label.lower()} work only)"
    moved, still = _moved(d)
    went = coaching(d.alignment)
    return Summary(
        title, d.filters.period.label, [_working_on(d, whole), moved, still, _coaching(d, went)], went
    )
