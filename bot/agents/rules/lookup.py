"""The rules agent's access to the person's tasks: tool calls, conversation state, and which
task(s) a reference means.

References by words are resolved against the person's whole list with the one matcher the
tools use (``bot.tools.matching``): when words fit several tasks or none, nothing changes and
the reply says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from bot.agent import AgentTurn, Tools
from bot.agents.rules import replies
from bot.agents.rules.intents import TaskRef
from bot.agents.rules.lexicon import CARDINAL_WORDS, regex
from bot.agents.rules.refs import last_task_number, narrow
from bot.agents.rules.state import RememberingTools
from bot.agents.rules.when import find_due, is_time_only
from bot.outcomes import Outcome, TaskPage
from bot.tools.matching import Scored, pick, query_words, score
from bot.tools.schemas import LIST_PAGE_MAX

Task = Mapping[str, Any]
_COUNTED = regex(rf"^(?:all\s+(?:the\s+)?(\d{{1,2}}|{'|'.join(CARDINAL_WORDS)})|(both))\b")


class TaskLookup:
    """Tools and references for one turn; ``Performer`` carries out intents on top of it."""

    def __init__(self, turn: AgentTurn, tools: Tools) -> None:
        self._turn = turn
        self._tools = tools
        self._all: list[Task] | None = None
        self._found: dict[tuple[str, ...], list[Task]] = {}

    # --- tools ---------------------------------------------------------------------------

    def _remember(self, state: dict[str, Any]) -> None:
        if isinstance(self._tools, RememberingTools):
            self._tools.remember(state)

    async def _call(self, name: str, arguments: dict[str, Any]) -> Outcome:
        call = await self._tools.call(name, arguments)
        return call.outcome

    async def _everything(self) -> list[Task]:
        if self._all is None:
            result = await self._call("list_tasks", {"status": "all", "page_size": LIST_PAGE_MAX})
            self._all = list(result.tasks) if isinstance(result, TaskPage) else []
        return self._all

    async def _numbered(self, number: int) -> Task | None:
        """Task ``number``, whatever the length of the list."""
        result = await self._call("list_tasks", {"status": "all", "numbers": [number]})
        return next(iter(result.tasks), None) if isinstance(result, TaskPage) else None

    async def _candidates(self, words: Sequence[str]) -> list[Task]:
        """The tasks ``words`` could name, however long the list (filtered by the store)."""
        key = tuple(words)
        if key not in self._found:
            arguments = {"status": "all", "matching": " ".join(words), "page_size": LIST_PAGE_MAX}
            result = await self._call("list_tasks", arguments)
            self._found[key] = list(result.tasks) if isinstance(result, TaskPage) else []
        return self._found[key]

    # --- references ----------------------------------------------------------------------

    async def _scored(self, words: Sequence[str]) -> list[Scored]:
        """How well ``words`` fit each of the person's tasks (the tools' own matcher)."""
        found = (
            score(
                words,
                number=t["number"],
                title=t["title"],
                description=t.get("description") or "",
                completed=bool(t.get("completed")),
            )
            for t in await self._candidates(words)
        )
        return [s for s in found if s is not None]

    async def _each_of(self, ref: TaskRef, *, prefer: str, loose: bool) -> list[int]:
        """ "the gutters and the email to Ana": when the words as a whole name no task, each
        part joined by "and" / "," must name exactly one distinct task — else none."""
        parts = [p for p in re.split(r"\s*(?:,|\band\b|&|\+)\s*", ref.words) if p.strip()]
        if len(parts) < 2:
            return []
        numbers: list[int] = []
        for part in parts:
            words = query_words(part)
            choice = pick(await self._scored(words), prefer=prefer, loose=loose) if words else None
            if choice is None or choice.number is None or choice.number in numbers:
                return []
            numbers.append(choice.number)
        return numbers

    async def _fits_any(self, ref: TaskRef) -> bool:
        """Whether the reference's words name a task or leave candidates to ask about."""
        choice = pick(await self._scored(query_words(ref.words)), prefer="any")
        return choice.number is not None or bool(choice.candidates)

    async def _resolve(
        self, ref: TaskRef, *, prefer: str, action: str, loose: bool = False
    ) -> tuple[list[int], str]:
        """Task numbers ``ref`` means, or an explanation of why there are none."""
        if ref.numbers:
            return list(ref.numbers), ""
        if ref.last:
            everything = await self._everything()
            open_tasks = [t["number"] for t in everything if not t.get("completed")]
            last = max(open_tasks or [t["number"] for t in everything], default=None)
            return (
                ([last], "") if last is not None else ([], replies.say("which_task", action=action))
            )
        if ref.due:
            return await self._due_on(ref.due, action=action)
        if ref.pronoun:
            number = last_task_number(self._turn)
            return (
                ([number], "")
                if number is not None
                else ([], replies.say("which_task", action=action))
            )
        words = query_words(ref.words)
        if not words:
            return [], replies.say("which_task", action=action)
        scored = await self._scored(words)
        # "the gutters and the email to Ana": parts that each name a different task win over
        # one task the whole phrase happens to fit best.
        several = await self._each_of(ref, prefer=prefer, loose=loose)
        if several:
            return several, ""
        choice = pick(scored, prefer=prefer, loose=loose)
        if choice.number is not None:
            return [choice.number], ""
        narrowed = narrow(choice.candidates, ref.context, await self._candidates(words))
        if narrowed is not None:
            return [narrowed], ""
        counted = _COUNTED.match(ref.words)
        if counted and choice.candidates and not any(c.weak for c in choice.candidates):
            # "all 3 expense ones", "both gym ones": as many as said, every one of them
            said = 2 if counted[2] else int(CARDINAL_WORDS.get(counted[1].lower(), counted[1]))
            if said == len(choice.candidates):
                return [c.number for c in choice.candidates], ""
        if choice.candidates:
            return [], replies.ambiguous(ref.words, _names(choice.candidates))
        return [], replies.say("not_found", words=ref.words)

    async def _due_on(self, words: str, *, action: str) -> tuple[list[int], str]:
        """The one open task due on the day ``words`` name ("today"); else ask which."""
        tz = self._turn.tz
        found, rest = find_due(words, now=self._turn.now.astimezone(tz).replace(tzinfo=None))
        at = (found.value[10:] if is_time_only(found) else found.value[:10]) if found else None
        tasks = [t for t in await self._everything() if t.get("due") and not t.get("completed")]
        due = [t["number"] for t in tasks if at and not rest.strip() and at in _local(t["due"], tz)]
        return (due, "") if len(due) == 1 else ([], replies.say("which_task", action=action))


def _local(due: str, tz: tzinfo) -> str:
    return due if len(due) == 10 else f"{datetime.fromisoformat(due).astimezone(tz):%Y-%m-%dT%H:%M}"


def _names(candidates: Sequence[Scored]) -> list[tuple[int, str]]:
    return [(c.number, c.title) for c in candidates]
