"""User-visible strings of the Slack adapter, in one place so the wording is reviewed together.

Strings here are Slack mrkdwn; anything interpolated from people or tasks is escaped by the
caller (``mrkdwn.escape``) before it reaches these functions.
"""

from __future__ import annotations


def apology() -> str:
    return (
        "Sorry — something went wrong on my side and I couldn't answer that. "
        "Please try again in a moment."
    )


def command_help() -> str:
    return (
        "Add with `/todo renew passport next friday`, finish with `/todo done 2`, "
        "or just write to me in a DM."
    )


def empty_list() -> str:
    return "You have no open tasks."


def list_heading(count: int) -> str:
    return f"Your open tasks ({count}):" if count != 1 else "Your open task:"


def list_page_heading(first: int, last: int, total: int) -> str:
    return f"Your open tasks — showing {first:,}–{last:,} of {total:,}:"


def next_page_button(page: int, pages: int) -> str:
    return f"Next page ({page:,} of {pages:,})"


def more_tasks(count: int) -> str:
    return f"…and {count} more."


def complete_button() -> str:
    return "Complete"


def delete_button() -> str:
    return "Delete"


def complete_button_for(number: int, title: str) -> str:
    return f"✓ #{number} {title}"


def delete_confirm_title() -> str:
    return "Delete this task?"


def delete_confirm_text(number: int) -> str:
    return f"Task #{number} will be removed for good."


def delete_confirm_yes() -> str:
    return "Delete"


def delete_confirm_no() -> str:
    return "Keep it"


def completed_line(number: int, title: str) -> str:
    return f"✅ ~#{number} {title}~ — done"


def deleted_line(number: int, title: str) -> str:
    return f"🗑️ ~#{number} {title}~ — deleted"


def completed_confirmation(number: int, title: str) -> str:
    return f"✅ Done: #{number} {title}"


def already_completed(number: int, title: str) -> str:
    return f"#{number} {title} was already done."


def deleted_confirmation(number: int, title: str) -> str:
    return f"🗑️ Deleted #{number} {title}"


def not_your_list(owner_mention: str) -> str:
    return (
        f"These buttons belong to {owner_mention}'s list, so they can't change your tasks. "
        "Use `/todo` to see yours."
    )


def due_words(words: str) -> str:
    return f"due {words}"


def priority_words(priority: str) -> str:
    return f"{priority} priority"


def home_title() -> str:
    return "Your todo list"


def home_summary(tab: str, count: int) -> str:
    plural = "s" if count != 1 else ""
    if tab == "completed":
        if count == 0:
            return "Nothing completed yet. Tasks you tick off show up here."
        return f"{count:,} completed task{plural}, newest first."
    if count == 0:
        return "Nothing open. Add a task with the button, `/todo`, or a message to me."
    return f"{count:,} open task{plural}, soonest due first."


def home_tab_label(tab: str) -> str:
    return {"open": "Open", "completed": "Completed"}[tab]


def home_page_position(first: int, last: int, total: int) -> str:
    return f"Showing {first:,}–{last:,} of {total:,}."


def previous_page_button(page: int, pages: int) -> str:
    return f"Previous page ({page:,} of {pages:,})"


def reopen_button() -> str:
    return "Reopen"


def reopened_line(number: int, title: str) -> str:
    return f"↩️ Reopened #{number} {title}"


def home_add_button() -> str:
    return "Add task"


def home_unavailable() -> str:
    return "I can't load your tasks right now. Open this tab again in a moment."


def modal_title() -> str:
    return "Add task"


def modal_submit() -> str:
    return "Add"


def modal_close() -> str:
    return "Cancel"


def field_title() -> str:
    return "Title"


def field_due() -> str:
    return "Due"


def field_due_hint() -> str:
    return "e.g. tomorrow 5pm, next friday, 2025-12-01"


def field_due_rule() -> str:
    return (
        "Or pick a date and time below, read in your timezone. With a picked date, leave this "
        "empty; a time picked alone goes with the day typed here (or the next such time)."
    )


def field_due_date() -> str:
    return "Due date"


def field_due_time() -> str:
    return "Due time"


def due_typed_and_picked() -> str:
    return "You picked a date too — clear this text, or the picked date can't be used."


def field_priority() -> str:
    return "Priority"


def field_notes() -> str:
    return "Notes"


def priority_label(priority: str) -> str:
    return {"low": "Low", "medium": "Medium", "high": "High"}[priority]


def title_required() -> str:
    return "Give the task a title."


def source_link(permalink: str) -> str:
    return f"From Slack: {permalink}"
