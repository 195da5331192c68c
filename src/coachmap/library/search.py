"""Full-text search over the library, on PostgreSQL and on SQLite.

PostgreSQL: a weighted search vector (title above description and tags) with English stemming,
ranked by `ts_rank`. SQLite: the FTS5 index kept by migration 0002 (porter stemming), ranked by
bm25. Either way every word must match, as a word or the start of one ("rubr" finds rubrics).
Should an SQLite build lack FTS5, every word must appear in the title or the indexed text.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import DatabaseError, connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from coachmap.library.models import Resource

MAX_TERMS = 8
_WORD = re.compile(r"\w+")


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased, without operators or punctuation."""
    return _WORD.findall(text.casefold())[:MAX_TERMS]


def search(resources: QuerySet[Resource], text: str) -> QuerySet[Resource]:
    """`resources` that match every word of `text`, best first; all of them when there are no words."""
    words = terms(text)
    if not words:
        return resources
    if connection.vendor == "postgresql":
        return _postgres(resources, words)
    if connection.vendor == "sqlite":
        ranked = _sqlite_fts(words)
        if ranked is not None:
            order = Case(
                *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)), output_field=IntegerField()
            )
            return resources.filter(pk__in=ranked).order_by(order)
    return _portable(resources, words)


def _postgres(resources: QuerySet[Resource], words: list[str]) -> QuerySet[Resource]:
    vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "search_text", weight="B", config="english"
    )
    # Raw tsquery built only from \w words: "rubr:* & writ:*".
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="english")
    return (
        resources.annotate(document=vector)
        .filter(document=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "title")
    )


def _sqlite_fts(words: list[str]) -> list[int] | None:
    match = " ".join(f'"{w}"*' for w in words)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM library_resource_fts WHERE library_resource_fts MATCH %s "
                "ORDER BY bm25(library_resource_fts, 10.0, 1.0) LIMIT 500",
                [match],
            )
            return [row[0] for row in cursor.fetchall()]
    except DatabaseError:
        return None


def _portable(resources: QuerySet[Resource], words: list[str]) -> QuerySet[Resource]:
    for word in words:
        resources = resources.filter(Q(title__icontains=word) | Q(search_text__icontains=word))
    return resources.order_by("title")
