"""How much the hybrid agent saves, and how often it gets the sample cases right.

Runs every case of ``/work/shared/eval/nl_sample.json`` through ``ChatService`` with the hybrid
agent: the real offline rules agent triages, and the messages it is not confident about go to
the real ``OpenAIAgent`` and ``openai`` client, talking to a local fake server that plays a
*scripted* model (``benchmarks/scripted_model.py``: hand-written tool plans per message).

Reported: the share of messages answered without a model call, and the pass rate overall and
per route. The rules figures are a real measurement of the offline agent; the model-route figures
only show that routing and the tool loop carry a correct plan to the right result, since the
script already knows what to do.

    python benchmarks/hybrid_share.py [--cases PATH] [--json] [--model-only]

Storage is the real SQL storage on a temporary SQLite file (one person per case).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import nl_cases, scripted_model
from bot.agents.hybrid import HybridAgent
from bot.agents.openai_chat import OpenAIAgent
from bot.chat import ChatLimits, ChatService
from bot.config import AgentSettings
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage
from tests.e2e.openai.fake_server import FakeChatServer


@dataclass
class Outcome:
    id: str
    category: str
    route: str  # "rules" (no model call) or "model"
    model_requests: int
    passed: bool
    failures: list[str]
    reply: str
    seconds: float


async def run_case(
    case: dict[str, Any],
    cases: nl_cases.CaseSet,
    agent: HybridAgent,
    server: FakeChatServer,
    storage: SqlStorage,
) -> Outcome:
    # One person per case, so each case starts from its own list numbered #1, #2…
    ref = UserRef("console", "local", f"sam-{case['id']}")
    user = await storage.users.resolve_user(ref=ref, display_name="Sam", timezone=cases.tz.key)
    await nl_cases.set_up(storage, user.id, case, cases)
    before = await nl_cases.all_tasks(storage, user.id, cases)
    chat = ChatService(
        storage=storage,
        agent=agent,
        default_timezone=cases.tz.key,
        limits=ChatLimits(max_message_chars=4000),
        clock=lambda: cases.now,
    )
    key = ConversationKey("console", "local", ref.external_id, case["id"])
    requests_before = len(server.requests)
    started = time.perf_counter()
    reply = await chat.handle(IncomingMessage(key=key, author=ref, text=case["say"]))
    seconds = time.perf_counter() - started
    model_requests = len(server.requests) - requests_before
    after = await nl_cases.all_tasks(storage, user.id, cases)
    failures = nl_cases.check(case, before, after, reply.text, cases.tz)
    return Outcome(
        id=case["id"],
        category=case["category"],
        route="model" if model_requests else "rules",
        model_requests=model_requests,
        passed=not failures,
        failures=failures,
        reply=reply.text,
        seconds=seconds,
    )


class _NeverConfident:
    """Triage for ``--model-only``: every message goes to the scripted model."""

    name = "none"

    def is_confident(self, turn: Any) -> bool:
        return False

    async def respond(self, turn: Any, tools: Any) -> Any:
        raise AssertionError("never asked")


async def run(path: Path, *, model_only: bool = False) -> list[Outcome]:
    cases = nl_cases.load(path)
    rules: Any = _NeverConfident()
    if not model_only:
        from bot.agents.rules import RulesAgent

        rules = RulesAgent()
    server = FakeChatServer(responder=scripted_model.respond)
    await server.start()
    workdir = tempfile.TemporaryDirectory(prefix="todobot-hybrid-")
    storage = open_sql_storage(f"sqlite+aiosqlite:///{workdir.name}/bench.db")
    await migrate.upgrade(storage.engine)
    settings = AgentSettings(model="scripted", timeout=10.0, max_retries=0)
    model = OpenAIAgent(settings=settings, fallback=rules, api_key=None, base_url=server.base_url)
    agent = HybridAgent(triage=rules, model=model)
    try:
        return [await run_case(case, cases, agent, server, storage) for case in cases.cases]
    finally:
        await agent.aclose()
        await server.close()
        await storage.close()
        workdir.cleanup()


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    def rate(group: list[Outcome]) -> str:
        passed = sum(o.passed for o in group)
        return f"{passed}/{len(group)}" + (f" ({passed / len(group):.0%})" if group else "")

    rules = [o for o in outcomes if o.route == "rules"]
    model = [o for o in outcomes if o.route == "model"]
    return {
        "cases": len(outcomes),
        "answered_without_model": f"{len(rules)}/{len(outcomes)}"
        f" ({len(rules) / len(outcomes):.0%})",
        "model_requests": sum(o.model_requests for o in outcomes),
        "pass_rate": rate(outcomes),
        "pass_rate_rules_route": rate(rules),
        "pass_rate_model_route_scripted": rate(model),
        "median_ms_rules_route": round(statistics.median(o.seconds for o in rules) * 1000, 1)
        if rules
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=nl_cases.DEFAULT_CASES)
    parser.add_argument("--json", action="store_true", help="print every outcome as JSON")
    parser.add_argument(
        "--model-only",
        action="store_true",
        help="send every message to the scripted model (checks the script and the harness)",
    )
    args = parser.parse_args(argv)
    outcomes = asyncio.run(run(args.cases, model_only=args.model_only))
    if args.json:
        print(json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=1))
    else:
        for o in outcomes:
            mark = "pass" if o.passed else "FAIL"
            print(f"{mark}  {o.route:5}  {o.id:18} {'; '.join(o.failures)}")
    for name, value in summary(outcomes).items():
        print(f"{name}: {value}", file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
