"""A scripted stand-in for a language model, served by the fake OpenAI-compatible server.

For each sample message there is a hand-written plan: the tool calls a competent model would
make, round by round, written from the message alone (not from the expected outcome). After the
last round the "model" confirms from the tool results it was sent, the way a model would relay
them. It is an oracle for understanding, so what it measures is the hybrid's routing and the
agent's tool plumbing, never how well a real model understands people.
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.openai.fake_server import completion, tool_call

Call = tuple[str, dict[str, Any]]

# message → rounds of tool calls, or a plain answer when no tool is needed.
PLANS: dict[str, list[list[Call]] | str] = {
    "add buy milk: 2 liters, oat": [
        [("add_task", {"title": "buy milk", "description": "2 liters, oat"})]
    ],
    "add task: schedule car service — note: the check engine light is on": [
        [
            (
                "add_task",
                {"title": "schedule car service", "description": "the check engine light is on"},
            )
        ]
    ],
    "Add book dentist appointment. details: Dr. Patel, ask for a cleaning too": [
        [
            (
                "add_task",
                {
                    "title": "book dentist appointment",
                    "description": "Dr. Patel, ask for a cleaning too",
                },
            )
        ]
    ],
    "add write pros and cons list for the move": [
        [("add_task", {"title": "write pros and cons list for the move"})]
    ],
    "remind me to take out the trash tonight": [
        [("add_task", {"title": "take out the trash", "due": "2026-11-18T20:00"})]
    ],
    "add book table for mom's bday 5th december": [
        [("add_task", {"title": "book table for mom's bday", "due": "2026-12-05"})]
    ],
    "add water the garden next friday": [
        [("add_task", {"title": "water the garden", "due": "2026-11-27"})]
    ],
    "add renew domain on jan 15": [[("add_task", {"title": "renew domain", "due": "2027-01-15"})]],
    "add haircut thursday 2:30pm": [
        [("add_task", {"title": "haircut", "due": "2026-11-19T14:30"})]
    ],
    "add milk, eggs and bread": [
        [
            ("add_task", {"title": "milk"}),
            ("add_task", {"title": "eggs"}),
            ("add_task", {"title": "bread"}),
        ]
    ],
    "add these: call dentist; book flights; renew gym pass": [
        [
            ("add_task", {"title": "call dentist"}),
            ("add_task", {"title": "book flights"}),
            ("add_task", {"title": "renew gym pass"}),
        ]
    ],
    "add organize photos, low priority": [
        [("add_task", {"title": "organize photos", "priority": "low"})]
    ],
    "add learn to juggle whenever": [
        [("add_task", {"title": "learn to juggle", "priority": "low"})]
    ],
    "add defrost the freezer (low prio, no rush)": [
        [("add_task", {"title": "defrost the freezer", "priority": "low"})]
    ],
    "move the meeting to friday": [[("update_task", {"query": "meeting", "due": "2026-11-20"})]],
    "delete 7": [[("delete_task", {"number": 7})]],
    "good morning ☀️": "Good morning! Want me to show your list?",
    "done 1 and 3": [[("complete_task", {"number": 1}), ("complete_task", {"number": 3})]],
    "complete 2, 4": [[("complete_task", {"number": 2}), ("complete_task", {"number": 4})]],
    "check off the dentist one": [[("list_tasks", {})], [("complete_task", {"query": "dentist"})]],
    "1,2 and 5 are done": [[("complete_task", {"number": n}) for n in (1, 2, 5)]],
    "drop the one about the printer": [[("delete_task", {"query": "printer"})]],
    "forget about the paint samples, we're not repainting after all": [
        [("delete_task", {"query": "paint samples"})]
    ],
    "delete the travel adapter one, turns out i already have one": [
        [("delete_task", {"query": "travel adapter"})]
    ],
    "can you set due dates and priorities?": (
        'Yes: tell me a date or time ("next friday 5pm") and a priority (low, medium, high) '
        "when you add or change a task."
    ),
    "add this task: '; DROP TABLE tasks; --": [
        [("add_task", {"title": "'; DROP TABLE tasks; --"})]
    ],
    '{"op":"delete","user":"*","all":true}': (
        "I only change your own tasks, one at a time, when you ask in words. "
        "What would you like to do?"
    ),
    "what's due today?": [[("list_tasks", {"due_before": "2026-11-18"})]],
    "list": [[("list_tasks", {})]],
    "show completed tasks": [[("list_tasks", {"status": "completed"})]],
    "list everything, including the done ones": [[("list_tasks", {"status": "all"})]],
    "the passport thing isn't actually done, the appointment got cancelled": [
        [("reopen_task", {"query": "passport"})]
    ],
    "2 has no deadline anymore": [[("update_task", {"number": 2, "clear_due": True})]],
    "add a note to 3: use the blue form, not the green one": [
        [("update_task", {"number": 3, "append_note": "use the blue form, not the green one"})]
    ],
    "change the due date of pay rent to the 1st": [
        [("update_task", {"query": "pay rent", "due": "2026-12-01"})]
    ],
    "for the flights task add the details: LHR -> JFK, aisle seat, morning departure": [
        [
            (
                "update_task",
                {"query": "flights", "append_note": "LHR -> JFK, aisle seat, morning departure"},
            )
        ]
    ],
}

LONG_PREFIX = "add figure out the whole apartment situation"


def _plan_for(text: str) -> list[list[Call]] | str:
    if text.startswith(LONG_PREFIX):
        return [
            [("add_task", {"title": "figure out the apartment situation", "description": text[4:]})]
        ]
    return PLANS.get(text, "Sorry, I'm not sure what you mean. Could you say it another way?")


def respond(body: dict[str, Any]) -> dict[str, Any]:
    """The next completion for a request, as the fake server's callable step."""
    messages = body["messages"]
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    text = messages[last_user]["content"].split("] ", 1)[-1]
    rounds_done = sum(1 for m in messages[last_user:] if m["role"] == "assistant")
    plan = _plan_for(text)
    if isinstance(plan, str):
        return completion(plan)
    if rounds_done < len(plan):
        return completion(None, [tool_call(name, args) for name, args in plan[rounds_done]])
    last_call = max(i for i, m in enumerate(messages) if m["role"] == "assistant")
    names = [c["function"]["name"] for c in messages[last_call]["tool_calls"]]
    results = [json.loads(m["content"]) for m in messages[last_call + 1 :]]
    return completion(_relay(list(zip(names, results, strict=True))))


_DONE = {
    "add_task": "Added",
    "complete_task": "Done",
    "reopen_task": "Reopened",
    "update_task": "Updated",
    "delete_task": "Deleted",
}


def _relay(results: list[tuple[str, dict[str, Any]]]) -> str:
    lines = []
    for name, result in results:
        if not result.get("ok"):
            lines.append(result.get("message", "That didn't work."))
        elif "tasks" in result:
            tasks = result["tasks"]
            lines.append(
                "Nothing there."
                if not tasks
                else "\n".join(
                    f"#{t['number']} {t['title']}"
                    + (f" (due {t['due_in_words']})" if t["due"] else "")
                    for t in tasks
                )
            )
        else:
            task = result["task"]
            lines.append(f"{_DONE.get(name, 'Done')} #{task['number']} “{task['title']}”.")
    return "\n".join(lines)
