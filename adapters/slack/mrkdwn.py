"""Text between Slack's mrkdwn and the plain text the core reads and writes. Pure functions.

Slack encodes ``&``, ``<`` and ``>`` as entities and uses ``<…>`` for mentions and links; an
unescaped ``<!channel>``, ``<!here>`` or ``<!everyone>`` in our output would ping a whole
channel. So everything the core says is escaped first, and only then do we add the little
markup we mean (bold, links).
"""

from __future__ import annotations

import re

# Section text may hold 3,000 characters; a message's fallback text is cut at 40,000.
SECTION_LIMIT = 3000

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)|>]+)\)")
_ENTITY = re.compile(r"<([^<>]*)>")
_WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Escape the three characters Slack reserves; ``<!here>`` becomes harmless text."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A bare "@here" is not a ping when we post, but a word joiner keeps it inert even where a
    # client would auto-link it (section text with verbatim=false).
    return _BROADCAST.sub(lambda m: f"@{_WORD_JOINER}{m.group(1)}", escaped)


def to_mrkdwn(text: str) -> str:
    """The core's plain text (with a little Markdown a model may write) as safe Slack mrkdwn."""
    safe = escape(text)
    safe = _MD_LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", safe)
    safe = _BOLD.sub(r"*\1*", safe)
    return _HEADING.sub(r"*\1*", safe)


def from_slack(text: str, *, bot_user_id: str | None = None, user_ids: bool = False) -> str:
    """What a person wrote, as plain text: our own mention removed, entities decoded.

    ``<@U1|ann>`` → ``@ann``, ``<#C1|general>`` → ``#general``, ``<https://x|label>`` →
    ``label (https://x)``, ``<!here>`` → ``@here``. With ``user_ids`` (text for the core,
    which reads mentions as people: "assign X to <@U1|ann>") a person stays ``@U1``, labelled
    or not, since a display name names nobody for certain.
    """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", "", text)
    if user_ids:
        text = _USER_MENTION.sub(r"@\g<id>", text)
    text = _ENTITY.sub(_plain_entity, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


_USER_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]{1,20})(?:\|[^>]*)?>")


def _plain_entity(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return f"@{label or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        name = target[1:].split("^", 1)[0]
        return label or f"@{name}"
    if target.startswith("mailto:"):
        return label or target[len("mailto:") :]
    if label and label != target:
        return f"{label} ({target})"
    return target


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, at paragraph, line or word ends.

    Never cuts inside an entity such as ``&amp;`` or ``<https://…|…>``.
    """
    if limit < 20:
        raise ValueError("limit too small to split sensibly")
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        cut = _outside_entity(rest, cut)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces or [""]


def _outside_entity(text: str, cut: int) -> int:
    """Move ``cut`` back to before an entity (``&…;`` or ``<…>``) it would split."""
    amp = text.rfind("&", max(0, cut - 6), cut)
    if amp != -1 and ";" not in text[amp:cut] and ";" in text[cut : amp + 7]:
        cut = amp
    lt = text.rfind("<", 0, cut)
    if lt != -1 and text.rfind(">", lt, cut) == -1 and cut - lt < 1000 and lt > 0:
        cut = lt
    return cut


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
