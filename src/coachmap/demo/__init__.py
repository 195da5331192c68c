"""The demo district generator behind `coachmap demo-data` (see generate.py)."""
