"""The Discord adapter, on discord.py, split by feature.

- `adapter.py`: the client's life cycle, posting, the team's review channel, error reporting.
- `listening.py`: customer messages in the listened channels become Requests.
- `commands.py`: `/nudge ...` app commands generated from the handler registry, and `!nudge`.
- `review.py`: the suggestion buttons (Send, Another, Edit, Dismiss) and the Edit modal.
- `render.py`: Replies as Discord messages and embeds, with mentions that ping nobody.
- `pacing.py`: one REST request at a time per rate-limit bucket, so discord.py counts exactly.
- `permissions.py`: what Nudge needs in a channel, in the Developer Portal's words.
- `cli.py`: `nudge discord-invite` and `nudge discord-sync`.

This file imports nothing from discord.py, so the CLI can list these commands without loading it.
"""
