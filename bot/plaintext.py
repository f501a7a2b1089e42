"""What a person actually sees in a piece of text: no zero-width tricks, no look-alike forms.

Hostile text hides in characters that render as nothing (zero-width spaces and joiners, word
joiners, soft hyphens, variation selectors, Hangul fillers, bidi controls) or as look-alikes
(full-width letters, ideographic full stops). `visible` folds those away, so checks on a draft
or a message see what a reader would see; `has_visible_text` says whether anything is left.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing, or as blank space, whatever their Unicode category says.
_BLANK_LETTERS = "\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5"
_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff"
    rf"{_BLANK_LETTERS}\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
# Dots that fold to "." once NFKC has done its part (it turns full-width "．" into "." but
# leaves the ideographic "。" and the half-width "｡" alone).
_DOTS = str.maketrans({"\u3002": ".", "\uff61": ".", "\u2024": ".", "\ufe52": ".",
                       "\u0701": ".", "\u0702": "."})


# A zero-width joiner or a variation selector right after an emoji is part of the emoji
# ("👩‍🍳", "❤️"); anywhere else it only hides something.
_EMOJI_JOINER = re.compile(r"(?<=[\u2600-\u27bf\U0001f000-\U0001faff\u200d\ufe0f])[\u200d\ufe0f]")


def visible(text: str, *, keep_emoji_joiners: bool = False) -> str:
    """`text` in NFKC form, with invisible characters removed and look-alike dots made dots.

    With `keep_emoji_joiners`, the joiners inside an emoji stay, so a reply keeps its emoji
    intact; checks that must see letters side by side use the default.
    """
    if keep_emoji_joiners:
        kept: list[str] = []
        text = _EMOJI_JOINER.sub(lambda m: kept.append(m.group(0)) or "\ue0fe", text)
        text = _INVISIBLE.sub("", text)
        text = re.sub("\ue0fe", lambda m: kept.pop(0), text)
    else:
        text = _INVISIBLE.sub("", text)
    return unicodedata.normalize("NFKC", text).translate(_DOTS)


def has_visible_text(text: str) -> bool:
    """Whether `text` shows anything at all: a letter, digit, symbol or punctuation mark."""
    for char in _INVISIBLE.sub("", text):
        category = unicodedata.category(char)
        if category[0] not in "ZCM":
            return True
    return False
