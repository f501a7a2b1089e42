"""Who is speaking: a team member or a customer.

The config decides: `team_users` and the members of `team_usergroup` are the team. With neither
set, every full member of the workspace is the team and guests are customers. Whatever the
config says, a person from another organisation (Slack Connect: their team id differs from the
workspace's) is always a customer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackPlatform
from bot.platforms.slack import api

USERGROUP_TTL_SECONDS = 300
USER_TTL_SECONDS = 3600
MAX_CACHED_USERS = 5000


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    team_id: str
    guest: bool
    known: bool = True  # False when users.info could not be read


class People:
    def __init__(self, client: AsyncWebClient, settings: SlackPlatform,
                 clock: Callable[[], float] = time.monotonic):
        self.client = client
        self.settings = settings
        self.clock = clock
        self.workspace = ""  # our team id, from auth.test
        self._group: frozenset[str] = frozenset()
        self._group_read_at: float | None = None
        self._users: dict[str, tuple[float, Person]] = {}

    async def team_group(self) -> frozenset[str]:
        """Members of the configured user group, re-read every few minutes.

        If Slack cannot be reached the last known list is kept rather than emptied.
        """
        group = self.settings.team_usergroup
        if not group:
            return frozenset()
        now = self.clock()
        if self._group_read_at is None or now - self._group_read_at > USERGROUP_TTL_SECONDS:
            data = await api.call(self.client, "usergroups.users.list", usergroup=group)
            if data is not None:
                self._group = frozenset(data.get("users") or ())
                self._group_read_at = now
        return self._group

    async def person(self, user_id: str) -> Person:
        """The person's name, team and guest status (users.info, cached for an hour)."""
        now = self.clock()
        cached = self._users.get(user_id)
        if cached and now - cached[0] < USER_TTL_SECONDS:
            return cached[1]
        data = await api.call(self.client, "users.info", user=user_id)
        user = (data or {}).get("user") or {}
        profile = user.get("profile") or {}
        person = Person(
            id=user_id,
            name=profile.get("display_name") or profile.get("real_name")
            or user.get("real_name") or user.get("name") or "",
            team_id=user.get("team_id") or "",
            guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
            known=data is not None,
        )
        if data is not None:
            if len(self._users) >= MAX_CACHED_USERS:
                self._users.pop(next(iter(self._users)))
            self._users[user_id] = (now, person)
        return person

    async def role_of(self, user_id: str, user_team: str = "") -> tuple[str, str]:
        """("team" or "customer", display name) for the author of a message or command."""
        person = await self.person(user_id)
        home = self.workspace
        their_team = user_team or person.team_id
        if home and their_team and their_team != home:
            return "customer", person.name  # Slack Connect: another organisation
        if self.settings.team_users or self.settings.team_usergroup:
            is_team = user_id in self.settings.team_users or user_id in await self.team_group()
        else:
            # Unknown people count as customers: a needless suggestion costs less than a
            # customer's question silently marked answered.
            is_team = person.known and not person.guest
        return ("team" if is_team else "customer"), person.name
