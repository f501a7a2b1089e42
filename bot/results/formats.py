"""Numbers, amounts and rates written the way the brand's language writes them, for the report
and the spreadsheets a marketer reads: 38,947 and £1,234.50 in English, 38.947 and
1.234,50 € in German, 38 947 and 1 234,50 € in French, 38.947 and 1234,50 € in Spanish.

Nudge speaks four languages (brand.language is one of en, de, es, fr), so a small table here
does what a locale library would, without one more dependency. The conventions are CLDR's:
French groups with a narrow no-break space, Spanish leaves four-digit numbers ungrouped, and
the symbol follows the amount (after a no-break space) in German, Spanish and French.
"""

from __future__ import annotations

NBSP, NNBSP = "\u00a0", "\u202f"
GROUP = {"en": ",", "de": ".", "es": ".", "fr": NNBSP}
DECIMAL = {"en": ".", "de": ",", "es": ",", "fr": ","}
SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "INR": "₹", "CAD": "CA$",
           "AUD": "A$", "NZD": "NZ$"}
NO_DECIMALS = {"JPY", "KRW", "ISK", "CLP", "HUF"}


def _lang(lang: str) -> str:
    return lang if lang in GROUP else "en"


def _grouped(digits: str, lang: str) -> str:
    """"1234567" -> "1,234,567" (en); Spanish leaves a four-digit number as it is."""
    if lang == "es" and len(digits) <= 4:
        return digits
    groups = []
    while len(digits) > 3:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    return GROUP[lang].join([digits, *groups])


def number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """38947 -> "38,947" (en), "38.947" (de); with `decimals`, "0.33" or "0,33"."""
    lang = _lang(lang)
    text = f"{abs(value):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 and float(text) != 0 else ""
    return sign + _grouped(whole, lang) + (DECIMAL[lang] + fraction if fraction else "")


def money(amount: float, currency: str, lang: str = "en") -> str:
    """37.5 GBP -> "£37.50" (en), "37,50 £" (de); a currency without a symbol here is named by
    its code: "CHF 37.50", "37,50 CHF"."""
    lang = _lang(lang)
    currency = currency.upper()
    figure = number(amount, lang, 0 if currency in NO_DECIMALS else 2)
    symbol = SYMBOLS.get(currency)
    if lang == "en":
        return f"{symbol}{figure}" if symbol else f"{currency}{NBSP}{figure}"
    return f"{figure}{NBSP}{symbol or currency}"


def percent(rate: float, lang: str = "en") -> str:
    """0.224 -> "22%" (en), "22 %" (de, es, fr: a no-break space before the sign)."""
    figure = number(round(rate * 100), lang)
    return figure + ("%" if _lang(lang) == "en" else f"{NBSP}%")


def interval(low: float, high: float, lang: str = "en") -> str:
    """(0.12, 0.37) -> "12–37%" (en), "12–37 %" (de)."""
    return f"{number(round(low * 100), lang)}–{percent(high, lang)}"
