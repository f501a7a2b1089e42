"""Platform-neutral handlers: a Request in, a Reply out; no chat SDK is imported here."""
