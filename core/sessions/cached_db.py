"""SESSION_ENGINE "core.sessions.cached_db": Django's cached database sessions (production, with Redis), a new one
written once (core.sessions)."""

from django.contrib.sessions.backends import cached_db

from . import WrittenOnce


class SessionStore(WrittenOnce, cached_db.SessionStore):
    pass
