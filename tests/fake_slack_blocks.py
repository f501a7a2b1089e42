"""Block Kit as Slack checks it, for the fake Slack: what `invalid_blocks` (a message) and
`invalid_arguments` (a modal or the App Home) answer, in Slack's own words and json-pointers.

The limits are Block Kit's documented ones (docs.slack.dev/reference/block-kit/blocks,
.../block-elements, .../composition-objects, .../surfaces):
- a message holds at most 50 blocks; a modal or a Home tab at most 100;
- every block_id and action_id: at most 255 characters;
- section: `text` or `fields` required; text at most 3,000 characters; at most 10 fields of
  at most 2,000 each;
- header: a plain_text `text` of at most 150 characters;
- context: 1 to 10 elements (text objects or images);
- actions: 1 to 25 elements;
- input: a plain_text `label` (at most 2,000) and an `element`; `hint` at most 2,000;
- image: `image_url` (at most 3,000) or `slack_file`, `alt_text` (at most 2,000);
- markdown: `text` of at most 12,000 characters;
- button: a plain_text `text` of at most 75 characters, `value` at most 2,000, `url` at most
  3,000, `style` primary or danger;
- static_select: a placeholder of at most 150, 1 to 100 options (or option groups);
  an option: plain_text `text` at most 75 characters, `value` at most 150;
- plain_text_input: `max_length` at most 3,000, a placeholder of at most 150;
- every text object: a type of plain_text or mrkdwn and at least one character;
- a modal: `title` (plain_text, at most 24), `submit` and `close` at most 24, `submit`
  required when the view has input blocks; `private_metadata` at most 3,000 characters and
  `callback_id` at most 255, in a modal and a Home tab alike.
Unknown block or element types are refused, as Slack refuses them.

Besides each block's own limits, Slack refuses a message whose blocks together carry too much
text with `msg_blocks_too_long` ("Blocks submitted with this message are too long", in
chat.postMessage's errors), for which it documents no figure. Its documented cumulative limit
for the markdown blocks of one payload is 12,000 characters, and people have measured the
refusal at about 13,200 characters of section text (slackapi/bolt-js#2509): the fake refuses
past MAX_BLOCKS_TEXT = 12,000 characters of text objects in all the blocks together.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_ID = 255
MAX_SECTION_TEXT = 3000
MAX_FIELDS, MAX_FIELD_TEXT = 10, 2000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTION_ELEMENTS = 25
MAX_LABEL = 2000
MAX_IMAGE_URL = 3000
MAX_ALT_TEXT = 2000
MAX_MARKDOWN = 12000
MAX_BLOCKS_TEXT = 12_000  # all the text of one message's blocks: `msg_blocks_too_long`
MAX_BUTTON_TEXT, MAX_BUTTON_VALUE, MAX_URL = 75, 2000, 3000
MAX_PLACEHOLDER = 150
MAX_OPTIONS, MAX_OPTION_TEXT, MAX_OPTION_VALUE = 100, 75, 150
MAX_INPUT_LENGTH = 3000
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000

# Elements Slack accepts, by where they may stand (interactive ones in actions, input and
# section accessories; only text and images in a context block).
ELEMENTS = {
    "button", "static_select", "multi_static_select", "external_select",
    "multi_external_select", "users_select", "multi_users_select", "conversations_select",
    "multi_conversations_select", "channels_select", "multi_channels_select", "overflow",
    "datepicker", "timepicker", "datetimepicker", "checkboxes", "radio_buttons",
    "plain_text_input", "email_text_input", "url_text_input", "number_input", "file_input",
    "rich_text_input", "image", "workflow_button",
}
BLOCKS = {"section", "header", "context", "actions", "divider", "image", "input",
          "markdown", "rich_text", "file", "video"}


def _error(message: str, where: str) -> str:
    return f"[ERROR] {message} [json-pointer:{where}]"


def _too_long(value: Any, limit: int, where: str) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [_error(f"must be less than {limit + 1} characters", where)]
    return []


def _too_many(items: Any, limit: int, where: str, least: int = 1) -> list[str]:
    if not isinstance(items, list):
        return [_error("must be an array", where)]
    if len(items) > limit:
        return [_error(f"must contain at most {limit} items", where)]
    if len(items) < least:
        return [_error(f"must contain at least {least} items", where)]
    return []


def text_object(value: Any, where: str, limit: int, plain: bool = False,
                required: bool = True) -> list[str]:
    """A text object: {"type": "plain_text"|"mrkdwn", "text": "..."} of 1 to `limit` chars."""
    if value is None:
        return [_error("missing required field: text", where)] if required else []
    if not isinstance(value, dict) or value.get("type") not in ("plain_text", "mrkdwn"):
        return [_error("must be a text object (plain_text or mrkdwn)", where)]
    if plain and value["type"] != "plain_text":
        return [_error("must be a plain_text object", where)]
    text = value.get("text")
    if not isinstance(text, str) or not text:
        return [_error("must be more than 0 characters", f"{where}/text")]
    return _too_long(text, limit, f"{where}/text")


def _option(option: Any, where: str) -> list[str]:
    if not isinstance(option, dict):
        return [_error("must be an option object", where)]
    errors = text_object(option.get("text"), f"{where}/text", MAX_OPTION_TEXT)
    value = option.get("value")
    if not isinstance(value, str) or not value:
        errors.append(_error("missing required field: value", where))
    return errors + _too_long(value, MAX_OPTION_VALUE, f"{where}/value")


def _options(element: dict, where: str, limit: int, least: int = 1) -> list[str]:
    if "option_groups" in element:
        groups = element["option_groups"]
        errors = _too_many(groups, MAX_OPTIONS, f"{where}/option_groups")
        for g, group in enumerate(groups if isinstance(groups, list) else []):
            errors += [e for o, option in enumerate((group or {}).get("options") or [])
                       for e in _option(option, f"{where}/option_groups/{g}/options/{o}")]
        return errors
    if "options" not in element:
        return [_error("missing required field: options", where)]
    errors = _too_many(element["options"], limit, f"{where}/options", least)
    for o, option in enumerate(element["options"] if isinstance(element["options"], list)
                               else []):
        errors += _option(option, f"{where}/options/{o}")
    return errors


def element_errors(element: Any, where: str, allowed: set[str] = ELEMENTS) -> list[str]:
    """One block element (a button, a select, an input ...)."""
    if not isinstance(element, dict) or "type" not in element:
        return [_error("missing required field: type", where)]
    kind = element["type"]
    if kind not in allowed:
        return [_error(f"unsupported type: {kind}", f"{where}/type")]
    errors = _too_long(element.get("action_id"), MAX_ID, f"{where}/action_id")
    if "placeholder" in element:
        errors += text_object(element["placeholder"], f"{where}/placeholder", MAX_PLACEHOLDER,
                              plain=True)
    if kind == "button":
        errors += text_object(element.get("text"), f"{where}/text", MAX_BUTTON_TEXT, plain=True)
        errors += _too_long(element.get("value"), MAX_BUTTON_VALUE, f"{where}/value")
        errors += _too_long(element.get("url"), MAX_URL, f"{where}/url")
        if element.get("style") not in (None, "primary", "danger"):
            errors.append(_error("must be one of primary, danger", f"{where}/style"))
    elif kind in ("static_select", "multi_static_select"):
        errors += _options(element, where, MAX_OPTIONS)
    elif kind == "overflow":
        errors += _options(element, where, 5, least=2)
    elif kind in ("checkboxes", "radio_buttons"):
        errors += _options(element, where, 10)
    elif kind == "plain_text_input":
        for key in ("max_length", "min_length"):
            if isinstance(element.get(key), int) and element[key] > MAX_INPUT_LENGTH:
                errors.append(_error(f"must be at most {MAX_INPUT_LENGTH}", f"{where}/{key}"))
        limit = element.get("max_length") or MAX_INPUT_LENGTH
        errors += _too_long(element.get("initial_value"), limit, f"{where}/initial_value")
    elif kind == "image":
        errors += _image(element, where, set())
    return errors


def _image(block: dict, where: str, unreachable: set[str]) -> list[str]:
    """An image (block or context element): image_url or slack_file (exactly one), alt_text
    required, the documented lengths, and an image Slack cannot download."""
    errors = []
    has_url, has_file = "image_url" in block, "slack_file" in block
    if has_url == has_file:
        errors.append(_error("must provide either image_url or slack_file", where))
    if has_url:
        url = block["image_url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            errors.append(_error("invalid url", f"{where}/image_url"))
        elif len(url) > MAX_IMAGE_URL:
            errors += _too_long(url, MAX_IMAGE_URL, f"{where}/image_url")
        elif url in unreachable:
            errors.append(_error("downloading image failed", f"{where}/image_url"))
    if has_file:
        file = block["slack_file"]
        if not isinstance(file, dict) or not (file.get("id") or file.get("url")):
            errors.append(_error("must provide either id or url", f"{where}/slack_file"))
    alt = block.get("alt_text")
    if not isinstance(alt, str) or not alt:
        errors.append(_error("missing required field: alt_text", where))
    else:
        errors += _too_long(alt, MAX_ALT_TEXT, f"{where}/alt_text")
    if block.get("title") is not None:
        errors += text_object(block["title"], f"{where}/title", MAX_ALT_TEXT, plain=True)
    return errors


def _section(block: dict, where: str) -> list[str]:
    if "text" not in block and "fields" not in block:
        return [_error("must provide either text or fields", where)]
    errors = []
    if "text" in block:
        errors += text_object(block["text"], f"{where}/text", MAX_SECTION_TEXT)
    if "fields" in block:
        errors += _too_many(block["fields"], MAX_FIELDS, f"{where}/fields")
        for f, item in enumerate(block["fields"] if isinstance(block["fields"], list) else []):
            errors += text_object(item, f"{where}/fields/{f}", MAX_FIELD_TEXT)
    if "accessory" in block:
        errors += element_errors(block["accessory"], f"{where}/accessory")
    return errors


def _elements(block: dict, where: str, limit: int, allowed: set[str]) -> list[str]:
    if "elements" not in block:
        return [_error("missing required field: elements", where)]
    errors = _too_many(block["elements"], limit, f"{where}/elements")
    for e, element in enumerate(block["elements"] if isinstance(block["elements"], list)
                                else []):
        here = f"{where}/elements/{e}"
        if isinstance(element, dict) and element.get("type") in ("plain_text", "mrkdwn"):
            errors += text_object(element, here, MAX_SECTION_TEXT)
        else:
            errors += element_errors(element, here, allowed)
    return errors


def block_errors_one(block: Any, where: str, unreachable: set[str]) -> list[str]:
    """What Slack says of one block."""
    if not isinstance(block, dict) or "type" not in block:
        return [_error("missing required field: type", where)]
    kind = block["type"]
    if kind not in BLOCKS:
        return [_error(f"unsupported type: {kind}", f"{where}/type")]
    errors = _too_long(block.get("block_id"), MAX_ID, f"{where}/block_id")
    if kind == "section":
        errors += _section(block, where)
    elif kind == "header":
        errors += text_object(block.get("text"), f"{where}/text", MAX_HEADER, plain=True)
    elif kind == "context":
        errors += _elements(block, where, MAX_CONTEXT_ELEMENTS, {"image"})
    elif kind == "actions":
        errors += _elements(block, where, MAX_ACTION_ELEMENTS, ELEMENTS - {"image"})
    elif kind == "input":
        errors += text_object(block.get("label"), f"{where}/label", MAX_LABEL, plain=True)
        if block.get("hint") is not None:
            errors += text_object(block["hint"], f"{where}/hint", MAX_LABEL, plain=True)
        if "element" not in block:
            errors.append(_error("missing required field: element", where))
        else:
            errors += element_errors(block["element"], f"{where}/element",
                                     ELEMENTS - {"image", "button", "overflow"})
    elif kind == "image":
        errors += _image(block, where, unreachable)
    elif kind == "markdown":
        text = block.get("text")
        if not isinstance(text, str) or not text:
            errors.append(_error("missing required field: text", where))
        errors += _too_long(text, MAX_MARKDOWN, f"{where}/text")
    elif kind == "rich_text" and not block.get("elements"):
        errors.append(_error("missing required field: elements", where))
    return errors


def blocks_errors(blocks: Any, limit: int = MAX_MESSAGE_BLOCKS, where: str = "/blocks",
                  unreachable: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Every error Slack reports for a list of blocks ([] when Slack takes them)."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return [_error("must be an array", where)]
    errors = _too_many(blocks, limit, where, least=0)
    for index, block in enumerate(blocks):
        errors += block_errors_one(block, f"{where}/{index}", set(unreachable))
    return errors


def view_errors(view: Any) -> list[str]:
    """What views.open / views.update / views.push / views.publish say of a view."""
    if not isinstance(view, dict):
        return [_error("must be an object", "/view")]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [_error("must be one of modal, home", "/view/type")]
    errors = blocks_errors(view.get("blocks") if "blocks" in view else [], MAX_VIEW_BLOCKS,
                           "/view/blocks")
    if "blocks" not in view:
        errors.append(_error("missing required field: blocks", "/view"))
    errors += _too_long(view.get("private_metadata"), MAX_PRIVATE_METADATA,
                        "/view/private_metadata")
    errors += _too_long(view.get("callback_id"), MAX_ID, "/view/callback_id")
    if kind == "modal":
        errors += text_object(view.get("title"), "/view/title", MAX_VIEW_TITLE, plain=True)
        for key in ("submit", "close"):
            if view.get(key) is not None:
                errors += text_object(view[key], f"/view/{key}", MAX_VIEW_TITLE, plain=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input"
                        for b in view.get("blocks") or [])
        if has_input and view.get("submit") is None:
            errors.append(_error("must provide submit when the view has input blocks",
                                 "/view/submit"))
    return errors


def block_text_length(node: Any) -> int:
    """The characters of text a message's blocks carry: every text object's `text`, however
    deep (sections, fields, context elements, button labels, options)."""
    if isinstance(node, list):
        return sum(block_text_length(item) for item in node)
    if not isinstance(node, dict):
        return 0
    own = len(node["text"]) if isinstance(node.get("text"), str) else 0
    return own + sum(block_text_length(value) for key, value in node.items()
                     if isinstance(value, dict | list))
