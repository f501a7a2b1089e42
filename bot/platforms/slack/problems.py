"""Slack errors only a person can fix, in words they can act on, kept for the daily digest.

Slack answers a refused call with a short code ("not_in_channel"); the ones that another
attempt cannot fix and a team member can (invite the app, add a scope, fix the config) are
reported through `report_platform_error`, as the Discord adapter does with its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platforms.errors import report_platform_error

if TYPE_CHECKING:
    from bot.core.context import Context

PLATFORM = "slack"

# code -> (problem, what to tell the team); {where} is the channel, {needed} a missing scope.
CHANNEL_PROBLEMS = {
    "channel_not_found": ("unknown_channel", "Slack has no channel {where} that Nudge can see "
                          "(deleted, a wrong id in the config, or private without Nudge in it)"),
    "not_in_channel": ("not_in_channel", "Nudge is not a member of channel {where}; invite it "
                       "there with /invite @Nudge"),
    "is_archived": ("archived_channel", "channel {where} is archived; unarchive it or take it "
                    "out of Nudge's config"),
    "missing_scope": ("missing_permissions", "the Slack app lacks the {needed} scope it needs "
                      "in channel {where}; add it under OAuth & Permissions and reinstall"),
    "no_permission": ("missing_permissions", "Slack did not let Nudge post in channel {where} "
                      "(no_permission); check who may post there"),
    "restricted_action": ("missing_permissions", "the workspace's settings do not let Nudge "
                          "post in channel {where}"),
}
# The token itself was refused: nothing Nudge does in Slack can work until it is replaced.
TOKEN_PROBLEMS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                  "token_expired"}
# A direct message (to a reminder's owner) Slack would not deliver.
PERSON_PROBLEMS = {"channel_not_found", "user_not_found", "cannot_dm_bot", "user_disabled"}


def describe(code: str, channel: str, *, person: bool = False,
             needed: str = "") -> tuple[str, str, str, str] | None:
    """(what, where, problem, detail) for a code a person must fix; None for the others
    (passing ones, or a bad message that only Nudge itself could get wrong)."""
    if code in TOKEN_PROBLEMS:
        return "token", "SLACK_BOT_TOKEN", "token_refused", \
            f"Slack no longer accepts SLACK_BOT_TOKEN ({code}); reinstall the app or put its " \
            "new token in the environment"
    if person and code in PERSON_PROBLEMS:
        return "user", f"@{channel}", "direct_message_refused", \
            f"Slack would not deliver a direct message to user {channel} ({code})"
    if code in CHANNEL_PROBLEMS:
        problem, detail = CHANNEL_PROBLEMS[code]
        return "channel", channel, problem, \
            detail.format(where=channel, needed=needed or "required")
    return None


def report(ctx: Context | None, code: str, channel: str, *, person: bool = False,
           needed: str = "") -> bool:
    """Record `code` for the digest when a person must fix it; True when it was recorded."""
    described = describe(code, channel, person=person, needed=needed)
    if described is None:
        return False
    kind, where, problem, detail = described
    report_platform_error(ctx, PLATFORM, where, problem, detail, kind)
    return True
