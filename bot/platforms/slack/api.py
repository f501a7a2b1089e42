"""Slack Web API calls: one client with retries, and errors turned into log lines or
DeliveryError, never a crash.

A 429 is retried after its Retry-After by slack_sdk's own retry handler; any other failure is
logged with the method and Slack's error code (never the token).
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.base import DeliveryError

log = logging.getLogger("bot.platforms.slack")

DEFAULT_BASE_URL = "https://slack.com/api/"
TIMEOUT_SECONDS = 10
RATE_LIMIT_RETRIES = 2

# Errors that another attempt cannot fix: the channel, the token or the app's set-up is wrong.
PERMANENT_ERRORS = {
    "channel_not_found", "not_in_channel", "is_archived", "missing_scope", "invalid_auth",
    "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission",
    "restricted_action", "msg_too_long", "no_text", "invalid_blocks", "too_many_attachments",
    "thread_not_found", "user_not_found", "ekm_access_denied", "team_access_not_granted",
    "cannot_reply_to_message", "message_not_found", "invalid_arguments",
}
# Errors Slack itself says are passing.
TRANSIENT_ERRORS = {
    "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
    "request_timeout", "timeout",
}


def make_client(token: str, base_url: str | None = None,
                session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """The Web API client Nudge uses for everything, with retries for 429s and dropped lines."""
    url = base_url or DEFAULT_BASE_URL
    return AsyncWebClient(
        token=token,
        base_url=url if url.endswith("/") else url + "/",
        session=session,
        timeout=TIMEOUT_SECONDS,
        logger=logging.getLogger("bot.platforms.slack.sdk"),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def error_code(error: BaseException) -> str:
    """Slack's short error code ("channel_not_found"), or the exception's class name."""
    if isinstance(error, SlackApiError):
        response = error.response
        code = response.get("error") if hasattr(response, "get") else None
        if response.status_code == 429:
            return "ratelimited"
        return str(code or f"http_{response.status_code}")
    if isinstance(error, TimeoutError):
        return "timeout"
    return error.__class__.__name__


def is_transient(error: BaseException) -> bool:
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        code = error_code(error)
        return status == 429 or status >= 500 or code in TRANSIENT_ERRORS
    # Time-outs and broken connections may well work on the next attempt.
    return isinstance(error, TimeoutError | aiohttp.ClientError | OSError)


class SlackCallError(DeliveryError):
    """A Web API call Slack refused, with its error code and, for missing_scope, the scope
    it needs (so a person can be told exactly what to fix)."""

    def __init__(self, message: str, *, transient: bool, code: str, needed: str = ""):
        super().__init__(message, transient=transient)
        self.code = code
        self.needed = needed


def delivery_error(method: str, error: BaseException) -> SlackCallError:
    code = error_code(error)
    needed = ""
    if isinstance(error, SlackApiError) and hasattr(error.response, "get"):
        needed = str(error.response.get("needed") or "")
    return SlackCallError(f"Slack {method} failed: {code}", transient=is_transient(error),
                          code=code, needed=needed)


async def call(client: AsyncWebClient, method: str, **kwargs: Any) -> dict[str, Any] | None:
    """Call a Web API method; on failure log the method and error code and return None."""
    try:
        response = await client.api_call(method, json=kwargs) if _json_method(method) \
            else await client.api_call(method, params=kwargs)
    except Exception as error:  # a failed call must never take the app down
        log.warning("Slack %s failed: %s", method, error_code(error))
        return None
    return response.data if isinstance(response.data, dict) else None


async def call_or_raise(client: AsyncWebClient, method: str, **kwargs: Any) -> dict[str, Any]:
    """Call a Web API method; on failure log it and raise DeliveryError (transient or not)."""
    try:
        response = await client.api_call(method, json=kwargs) if _json_method(method) \
            else await client.api_call(method, params=kwargs)
    except Exception as error:  # classified, logged, re-raised as one type
        failure = delivery_error(method, error)
        log.warning("%s (%s)", failure, "will retry later" if failure.transient else "permanent")
        raise failure from None
    return response.data if isinstance(response.data, dict) else {}


def _json_method(method: str) -> bool:
    # The methods that take Block Kit structures are sent as JSON, the rest as form fields.
    return method.startswith(("chat.", "views."))
