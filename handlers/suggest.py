"""`/nudge suggest <text>`: what Nudge would suggest for a customer message, without storing it.

A way for the team to try the engine on a phrasing, in any chat, before a customer writes it.
"""

from __future__ import annotations

from bot.engine.types import ThreadState
from handlers.context import Context
from handlers.router import Command, UsageError
from handlers.types import Field, Reply, Request


def run(request: Request, args: str, ctx: Context) -> Reply:
    text = args.strip()
    if not text:
        raise UsageError("Give me a customer message to try, e.g. "
                         "`/nudge suggest how much is a sourdough loaf?`")
    if ctx.engine is None:
        return Reply.error("The suggestion engine is not available in this run.")
    result = ctx.engine.suggest(text[:5000], platform=request.platform, state=ThreadState(),
                                now=ctx.now())
    c = result.classification
    unsure = ", unsure" if c.low_confidence else ""
    fields = [Field("Intent", f"{c.intent} ({c.stage}, {c.confidence:.0%}{unsure})")]
    for number, suggestion in enumerate(result.suggestions, start=1):
        fields.append(Field(f"Suggestion {number}", f"{suggestion.text}\nWhy: "
                                                     f"{suggestion.rationale}"))
    if not result.suggestions:
        fields.append(Field("Suggestion", "none: Nudge would stay quiet here"))
    return Reply(f"What Nudge would suggest for: {text[:200]}", fields=tuple(fields))


COMMAND = Command(
    name="suggest",
    summary="Try a customer message: the intent and the replies Nudge would suggest.",
    usage="/nudge suggest <customer message>",
    run=run,
)
