"""`/nudge tests`: the A/B tests, running and finished, with each variant's results."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.types import Reply, Request
from bot.results.experiments import all_tests, arm_line, verdict
from handlers.router import Command

HOW = ('Start one: `/nudge promo add "Wording A" | "Wording B" in #channel at ...`, or put a '
       "second reply template such as pricing.b.j2 beside pricing.j2.")


def render_tests(ctx: Context) -> str:
    tests = all_tests(ctx.db, ctx.now())
    if not tests:
        return f"No A/B tests yet. {HOW}"
    lines = ["*A/B tests* (CTR = sends that earned a click; a winner only when the 95% "
             "intervals do not overlap)"]
    for group, running in (("Running", True), ("Finished", False)):
        chosen = [test for test in tests if test.running == running]
        if not chosen:
            continue
        lines.append(f"*{group}*")
        for test in chosen:
            lines.append(f"• {test.title}: {verdict(test)}")
            lines += [f"    {arm_line(arm, test.winner)}" for arm in test.arms]
    return "\n".join(lines)


def run(request: Request, args: str, ctx: Context) -> Reply:
    return Reply(render_tests(ctx))


COMMAND = Command(
    name="tests",
    summary="A/B tests of promotion and reply wordings: sends, clicks, CTR and the winner.",
    usage="/nudge tests",
    run=run,
)
