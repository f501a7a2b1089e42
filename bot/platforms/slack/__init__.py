"""The Slack adapter, built on slack-bolt's AsyncApp (one asyncio loop with Discord and the
scheduler).

- `adapter.py`: SlackAdapter (start in Socket Mode or HTTP mode, post, notify_team)
- `listeners/`: one module per kind of interaction (commands, events, actions, views, home),
  registered in one place (`listeners/__init__.py`)
- `blocks.py`, `promo.py`: Block Kit for replies, reviews, modals and the App Home
- `people.py`: who is the team and who is a customer; `api.py`: Web API calls and their errors
- `manifest.py`: `nudge slack-manifest`

This module imports nothing, so `nudge slack-manifest` and an offline run never load slack_bolt.
"""
