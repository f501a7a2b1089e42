"""Nudge's configuration: one YAML file for what a team decides, environment variables for secrets.

The YAML is validated by pydantic models; every problem becomes one plain line that names the
file, the key path and what was expected, so a marketer can fix it without reading a traceback.
"""

from __future__ import annotations

import csv
import ipaddress
import os
import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.translations import LANGUAGES, Text, parse_names, parse_text, settle

DEFAULT_CONFIG_NAME = "config.yaml"
EXAMPLE_CONFIG = Path(__file__).with_name("config.example.yaml")
SECRET_ENV_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "DISCORD_TOKEN",
    "NUDGE_LLM_API_KEY",
    "NUDGE_DATABASE_URL",
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CTA_KINDS = ("buy", "offer", "learn", "visit", "contact", "review", "refer")

# Keys and values that only ever hold credentials; finding one in the YAML means a secret is
# about to be committed to a repository or pasted into a chat (a sign-off is posted to
# customers). Values are recognised by shape anywhere inside any string.
_SECRET_KEY = re.compile(r"(^|[_-])(token|secret|password|api[_-]?key|apikey)$", re.IGNORECASE)
_SECRET_SHAPES = {
    "a Slack token": r"\bxox[abeoprs]-(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{4,}|\bxapp-[A-Za-z0-9-]{4,}",
    "a Discord bot token": r"(?<![\w.-])[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\."
                           r"[A-Za-z0-9_-]{27,}",
    "an API key": r"\b(?:sk|rk)-(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}"
                  r"|\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bgh[pousr]_[A-Za-z0-9]{30,}"
                  r"|\bAKIA[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_-]{35}",
    "a password in a link": r"\b[a-z][a-z0-9+.-]*://[^/\s?#@]+@",
}
_SECRET_VALUE = re.compile("|".join(f"(?:{shape})" for shape in _SECRET_SHAPES.values()))
# How much a YAML file may hold once its aliases (*name) are expanded, and how deep it may nest:
# far beyond any real config, far below what makes a walk over it slow or recursive.
MAX_YAML_VALUES = 20_000
MAX_YAML_DEPTH = 32
PLATFORM_NAMES = ("console", "slack", "discord")


class ConfigError(Exception):
    """The configuration cannot be used; `problems` holds one human-readable line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _http_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("expected an http(s) URL")
    return value


def _time_of_day(value: str) -> str:
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", str(value)):
        raise ValueError('expected a time of day such as "08:30"')
    return str(value)


def _identifier(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise ValueError("expected an id of letters, digits, '-', '_' or '.'")
    return value


def _manager(value: str) -> str:
    """A `team.managers` entry: "<platform>:<user id>" or "<platform>:role:<role name>"."""
    example = 'such as "slack:U0MANAGER", "discord:123456789012345678" or "discord:role:Marketing"'
    platform, colon, who = value.partition(":")
    if not colon or not who.strip():
        raise ValueError(f'expected "<platform>:<user id>" or "<platform>:role:<role name>", '
                         f'{example}, got "{value}"')
    if platform not in PLATFORM_NAMES:
        if platform.lower() in PLATFORM_NAMES:
            raise ValueError(f'write the platform in lower case: "{platform.lower()}:{who}", '
                             f'got "{value}"')
        raise ValueError(f'unknown platform "{platform}": use {", ".join(PLATFORM_NAMES)}, '
                         f'got "{value}"')
    kind, colon, role = who.partition(":")
    if colon:
        if kind != "role" or not role.strip():
            raise ValueError(f'expected "{platform}:role:<role name>", got "{value}"')
        return value
    if platform == "slack" and not re.fullmatch(r"[UW][A-Z0-9]{2,}", who):
        raise ValueError(f'a Slack user id looks like "U0MANAGER" (upper case, from the '
                         f'person\'s profile: ⋮ > Copy member ID), got "{value}"')
    if platform == "discord" and not re.fullmatch(r"\d{15,21}", who):
        raise ValueError('a Discord user id is a number such as "123456789012345678" '
                         f'(Developer Mode, right-click the person, Copy User ID), got "{value}"')
    if platform == "console" and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", who):
        raise ValueError(f'a console user is a plain name such as "console:team", got "{value}"')
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
ManagerEntry = Annotated[str, AfterValidator(_manager)]
TimeOfDay = Annotated[str, AfterValidator(_time_of_day)]
Identifier = Annotated[str, AfterValidator(_identifier)]
# A text a customer sees: a plain string in the brand's language, or {language: text}.
LocalText = Annotated[str, PlainValidator(parse_text)]
RequiredText = Annotated[str, PlainValidator(lambda value: parse_text(value, allow_empty=False))]
# Other names for a product or a shop: a list, or {language: [names]}.
Names = Annotated[list[str], BeforeValidator(parse_names)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


STOCK_LEVELS = ("normal", "overstock", "low", "out")


class Brand(Strict):
    name: str = Field(min_length=1)
    voice: str = "friendly, clear and brief"
    sign_off: LocalText = Text("")
    emoji: bool = True
    # ISO 4217 code: prices are shown the local way (GBP £4.20, EUR 4,20 €, USD $4.20).
    currency: str = "GBP"
    # Replies are written in the customer's language when it is one of `languages`,
    # otherwise in `language`.
    language: Literal["en", "es", "fr", "de"] = "en"
    languages: list[Literal["en", "es", "fr", "de"]] = Field(
        default_factory=lambda: list(LANGUAGES))

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise ValueError('expected a three-letter ISO currency code such as "GBP" or "EUR"')
        return value.upper()


class CTA(Strict):
    id: Identifier
    label: RequiredText
    url: HttpUrl
    kind: Literal["buy", "offer", "learn", "visit", "contact", "review", "refer"]
    campaign: str = "chat"
    # The shop this CTA is for ("Get directions to Mill Road"): it is then never offered for
    # another shop. Must be the name of one of `stores`.
    store: str | None = None


class Offer(Strict):
    id: Identifier
    title: RequiredText
    text: RequiredText
    code: str = ""
    start: date | None = None
    end: date | None = None
    cta: str | None = None
    in_store: bool = False
    # Product names, aliases or categories the offer is for; empty means the whole shop.
    applies_to: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Offer:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def is_valid_on(self, day: date) -> bool:
        """Whether a customer may still use this offer on `day` (both ends inclusive)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


_SPAN = re.compile(r"\s*([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-4]):[0-5]\d\s*")


def _check_span(span: str, where: str) -> str:
    """ "08:00-18:00", "08:00-12:00, 13:00-17:00" or "closed", tidied; else a clear error."""
    if span.strip().lower() == "closed":
        return "closed"
    if not all(_SPAN.fullmatch(part) for part in span.split(",")):
        raise ValueError(f'{where}expected opening hours such as "08:00-18:00" or "closed", '
                         f'got "{span}"')
    return ", ".join(part.strip().replace(" ", "") for part in span.split(","))


class SpecialHours(Strict):
    """Hours that differ from the week's: one day (`date`) or a run of days (`from`-`to`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    day: date | None = Field(default=None, alias="date")
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    closed: bool = False
    hours: str = ""
    note: LocalText = Text("")

    @model_validator(mode="after")
    def _one_way(self) -> SpecialHours:
        if self.day is None and (self.from_ is None or self.to is None):
            raise ValueError('give either "date" or both "from" and "to"')
        if self.day is not None and (self.from_ or self.to):
            raise ValueError('give either "date" or "from" and "to", not both')
        if self.from_ and self.to and self.to < self.from_:
            raise ValueError(f"to {self.to} is before from {self.from_}")
        if self.closed == bool(self.hours):
            raise ValueError('give either "closed: true" or "hours" such as "10:00-14:00"')
        if self.hours:
            self.hours = _check_span(self.hours, "hours: ")
        return self

    def covers(self, day: date) -> bool:
        if self.day is not None:
            return self.day == day
        return self.from_ <= day <= self.to

    @property
    def span(self) -> str:
        return "closed" if self.closed else self.hours


class Shop(Strict):
    name: RequiredText
    address: RequiredText
    # Other names customers use: a district, a street, the city in another language.
    aliases: Names = Field(default_factory=list)
    hours: dict[str, str] = Field(default_factory=dict)
    special_hours: list[SpecialHours] = Field(default_factory=list)
    map_url: HttpUrl | None = None
    phone: str = ""

    @field_validator("hours")
    @classmethod
    def _hours_by_weekday(cls, hours: dict[str, str]) -> dict[str, str]:
        for day, span in hours.items():
            if day not in WEEKDAYS:
                raise ValueError(f'unknown weekday "{day}": use {", ".join(WEEKDAYS)}')
            _check_span(span, f"{day}: ")
        return {day: span.strip() for day, span in hours.items()}

    def special_on(self, day: date) -> SpecialHours | None:
        """The special hours that apply on `day` (the first listed wins), if any."""
        return next((special for special in self.special_hours if special.covers(day)), None)

    def hours_on(self, day: date) -> str:
        """Opening hours on `day`: its special hours if any, else its weekday's, else "closed"."""
        special = self.special_on(day)
        if special is not None:
            return special.span
        return self.hours.get(WEEKDAYS[day.weekday()], "closed")


class Product(Strict):
    """Something the shop sells: what customers call it, what it costs, how much is left."""

    name: RequiredText
    aliases: Names = Field(default_factory=list)
    price: Decimal | None = Field(default=None, ge=0, decimal_places=2)
    category: str = ""
    cta: str | None = None
    stock: Literal["normal", "overstock", "low", "out"] = "normal"
    description: LocalText = Text("")


class FAQ(Strict):
    question: RequiredText
    answer: RequiredText
    cta: str | None = None


class ConsolePlatform(Strict):
    channel: str = "customers"
    review_channel: str = "team"
    user: str = "customer"


class SlackHTTP(Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    path: str = "/slack/events"


class SlackPlatform(Strict):
    enabled: bool = True
    mode: Literal["auto", "socket", "http"] = "auto"
    http: SlackHTTP = Field(default_factory=SlackHTTP)
    listen_channels: list[str] = Field(default_factory=list)
    review_channel: str = ""
    team_users: list[str] = Field(default_factory=list)
    team_usergroup: str = ""
    allow_bots: list[str] = Field(default_factory=list)
    api_base_url: HttpUrl | None = None


class DiscordPlatform(Strict):
    enabled: bool = True
    listen_channels: list[int] = Field(default_factory=list)
    review_channel: int | None = None
    team_roles: list[str] = Field(default_factory=list)
    guilds: list[int] = Field(default_factory=list)
    command_prefix: str = Field(default="!nudge", min_length=1)
    allow_mentions: bool = False
    api_base_url: HttpUrl | None = None  # another Discord API (a local fake in tests)


class Platforms(Strict):
    console: ConsolePlatform = Field(default_factory=ConsolePlatform)
    slack: SlackPlatform = Field(default_factory=SlackPlatform)
    discord: DiscordPlatform = Field(default_factory=DiscordPlatform)


class Team(Strict):
    managers: list[ManagerEntry] = Field(default_factory=list)

    def may_manage(self, platform: str, user: str, roles: tuple[str, ...] = ()) -> bool:
        """Whether this person may add, change or cancel promotions.

        Entries are "<platform>:<user id>" or "<platform>:role:<role name>"; an empty list
        means every team member may, which suits a team of one or two.
        """
        if not self.managers:
            return True
        if f"{platform}:{user}" in self.managers:
            return True
        return any(f"{platform}:role:{role}" in self.managers for role in roles)


# The files of a sentence-embedding model directory (see bot.engine.embedding).
EMBEDDING_MODEL_FILES = ("sp.model", "weights.npz")


class EngineSettings(Strict):
    cta_cadence: int = Field(default=3, ge=1, le=50)
    confidence_threshold: float = Field(default=0.35, ge=0, le=1)
    max_suggestions: int = Field(default=3, ge=1, le=3)
    faq_threshold: float = Field(default=0.35, gt=0, le=1)
    # Refit the intent model on the team's corrections after this many new ones (0: only at
    # start).
    refit_after: int = Field(default=20, ge=0, le=10_000)
    # A directory holding another sentence-embedding model (sp.model and weights.npz); empty
    # means the model installed with Nudge.
    embedding_model: str | None = None

    @field_validator("embedding_model")
    @classmethod
    def _embedding_model(cls, value: str | None) -> str | None:
        if not value:
            return None
        path = Path(value).expanduser()
        missing = [name for name in EMBEDDING_MODEL_FILES if not (path / name).is_file()]
        if missing:
            where = "no such directory" if not path.is_dir() else f"{', '.join(missing)} missing"
            raise ValueError(f"no embedding model in {path} ({where}): give a directory holding "
                             f"{' and '.join(EMBEDDING_MODEL_FILES)}, or remove "
                             "engine.embedding_model to use the model installed with Nudge")
        return str(path.resolve())


class Digest(Strict):
    time: TimeOfDay = "08:30"
    enabled: bool = True


class Waiting(Strict):
    enabled: bool = True
    after_minutes: int = Field(default=30, ge=1)
    working_hours: str = "09:00-18:00"
    working_days: list[str] = Field(default_factory=lambda: list(WEEKDAYS[:5]))

    @field_validator("working_hours")
    @classmethod
    def _span(cls, value: str) -> str:
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d-([01]?\d|2[0-4]):[0-5]\d", value):
            raise ValueError('expected a span such as "09:00-18:00"')
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, days: list[str]) -> list[str]:
        for day in days:
            if day not in WEEKDAYS:
                raise ValueError(f'unknown weekday "{day}": use {", ".join(WEEKDAYS)}')
        return days


class Scheduling(Strict):
    grace_minutes: int = Field(default=60, ge=0)
    max_attempts: int = Field(default=4, ge=1, le=10)


class PromotionSettings(Strict):
    # A promotion added by someone who is not in `team.managers` waits as a draft until a
    # manager approves it (buttons in the review channel, or `/nudge promo approve <id>`).
    require_approval: bool = False


class LLM(Strict):
    enabled: bool = False
    base_url: HttpUrl = "http://127.0.0.1:11434/v1"
    model: str = "llama3.2"
    timeout_seconds: float = Field(default=4.0, gt=0, le=60)
    max_tokens: int = Field(default=200, ge=16, le=2000)
    temperature: float = Field(default=0.4, ge=0, le=2)


class Storage(Strict):
    path: str = "./data/nudge.db"


class LinkTracking(Strict):
    """Tracked CTA links: `<public_url>/r/<token>` answered by Nudge with a 302 to the tagged
    URL, counting the click. Off by default; links are then plain UTM links."""

    enabled: bool = False
    public_url: HttpUrl | None = None  # where people reach Nudge, e.g. https://nudge.example.com
    host: str = "127.0.0.1"  # Nudge's own listener, when the Slack HTTP server does not run
    port: int = Field(default=8088, ge=1, le=65535)
    # The proxies (addresses or networks) whose X-Forwarded-For is believed; none by default,
    # so a client cannot pass itself off as many by writing the header itself.
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f'"{value}" is not an IP address or network, such as 127.0.0.1 '
                                 "or 10.0.0.0/8") from None
        return values

    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(value, strict=False) for value in self.trusted_proxies)

    @model_validator(mode="after")
    def _needs_public_url(self) -> LinkTracking:
        if self.enabled and self.public_url is None:
            raise ValueError("links.tracking.enabled needs links.tracking.public_url: the address "
                             "people can reach Nudge at, such as https://nudge.example.com")
        return self

    def base(self) -> str:
        return str(self.public_url).rstrip("/")


class Links(Strict):
    tracking: LinkTracking = Field(default_factory=LinkTracking)


class Config(Strict):
    brand: Brand
    timezone: str = "UTC"
    storage: Storage = Field(default_factory=Storage)
    platforms: Platforms = Field(default_factory=Platforms)
    team: Team = Field(default_factory=Team)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    ctas: list[CTA] = Field(default_factory=list)
    offers: list[Offer] = Field(default_factory=list)
    stores: list[Shop] = Field(default_factory=list)
    faq: list[FAQ] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    # A CSV file of products (columns name, aliases, price, category, cta, stock), read next to
    # the config file; its rows are added to `products`.
    products_file: str | None = None
    digest: Digest = Field(default_factory=Digest)
    waiting: Waiting = Field(default_factory=Waiting)
    scheduling: Scheduling = Field(default_factory=Scheduling)
    promotions: PromotionSettings = Field(default_factory=PromotionSettings)
    llm: LLM = Field(default_factory=LLM)
    links: Links = Field(default_factory=Links)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError('expected an IANA time zone such as "Europe/London"') from None
        return value

    @model_validator(mode="after")
    def _settle_texts(self) -> Config:
        settle(self, self.brand.language)
        return self

    @model_validator(mode="after")
    def _references_exist(self, info: ValidationInfo) -> Config:
        # parse_config checks references itself, on the raw file, so that they are reported
        # together with every other problem in one pass.
        if not (info.context or {}).get("references_checked"):
            problems = reference_problems(self.model_dump(mode="json", by_alias=True))
            if problems:
                raise ValueError("; ".join(problems))
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def cta(self, cta_id: str) -> CTA | None:
        return next((cta for cta in self.ctas if cta.id == cta_id), None)

    def ctas_of_kind(self, *kinds: str) -> list[CTA]:
        return [cta for cta in self.ctas if cta.kind in kinds]

    def review_channel(self, platform: str) -> str:
        """Where the team reads Nudge on `platform` (digests, pings); "" when none is set."""
        value = getattr(getattr(self.platforms, platform, None), "review_channel", None)
        return "" if value is None else str(value)

    def customer_channels(self, platform: str) -> set[str]:
        """The channels where Nudge listens to customers on `platform`, as text ids or names."""
        if platform == "console":
            return {self.platforms.console.channel}
        settings = getattr(self.platforms, platform, None)
        channels = getattr(settings, "listen_channels", None) or []
        return {str(channel).removeprefix("#") for channel in channels}

    def digest_time(self) -> time:
        hour, minute = self.digest.time.split(":")
        return time(int(hour), int(minute))


@dataclass(frozen=True)
class Secrets:
    """Credentials read from the environment only; SecretStr keeps them out of reprs and logs."""

    slack_bot_token: SecretStr | None
    slack_app_token: SecretStr | None
    slack_signing_secret: SecretStr | None
    discord_token: SecretStr | None
    llm_api_key: SecretStr | None
    # postgresql://user:password@host/db: a secret, because the URL carries the password.
    database_url: SecretStr | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Secrets:
        env = os.environ if environ is None else environ

        def read(name: str) -> SecretStr | None:
            value = env.get(name, "").strip()
            return SecretStr(value) if value else None

        return cls(*(read(name) for name in SECRET_ENV_VARS))


def database_target(config: Config, environ: dict[str, str] | None = None) -> str:
    """Where Nudge keeps its data: NUDGE_DATABASE_URL when set (PostgreSQL), else the config's
    storage.path (a SQLite file). The URL stays out of the YAML: it carries a password."""
    url = (os.environ if environ is None else environ).get("NUDGE_DATABASE_URL", "").strip()
    return url or config.storage.path


def _format_location(location: tuple[Any, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "literal[")):
            # pydantic names union branches ("function-after[...]"); people need only keys.
            path += f".{part}" if path else str(part)
    return path


def _format_error(filename: str, error: dict[str, Any]) -> str:
    location = _format_location(error["loc"])
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return f"{filename}: {location}: required key is missing"
    if kind == "extra_forbidden":
        return f"{filename}: {location}: unknown key (check its spelling and indentation)"
    if kind == "literal_error":
        message = "expected one of " + message.removeprefix("Input should be ")
    elif message.startswith("Input should be"):
        message = "expected " + message.removeprefix("Input should be ")
    shown = f"{filename}: {location}: {message}" if location else f"{filename}: {message}"
    if kind not in ("value_error", "assertion_error") and given is not None and not isinstance(
        given, dict | list
    ) or kind == "value_error" and isinstance(given, str) and "got" not in message:
        shown += f", got {_quote(given)}"
    return shown


def _quote(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _find_secrets(node: Any, path: str = "") -> list[str]:
    """Paths in the raw YAML that look like credentials, by key name or by token shape."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            if _SECRET_KEY.search(str(key)) and value not in (None, "", False) or (
                    isinstance(key, str) and _SECRET_VALUE.search(key)):
                found.append(child)
            else:
                found.extend(_find_secrets(value, child))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_find_secrets(value, f"{path}[{index}]"))
    elif isinstance(node, str) and _SECRET_VALUE.search(node):
        found.append(path)
    return found


def _yaml_problem(filename: str, error: yaml.YAMLError) -> ConfigError:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(error, "problem", None) or "not valid YAML"
    return ConfigError([f"{filename}: {where}{problem}"])


def _check_depth(text: str, filename: str) -> None:
    """Refuse nesting deeper than MAX_YAML_DEPTH, reading events (no recursion, no objects)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = event.start_mark.line + 1
                raise ConfigError([f"{filename}: line {line}: nested more than {MAX_YAML_DEPTH} "
                                   "levels deep; a Nudge config is never that deep"])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_expansion(root: yaml.Node, filename: str) -> None:
    """Refuse aliases that expand past MAX_YAML_VALUES values or MAX_YAML_DEPTH levels, or that
    refer to themselves, before anything walks the data (an alias bomb is a few hundred bytes).

    Sizes and depths are counted once per node (aliases share nodes), without recursion.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if children_done:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
            if size[key] > MAX_YAML_VALUES or depth[key] > MAX_YAML_DEPTH:
                line = node.start_mark.line + 1
                raise ConfigError([f"{filename}: line {line}: its aliases (*name) expand to more "
                                   f"than {MAX_YAML_VALUES:,} values or {MAX_YAML_DEPTH} levels; "
                                   "write the settings out instead"])
            continue
        if key in size:
            continue
        if key in open_nodes:
            line = node.start_mark.line + 1
            raise ConfigError([f"{filename}: line {line}: an alias (*name) refers to the value "
                               "that contains it; write the settings out instead"])
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, except that a date no calendar has (2026-02-30) stays the text it
    was written as: the settings check then names its key, which YAML's error cannot."""


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(text: str, filename: str = DEFAULT_CONFIG_NAME) -> Any:
    """The YAML document in `text`, refused with one line if it is deep, huge or malformed."""
    try:
        _check_depth(text, filename)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return None
            _check_expansion(root, filename)
            return loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise _yaml_problem(filename, error) from None
    except (ValueError, OverflowError, TypeError) as error:
        # A value YAML reads but Python cannot hold: 2026-02-31, a 5,000-digit number.
        reason = "a number with too many digits" if "digits" in str(error) else str(error)
        raise ConfigError([f"{filename}: a value cannot be read ({reason[:120]})"]) from None


def _mapping(node: Any) -> dict:
    return node if isinstance(node, dict) else {}


def _items(node: Any) -> list[dict]:
    return [item for item in node if isinstance(item, dict)] if isinstance(node, list) else []


def _names_of(store: dict) -> list[str]:
    """A store's name as written: one string, or one per language."""
    name = store.get("name")
    return [str(value) for value in name.values()] if isinstance(name, dict) else [str(name)]


# The keys whose value may be a text per language (see bot.translations).
_LOCAL_KEYS = ("sign_off", "label", "title", "text", "note", "name", "address", "question",
               "answer", "description")


def translation_problems(raw: dict) -> list[str]:
    """Texts given by language without the brand's own language, which replies fall back on."""
    language = _mapping(raw.get("brand")).get("language", "en")
    problems = []
    stack: list[tuple[str, Any]] = [("", raw)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(node))
        elif isinstance(node, dict):
            for key, value in node.items():
                where = f"{path}.{key}" if path else str(key)
                if key in _LOCAL_KEYS and isinstance(value, dict):
                    if value and language not in value:
                        problems.append(f"{where}: no text in \"{language}\", the brand's "
                                        "language (brand.language), which replies fall back on")
                elif key != "hours":
                    stack.append((where, value))
    return sorted(problems)


def reference_problems(raw: dict) -> list[str]:
    """Every key that names something missing elsewhere in the config (a CTA, a store).

    Works on the raw file, so it can run even when other parts of it are invalid."""
    problems: list[str] = []
    cta_ids = [str(cta.get("id")) for cta in _items(raw.get("ctas"))]
    duplicates = sorted({i for i in cta_ids if cta_ids.count(i) > 1})
    if duplicates:
        problems.append(f"ctas: duplicate id {', '.join(duplicates)}")
    for section in ("offers", "faq", "products"):
        for index, entry in enumerate(_items(raw.get(section))):
            if entry.get("cta") and str(entry["cta"]) not in cta_ids:
                problems.append(f"{section}[{index}].cta: no CTA with id \"{entry['cta']}\" "
                                "in ctas")
    store_names = [name for store in _items(raw.get("stores")) for name in _names_of(store)]
    for index, cta in enumerate(_items(raw.get("ctas"))):
        if cta.get("store") is not None and str(cta["store"]) not in store_names:
            known = ", ".join(f'"{name}"' for name in store_names) or "none are listed"
            problems.append(f"ctas[{index}].store: no store named \"{cta['store']}\" in stores "
                            f"(known: {known})")
    return problems


def read_products_file(name: str, base_dir: Path | None) -> tuple[list[dict], list[str]]:
    """The rows of a products CSV (name, aliases, price, category, cta, stock), and problems."""
    path = Path(name)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        return [], [f"products_file: file not found: {path}"]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [], [f"products_file: {path} cannot be read ({error.__class__.__name__})"]
    cleaned = []
    for row in rows:
        cleaned.append({
            str(key).strip().lower(): value.strip()
            for key, value in row.items() if key is not None and value is not None
            and value.strip() != ""
        })
    return cleaned, []


def _csv_products(rows: list[dict], filename: str,
                  cta_ids: set[str]) -> tuple[list[Product], list[str]]:
    products, problems = [], []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        where = f"{filename}: row {number}"
        try:
            products.append(Product.model_validate(row))
        except ValidationError as error:
            problems += [_format_error(where, e) for e in error.errors()]
        if row.get("cta") and row["cta"] not in cta_ids:
            problems.append(f"{where}: cta: no CTA with id \"{row['cta']}\" in ctas")
    return products, problems


def parse_config(text: str, filename: str = DEFAULT_CONFIG_NAME,
                 base_dir: Path | None = None) -> Config:
    """Validate YAML text into a Config, or raise ConfigError listing every problem.

    Every problem is reported in one pass: key errors, a broken products file and references
    to CTAs or stores that do not exist. `base_dir` is where `products_file` is looked for
    (the config file's folder; the current folder when None)."""
    raw = load_yaml(text, filename)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError([f"{filename}: expected a mapping of settings at the top level"])
    secrets = _find_secrets(raw)
    if secrets:
        raise ConfigError(
            [
                f"{filename}: {path}: looks like a secret; secrets are never read from the "
                f"config file: set it in the environment ({', '.join(SECRET_ENV_VARS)}) "
                "and remove it from the file"
                for path in secrets
            ]
        )
    csv_rows: list[dict] = []
    problems: list[str] = []
    products_file = raw.get("products_file")
    if isinstance(products_file, str) and products_file.strip():
        csv_rows, problems = read_products_file(products_file.strip(), base_dir)
        problems = [f"{filename}: {line}" for line in problems]
    cta_ids = {str(cta.get("id")) for cta in _items(raw.get("ctas"))}
    csv_products, csv_problems = _csv_products(csv_rows, Path(str(products_file)).name, cta_ids)
    config = None
    try:
        config = Config.model_validate(raw, context={"references_checked": True})
    except ValidationError as error:
        problems = [_format_error(filename, e) for e in error.errors()] + problems
    problems += csv_problems
    problems += [f"{filename}: {line}" for line in reference_problems(raw)]
    problems += [f"{filename}: {line}" for line in translation_problems(raw)]
    if problems:
        raise ConfigError(problems)
    config.products.extend(csv_products)
    return config


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The file to load: the one given, $NUDGE_CONFIG, ./config.yaml, else the bundled example."""
    if explicit:
        return Path(explicit)
    if os.environ.get("NUDGE_CONFIG"):
        return Path(os.environ["NUDGE_CONFIG"])
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.exists() else EXAMPLE_CONFIG


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the configuration file; raise ConfigError with every problem found."""
    config_path = find_config_path(path)
    try:
        text = config_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = f"{config_path}: file not found (run `nudge init` to create one)"
        raise ConfigError([problem]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{config_path}: cannot be read ({error.__class__.__name__})"]) from None
    return parse_config(text, config_path.name, config_path.parent)
