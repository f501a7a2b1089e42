"""Logging set-up: plain lines on stderr, with every known secret masked before it is written."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote, urlsplit

from bot.config import Secrets

# Token shapes masked even when the value is not one of ours (a pasted token in an error).
_TOKEN_SHAPES = re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")
# The password of any database URL (`postgresql://user:password@host/db`): the rest of the
# URL says which server, which is worth reading in a log.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.IGNORECASE)


class RedactSecrets(logging.Filter):
    """Replace secret values in a record's final message, whatever formatting produced them."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _URL_PASSWORD.sub(r"\1***@", _TOKEN_SHAPES.sub("***", text))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now so its text can be redacted too.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        return True


def setup_logging(secrets: Secrets, level: int = logging.WARNING) -> None:
    values = [
        value.get_secret_value()
        for value in (
            secrets.slack_bot_token,
            secrets.slack_app_token,
            secrets.slack_signing_secret,
            secrets.discord_token,
            secrets.llm_api_key,
        )
        if value is not None
    ]
    if secrets.database_url is not None:
        password = urlsplit(secrets.database_url.get_secret_value()).password
        values += [password, unquote(password)] if password else []
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(values))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
