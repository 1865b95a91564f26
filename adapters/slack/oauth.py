"""Many workspaces: Slack's OAuth install flow, with Bolt's stores on todobot's database.

With ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` set, the HTTP server also answers
``/slack/install`` (the "Add to Slack" page, which sets a one-time ``state``) and
``/slack/oauth_redirect`` (Slack sends the installer back with a code: the state is checked
and consumed, the code exchanged with ``oauth.v2.access``, the tokens saved). Bolt's own
``AsyncOAuthFlow`` runs all of it; this module only adapts its two store interfaces to
``bot.installations.InstallationStore`` (tokens sealed at rest there), and makes the Web API
calls the adapter makes while answering a request carry that workspace's bot token.

``app_uninstalled`` and ``tokens_revoked`` are Bolt's built-in listeners: they delete the
installation (the tokens at once) and the store marks the workspace uninstalled.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.error import BoltError
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.client import api_base_url
from bot.config import SlackSettings, optional_secret, secret
from bot.errors import ConfigError, TodobotError
from bot.installations import InstallationStore, WorkspaceBot, WorkspaceInstallation

log = logging.getLogger(__name__)

CLIENT_ID = "SLACK_CLIENT_ID"
CLIENT_SECRET = "SLACK_CLIENT_SECRET"
TOKEN_KEY = "TODOBOT_TOKEN_KEY"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # Bolt's default: an install has ten minutes from the page to Slack's answer
_STATE_CHARS = 100  # the column's width; anything longer was never issued

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class OAuthCredentials:
    client_id: str
    client_secret: SecretStr

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OAuthCredentials | None:
        """The app's OAuth credentials, or ``None`` (single workspace) when neither is set.

        One without the other, or no ``TODOBOT_TOKEN_KEY`` to seal tokens with, is a
        one-line ``ConfigError`` naming the variable.
        """
        client_id = optional_secret(CLIENT_ID, env)
        client_secret = optional_secret(CLIENT_SECRET, env)
        if client_id is None and client_secret is None:
            return None
        client_id = client_id or secret(CLIENT_ID, env)
        client_secret = client_secret or secret(CLIENT_SECRET, env)
        secret(TOKEN_KEY, env)  # checked here so start-up fails before anything is opened
        return cls(client_id.get_secret_value(), client_secret)


def authorization_url(settings: SlackSettings) -> str:
    """Slack's authorize page beside its Web API (``…/api/`` → ``…/oauth/v2/authorize``), so a
    test or a proxy that stands in for one stands in for both."""
    return api_base_url(settings).removesuffix("/").removesuffix("api") + "oauth/v2/authorize"


def oauth_settings(
    credentials: OAuthCredentials,
    settings: SlackSettings,
    installations: InstallationStore,
    *,
    clock: Clock = utc_now,
) -> AsyncOAuthSettings:
    return AsyncOAuthSettings(
        client_id=credentials.client_id,
        client_secret=credentials.client_secret.get_secret_value(),
        scopes=list(settings.oauth_scopes),
        redirect_uri=settings.oauth_redirect_url,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings),
        installation_store=DatabaseInstallationStore(installations, clock=clock),
        installation_store_bot_only=False,
        state_store=DatabaseStateStore(installations, clock=clock),
        state_expiration_seconds=STATE_SECONDS,
    )


def _moment(value: float | int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _record_values(source: Installation | Bot, names: tuple[str, ...]) -> dict[str, Any]:
    values = {name: getattr(source, name, None) for name in names}
    for scopes in ("bot_scopes", "user_scopes"):
        listed = values.get(scopes)
        if isinstance(listed, list | tuple):
            values[scopes] = ",".join(listed) or None
    for moment in ("installed_at", "bot_token_expires_at", "user_token_expires_at"):
        if moment in values:
            values[moment] = _moment(values[moment])
    return values


_INSTALLATION_NAMES = tuple(f.name for f in fields(WorkspaceInstallation))
_BOT_NAMES = tuple(f.name for f in fields(WorkspaceBot))


def _team(team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    # An org-wide installation is found by its enterprise alone, whatever workspace asks.
    return None if is_enterprise_install else team_id


class DatabaseInstallationStore(AsyncInstallationStore):
    """Bolt's installation store interface over ``InstallationStore``."""

    def __init__(self, store: InstallationStore, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        record = WorkspaceInstallation(**_record_values(installation, _INSTALLATION_NAMES))
        try:
            await self._store.save_installation(installation=record)
        except TodobotError as exc:  # Bolt shows its failure page for a BoltError
            log.error("slack: could not save the installation of %s: %s", record.team_id, exc)
            raise BoltError("the installation could not be saved") from exc
        log.info(
            "slack: installed in %s (%s)", record.team_id or record.enterprise_id, record.team_name
        )

    async def async_save_bot(self, bot: Bot) -> None:
        await self._store.save_bot(bot=WorkspaceBot(**_record_values(bot, _BOT_NAMES)))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await self._store.find_bot(
            enterprise_id=enterprise_id, team_id=_team(team_id, is_enterprise_install)
        )
        return None if found is None else Bot(**_sdk_values(found, _BOT_NAMES))

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await self._store.find_installation(
            enterprise_id=enterprise_id,
            team_id=_team(team_id, is_enterprise_install),
            user_id=user_id,
        )
        return None if found is None else Installation(**_sdk_values(found, _INSTALLATION_NAMES))

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._store.delete_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            now=self._clock(),
            sent_at=_event_sent_at.get(),
        )
        log.info(
            "slack: the bot token of %s is revoked; its data waits for the grace period", team_id
        )

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self._store.delete_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            sent_at=_event_sent_at.get(),
        )


def _sdk_values(
    record: WorkspaceInstallation | WorkspaceBot, names: tuple[str, ...]
) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in names}
    values["bot_scopes"] = values["bot_scopes"] or ""
    if "user_scopes" in values:
        values["user_scopes"] = values["user_scopes"] or ""
    for moment in ("bot_token_expires_at", "user_token_expires_at"):
        if values.get(moment) is not None:
            values[moment] = int(values[moment].timestamp())
    return values


class DatabaseStateStore(AsyncOAuthStateStore):
    """Bolt's OAuth state store over ``InstallationStore``: random, single use, expiring."""

    def __init__(
        self, store: InstallationStore, *, seconds: int = STATE_SECONDS, clock: Clock = utc_now
    ) -> None:
        self._store = store
        self._lifetime = timedelta(seconds=seconds)
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self._clock()
        await self._store.issue_state(state=state, expires_at=now + self._lifetime, now=now)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state or len(state) > _STATE_CHARS:
            return False
        valid = await self._store.consume_state(state=state, now=self._clock())
        if not valid:
            log.warning("slack: refused an OAuth callback with an unknown, used or expired state")
        return valid


# The bot token of the workspace whose request is being answered (set per request task).
_workspace_token: ContextVar[str | None] = ContextVar("slack_workspace_token", default=None)
_event_sent_at: ContextVar[datetime | None] = ContextVar("slack_event_sent_at", default=None)


class WorkspaceWebClient(AsyncWebClient):
    """``app.client`` with many workspaces: it has no token of its own; a call made while
    answering a request (or inside ``speaking_for``) carries that workspace's bot token,
    unless the call names a token itself."""

    async def api_call(
        self,
        api_method: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> AsyncSlackResponse:
        token = _workspace_token.get()
        named = "token" in (params or {}) or "token" in (json or {})
        if token is not None and not named:
            params = {**(params or {}), "token": token}
        return await super().api_call(api_method, params=params, json=json, **kwargs)


@asynccontextmanager
async def speaking_for(token: str) -> AsyncIterator[None]:
    """Calls inside use ``token`` (a reminder sent outside any request of its workspace)."""
    reset = _workspace_token.set(token)
    try:
        yield
    finally:
        _workspace_token.reset(reset)


async def bind_workspace_token(
    body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
) -> None:
    """Global middleware, after Bolt's authorisation: the request's listeners run in tasks
    started from this request's context, so they see its workspace's token (and no other
    request's: every request is handled in a task of its own). Not reset on purpose — Bolt
    starts the listeners after the middleware chain has returned."""
    _workspace_token.set(context.bot_token or context.user_token)
    # When Slack sent an event: a late retry of an uninstall must not undo a newer install.
    sent = body.get("event_time")
    _event_sent_at.set(datetime.fromtimestamp(sent, UTC) if isinstance(sent, int) else None)
    await next()


def enable_workspaces(app: AsyncApp) -> None:
    """Wire the per-workspace token and the uninstall listeners into an OAuth ``app``."""
    app.middleware(bind_workspace_token)
    app.enable_token_revocation_listeners()


class WorkspaceTokens:
    """Bot tokens by workspace, for what is sent outside a request (reminders)."""

    def __init__(self, store: InstallationStore) -> None:
        self._store = store

    async def bot_token(self, team_id: str) -> str | None:
        bot = await self._store.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot is not None else None


def require_http(http: bool) -> None:
    if not http:
        raise ConfigError(
            f'Slack OAuth ({CLIENT_ID}) needs HTTP mode: set [slack] mode = "http" (or --http), '
            f"so {INSTALL_PATH} and {REDIRECT_PATH} can be served."
        )
