"""Documentation tooling: Nudge's real Slack and Discord payloads drawn as HTML, then
photographed in headless Chromium, so the README's pictures are made from what Nudge sends.

- capture.py: runs Nudge against the tests' fake Slack and fake Discord and keeps what they
  received (and `nudge report --html`'s page);
- made_up.py: the made-up results those pages show, written through the real handlers;
- slack.py and mrkdwn.py: Block Kit (messages, modals, the App Home) in Slack's light theme;
- discord.py: a Discord message (content, embeds, components) in Discord's dark theme;
- shoot.py: headless Chromium through playwright, one PNG per page, cropped to the picture.

The renderers draw only what they know and raise UnknownElement on anything else (a block
type, an element, a key that would change the drawing), so a picture never silently leaves
out what Nudge started sending.
"""


class UnknownElement(ValueError):
    """A payload holds something the renderer cannot draw faithfully."""
