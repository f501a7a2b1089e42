"""Which Nudge processes are running on this database, so one never settles another's claims.

A process that claims deliveries names itself in the ledger (`claimed_by`). When it stops,
however it stops, the rows it held must be settled by someone else: sent if no attempt was
started, reported as unconfirmed otherwise. The question "has that process stopped?" gets an
exact answer from the database itself, never from a clock:

- SQLite: only one process may run on a file (bot/store/sqlite.py's ProcessLock), so every
  holder other than this process has stopped.
- PostgreSQL: each process holds a session advisory lock on its own number, on a connection of
  its own, for as long as it runs. The server drops the lock the moment that connection
  closes: a clean stop, a crash or SIGKILL alike. A holder whose lock can be taken is gone.
"""

from __future__ import annotations

import secrets

from bot.store.connection import Database, backend


class Presence:
    """This process, as the other processes sharing the database see it."""

    def __init__(self, db: Database):
        self.db = db
        # A positive bigint: the advisory lock's key, and the ledger's `claimed_by`.
        self.name = str(secrets.randbits(62) | 1)
        self._conn = None

    @property
    def shared(self) -> bool:
        """Whether other processes may run on this database at the same time."""
        return backend(self.db) == "postgresql"

    def start(self) -> None:
        """Announce this process (PostgreSQL: take its lock, on a connection kept open)."""
        if not self.shared or self._conn is not None:
            return
        import psycopg

        self._conn = psycopg.connect(self.db.url, autocommit=True)
        self._conn.execute("select pg_advisory_lock(%s::bigint)", [int(self.name)])

    def stop(self) -> None:
        """This process stops claiming: others may settle what it still holds."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def gone(self, owners: list[str | None]) -> list[str | None]:
        """Those of `owners` that have stopped (None: a row from before owners were kept)."""
        if not self.shared:
            return [owner for owner in owners if owner != self.name]
        if self._conn is None:
            raise RuntimeError("Presence.start() first: an unannounced process judges no one")
        stopped: list[str | None] = []
        for owner in owners:
            if owner is None or not owner.isdigit():
                stopped.append(owner)
                continue
            if owner == self.name:
                continue
            taken = self._conn.execute("select pg_try_advisory_lock(%s::bigint)",
                                       [int(owner)]).fetchone()[0]
            if taken:  # nobody holds it: that process is gone; let go at once
                self._conn.execute("select pg_advisory_unlock(%s::bigint)", [int(owner)])
                stopped.append(owner)
        return stopped
