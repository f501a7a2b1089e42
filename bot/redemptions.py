"""Offer codes redeemed at the till or the web shop, so the team sees which offer (and which
promotion that carried its code) brought sales, not just clicks.

Recorded by hand (`/nudge redeemed AUTUMN10 3`) or imported from a till or shop export
(`nudge redemptions import FILE.csv`, rows of date, code and an optional amount). A code must be
one of the offers' codes in the config, so a typo is caught instead of counted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from bot.config import Config, Offer
from bot.store import iso, transaction

MAX_COUNT = 10_000
AMOUNT = re.compile(r"\d{1,9}(\.\d{1,4})?")  # takings as a till writes them: 12.50, 1234


class RedemptionError(Exception):
    """A redemption that cannot be recorded; the message says why, in words for a person."""


@dataclass(frozen=True)
class Redemption:
    day: date
    code: str
    offer_id: str
    count: int = 1
    amount: float | None = None


@dataclass(frozen=True)
class OfferRedemptions:
    offer_id: str
    code: str
    count: int
    amount: float | None
    promotions: tuple[int, ...]  # the promotions that carried the offer (and so its code)


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


IMPORTED = "redemptions_import"  # the audit_log action that remembers an imported file


def fingerprint(items: list[Redemption]) -> str:
    """What a till file says, whatever its line ends, header or row order: the same export
    downloaded twice has the same fingerprint, so it is not counted twice."""
    rows = sorted(f"{i.day.isoformat()},{i.code},{i.count},{i.amount!r}" for i in items)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def imported_before(db: sqlite_utils.Database, print_: str) -> tuple[str, str] | None:
    """(file name, when) of an earlier import with this fingerprint, or None."""
    row = db.execute("select details, at from audit_log where action = ? and subject = ? "
                     "order by id limit 1", [IMPORTED, print_]).fetchone()
    if row is None:
        return None
    return json.loads(row[0]).get("file", "?"), row[1]


def record(db: sqlite_utils.Database, items: list[Redemption], *, source: str, by: str,
           now: datetime, print_: str | None = None) -> None:
    """Store the redemptions, all or none; with `print_`, remember the file was imported."""
    with transaction(db):
        for item in items:
            db.execute(
                "insert into redemptions (code, offer_id, day, count, amount, source, "
                "recorded_by, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [item.code, item.offer_id, item.day.isoformat(), item.count, item.amount,
                 source, by, iso(now)],
            )
        if print_ is not None:
            db.execute("insert into audit_log (at, platform, user_id, action, subject, details) "
                       "values (?, 'cli', ?, ?, ?, ?)",
                       [iso(now), by, IMPORTED, print_,
                        json.dumps({"file": source, "rows": len(items)}, sort_keys=True)])


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


def by_offer(db: sqlite_utils.Database, first: date, last: date) -> list[OfferRedemptions]:
    """Redemptions per offer on local days [first, last], most redeemed first."""
    rows = db.execute(
        "select offer_id, code, sum(count), sum(amount) from redemptions where day >= ? and "
        "day <= ? group by offer_id, code order by sum(count) desc, offer_id",
        [first.isoformat(), last.isoformat()]).fetchall()
    found = []
    for offer_id, code, count, amount in rows:
        carried = tuple(pid for (pid,) in db.execute(
            "select id from promotions where offer_id = ? and runs > 0 order by id",
            [offer_id]))
        found.append(OfferRedemptions(offer_id, code, count, amount, carried))
    return found


def redemption_line(item: OfferRedemptions) -> str:
    """"AUTUMN10 (offer autumn10): 4 redeemed, £48.00; carried by promotion #2, #5"."""
    line = f"{item.code} (offer {item.offer_id}): {item.count} redeemed"
    if item.amount:
        line += f", {item.amount:.2f} taken"
    if item.promotions:
        line += "; carried by promotion " + ", ".join(f"#{pid}" for pid in item.promotions)
    return line
