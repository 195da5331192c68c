"""OneRoster 1.1 and 1.2 CSV bundles: see `job` for how an import runs, `spec` for the format."""

from coachmap.roster.importers.oneroster.job import OneRosterImport, import_bundle

__all__ = ["OneRosterImport", "import_bundle"]
