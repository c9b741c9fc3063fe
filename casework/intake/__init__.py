"""Intake: field staff file a claim of any category from a phone, save it as a draft and submit it."""
