"""Moving a teacher on from a cycle: handovers to another coach and referrals to other support."""
