"""The ``todobot`` command line (contract in design.md; scripts and tests depend on it)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.simulate_args import add_simulate_parser, run_simulate
from bot.errors import ConfigError, StorageUnavailable, TodobotError, UserFacingError

if TYPE_CHECKING:
    # Imported in ``main``, once garbage collection is held off (see ``main``).
    from bot.config import Settings

log = logging.getLogger("todobot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="todobot",
        formatter_class=_HelpFormatter,
        description="A todo assistant for Slack, Discord and the terminal.",
        epilog="Secrets come from the environment only: SLACK_BOT_TOKEN, SLACK_APP_TOKEN, "
        "SLACK_SIGNING_SECRET, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, TODOBOT_TOKEN_KEY, "
        "DISCORD_TOKEN, OPENAI_API_KEY.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="PATH",
        help="settings file (default ./config.toml; optional)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        metavar="URL",
        help="sqlite:///PATH or postgresql://USER@HOST/DB (env DATABASE_URL; default a SQLite "
        f"file in the user's data directory: {_DEFAULT_DATABASE})",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    chat = sub.add_parser(
        "chat",
        help="talk to the bot on this terminal",
        description="Talk to the bot: one message per line from standard input, or at a "
        "prompt on a terminal (Ctrl-D or Ctrl-C to quit).",
    )
    chat.add_argument("--user", default="me", metavar="REF", help="slack:T:U, discord:ID or a name")
    chat.add_argument(
        "--tz", default=None, metavar="ZONE", help="your IANA timezone, e.g. Europe/Berlin"
    )
    chat.add_argument("--now", default=None, metavar="ISO8601", help="fix the clock")
    chat.add_argument("--json", action="store_true", help="one JSON object per answer")
    chat.add_argument(
        "--channel", default=None, help="talk in a shared console channel (its list: 'our list')"
    )

    tasks = sub.add_parser(
        "tasks", help="export or import a task list", description="A person's task list as a file."
    )
    tasks_sub = tasks.add_subparsers(dest="tasks_command", required=True, metavar="ACTION")
    export = tasks_sub.add_parser(
        "export", help="print the list", description="Print a person's tasks, by number."
    )
    whose = export.add_mutually_exclusive_group(required=True)
    whose.add_argument("--user", metavar="REF", help="whose list")
    whose.add_argument(
        "--channel", metavar="KEY", help="a channel's shared list: PLATFORM/TENANT/CHANNEL"
    )
    export.add_argument(
        "--format", choices=("json", "csv", "markdown"), default="json", help="output format"
    )
    imp = tasks_sub.add_parser(
        "import",
        help="add tasks from a JSON file",
        description="Add every task of a JSON file (the export's shape) to a person's list: "
        "all of them or, if one is invalid, none.",
    )
    imp.add_argument("--user", required=True, metavar="REF", help="whose list")
    imp.add_argument(
        "--tz", default=None, metavar="ZONE", help="timezone for a user created by the import"
    )
    imp.add_argument("file", type=Path, metavar="FILE.json", help="the tasks to add")

    db = sub.add_parser("db", help="database schema", description="Schema migrations (Alembic).")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="migrate to a revision (default: the latest)")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default head)")
    down = db_sub.add_parser("downgrade", help="migrate back to a revision")
    down.add_argument("revision", help="target revision (base: an empty database)")
    db_sub.add_parser("current", help="show the revision and where the database is")

    run = sub.add_parser(
        "run",
        help="serve Slack and/or Discord",
        description="Serve the named platforms until SIGTERM or SIGINT, then finish the "
        "running turns ([run] drain_seconds) and exit 0.",
    )
    run.add_argument(
        "platforms",
        nargs="*",
        metavar="PLATFORM",
        help="slack, discord, reminders (default: each platform whose token is set: "
        "SLACK_BOT_TOKEN or SLACK_CLIENT_ID, DISCORD_TOKEN; and reminders unless [reminders] "
        "enabled = false)",
    )
    run.add_argument(
        "--http",
        action="store_true",
        default=None,
        help="Slack in HTTP mode instead of Socket Mode",
    )
    run.add_argument(
        "--port", type=int, default=None, metavar="N", help="HTTP port for Slack (default 3000)"
    )

    reminders = sub.add_parser("reminders", help="deliver or list reminders")
    reminders_sub = reminders.add_subparsers(dest="reminders_command", required=True)
    once = reminders_sub.add_parser("run-once", help="deliver everything due, then exit")
    once.add_argument("--now", default=None, help="the moment to deliver for (ISO 8601)")
    once.add_argument("--json", action="store_true", help="one JSON object per reminder")
    pending = reminders_sub.add_parser("list", help="a person's pending reminders")
    pending.add_argument("--user", required=True, metavar="REF", help="whose reminders to show")
    send_on = reminders_sub.add_parser(
        "send-on",
        help="where a person's reminders go",
        description="Send a person's reminders and notices on one platform they use, or "
        "'last': wherever they last wrote (the default).",
    )
    send_on.add_argument("--user", required=True, metavar="REF", help="whose reminders")
    send_on.add_argument(
        "platform",
        choices=("slack", "discord", "console", "last"),
        help="a platform the person has an account on, or 'last'",
    )

    users = sub.add_parser(
        "users",
        help="link, export or forget people (operators)",
        description="Act on a person's identities and data. Link and forget ask first; "
        "without a terminal they need --yes.",
    )
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    link = users_sub.add_parser(
        "link", help="join two identities into one person", description="One list everywhere."
    )
    link.add_argument("--user", required=True, metavar="REF", help="the person to keep")
    link.add_argument(
        "--with", dest="other", required=True, metavar="REF", help="the identity to join in"
    )
    link.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    forget = users_sub.add_parser(
        "forget",
        help="delete a person and all their data",
        description="Tasks they assigned stay with their owners, anonymised.",
    )
    forget.add_argument("--user", required=True, metavar="REF", help="whom to forget")
    forget.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    export_data = users_sub.add_parser(
        "export", help="everything stored about a person, as JSON", description="As JSON."
    )
    export_data.add_argument("--user", required=True, metavar="REF", help="whose data")

    mcp = sub.add_parser(
        "mcp",
        help="serve the task tools over MCP (stdio)",
        description="Serve one person's task tools to an MCP client on stdin/stdout.",
    )
    mcp.add_argument("--user", required=True, metavar="REF", help="whose list the tools act on")

    add_simulate_parser(sub)
    return parser


# The help's default database path and the version are looked up only when asked for: every
# start (a chat answering one line) would otherwise pay for platformdirs and package metadata.
_DEFAULT_DATABASE = "<default database path>"


class _HelpFormatter(argparse.HelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text and _DEFAULT_DATABASE in text:
            from bot.config import default_database_path

            text = text.replace(_DEFAULT_DATABASE, str(default_database_path()))
        return text


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("todobot")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _settings(args: argparse.Namespace) -> Settings:
    from bot.config import load_settings

    settings = load_settings(args.config, must_exist=args.config is not None)
    if args.database_url:
        settings.database.url = args.database_url
    return settings


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here so `todobot --help` stays fast and a missing optional extra only matters
    # for the command that needs it.
    if args.command != "chat":
        collect_garbage_again(freeze=False)  # the chat does once its service is built
    if args.command == "chat":
        from bot.cli.chat import run_chat

        return await run_chat(
            settings,
            user=args.user,
            tz=args.tz,
            now=args.now,
            as_json=args.json,
            channel=args.channel,
        )
    if args.command == "tasks":
        from bot.cli import tasks

        if args.tasks_command == "export":
            print(
                await tasks.export_tasks(
                    settings, user=args.user, fmt=args.format, channel=args.channel
                )
            )
            return 0
        count = await tasks.import_tasks(settings, user=args.user, path=args.file, tz=args.tz)
        print(f"Imported {count} task{'s' if count != 1 else ''}.", file=sys.stderr)
        return 0
    if args.command == "db":
        from bot.cli.db import run_db

        print(await run_db(settings, args.db_command, getattr(args, "revision", None)))
        return 0
    if args.command == "reminders":
        from bot.cli import reminders

        if args.reminders_command == "run-once":
            return await reminders.run_once(
                settings, now=args.now, as_json=args.json, stdout=sys.stdout
            )
        if args.reminders_command == "send-on":
            return await reminders.send_on(
                settings, user=args.user, platform=args.platform, stdout=sys.stdout
            )
        return await reminders.list_pending(settings, user=args.user, stdout=sys.stdout)
    if args.command == "users":
        from bot.cli import users

        if args.users_command == "link":
            return await users.link(settings, user=args.user, other=args.other, yes=args.yes)
        if args.users_command == "forget":
            return await users.forget(settings, user=args.user, yes=args.yes)
        return await users.export(settings, user=args.user)
    if args.command == "simulate":
        return await run_simulate(settings, args)
    from bot.cli import run

    if args.command == "run":
        return await run.run_platforms(settings, args.platforms, http=args.http, port=args.port)
    return await run.run_mcp(settings, user=args.user)


def collect_garbage_again(*, freeze: bool = True) -> None:
    """End what ``main`` holds off: the objects made so far (modules, classes, schemas) live
    as long as the process, so a frozen start-up is never scanned again."""
    if gc.isenabled():
        return
    if freeze:
        gc.freeze()
    gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        # The command line (not a caller in its own process): no garbage collection while
        # the command starts. Importing allocates some hundred thousand objects that live
        # as long as the process; the collections that allocation sets off only scan them
        # again and again (measured: `echo list | todobot chat` 0.73 → 0.48 s CPU). Ended
        # by ``collect_garbage_again`` once the command is ready.
        gc.disable()
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        from bot.cli.logs import configure_logging

        # Services log fully; a console command logs one line per problem unless DEBUG asks
        # for everything.
        full = args.command in ("run", "mcp") or settings.logging.level.upper() == "DEBUG"
        configure_logging(
            settings.logging.level if full else "ERROR",
            settings.logging.format,
            database_url=settings.database_url(),
            tracebacks=full,
        )
        return asyncio.run(_dispatch(args, settings))
    except (KeyboardInterrupt, asyncio.CancelledError):
        # Ctrl-C (or a second stop signal): stop at once, without a traceback, and leave the
        # shell's prompt on a line of its own.
        if sys.stderr.isatty():
            print(file=sys.stderr)
        return 130
    except UserFacingError as exc:
        print(f"todobot: {exc.message}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"todobot: {exc}", file=sys.stderr)
        return 2
    except StorageUnavailable:
        print(
            "todobot: cannot reach the database (check --database-url / DATABASE_URL).",
            file=sys.stderr,
        )
        return 1
    except TodobotError as exc:
        log.debug("command failed", exc_info=True)
        print(f"todobot: {exc}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:
        print(
            f"todobot: a required package is missing ({exc.name}); install todobot with "
            f"its extra: pip install 'todobot[{extra_for(exc.name)}]'.",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:
        # A bug, not a person's mistake: still one line here; the details are in the log.
        log.debug("unexpected failure", exc_info=True)
        print(
            f"todobot: unexpected error ({type(exc).__name__}); run with "
            "TODOBOT_LOGGING__LEVEL=DEBUG for details.",
            file=sys.stderr,
        )
        return 1


# The optional extras of pyproject.toml, by the top-level module each one brings.
_EXTRA_OF_MODULE = {
    "asyncpg": "postgres",
    "slack_bolt": "slack",
    "slack_sdk": "slack",
    "discord": "discord",
    "openai": "openai",
    "mcp": "mcp",
}


def extra_for(module: str | None) -> str:
    """The extra that installs ``module`` (``all`` when it is none of the optional ones)."""
    top = (module or "").partition(".")[0]
    return _EXTRA_OF_MODULE.get(top, "all")
