"""Sessions read from the shared cache and written through to the database,
that keep working while the cache is away (a Redis restart): a signed-in
learner's pages and Submits are served from the database meanwhile.

Only reads degrade. Ending a session (logout, a new key at login) still needs
the cache: a session the cache kept after a failed delete would outlive its
logout once the cache is back, so that request fails instead.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()  # a failed cache read is already a miss; the write-back after it is not
        except RedisError as exc:
            log.warning("session cache unavailable (%s): reading the session from the database", exc)
            s = self._get_session_from_db()
            return self.decode(s.session_data) if s else {}

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except RedisError:
            return cached_db.DBStore.exists(self, session_key)
