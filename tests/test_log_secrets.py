"""No secret reaches a log: tokens, and the password inside NUDGE_DATABASE_URL."""

from __future__ import annotations

import logging

import pytest

from bot.config import Secrets
from bot.logs import RedactSecrets, setup_logging


def logged(caplog_handler: logging.Handler, message: str, *args) -> str:
    record = logging.LogRecord("nudge", logging.ERROR, __file__, 1, message, args, None)
    for found in caplog_handler.filters:
        found.filter(record)
    return record.getMessage()


@pytest.fixture
def root_logger():
    """setup_logging replaces the root logger's handlers: put pytest's back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_the_database_password_is_masked_but_the_server_is_still_named(root_logger):
    url = "postgresql://nudge:s3cr%2Ft-pw@db.example.com:5432/nudge"
    setup_logging(Secrets.from_env({"NUDGE_DATABASE_URL": url}))
    handler = logging.getLogger().handlers[0]
    line = logged(handler, "cannot reach %s", url)
    assert "s3cr" not in line
    assert "db.example.com:5432/nudge" in line
    # Also decoded, as a driver may print it, and in a URL Nudge was never told about.
    assert "s3cr/t-pw" not in logged(handler, "password s3cr/t-pw refused")
    assert "hunter22" not in logged(handler, "postgres://admin:hunter22@10.0.0.5/x is down")


def test_tokens_are_masked_by_shape_even_when_not_ours():
    line = RedactSecrets([]).redact("token xoxb-123-456-abc leaked")
    assert "xoxb" not in line
