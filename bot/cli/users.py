"""``todobot users link --user REF --with REF``, ``users forget --user REF`` and
``users export --user REF``: operators acting on people's identities and data.

Link and forget change people's data for good: run without a terminal they need ``--yes``;
at a terminal they ask first.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.cli.wiring import opened_storage
from bot.config import Settings
from bot.errors import InvalidInput
from bot.identity import UserRef
from bot.stores import Storage
from bot.teams.model import TeamStore


def _confirmed(question: str, *, yes: bool, stdin: TextIO, stdout: TextIO) -> bool:
    if yes:
        return True
    if not stdin.isatty():
        raise InvalidInput(f"{question} Add --yes to confirm (no terminal to ask on).")
    print(f"{question} [y/N] ", end="", file=stdout, flush=True)
    return stdin.readline().strip().lower() in ("y", "yes")


def _teams(storage: Storage) -> TeamStore:
    if storage.teams is None:
        raise InvalidInput("This storage cannot link or forget people.")
    return storage.teams


async def _existing(storage: Storage, ref: UserRef) -> int:
    found = await storage.users.find_user(ref=ref)
    if found is None:
        raise InvalidInput(f"{ref} has never used todobot here.")
    return found.id


async def link(
    settings: Settings,
    *,
    user: str,
    other: str,
    yes: bool,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    into_ref, joining_ref = UserRef.parse(user), UserRef.parse(other)
    async with opened_storage(settings) as storage:
        into = await _existing(storage, into_ref)
        joining = await _existing(storage, joining_ref)
        question = f"Join {joining_ref} into {into_ref} (one list; its tasks get new numbers)?"
        if not _confirmed(question, yes=yes, stdin=stdin, stdout=stdout):
            print("Nothing changed.", file=stdout)
            return 1
        linked = await _teams(storage).join_users(into=into, joining=joining)
    numbers = ", ".join(f"#{n}" for n in linked.numbers) or "no tasks"
    identities = ", ".join(str(r) for r in linked.identities)
    print(f"Linked {identities}; {joining_ref}'s tasks are now {numbers}.", file=stdout)
    return 0


async def forget(
    settings: Settings,
    *,
    user: str,
    yes: bool,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    ref = UserRef.parse(user)
    async with opened_storage(settings) as storage:
        user_id = await _existing(storage, ref)
        question = (
            f"Delete {ref} and every linked identity, with all their tasks, reminders and "
            "messages, for good?"
        )
        if not _confirmed(question, yes=yes, stdin=stdin, stdout=stdout):
            print("Nothing changed.", file=stdout)
            return 1
        counts = await _teams(storage).forget(user_id=user_id)
    print(
        f"Forgot {ref}: {counts['tasks']} tasks, {counts['messages']} messages, "
        f"{counts['identities']} identities deleted.",
        file=stdout,
    )
    return 0


async def export(settings: Settings, *, user: str, stdout: TextIO = sys.stdout) -> int:
    ref = UserRef.parse(user)
    async with opened_storage(settings) as storage:
        data = await _teams(storage).export_data(user_id=await _existing(storage, ref))
    print(json.dumps(data, ensure_ascii=False, indent=2), file=stdout)
    return 0
