"""`/nudge cta [id]`: the call-to-action catalog with the exact links Nudge sends (UTM-tagged
for the platform asked from), so the team can copy one into a reply of their own."""

from __future__ import annotations

from bot.links import tag_url
from handlers.context import Context
from handlers.router import Command, UsageError
from handlers.types import Field, Reply, Request


def run(request: Request, args: str, ctx: Context) -> Reply:
    catalog = ctx.config.ctas
    wanted = args.strip().lower()
    if wanted:
        catalog = [cta for cta in catalog if cta.id.lower() == wanted]
        if not catalog:
            known = ", ".join(f"`{cta.id}`" for cta in ctx.config.ctas) or "none yet"
            raise UsageError(f"There is no call-to-action `{wanted[:40]}`. Known: {known}.")
    if not catalog:
        return Reply("The call-to-action catalog is empty: add links under `ctas:` in the "
                     "config file.")
    fields = tuple(
        Field(f"{cta.label} ({cta.kind}, `{cta.id}`)",
              tag_url(cta.url, request.platform, "chat", cta.campaign))
        for cta in catalog
    )
    return Reply(f"Calls-to-action ({len(fields)}), tagged for {request.platform}:",
                 fields=fields)


COMMAND = Command(
    name="cta",
    summary="The call-to-action catalog with the tagged links Nudge sends.",
    usage="/nudge cta [id]",
    run=run,
)
