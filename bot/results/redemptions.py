"""Offer codes redeemed at the till or the web shop, so the team sees which offer (and which
promotion that carried its code) brought sales, not just clicks.

Recorded by hand (`/nudge redeemed AUTUMN10 3`) or imported from a till or shop export
(`nudge redemptions import FILE.csv`, rows of date, code and an optional amount). A code must be
one of the offers' codes in the config, so a typo is caught instead of counted. They are kept
(and added up) by bot/store/redemptions.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date

from bot.config import Config, Offer
from bot.store.redemptions import OfferRedemptions, Redemption

__all__ = ["OfferRedemptions", "Redemption", "RedemptionError", "fingerprint", "offer_for_code",
           "parse_count", "parse_csv", "redemption_line"]

MAX_COUNT = 10_000
AMOUNT = re.compile(r"\d{1,9}(\.\d{1,4})?")  # takings as a till writes them: 12.50, 1234


class RedemptionError(Exception):
    """A redemption that cannot be recorded; the message says why, in words for a person."""


def offer_for_code(config: Config, code: str) -> Offer:
    """The offer whose code this is (any case), or a RedemptionError naming the known codes."""
    wanted = code.strip().upper()
    for offer in config.offers:
        if offer.code and offer.code.upper() == wanted:
            return offer
    known = ", ".join(o.code for o in config.offers if o.code) or "none: add `code:` to an offer"
    raise RedemptionError(f'No offer has the code "{code.strip()[:40]}" (known codes: {known}).')


def parse_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise RedemptionError(f'"{text[:20]}" is not a count: give a whole number from 1 to '
                              f"{MAX_COUNT}.")
    return int(text)


def fingerprint(items: list[Redemption]) -> str:
    """What a till file says, whatever its line ends, header or row order: the same export
    downloaded twice has the same fingerprint, so it is not counted twice."""
    rows = sorted(f"{i.day.isoformat()},{i.code},{i.count},{i.amount!r}" for i in items)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _parse_row(config: Config, cells: list[str], today: date) -> Redemption:
    cells = [cell.strip() for cell in cells]
    if len(cells) not in (2, 3):
        raise RedemptionError(f"expected date, code and an optional amount; found "
                              f"{len(cells)} columns")
    try:
        day = date.fromisoformat(cells[0])
    except ValueError:
        raise RedemptionError(f'"{cells[0][:30]}" is not a date: write it as YYYY-MM-DD, such '
                              "as 2026-11-23") from None
    if day > today:
        raise RedemptionError(f"{day.isoformat()} is in the future")
    offer = offer_for_code(config, cells[1])
    amount = None
    if len(cells) == 3 and cells[2]:
        written = cells[2].lstrip("£$€").replace(",", "")
        if written.startswith("-") and AMOUNT.fullmatch(written[1:]):
            raise RedemptionError(f"amount {cells[2]} is negative")
        if not AMOUNT.fullmatch(written):  # float() would take NaN, Infinity and 1e309 (inf)
            raise RedemptionError(f'amount "{cells[2][:20]}" is not a number, such as '
                                  "12.50")
        amount = float(written)
    return Redemption(day, offer.code, offer.id, 1, amount)


def parse_csv(config: Config, text: str, today: date) -> tuple[list[Redemption], list[str]]:
    """Rows of (date, code[, amount]), and one clear error per bad row ("row 4: ...").

    A first row naming the columns ("date,code,amount") is skipped; blank rows too.
    """
    items: list[Redemption] = []
    errors: list[str] = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if number == 1 and cells[0].strip().lower() == "date":
            continue
        try:
            items.append(_parse_row(config, cells, today))
        except RedemptionError as error:
            errors.append(f"row {number}: {error}")
    return items, errors


def redemption_line(item: OfferRedemptions) -> str:
    """"AUTUMN10 (offer autumn10): 4 redeemed, £48.00; carried by promotion #2, #5"."""
    line = f"{item.code} (offer {item.offer_id}): {item.count} redeemed"
    if item.amount:
        line += f", {item.amount:.2f} taken"
    if item.promotions:
        line += "; carried by promotion " + ", ".join(f"#{pid}" for pid in item.promotions)
    return line
