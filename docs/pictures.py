"""Make the README's pictures from Nudge's real output, so they never go stale.

    .venv/bin/python docs/pictures.py            # writes docs/*.png
    .venv/bin/python docs/pictures.py --out DIR  # somewhere else

Nudge runs on the example config against the tests' local fake Slack and fake Discord; what
it sends them (the review message, the Edit modal, the App Home, the Discord review) is drawn
by docs/drawing in each app's look and photographed in headless Chromium (Debian's
/usr/bin/chromium through playwright, never a downloaded browser), as is the page
`nudge report --html` writes over two weeks of made-up results. Nothing leaves the machine.
Emoji need a colour emoji font (Debian: fonts-noto-color-emoji).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run as a script or imported by the tests: `drawing` is here
    sys.path.insert(0, str(HERE))

from drawing import UnknownElement, capture, discord, slack  # noqa: E402
from drawing.shoot import Shot, missing, shoot  # noqa: E402

NAMES = ("slack-review.png", "slack-edit.png", "slack-home.png", "discord-review.png",
         "report.png")
REPORT_WIDTH = 1024  # a laptop window; the page centres itself within it


def shots(payloads: capture.Payloads) -> dict[str, Shot]:
    """Each picture's page, drawn from the payloads (UnknownElement if one cannot be)."""
    names, channel = payloads.slack_names, payloads.slack_channel
    return {
        "slack-review.png": Shot(slack.message(payloads.slack_review, names, channel=channel)),
        "slack-edit.png": Shot(slack.modal(payloads.slack_edit, names)),
        "slack-home.png": Shot(slack.home(payloads.slack_home, names)),
        "discord-review.png": Shot(discord.message(payloads.discord_review,
                                                   payloads.discord_names,
                                                   channel=payloads.discord_channel)),
        "report.png": Shot(payloads.report_html, REPORT_WIDTH, selector=""),
    }


def make(out: Path, workdir: Path) -> list[Path]:
    """Run Nudge in `workdir`, draw and photograph everything into `out`; the paths written."""
    payloads = asyncio.run(capture.collect(workdir))
    pages = shots(payloads)
    out.mkdir(parents=True, exist_ok=True)
    return shoot({out / name: pages[name] for name in NAMES})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where the PNGs go")
    args = parser.parse_args()
    for need in missing():
        print(f"warning: install {need}", file=sys.stderr)
    # The frozen clock makes the scheduler skip runs it would catch up; not news here.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="nudge-pictures-") as workdir:
        try:
            written = make(args.out, Path(workdir))
        except UnknownElement as error:
            sys.exit(f"{error}: teach docs/drawing to draw it, so the picture shows it.")
    for path in written:
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":  # the engine's process pool starts workers that import this file
    main()
