"""The nightly roster sync from a district's OneRoster REST service (issue 20).

`client` fetches the collections over HTTP (OAuth 2 client credentials or OAuth 1.0a, paging,
rate limits, an expired token); `bundle` turns what it fetched into the OneRoster CSV bundle the
file import reads; `services` runs that bundle through the very same import (validation,
all-or-nothing merge, plain-words effect and the removal hold) and records the run.
"""
