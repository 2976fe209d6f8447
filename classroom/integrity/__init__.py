"""The one integrity module: every rule that flags a record, the flags' memory and their review.

- `flags`: raising a flag and asking which records are flagged (used by the rules, the screens and the metrics).
- `rules`: the rules themselves, run on the server when a record is written.
- `review`: confirming or clearing a flag with a reason, audit-logged.
"""
