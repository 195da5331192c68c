"""Importers: one module per kind of file a district brings (see docs/formats/).

Each importer reads a `Source`, writes problems and counts to a `Report`, and changes the
database only through set-based statements inside the caller's transaction. `run_import`
dispatches by kind.
"""

from __future__ import annotations

from typing import Any

from coachmap.core.models import District, User
from coachmap.roster.importers.report import Report
from coachmap.roster.importers.source import Progress, Source


def run_import(
    kind: str,
    *,
    source: Source,
    district: District | None,
    report: Report,
    progress: Progress | None = None,
    actor: User | None = None,
    **options: Any,
) -> District | None:
    """Run the importer for `kind`; returns the district imported into (a first OneRoster
    bundle creates it). Raises `ImportRejected` when the report holds problems."""
    from coachmap.roster.importers import flags, oneroster, published, results, usage

    if kind == "oneroster":
        return oneroster.import_bundle(
            source=source, district=district, report=report, progress=progress, actor=actor, **options
        )
    assert district is not None  # noqa: S101 - the service refuses other kinds without a district
    module = {"results": results, "published": published, "usage": usage, "flags": flags}[kind]
    module.run(source=source, district=district, report=report, progress=progress, **options)
    return district
