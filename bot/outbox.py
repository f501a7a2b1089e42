"""The outbox: reviews shown to the team and replies sent to customers, through the ledger.

A review or a reply is posted at once, as before, but through the delivery ledger and the
scheduler's Sender, so a platform failing for a passing reason (a rate limit, a time-out, a
5xx) gets the same retries with backoff as a promotion, a restart in the middle resumes them,
and a final failure is reported: a review that cannot be shown tells the team (the customer stays
in the digest's waiting list); a reply that cannot be sent puts its suggestion back to pending
and redraws the review with "Not sent" and why.

Both are JobSources without jobs (nothing fires on a timer): they exist so that
SchedulerService.recover can rebuild what a stopped process left claimed or retrying.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.core.context import Context
from bot.core.types import Post, Reply
from bot.scheduling.delivery import Delivery, Outcome
from bot.scheduling.service import SchedulerService, Wanted
from bot.store import deliveries as ledger
from bot.store import suggestions
from handlers import conversation

log = logging.getLogger(__name__)

ShowReview = Callable[[Reply, str], Awaitable[object]]
Redraw = Callable[[str, int, Reply], Awaitable[None]]
Publish = Callable[[Post], Awaitable[str]]


class _NoJobs:
    """The JobSource methods an outbox has no use for: it never fires on a timer."""

    late_is_fine = True  # a person is waiting for it, however late Nudge comes back

    def wanted(self) -> dict[str, Wanted]:
        return {}

    def wanted_one(self, key: str) -> Wanted | None:
        return None

    async def fire(self, key: str, service: SchedulerService) -> None:
        return None


class ReviewOutbox(_NoJobs):
    """Show a customer message's review in the team's review channel, retried until shown."""

    kind = "review"
    resend_unconfirmed = True  # shown twice at worst, to the team: never lost
    retry_hint = ("The customer is in the digest's list of people waiting for an answer; "
                  "answer them from there, or check the review channel's permissions.")

    def __init__(self, ctx: Context, show: ShowReview):
        self.ctx = ctx
        self.show_later = show  # after a restart: rebuild the review and show it

    def describe(self, ref_id: str) -> str:
        return f"the review of suggestion #{ref_id}"

    async def show(self, service: SchedulerService, reply: Reply, platform: str,
                   attempt: Callable[[], Awaitable[object]]) -> object | None:
        """Show `reply` by `attempt` (the adapter's own call, whose answer is returned: where
        the review now is), retrying passing errors; None when it could not be shown."""
        suggestion_id = reply.meta.get("suggestion_id")
        if suggestion_id is None:
            return await attempt()
        now = service.clock()
        key = ledger.DeliveryKey(self.kind, str(suggestion_id), now, platform,
                                 self.ctx.config.review_channel(platform))
        delivery_id = await service.writer.write(
            lambda db: ledger.claim(db, key, now, owner=service.owner))
        if delivery_id is None:  # the same review claimed this very moment: it is under way
            return None
        outcome = await service.sender.deliver(self._delivery(delivery_id, key, attempt))
        return outcome.answer if outcome.status == "sent" else None

    def delivery_for(self, delivery_id: int, key: ledger.DeliveryKey) -> Delivery | None:
        suggestion_id = int(key.ref_id)
        if not _is_status(self.ctx, suggestion_id, "pending"):
            return None  # answered or dismissed meanwhile: nothing left to review
        reply = conversation.review_reply(self.ctx, suggestion_id)
        return self._delivery(delivery_id, key, lambda: self.show_later(reply, key.platform))

    def _delivery(self, delivery_id: int, key: ledger.DeliveryKey,
                  attempt: Callable[[], Awaitable[object]]) -> Delivery:
        return Delivery(delivery_id, key, None, self.describe(key.ref_id),
                        retry_hint=self.retry_hint, attempt=attempt)


class ReplyOutbox(_NoJobs):
    """Send the reply a team member chose (Send or Edit), retried while the platform fails
    for a passing reason; the suggestion is "sent" only once the platform confirmed it."""

    kind = "reply"

    def __init__(self, ctx: Context, publish: Publish, redraw: Redraw):
        self.ctx = ctx
        self.publish = publish
        self.redraw = redraw  # after a restart: show the outcome on the review message

    def describe(self, ref_id: str) -> str:
        return f"the reply of suggestion #{ref_id}"

    async def send(self, service: SchedulerService,
                   result: conversation.ChoiceResult) -> tuple[Reply, bool]:
        """Post what a Send or Edit claimed; (review to show, refused?) as `deliver_choice`."""
        if result.post is None or result.claim is None:
            return result.review, False
        key = ledger.DeliveryKey(self.kind, str(result.claim.suggestion_id),
                                 datetime.fromisoformat(result.claim.at), result.post.platform,
                                 result.post.channel)
        result = _resumed(self.ctx, result)
        payload = _payload(result)
        delivery_id = await service.writer.write(
            lambda db: ledger.claim(db, key, service.clock(), payload=payload,
                                    owner=service.owner))
        if delivery_id is None:  # cannot happen for a fresh claim; stay truthful if it does
            return await conversation.deliver_choice(self.ctx, result, self.publish)
        outcome = await service.sender.deliver(self._delivery(delivery_id, key, result.post))
        return _settle(self.ctx, result, outcome, delivery_id)

    def delivery_for(self, delivery_id: int, key: ledger.DeliveryKey) -> Delivery | None:
        row = ledger.get(self.ctx.db, delivery_id)
        result = _result_from(self.ctx, row.get("payload"))
        if result is None or not _is_status(self.ctx, result.claim.suggestion_id, "sending"):
            return None

        async def settle_and_redraw(outcome: Outcome) -> None:
            shown, _ = _settle(self.ctx, result, outcome, delivery_id)
            try:
                await self.redraw(key.platform, result.claim.suggestion_id, shown)
            except Exception as error:  # the outcome is stored; the picture is a bonus
                log.warning("could not redraw the review of suggestion %s: %s",
                            result.claim.suggestion_id, error.__class__.__name__)

        return dataclasses.replace(self._delivery(delivery_id, key, result.post),
                                   on_done=settle_and_redraw)

    def _delivery(self, delivery_id: int, key: ledger.DeliveryKey, post: Post) -> Delivery:
        # The review message itself reports a refusal ("Not sent", and why): report=False.
        return Delivery(delivery_id, key, post, self.describe(key.ref_id), report=False)


def _settle(ctx: Context, result: conversation.ChoiceResult, outcome: Outcome,
            delivery_id: int) -> tuple[Reply, bool]:
    if outcome.status == "sent":
        conversation.confirm_send(ctx, result)
        return result.review, False
    if outcome.parts_sent:  # the customer has the first part(s): never "not sent"
        ledger.partly_sent(ctx.db, delivery_id, outcome.parts_sent)
        return conversation.partly_sent(ctx, result, outcome.reason), True
    return conversation.undo_send(ctx, result, outcome.reason,
                                  transient=outcome.transient), True


def _resumed(ctx: Context, result: conversation.ChoiceResult) -> conversation.ChoiceResult:
    """Send again after a partial send: the same text as then, from the part that was refused
    (a new press may carry a new tracked link; the customer already has the old one's start).
    An Edit resumes only the same edited words; different ones are a new reply."""
    rows = ledger.find(ctx.db, ReplyOutbox.kind, result.claim.suggestion_id, status="partial")
    if not rows:
        return result
    try:
        data = json.loads(rows[-1]["payload"] or "")
        parts, before, post = int(data["parts_sent"]), data["claim"], Post(**data["post"])
    except (ValueError, TypeError, KeyError):
        return result
    if before.get("action") != result.claim.action or (
            result.claim.action == "edit"
            and _edit_text(ctx, before.get("feedback_id")) != _edit_text(
                ctx, result.claim.feedback_id)):
        return result
    return dataclasses.replace(result, post=dataclasses.replace(post, skip_parts=parts))


def _edit_text(ctx: Context, feedback_id: int | None) -> str | None:
    return suggestions.feedback_text(ctx.db, feedback_id)


def _is_status(ctx: Context, suggestion_id: int, status: str) -> bool:
    return suggestions.status_of(ctx.db, suggestion_id) == status


def _payload(result: conversation.ChoiceResult) -> str:
    """What a restart needs to finish a send: the post, the claim (to undo it), and the line
    the review shows once it is sent."""
    handled = next((field.value for field in result.review.fields
                    if field.label == "Handled"), "")
    return json.dumps({"post": dataclasses.asdict(result.post),
                       "claim": dataclasses.asdict(result.claim), "handled": handled})


def _result_from(ctx: Context, payload: str | None) -> conversation.ChoiceResult | None:
    try:
        data: dict[str, Any] = json.loads(payload or "")
        claim = conversation.SendClaim(**{**data["claim"],
                                          "dismissed": tuple(data["claim"]["dismissed"])})
        post = Post(**data["post"])
    except (ValueError, TypeError, KeyError) as error:
        log.warning("a reply left by the previous run cannot be read back: %s", error)
        return None
    review = conversation.review_reply(ctx, claim.suggestion_id, handled=data.get("handled")
                                       or "sent")
    return conversation.ChoiceResult(review, post, claim)
