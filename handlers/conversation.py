"""Customer conversations: store every message, suggest a reply, act on the team's choice.

Suggestions always go privately to the team as a review Reply with four buttons (send, another,
edit, dismiss); only when a person presses Send does anything reach the customer.

Send (and Edit) is two steps for the adapter: `on_choice` claims the suggestion at once (status
"sending", so two people pressing Send post only one reply), then the adapter posts through
`deliver_choice`: once the platform confirmed the post the suggestion is "sent"
(`confirm_send`); when the platform refuses it, `undo_send` puts everything back as it was and
says why.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.core.context import Context
from bot.core.types import Choice, Field, Post, Reply, Request
from bot.engine.links import catalog_urls, untagged
from bot.engine.types import SuggestionSet, ThreadState, handled_as_in, not_sure, weighed
from bot.plaintext import has_visible_text
from bot.store import conversations, iso, suggestions, transaction
from bot.store.connection import off_loop
from bot.store.conversations import Recorded
from bot.store.gaps import NewGap
from bot.store.links import LinkInfo
from bot.tracking import track_text
from handlers import review

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://[^\s<>|]+")


@dataclass(frozen=True)
class SendClaim:
    """What a Send or Edit changed before posting, so a refused post can be undone exactly."""

    suggestion_id: int
    feedback_id: int
    action: str  # send or edit
    text: str  # what was to be posted
    at: str  # the time written into the conversation
    dismissed: tuple[int, ...]  # the alternatives the send dismissed
    status: str  # the conversation as it was
    answered_at: str | None
    last_message_at: str | None
    customer_messages_since_cta: int
    last_cta_at: str | None
    reset_cta: bool


@dataclass(frozen=True)
class ChoiceResult:
    """What a button press leads to: maybe a post to the customer, and the new review message.

    With a post comes its `claim`: hand the result to `undo_send` when the post is refused."""

    review: Reply
    post: Post | None = None
    claim: SendClaim | None = None


def is_opted_out(ctx: Context, customer_id: str) -> bool:
    return conversations.is_opted_out(ctx.db, customer_id)


def record_message(request: Request, ctx: Context) -> Recorded | None:
    """Store the message in its thread; None when this exact message was stored before.

    Platforms redeliver events (Slack retries, gateway resumes), so the message id is unique.
    """
    event_key = request.message_id or None
    if conversations.is_stored(ctx.db, request.platform, event_key):
        return None
    incoming = conversations.Incoming(
        platform=request.platform, workspace=request.workspace, channel=request.channel,
        thread=request.thread_key or f"{request.channel}:{request.user}", user=request.user,
        user_name=request.user_name, role=request.role, text=request.text,
        event_key=event_key)
    return conversations.record_message(
        ctx.db, incoming, iso(ctx.now()),
        team_sent_cta=request.is_team and team_link_sent(ctx, request.text))


EARLIER_MESSAGES = 5


def thread_state(ctx: Context, recorded: Recorded) -> ThreadState:
    """What the engine should know about this thread: cadence, opt-out, recent wording."""
    row = conversations.conversation(ctx.db, recorded.conversation_id)
    earlier = conversations.earlier_customer_messages(
        ctx.db, recorded.conversation_id, recorded.message_id, EARLIER_MESSAGES)
    said, offers = said_in_thread(ctx, recorded.conversation_id)
    return ThreadState(
        customer_messages_since_cta=row["customer_messages_since_cta"] or 0,
        opted_out=is_opted_out(ctx, recorded.customer_id),
        earlier_texts=tuple(text for text, _ in reversed(earlier)),
        previous_intent=(earlier[0][1] or "") if earlier else "",
        urgent=bool(row["urgent"]),
        said=said,
        offers_sent=offers,
        thread_key=f"{row['platform']}:{row['channel']}:{row['thread']}",
    )


def said_in_thread(ctx: Context, conversation_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the team said to the customer in this thread, oldest first (replies sent through
    Nudge as sent or as edited, and replies typed by hand), and the offers those replies
    carried."""
    rows = conversations.said_in_thread(ctx.db, conversation_id)
    said = tuple(text for _, text, _ in rows if text)
    offers = tuple(dict.fromkeys(offer for _, _, offer in rows if offer))
    return said, offers


def store_suggestions(ctx: Context, recorded: Recorded, result: SuggestionSet,
                      request: Request | None = None) -> list[int]:
    """The classification on the message and its suggestions, stored at once (within a
    correction's transaction when there is one), with the question nothing in the config
    answered, if any (a knowledge gap). `request`: the message as it came in (read back
    from the store when not given, as for a correction)."""
    now = iso(ctx.now())
    c = result.classification
    rows = [{
        "message_id": recorded.message_id, "conversation_id": recorded.conversation_id,
        "rank": rank, "intent": c.intent, "stage": c.stage,
        "confidence": round(c.confidence, 4), "text": suggestion.text,
        "cta_id": suggestion.cta_id, "cta_url": suggestion.cta_url,
        "cta_kind": suggestion.cta_kind, "cta_label": suggestion.cta_label,
        "facts": json.dumps(list(suggestion.facts), ensure_ascii=False),
        "offer_id": suggestion.offer_id, "rationale": suggestion.rationale,
        "urgent": int(suggestion.urgent), "source": suggestion.source,
        "variant": suggestion.variant, "status": "pending", "created_at": now,
    } for rank, suggestion in enumerate(result.suggestions)]
    return suggestions.add_for_message(
        ctx.db, recorded.message_id, recorded.conversation_id, intent=c.intent, stage=c.stage,
        confidence=c.confidence,
        alternatives=json.dumps([list(p) for p in c.alternatives]) if c.alternatives else None,
        rows=rows, gap=_gap(ctx, recorded, result, request, now) if rows else None)


def _gap(ctx: Context, recorded: Recorded, result: SuggestionSet, request: Request | None,
         now: str) -> NewGap | None:
    """The question to keep as a knowledge gap, when the engine found nothing to answer it."""
    gap = result.gap
    if gap is None:
        return None
    if request is not None:
        text, platform = request.text, request.platform
    else:
        message = conversations.message(ctx.db, recorded.message_id)
        text, platform = message["text"] or "", message["platform"] or ""
    return NewGap(message_id=recorded.message_id, conversation_id=recorded.conversation_id,
                  platform=platform, text=text, question=gap.question,
                  lang=result.wrote_in or result.lang, shop=gap.shop, asked_at=now)


def record_opt_out(ctx: Context, request: Request, customer_id: str) -> None:
    conversations.record_opt_out(ctx.db, customer_id, request.platform, request.user,
                                 iso(ctx.now()), request.text)


def on_message(request: Request, ctx: Context) -> Reply | None:
    """Handle any message in a listened channel; returns the review for the team, if any.

    A message that shows nothing (only spaces or zero-width characters) is ignored: there is
    nothing to answer, and it must not reset a thread's state.
    """
    recorded = _to_suggest(request, ctx)
    if not isinstance(recorded, Recorded):
        return recorded
    return _review_of(request, ctx, recorded, ctx.engine.suggest(
        request.text, platform=request.platform, state=thread_state(ctx, recorded),
        now=ctx.now()))


async def on_message_off_loop(request: Request, ctx: Context,
                              run: Callable[..., Awaitable[Any]]) -> Reply | None:
    """`on_message` for an event loop: the engine's work runs through `run` (a worker
    thread), and the store's through `off_loop` (its own thread on PostgreSQL, where each
    call is a round trip), so acknowledgements of other deliveries are not held up."""

    def stored() -> tuple[Recorded | Reply | None, ThreadState | None]:
        recorded = _to_suggest(request, ctx)
        return recorded, thread_state(ctx, recorded) if isinstance(recorded, Recorded) else None

    recorded, state = await off_loop(ctx.db, stored)
    if not isinstance(recorded, Recorded):
        return recorded
    now = ctx.now()
    result = await run(lambda: ctx.engine.suggest(request.text, platform=request.platform,
                                                  state=state, now=now))
    return await off_loop(ctx.db, lambda: _review_of(request, ctx, recorded, result))


def _to_suggest(request: Request, ctx: Context) -> Recorded | Reply | None:
    """Store the message; the record when a suggestion should follow, the review when only
    showing it is left to do, else None (nothing to review, or deliberately skipped)."""
    if not has_visible_text(request.text):
        return None
    recorded = record_message(request, ctx)
    if request.is_team:
        return None
    if recorded is None:
        return unfinished(request, ctx)
    return recorded if ctx.engine is not None else None


def unfinished(request: Request, ctx: Context) -> Recorded | Reply | None:
    """What is left to do for a customer message stored before: a process killed between
    storing it and showing its review leaves it stored, and its redelivery (the inbox's replay
    at the next start, Slack's retry, the catch-up) must finish the work, not skip it.

    The record when no suggestion was stored; the review of the stored ones when none was
    shown nor handed to the outbox (which resumes its own); None when the review was shown or
    answered, or the message is not a customer's."""
    if ctx.engine is None or not request.message_id:
        return None
    row = conversations.stored_message(ctx.db, request.platform, request.message_id)
    if row is None or row["author_role"] != "customer":
        return None
    made = suggestions.live(ctx.db, row["id"])
    if not made:
        return Recorded(row["conversation_id"], row["id"], row["customer_id"] or "")
    if any(s["review_ref"] or s["status"] != "pending" for s in made):
        return None
    if suggestions.review_shown(ctx.db, [s["id"] for s in made]):
        return None
    return review_reply(ctx, made[0]["id"], request=request)


def _review_of(request: Request, ctx: Context, recorded: Recorded,
               result: SuggestionSet) -> Reply | None:
    if result.intent == "unsubscribe":
        record_opt_out(ctx, request, recorded.customer_id)
    ids = store_suggestions(ctx, recorded, result, request)
    if not ids:
        return None
    return review_reply(ctx, ids[0], request=request)


def _intent_line(s: dict, message: dict) -> str:
    """"pricing (promotion, 92%)"; when the engine was unsure, the two intents to pick from:
    "Not sure: complaint or order_support? (complaint 31%, order_support 28%)"."""
    line = f"{s['intent']} ({s['stage']}, {s['confidence']:.0%})"
    handled = handled_as_in(s["rationale"])
    if handled:
        line += f", replied to as {handled}"
    alternatives = json.loads(message.get("alternatives") or "[]")
    if not_sure(alternatives):
        line += f". {not_sure(alternatives)} ({weighed(alternatives)})"
    return line


def review_reply(ctx: Context, suggestion_id: int, request: Request | None = None,
                 handled: str = "") -> Reply:
    """The private message the team sees for one suggestion, with its four buttons."""
    s = suggestions.get(ctx.db, suggestion_id)
    message = conversations.message(ctx.db, s["message_id"])
    conversation = conversations.conversation(ctx.db, s["conversation_id"])
    total = suggestions.count_live(ctx.db, s["message_id"])
    fields = [
        Field("Customer", message["text"][:500], quoted=True),
        Field("Intent", _intent_line(s, message)),
        Field("Why", s["rationale"]),
        Field("Suggested reply" + (" (LLM wording)" if s["source"] == "llm" else ""), s["text"]),
    ]
    if s["cta_url"]:
        fields.append(Field("Link", s["cta_url"]))
    if s["urgent"]:
        fields.insert(0, Field("Urgent", "needs a person now"))
    corrected = review.correction_field(ctx, s["message_id"])
    if corrected is not None:
        fields.append(corrected)
    choices: tuple[Choice, ...] = ()
    menu = None
    if handled:
        fields.append(Field("Handled", handled))
    else:
        menu = review.intent_menu(s["id"])
        value = str(s["id"])
        choices = (
            Choice("send", "Send", value, "primary"),
            Choice("another", f"Another ({s['rank'] + 1}/{total})", value),
            Choice("edit", "Edit", value),
            Choice("dismiss", "Dismiss", value, "danger"),
        )
    return Reply(
        text=f"New customer message in {conversation['channel']}: {s['intent']}",
        fields=tuple(fields),
        choices=choices,
        menu=menu,
        meta={
            "suggestion_id": s["id"],
            "conversation_id": s["conversation_id"],
            "platform": conversation["platform"],
            "channel": conversation["channel"],
            "thread": conversation["thread"],
            "customer_message_id": message["event_key"],
            "permalink": request.permalink if request else "",
        },
    )


def _feedback(ctx: Context, suggestion_id: int, action: str, platform: str, user: str,
              text: str | None = None) -> int:
    return suggestions.record_feedback(ctx.db, suggestion_id, action, platform, user,
                                       iso(ctx.now()), text)


def on_choice(ctx: Context, action: str, suggestion_id: int | str, platform: str, user: str,
              edited_text: str | None = None) -> ChoiceResult:
    """Apply a team member's button press and record it; unknown ids get a calm answer."""
    try:
        s = suggestions.get(ctx.db, int(suggestion_id))
    except (TypeError, ValueError, OverflowError):
        s = None
    if s is None:
        return ChoiceResult(Reply.error("That suggestion no longer exists."))
    if s["status"] != "pending" and action in ("send", "edit", "dismiss"):
        return ChoiceResult(review_reply(ctx, s["id"], handled=f"already {s['status']}"))
    conversation = conversations.conversation(ctx.db, s["conversation_id"])
    message = conversations.message(ctx.db, s["message_id"])
    now = iso(ctx.now())
    if action == "another":
        _feedback(ctx, s["id"], "another", platform, user)
        siblings = suggestions.live(ctx.db, s["message_id"])
        following = siblings[(s["rank"] + 1) % len(siblings)]
        return ChoiceResult(review_reply(ctx, following["id"]))
    if action == "dismiss":
        _feedback(ctx, s["id"], "dismiss", platform, user)
        suggestions.dismiss_pending(ctx.db, s["message_id"])
        return ChoiceResult(review_reply(ctx, s["id"], handled=f"dismissed by {user}"))
    if action not in ("send", "edit"):
        return ChoiceResult(Reply.error(f"Unknown action {action[:20]!r}."))
    text = s["text"]
    if action == "edit":
        text = (edited_text or "").strip()
        if not text:
            return ChoiceResult(Reply.error("The edited reply is empty; nothing was sent."))
    asked = carries_cta(text, s["cta_url"])  # before the link is swapped for a tracked one
    with transaction(ctx.db):
        feedback_id = _feedback(ctx, s["id"], action, platform, user,
                                text if action == "edit" else None)
        text = track_text(ctx.config, ctx.db, text, s["cta_url"], LinkInfo(
            "reply", str(s["id"]), s["cta_id"], s.get("variant") or "",
            conversation["platform"], conversation["channel"]), ctx.now())
        dismissed = suggestions.dismiss_alternatives(ctx.db, s)
        # "sending" until the platform confirms the post (confirm_send), never "sent" before.
        suggestions.mark_sending(ctx.db, s["id"])
        conversations.mark_answered(ctx.db, conversation["id"], now, reset_cta=asked)
    claim = SendClaim(
        suggestion_id=s["id"], feedback_id=feedback_id, action=action, text=text, at=now,
        dismissed=dismissed, status=conversation["status"],
        answered_at=conversation["answered_at"], last_message_at=conversation["last_message_at"],
        customer_messages_since_cta=conversation["customer_messages_since_cta"] or 0,
        last_cta_at=conversation["last_cta_at"], reset_cta=asked,
    )
    post = Post(
        platform=conversation["platform"],
        channel=conversation["channel"],
        text=text,
        thread=conversation["thread"],
        reply_to=message["event_key"] or "",
        workspace=conversation["workspace"] or "",
    )
    verb = "sent" if action == "send" else "edited and sent"
    return ChoiceResult(review_reply(ctx, s["id"], handled=f"{verb} by {user}"), post, claim)


def carries_cta(text: str, cta_url: str | None) -> bool:
    """Whether a reply as sent still carries its call-to-action link (an edit may drop it):
    the CTA cadence counts only calls-to-action the customer actually received."""
    if not cta_url:
        return False
    return untagged(cta_url) in {untagged(url) for url in _URL.findall(text)}


def team_link_sent(ctx: Context, text: str) -> bool:
    """Whether a reply typed by hand carries one of the catalog's links (a CTA, sent by hand)."""
    found = {untagged(url) for url in _URL.findall(text)}
    return bool(found & {untagged(url) for url in catalog_urls(ctx.config)})


def undo_send(ctx: Context, result: ChoiceResult, problem: str, *,
              transient: bool = False) -> Reply:
    """The platform refused the post `on_choice` claimed: put the suggestion and its
    alternatives back to pending, restore the conversation's answered status and CTA cadence,
    mark the attempt's feedback row as failed with the reason, and return the review with its
    buttons and a "Not sent" line, so the person can press Send again.

    Only what the claim itself wrote is restored: a customer message or a reply typed by hand
    since then is kept.
    """
    claim = result.claim
    if claim is None:
        raise ValueError("undo_send needs the result of a Send or Edit")
    with transaction(ctx.db):
        suggestions.back_to_pending(ctx.db, (claim.suggestion_id, *claim.dismissed))
        conversation_id = suggestions.get(ctx.db, claim.suggestion_id)["conversation_id"]
        conversations.unmark_answered(ctx.db, conversation_id, claim.at, {
            "status": claim.status, "answered_at": claim.answered_at,
            "last_message_at": claim.last_message_at,
            "customer_messages_since_cta": claim.customer_messages_since_cta,
            "last_cta_at": claim.last_cta_at, "reset_cta": claim.reset_cta})
        suggestions.mark_feedback(ctx.db, claim.feedback_id, f"{claim.action}_failed", problem)
    again = "press Send again in a moment" if transient else \
        "press Send again once that is fixed, or answer the customer yourself"
    shown = review_reply(ctx, claim.suggestion_id)
    fields = [*shown.fields]
    if claim.action == "edit":
        fields.append(Field("Your edit (not sent)", claim.text))
    fields.append(Field("Not sent", f"{problem}; {again}."))
    return replace(shown, fields=tuple(fields))


def partly_sent(ctx: Context, result: ChoiceResult, problem: str) -> Reply:
    """The platform took the first messages of a long reply and refused the rest: the customer
    has part of it, so it is not "not sent". The conversation stays answered; the attempt's
    feedback row becomes `send_partial` (or `edit_partial`) with why; the suggestion goes back
    to pending with its buttons, and Send again posts only the rest (the outbox goes on after
    the messages that went out)."""
    claim = result.claim
    if claim is None:
        raise ValueError("partly_sent needs the result of a Send or Edit")
    with transaction(ctx.db):
        suggestions.back_to_pending(ctx.db, (claim.suggestion_id,), ("sending", "sent"))
        suggestions.mark_feedback(ctx.db, claim.feedback_id, f"{claim.action}_partial", problem)
    shown = review_reply(ctx, claim.suggestion_id)
    again = "Send again" if claim.action == "send" else "send the same edit again"
    fields = [*shown.fields, Field("Partly sent", f"{problem}; {again} to post the rest (what "
                                                  "went out is not posted twice).")]
    return replace(shown, fields=tuple(fields))


def confirm_send(ctx: Context, result: ChoiceResult) -> None:
    """The platform confirmed the post of a Send or Edit: the suggestion is now "sent"."""
    if result.claim is not None:
        suggestions.mark_sent(ctx.db, result.claim.suggestion_id)


async def deliver_choice(ctx: Context, result: ChoiceResult,
                         publish: Callable[[Post], Awaitable[str]]) -> tuple[Reply, bool]:
    """Post what a Send or Edit claimed and record the truth: (review to show, refused?).

    Only a post the platform confirmed is recorded as sent. Any failure (a DeliveryError, or
    anything unexpected from the adapter) is undone with `undo_send`, whose review says why.
    """
    if result.post is None:
        return result.review, False
    try:
        await publish(result.post)
    except Exception as error:
        transient = bool(getattr(error, "transient", False))
        if not hasattr(error, "transient"):
            log.error("sending suggestion %s failed unexpectedly", result.claim.suggestion_id,
                      exc_info=error)
        problem = str(error) if hasattr(error, "transient") else \
            f"unexpected error ({type(error).__name__})"
        if getattr(error, "parts_sent", 0):
            return partly_sent(ctx, result, problem), True
        return undo_send(ctx, result, problem, transient=transient), True
    confirm_send(ctx, result)
    return result.review, False
