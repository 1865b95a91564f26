"""The Bolt ``AsyncApp`` and the one function that wires todobot's listeners into it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import assignments, blocks, home_views, views
from adapters.slack.client import ResponseUrlClient
from adapters.slack.conversations import SlackConversations
from adapters.slack.failures import ListenerFailures, count_listener_runs
from adapters.slack.home import HomeTab
from adapters.slack.interactions import SlackInteractions
from adapters.slack.oauth import enable_workspaces
from adapters.slack.outbox import SlackOutbox
from adapters.slack.profiles import SlackProfiles
from adapters.slack.reminders import register_reminders
from bot.chat import ChatService
from bot.config import SlackSettings
from bot.lifecycle import InFlight

COMMAND = "/todo"
ADD_AS_TODO_SHORTCUT = "add_as_todo"


def build_app(
    client: AsyncWebClient,
    *,
    signing_secret: str | None,
    oauth_settings: AsyncOAuthSettings | None = None,
) -> AsyncApp:
    """One ``AsyncApp`` for both modes; HTTP mode passes the secret that verifies requests.

    Socket Mode requests are authenticated by the app token's connection, so they carry no
    signature to check. With ``oauth_settings`` (many workspaces) ``client`` has no token:
    each request is answered with its workspace's (see ``oauth``).
    """
    app = AsyncApp(
        name="todobot",
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        logger=logging.getLogger("adapters.slack.bolt"),
        # Each listener acknowledges itself, then works on; HTTP answers do not wait for it.
        process_before_response=False,
        oauth_settings=oauth_settings,
    )
    if oauth_settings is not None:
        enable_workspaces(app)
    else:
        # The HTTP manifest subscribes to these for many workspaces; one workspace has
        # nothing to delete (its token is the operator's), so they are acknowledged and logged.
        app.event("app_uninstalled")(_uninstalled)
        app.event("tokens_revoked")(_uninstalled)
    return app


async def _uninstalled(body: dict[str, object]) -> None:
    logging.getLogger(__name__).warning(
        "slack: workspace %s uninstalled the app or revoked its tokens", body.get("team_id")
    )


@dataclass(frozen=True, slots=True)
class SlackAdapter:
    """What ``register`` wired, kept for shutdown (``inflight``) and the Home tab."""

    conversations: SlackConversations
    interactions: SlackInteractions
    home: HomeTab
    inflight: InFlight


def register(
    app: AsyncApp, chat: ChatService, settings: SlackSettings, *, inflight: InFlight | None = None
) -> SlackAdapter:
    """Route every event, command, action, view and shortcut the manifest declares.

    ``inflight`` counts the work started for people, so shutdown can wait for it.
    """
    inflight = inflight or InFlight()
    outbox = SlackOutbox(app.client, ResponseUrlClient(settings))
    profiles = SlackProfiles(app.client)
    home = HomeTab(chat, outbox, inflight)
    conversations = SlackConversations(chat, outbox, profiles)
    interactions = SlackInteractions(chat, outbox, profiles, home)

    count_listener_runs(app, inflight)
    app.error(ListenerFailures(outbox, chat.metrics).handle)

    app.event("app_mention")(conversations.on_mention)
    app.event("message")(conversations.on_message)
    app.command(COMMAND)(conversations.on_command)
    app.event("app_home_opened")(interactions.on_home_opened)
    app.action(blocks.COMPLETE_ACTION)(interactions.on_complete)
    app.action(blocks.DELETE_ACTION)(interactions.on_delete)
    app.action(assignments.DECLINE_ACTION)(interactions.on_delete)  # declining drops the task
    app.action(blocks.PAGE_ACTION)(interactions.on_next_page)
    app.action(home_views.HOME_ADD_ACTION)(interactions.on_home_add)
    app.action(blocks.REOPEN_ACTION)(interactions.on_reopen)
    app.action(home_views.HOME_SHOW_ACTION)(interactions.on_home_show)
    app.shortcut(ADD_AS_TODO_SHORTCUT)(interactions.on_add_as_todo)
    app.view(views.ADD_TASK_CALLBACK)(interactions.on_add_submitted)
    chat.add_change_listener(home.on_tasks_changed)
    register_reminders(app, chat)  # Snooze buttons of reminder DMs
    return SlackAdapter(conversations, interactions, home, inflight)
