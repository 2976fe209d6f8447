"""SESSION_ENGINE "core.sessions.db": Django's database sessions, a new one written once (core.sessions)."""

from django.contrib.sessions.backends import db

from . import WrittenOnce


class SessionStore(WrittenOnce, db.SessionStore):
    pass
