"""Coaching cycles: sessions and micro-coaching, student evidence, fidelity check-ins, stages and
an honest end. `rules.py` is pure logic."""
