"""Lighter supports that happen: micro-coaching without a cycle, peer observations with the host's consent, workshop seats."""
