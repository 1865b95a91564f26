"""Undo: the person's last change through chat is reverted, and undo twice walks back."""

from __future__ import annotations

from tests.unit.rules.conftest import Chat


async def test_undo_an_add(chat: Chat) -> None:
    await chat.say("add buy stamps")
    reply = await chat.say("undo")
    assert "removed #1" in reply.text
    assert await chat.titles() == []


async def test_undo_a_delete_brings_the_task_back_with_its_number(chat: Chat) -> None:
    await chat.given(
        {"title": "call the bank", "priority": "high", "due": "2026-11-20"},
        {"title": "feed the cat"},
    )
    await chat.say("delete 1")
    reply = await chat.say("oops, undo")
    assert "brought back #1" in reply.text
    task = await chat.task(1)
    assert task is not None and task.title == "call the bank" and task.priority.value == "high"
    assert task.due is not None and task.due.at.date().isoformat() == "2026-11-20"


async def test_undo_a_completion_and_an_update(chat: Chat) -> None:
    await chat.given({"title": "mow the lawn", "due": "2026-11-19"})
    await chat.say("move 1 to next friday")
    await chat.say("done 1")
    await chat.say("undo")
    task = await chat.task(1)
    assert task is not None and not task.completed
    assert task.due is not None and task.due.at.date().isoformat() == "2026-11-27"
    await chat.say("undo")  # the move, one step further back
    task = await chat.task(1)
    assert task is not None and task.due is not None
    assert task.due.at.date().isoformat() == "2026-11-19"
    reply = await chat.say("undo")
    assert "nothing I can undo" in reply.text


async def test_undo_a_multi_add_and_remove_completed(chat: Chat) -> None:
    await chat.given(
        {"title": "old one", "completed": True}, {"title": "old two", "completed": True}
    )
    await chat.say("add tea, coffee and milk")
    await chat.say("undo")
    assert await chat.titles() == ["old one", "old two"]
    await chat.say("remove all completed")
    assert await chat.titles() == []
    await chat.say("undo")
    assert await chat.titles() == ["old one", "old two"]
    assert all(t.completed for t in await chat.tasks())


async def test_undo_skips_turns_that_changed_nothing(chat: Chat) -> None:
    await chat.say("add renew library card")
    await chat.say("what's on my list?")
    await chat.say("thanks")
    await chat.say("undo")
    assert await chat.titles() == []


async def test_undo_never_touches_someone_elses_change(chat: Chat, other: Chat) -> None:
    await chat.say("add my own thing")
    await other.say("add bob's thing")
    await chat.say("undo")
    assert await chat.titles() == []
    assert await other.titles() == ["bob's thing"]


async def test_nothing_to_undo(chat: Chat) -> None:
    reply = await chat.say("undo")
    assert "nothing I can undo" in reply.text
    assert not reply.changed
