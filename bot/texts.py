"""User-visible strings of the core, in one place so the wording is reviewed together."""

from __future__ import annotations


def apology() -> str:
    return (
        "Sorry — something went wrong on my side and I couldn't finish that. "
        "Nothing you wrote was lost; please try again in a moment."
    )


def storage_apology() -> str:
    return (
        "Sorry — I can't reach my database right now, so I couldn't do that. "
        "Please try again in a moment."
    )


def agent_timeout() -> str:
    return "Sorry — that took too long and I stopped. Nothing was half-done; please try again."


def message_too_long(length: int, limit: int) -> str:
    return (
        f"That message is {length:,} characters long; I can read up to {limit:,} at a time. "
        "Could you send it in shorter pieces? I kept it, but didn't act on it."
    )


def offline_notice() -> str:
    return (
        "(The assistant is in offline mode right now, so I answered with my built-in "
        "understanding.)"
    )


def help_text() -> str:
    return (
        "I keep your todo list. Try:\n"
        "• add renew passport next friday, high priority\n"
        "• what's on my list? / what's due today? / show done\n"
        "• done 2  •  reopen 2  •  delete 3\n"
        "• move 1 to monday  •  2 is urgent  •  add a note to 1: …\n"
        "• my timezone is Europe/Berlin"
    )
