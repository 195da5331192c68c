"""Partnership agreements between a coach and a principal."""
