"""The embedded suggestion engine: intent, stage, replies and calls-to-action."""
