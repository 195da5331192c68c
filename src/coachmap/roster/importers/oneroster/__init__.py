"""OneRoster 1.1 and 1.2 CSV bundles: see `job` for how an import runs, `spec` for the format."""

from coachmap.roster.importers.oneroster.job import import_bundle, run
from coachmap.roster.importers.oneroster.state import ImportState

__all__ = ["ImportState", "import_bundle", "run"]
