"""Nudge's configuration: one YAML file for what a team decides, environment variables for secrets.

The YAML is validated by pydantic models; every problem becomes one plain line that names the
file, the key path and what was expected, so a marketer can fix it without reading a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

DEFAULT_CONFIG_NAME = "config.yaml"
EXAMPLE_CONFIG = Path(__file__).with_name("config.example.yaml")
SECRET_ENV_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "DISCORD_TOKEN",
    "NUDGE_LLM_API_KEY",
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CTA_KINDS = ("buy", "offer", "learn", "visit", "contact", "review", "refer")

# Keys and values that only ever hold credentials; finding one in the YAML means a secret is
# about to be committed to a repository or pasted into a chat.
_SECRET_KEY = re.compile(r"(^|[_-])(token|secret|password|api[_-]?key|apikey)$", re.IGNORECASE)
_SECRET_VALUE = re.compile(r"^(xox[abposr]-|xapp-|sk-[A-Za-z0-9]{16,})")


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


HttpUrl = Annotated[str, AfterValidator(_http_url)]
TimeOfDay = Annotated[str, AfterValidator(_time_of_day)]
Identifier = Annotated[str, AfterValidator(_identifier)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Brand(Strict):
    name: str = Field(min_length=1)
    voice: str = "friendly, clear and brief"
    sign_off: str = ""
    emoji: bool = True


class CTA(Strict):
    id: Identifier
    label: str = Field(min_length=1)
    url: HttpUrl
    kind: Literal["buy", "offer", "learn", "visit", "contact", "review", "refer"]
    campaign: str = "chat"
    # The shop this CTA is for ("Get directions to Mill Road"): it is then never offered for
    # another shop. Must be the name of one of `stores`.
    store: str | None = None


class Offer(Strict):
    id: Identifier
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    code: str = ""
    start: date | None = None
    end: date | None = None
    cta: str | None = None
    in_store: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> Offer:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def is_valid_on(self, day: date) -> bool:
        """Whether a customer may still use this offer on `day` (both ends inclusive)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class Store(Strict):
    name: str = Field(min_length=1)
    address: str = Field(min_length=1)
    hours: dict[str, str] = Field(default_factory=dict)
    map_url: HttpUrl | None = None
    phone: str = ""

    @field_validator("hours")
    @classmethod
    def _hours_by_weekday(cls, hours: dict[str, str]) -> dict[str, str]:
        for day, span in hours.items():
            if day not in WEEKDAYS:
                raise ValueError(f'unknown weekday "{day}": use {", ".join(WEEKDAYS)}')
            if span.strip().lower() == "closed":
                continue
            for part in span.split(","):
                if not re.fullmatch(
                    r"\s*([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-4]):[0-5]\d\s*", part
                ):
                    raise ValueError(
                        f'{day}: expected opening hours such as "08:00-18:00" or "closed", '
                        f'got "{span}"'
                    )
        return {day: span.strip() for day, span in hours.items()}

    def hours_on(self, day: date) -> str:
        """Opening hours for the weekday of `day`, or "closed" when none are listed."""
        return self.hours.get(WEEKDAYS[day.weekday()], "closed")


class FAQ(Strict):
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
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
    managers: list[str] = Field(default_factory=list)

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


class EngineSettings(Strict):
    cta_cadence: int = Field(default=3, ge=1, le=50)
    confidence_threshold: float = Field(default=0.35, ge=0, le=1)
    max_suggestions: int = Field(default=3, ge=1, le=3)
    faq_threshold: float = Field(default=0.35, gt=0, le=1)
    # Refit the intent model on the team's corrections after this many new ones (0: only at
    # start).
    refit_after: int = Field(default=20, ge=0, le=10_000)


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
    stores: list[Store] = Field(default_factory=list)
    faq: list[FAQ] = Field(default_factory=list)
    digest: Digest = Field(default_factory=Digest)
    waiting: Waiting = Field(default_factory=Waiting)
    scheduling: Scheduling = Field(default_factory=Scheduling)
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
    def _references_exist(self) -> Config:
        cta_ids = [cta.id for cta in self.ctas]
        duplicates = sorted({i for i in cta_ids if cta_ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"ctas: duplicate id {', '.join(duplicates)}")
        for index, offer in enumerate(self.offers):
            if offer.cta and offer.cta not in cta_ids:
                raise ValueError(f"offers[{index}].cta: no CTA with id \"{offer.cta}\" in ctas")
        for index, entry in enumerate(self.faq):
            if entry.cta and entry.cta not in cta_ids:
                raise ValueError(f"faq[{index}].cta: no CTA with id \"{entry.cta}\" in ctas")
        store_names = [store.name for store in self.stores]
        for index, cta in enumerate(self.ctas):
            if cta.store is not None and cta.store not in store_names:
                known = ", ".join(f'"{name}"' for name in store_names) or "none are listed"
                raise ValueError(f"ctas[{index}].store: no store named \"{cta.store}\" in stores "
                                 f"(known: {known})")
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

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Secrets:
        env = os.environ if environ is None else environ

        def read(name: str) -> SecretStr | None:
            value = env.get(name, "").strip()
            return SecretStr(value) if value else None

        return cls(*(read(name) for name in SECRET_ENV_VARS))


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
            if _SECRET_KEY.search(str(key)) and value not in (None, "", False):
                found.append(child)
            else:
                found.extend(_find_secrets(value, child))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_find_secrets(value, f"{path}[{index}]"))
    elif isinstance(node, str) and _SECRET_VALUE.match(node.strip()):
        found.append(path)
    return found


def parse_config(text: str, filename: str = DEFAULT_CONFIG_NAME) -> Config:
    """Validate YAML text into a Config, or raise ConfigError listing every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ConfigError([f"{filename}: {where}{problem}"]) from None
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
    try:
        return Config.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_format_error(filename, e) for e in error.errors()]) from None


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
    return parse_config(text, config_path.name)
