"""Reminders, recurring tasks' reminders and the daily digest: what is due, and its delivery.

The database decides what is due and who delivers it (:class:`bot.stores.ReminderStore`
claims each item once); :class:`ReminderScheduler` turns claims into notices and hands them
to one :class:`Notifier` per platform; adapters only render and post.
"""

from bot.reminders.model import Delivery, Digest, Notice, NoticeItem, Recipient
from bot.reminders.notify import ConsoleNotifier, DeliveryRefused, Notifier
from bot.reminders.scheduler import ReminderScheduler, RunReport

__all__ = [
    "ConsoleNotifier",
    "Delivery",
    "DeliveryRefused",
    "Digest",
    "Notice",
    "NoticeItem",
    "Notifier",
    "Recipient",
    "ReminderScheduler",
    "RunReport",
]
