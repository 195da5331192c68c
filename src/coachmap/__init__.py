"""coachmap: every coaching hour serves the schools' improvement goals."""

__version__ = "0.1.0"
