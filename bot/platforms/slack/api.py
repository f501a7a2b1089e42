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
from slack_sdk.web.async_internal_utils import _files_to_data
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.web.internal_utils import convert_bool_to_0_or_1

from bot.core.errors import DeliveryError, transient_status

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


class NudgeWebClient(AsyncWebClient):
    """slack_sdk's client, checking answers itself: a reply that is not Slack's JSON (a
    text/plain or HTML error page from a proxy, an empty body) becomes a SlackApiError carrying
    its HTTP status, never an AttributeError from inside the SDK."""

    async def _send(self, http_verb: str, api_url: str, req_args: dict) -> AsyncSlackResponse:
        open_files = _files_to_data(req_args)
        try:
            if "params" in req_args:
                req_args["params"] = convert_bool_to_0_or_1(req_args["params"])
            answer = await self._request(http_verb=http_verb, api_url=api_url,
                                         req_args=req_args)
        finally:
            for opened in open_files:
                opened.close()
        response = AsyncSlackResponse(client=self, http_verb=http_verb, api_url=api_url,
                                      req_args=req_args, **answer)
        data = response.data
        if response.status_code == 200 and (
            isinstance(data, bytes) or (isinstance(data, dict) and data.get("ok"))
        ):
            return response
        raise SlackApiError(f"Slack answered {response.status_code} to {api_url}", response)


def make_client(token: str, base_url: str | None = None,
                session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """The Web API client Nudge uses for everything, with retries for 429s and dropped lines."""
    url = base_url or DEFAULT_BASE_URL
    return NudgeWebClient(
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


def http_status(error: BaseException) -> int | None:
    """The HTTP status of Slack's answer, or None when there was none (time-out, no line)."""
    if isinstance(error, SlackApiError):
        response = error.response
        status = getattr(response, "status_code", None) or getattr(response, "status", None)
        return status if isinstance(status, int) else None
    return None


def _body(error: SlackApiError) -> dict[str, Any]:
    data = getattr(error.response, "data", None)
    return data if isinstance(data, dict) else {}


def error_code(error: BaseException) -> str:
    """Slack's short error code ("channel_not_found"), whatever the body was: `http_502` for
    an answer that is not Slack's JSON, "timeout" or the exception's class name without one."""
    if isinstance(error, SlackApiError):
        status = http_status(error)
        if status == 429:
            return "ratelimited"
        code = _body(error).get("error")
        if code:
            return str(code)
        return f"http_{status}" if status and status != 200 else "bad_response"
    if isinstance(error, TimeoutError):
        return "timeout"
    return error.__class__.__name__


def is_transient(error: BaseException) -> bool:
    """Worth another attempt later: 429, 5xx, Slack's own passing errors, an answer that is
    not Slack's (a proxy), time-outs and broken connections. Any other 4xx is lasting."""
    if isinstance(error, SlackApiError):
        status = http_status(error)
        code = error_code(error)
        if code in TRANSIENT_ERRORS or code == "bad_response":
            return True
        return status != 200 and transient_status(status)
    return isinstance(error, TimeoutError | aiohttp.ClientError | OSError)


class SlackCallError(DeliveryError):
    """A Web API call Slack refused, with its error code and, for missing_scope, the scope
    it needs (so a person can be told exactly what to fix)."""

    def __init__(self, message: str, *, transient: bool, code: str, needed: str = "",
                 status: int | None = None):
        super().__init__(message, transient=transient, code=code, status=status)
        self.needed = needed


def delivery_error(method: str, error: BaseException) -> SlackCallError:
    code = error_code(error)
    needed = str(_body(error).get("needed") or "") if isinstance(error, SlackApiError) else ""
    return SlackCallError(f"Slack {method} failed: {code}", transient=is_transient(error),
                          code=code, needed=needed, status=http_status(error))


async def call(client: AsyncWebClient, method: str, **kwargs: Any) -> dict[str, Any] | None:
    """Call a Web API method; on failure log the method and error code and return None."""
    try:
        response = await _send(client, method, kwargs)
    except Exception as error:  # a failed call must never take the app down
        log.warning("Slack %s failed: %s", method, error_code(error))
        return None
    return response.data if isinstance(response.data, dict) else None


async def call_or_raise(client: AsyncWebClient, method: str, **kwargs: Any) -> dict[str, Any]:
    """Call a Web API method; on failure log it and raise DeliveryError (transient or not)."""
    try:
        response = await _send(client, method, kwargs)
    except Exception as error:  # classified, logged, re-raised as one type
        failure = delivery_error(method, error)
        log.warning("%s (%s)", failure, "will retry later" if failure.transient else "permanent")
        raise failure from None
    return response.data if isinstance(response.data, dict) else {}


# The methods that take Block Kit structures, sent as JSON; the rest as their documentation
# shows them: read-only ones (chat.getPermalink, users.info ...) as GET query parameters, other
# writes as form fields.
JSON_METHODS = frozenset({
    "chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage",
    "views.open", "views.publish", "views.update", "views.push",
})
GET_METHODS = frozenset({
    "chat.getPermalink", "users.info", "conversations.info", "usergroups.users.list",
    "auth.test", "conversations.history", "conversations.replies",
})


async def _send(client: AsyncWebClient, method: str, args: dict[str, Any]):
    if method in JSON_METHODS:
        return await client.api_call(method, json=args)
    if method in GET_METHODS:
        return await client.api_call(method, http_verb="GET", params=args)
    return await client.api_call(method, data=args)
