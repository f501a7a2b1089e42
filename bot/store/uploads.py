"""Files attached to a command (a Discord attachment to `promo add`), kept in the database:
the platform's own link to the file expires long before a promotion planned for next month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.connection import Database
from bot.store.times import iso


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def save(db: Database, platform: str, user: str, filename: str, content_type: str,
         data: bytes, now: datetime) -> int:
    """Keep an attached file; returns its id."""
    return db.execute("insert into uploads (platform, user_id, filename, content_type, data, "
                      "created_at) values (?, ?, ?, ?, ?, ?)",
                      [platform, user, filename, content_type, data, iso(now)]).lastrowid


def get(db: Database, upload_id: int) -> Upload | None:
    """The file kept under this id, or None."""
    row = db.execute("select filename, data from uploads where id = ?",
                     [upload_id]).fetchone()
    return Upload(row[0], bytes(row[1])) if row else None
