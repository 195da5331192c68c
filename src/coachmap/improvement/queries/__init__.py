"""Reads for the improvement pages, scoped by `core.access` and suppressed for all but the data owners."""
