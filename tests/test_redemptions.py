"""Redemptions of offer codes: typed in chat or imported from a CSV, shown per offer and per
promotion that carried the code; a bad file is refused row by row and nothing is imported."""

from __future__ import annotations

from datetime import date

from bot.core.types import Request
from bot.results.redemptions import parse_csv
from tests.cli_helpers import nudge


def say(ctx, text: str):
    return ctx.router.dispatch(Request(platform="slack", text=text, user="U_TEAM", channel="C0",
                                       role="team"), ctx)


def test_redeemed_records_the_code_for_today_and_counts_the_week(ctx):
    reply = say(ctx, "/nudge redeemed autumn10 3")
    assert reply.ok and "Recorded 3 redemptions of AUTUMN10 (Autumn box) today" in reply.text
    assert say(ctx, "/nudge redeemed AUTUMN10").text.count("4 in the last 7 days") == 1
    rows = [(r["code"], r["offer_id"], r["day"], r["count"], r["source"], r["recorded_by"])
            for r in ctx.db["redemptions"].rows]
    assert rows[0] == ("AUTUMN10", "autumn10", "2026-11-23", 3, "chat", "slack:U_TEAM")


def test_redeemed_refuses_an_unknown_code_or_a_silly_count_with_a_friendly_line(ctx):
    unknown = say(ctx, "/nudge redeemed XMAS24")
    assert not unknown.ok and 'No offer has the code "XMAS24" (known codes: AUTUMN10)' in \
        unknown.text
    for bad in ("-2", "lots", "0", "99999999"):
        reply = say(ctx, f"/nudge redeemed AUTUMN10 {bad}")
        assert not reply.ok and "is not a count" in reply.text
    assert not say(ctx, "/nudge redeemed").ok
    assert ctx.db["redemptions"].count == 0


def test_stats_show_redemptions_per_offer_and_the_promotions_that_carried_the_code(ctx):
    ctx.db["promotions"].insert({"id": 4, "text": "Autumn boxes", "targets": "[]",
                                 "trigger": "{}", "timezone": "UTC", "offer_id": "autumn10",
                                 "status": "finished", "runs": 2})
    say(ctx, "/nudge redeemed AUTUMN10 2")
    text = say(ctx, "/nudge stats 7d").text
    assert "*Offer codes redeemed*" in text
    assert "• AUTUMN10 (offer autumn10): 2 redeemed; carried by promotion #4" in text


def test_parse_csv_gives_one_clear_error_per_bad_row(config):
    text = ("date,code,amount\n"
            "2026-11-20,AUTUMN10,12.50\n"
            "2026-11-21,autumn10\n"
            "\n"
            "21/11/2026,AUTUMN10,3\n"
            "2026-11-22,XMAS,3\n"
            "2026-11-22,AUTUMN10,ten\n"
            "2026-12-25,AUTUMN10\n"
            "2026-11-22\n")
    items, errors = parse_csv(config, text, date(2026, 11, 23))
    assert [(i.day.isoformat(), i.code, i.amount) for i in items] == [
        ("2026-11-20", "AUTUMN10", 12.5), ("2026-11-21", "AUTUMN10", None)]
    assert errors == [
        'row 5: "21/11/2026" is not a date: write it as YYYY-MM-DD, such as 2026-11-23',
        'row 6: No offer has the code "XMAS" (known codes: AUTUMN10).',
        'row 7: amount "ten" is not a number, such as 12.50',
        "row 8: 2026-12-25 is in the future",
        "row 9: expected date, code and an optional amount; found 1 columns",
    ]


def test_the_import_command_refuses_a_bad_file_with_exit_2_and_imports_nothing(
        tmp_path, config_file, db):
    bad = tmp_path / "till.csv"
    bad.write_text("2026-11-20,AUTUMN10,12.50\n2026-11-20,NOPE,1\n")
    result = nudge(config_file, "redemptions", "import", str(bad))
    assert result.returncode == 2
    assert 'till.csv, row 2: No offer has the code "NOPE"' in result.stderr
    assert "Nothing imported" in result.stderr and "Traceback" not in result.stderr
    assert db["redemptions"].count == 0


def test_the_import_command_records_a_good_file_and_stats_show_it(tmp_path, config_file, db):
    good = tmp_path / "shop.csv"
    good.write_text("date,code,amount\n2026-11-20,AUTUMN10,12.50\n2026-11-21,autumn10,8\n")
    result = nudge(config_file, "redemptions", "import", str(good))
    assert result.returncode == 0, result.stderr
    assert "Imported 2 redemption(s): AUTUMN10 2." in result.stdout
    rows = db.execute(
        "select day, code, amount, source from redemptions order by day").fetchall()
    assert rows == [("2026-11-20", "AUTUMN10", 12.5, "shop.csv"),
                    ("2026-11-21", "AUTUMN10", 8.0, "shop.csv")]


def test_an_amount_that_is_not_a_finite_sum_is_refused_naming_its_row(config):
    text = ("2026-11-20,AUTUMN10,NaN\n2026-11-20,AUTUMN10,Infinity\n2026-11-20,AUTUMN10,1e309\n"
            "2026-11-20,AUTUMN10,-inf\n2026-11-20,AUTUMN10,'£1,234.50'\n2026-11-20,AUTUMN10,7\n"
            ).replace("'", '"')
    items, errors = parse_csv(config, text, date(2026, 11, 23))
    assert errors == [
        'row 1: amount "NaN" is not a number, such as 12.50',
        'row 2: amount "Infinity" is not a number, such as 12.50',
        'row 3: amount "1e309" is not a number, such as 12.50',
        'row 4: amount "-inf" is not a number, such as 12.50',
    ]
    assert [item.amount for item in items] == [1234.5, 7.0]


def test_importing_the_same_till_file_twice_counts_it_once(tmp_path, config_file, db):
    till = tmp_path / "till-monday.csv"
    till.write_text("date,code,amount\n2026-11-20,AUTUMN10,12.50\n2026-11-20,AUTUMN10,12.50\n")
    assert nudge(config_file, "redemptions", "import", str(till)).returncode == 0
    again = tmp_path / "till-monday (1).csv"  # the same export, downloaded again, CRLF rows
    again.write_bytes(till.read_text().replace("\n", "\r\n").encode())
    result = nudge(config_file, "redemptions", "import", str(again))
    assert result.returncode == 2, result.stdout
    assert "already imported" in result.stderr and "till-monday.csv" in result.stderr
    assert "Nothing imported" in result.stderr
    count = db.execute("select sum(count) from redemptions").fetchone()[0]
    assert count == 2  # two sales that day, both counted, once
