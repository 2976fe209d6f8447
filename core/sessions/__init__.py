"""Session engines: Django's database store, and its cached_db store for production, with a new session written
once (SESSION_ENGINE = "core.sessions.db" or "core.sessions.cached_db").

Django's own `create()`, which signing in calls (`cycle_key`), draws a key, looks it up in the cache and in the
database, and inserts the still-empty session at once; the response then writes the session again, now holding
the signed-in user. At an exam's start that was four round trips and two writes per student for what one INSERT
does. Here `create()` only draws the key; the save that ends the request inserts the row (`must_create`, so the
table's unique key refuses a key already taken, and another is drawn: with 32 random characters, a case no one
will see but which stays handled). Nothing can use the key before that save: it reaches the browser only in the
response's cookie, which Django sets only when the save succeeded.

Everything else (reading, expiry, the cache, clearing expired sessions) is Django's own; nothing of its session
checks is copied here (docs/scaling.md, issue #14).
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.utils.crypto import get_random_string

KEY_LENGTH = 32


def new_key() -> str:
    return get_random_string(KEY_LENGTH, VALID_KEY_CHARS)


class WrittenOnce:
    """Mixed in before one of Django's database-backed stores."""

    # A key drawn by create() whose row the next save inserts.
    _unwritten = False

    def create(self):
        self._session_key = new_key()
        self._unwritten = True
        self.modified = True

    def save(self, must_create=False):
        if self.session_key is None:
            self.create()
        if not self._unwritten:
            return super().save(must_create=must_create)
        while True:
            try:
                super().save(must_create=True)
            except CreateError:
                self._session_key = new_key()
                continue
            self._unwritten = False
            return None

    async def asave(self, must_create=False):
        if self.session_key is None:
            self.create()
        if not self._unwritten:
            return await super().asave(must_create=must_create)
        while True:
            try:
                await super().asave(must_create=True)
            except CreateError:
                self._session_key = new_key()
                continue
            self._unwritten = False
            return None

    async def acreate(self):
        self.create()
