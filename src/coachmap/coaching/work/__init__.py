"""Cycle work (issue 6): stages and evidence, sessions and micro-coaching, fidelity check-ins,
the coach's time log and calendar import, partnership agreements.

`rules.py`, `timeshare.py` and `ics.py` are pure logic; `services.py` writes; `queries.py`
reads through `core.access`; `views.py` and `forms.py` are the pages.
"""
