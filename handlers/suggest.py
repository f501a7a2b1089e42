"""`/nudge suggest <customer message>`: try the engine on any text, privately, nothing stored."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.types import Field, Reply, Request
from bot.engine.types import ThreadState, weighed
from handlers.router import Command, UsageError


def run(request: Request, args: str, ctx: Context) -> Reply:
    text = args.strip()
    if not text:
        raise UsageError("Give me a customer message to try, e.g. "
                         "`/nudge suggest how much is the autumn box?`")
    if ctx.engine is None:
        return Reply.error("The suggestion engine is not loaded, so there is nothing to suggest.")
    result = ctx.engine.suggest(text, platform=request.platform, state=ThreadState(1),
                                now=ctx.now())
    c = result.classification
    unsure = ", unsure" if c.low_confidence else ""
    fields = []
    for rank, s in enumerate(result.suggestions, start=1):
        label = f"Suggestion {rank}" + (" (urgent)" if s.urgent else "")
        link = f"{s.cta_kind}: {s.cta_label}" if s.cta_id else "no CTA"
        fields.append(Field(label, s.text))
        fields.append(Field("Why", f"{s.rationale} [{link}]"))
    header = f"Intent: {c.intent} ({c.stage}, {c.confidence:.0%}{unsure})"
    if result.handled_as:
        header += f", replied to as {result.handled_as}"
    if c.not_sure:
        header += f". {c.not_sure} ({weighed(c.alternatives)})"
    return Reply(header, fields=tuple(fields))


COMMAND = Command(
    name="suggest",
    summary="Show the replies Nudge would suggest for a customer message (nothing is sent).",
    usage="/nudge suggest <customer message>",
    run=run,
)
