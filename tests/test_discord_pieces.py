"""Small parts of the Discord adapter: the command prefix and Discord's length limits."""

from __future__ import annotations

from bot.platforms.discord.commands import prefix_command
from bot.platforms.discord.render import mention_channels, split_text


def test_the_prefix_is_recognised_in_any_case_and_only_as_a_whole_word():
    assert prefix_command("!nudge help", "!nudge") == "help"
    assert prefix_command("!NUDGE  promo list ", "!nudge") == "promo list"
    assert prefix_command("!nudge", "!nudge") == ""
    assert prefix_command("!nudge\nhelp", "!nudge") == "help"
    assert prefix_command("!nudgebot help", "!nudge") is None
    assert prefix_command("hey !nudge help", "!nudge") is None
    assert prefix_command("?n help", "?n") == "help"


def test_long_text_is_split_at_line_breaks_within_discords_limit():
    text = "\n".join(["x" * 1500, "y" * 1500, "z" * 4500])

    chunks = split_text(text)

    assert [len(chunk) for chunk in chunks] == [1500, 1500, 2000, 2000, 500]
    assert "".join(chunks) == text.replace("\n", "")
    assert split_text("  short  ") == ["short"]
    assert split_text("") == []


def test_channel_ids_become_channel_links_once():
    text = "New customer message in 123456789012345678: pricing"
    linked = mention_channels(text, ("123456789012345678",))
    assert linked == "New customer message in <#123456789012345678>: pricing"
    assert mention_channels(linked, ("123456789012345678",)) == linked
