"""Matches, placements and dispatches: from a proposed match to a hire and a group trip."""
