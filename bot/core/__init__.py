"""The types every layer of Nudge shares: requests and replies, places to post, the context a
handler is called with, and the errors an adapter raises.

It depends on nothing else in Nudge, so every other layer may import it and none imports
upward to reach it."""
