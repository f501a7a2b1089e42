"""The audit log: who did what, for the team to look back on."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.store.times import iso, utc_now


def audit(db: Any, platform: str, user_id: str, action: str, subject: str,
          details: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """Record who did what, for the team to look back on. Inside `transaction(db)` the row
    stands or falls with the change it records."""
    db["audit_log"].insert(
        {
            "at": iso(at or utc_now()),
            "platform": platform,
            "user_id": user_id,
            "action": action,
            "subject": subject,
            "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True,
                                  default=str),
        }
    )
