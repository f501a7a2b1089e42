"""`/nudge cta [kind]`: the call-to-action catalog, with the exact tagged links Nudge sends."""

from __future__ import annotations

from bot.config import CTA_KINDS
from bot.core.context import Context
from bot.core.types import Field, Reply, Request
from bot.engine.catalog import Catalog
from bot.engine.links import tag_url
from bot.engine.shops import long_date
from handlers.router import Command, UsageError


def run(request: Request, args: str, ctx: Context) -> Reply:
    kind = args.strip().lower()
    if kind and kind not in CTA_KINDS:
        raise UsageError(f"There is no CTA kind `{kind[:20]}`; use one of "
                         f"{', '.join(CTA_KINDS)}.")
    config = ctx.config
    today = ctx.local_now().date()
    catalog = Catalog(config, today, promotions=True)
    ctas = [cta for cta in config.ctas if not kind or cta.kind == kind]
    if not ctas:
        where = f" of kind {kind}" if kind else ""
        return Reply(f"The catalog has no CTA{where}. Add them under `ctas:` in the config.")
    fields = []
    for cta in ctas:
        url = tag_url(cta.url, platform=request.platform, campaign=cta.campaign)
        held = "" if catalog.usable(cta) else " (held back today: its offer is not running)"
        fields.append(Field(f"{cta.id} ({cta.kind}){held}", f"{cta.label}: {url}"))
    offers = [offer for offer in config.offers if offer.is_valid_on(today)]
    for offer in offers:
        until = f" until {long_date(offer.end)}" if offer.end else ""
        where = " in the shop" if offer.in_store else ""
        code = f", code {offer.code}" if offer.code else ""
        fields.append(Field(f"Offer running{where}: {offer.title}", f"{offer.text}{code}{until}"))
    return Reply(f"{len(ctas)} CTA{'s' if len(ctas) != 1 else ''} in the catalog, tagged for "
                 f"{request.platform}; {len(offers)} offer{'s' if len(offers) != 1 else ''} "
                 "running today.", fields=tuple(fields))


COMMAND = Command(
    name="cta",
    summary="List the call-to-action catalog with its UTM-tagged links and today's offers.",
    usage="/nudge cta [buy|offer|learn|visit|contact|review|refer]",
    run=run,
)
