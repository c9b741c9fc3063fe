"""The decision on a case: proposals to settle, reject or go to court, their approval, payment and litigation."""
