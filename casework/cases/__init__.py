"""The case record shared by every stage: number, claimant, place, facts, state, and its history."""
