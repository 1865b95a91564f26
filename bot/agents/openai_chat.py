"""The ``openai`` backend: Chat Completions tool calling against OpenAI or a compatible server.

This is the one module that imports ``openai``. Any server that speaks Chat Completions with
tools (OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio) is reached through ``base_url``.

One turn is a loop of rounds. A round sends the system prompt, the labelled history window, the
new message, the tool schemas and every tool exchange so far; when the model asks for tools,
each call runs (in the order given, parallel calls included) and is answered with a ``tool``
message carrying its ``tool_call_id``. The loop ends at the model's first answer without tool
calls, or at ``max_rounds`` requests.

When the model fails (unreachable, timed out, an error status after the client's retries, or
past the turn's model budget), the turn falls back to the offline agent, and the reply says so:

* nothing was changed yet (no calls, or only reads): the offline agent answers the whole
  message as if the model had never been asked;
* some calls already changed tasks: those changes stand (each tool call is atomic) and are
  reported exactly; the offline agent is *not* run, because it would act on the whole message
  again and could add a task twice or undo what the model did. Nothing is left half-written:
  the person is told precisely what was done and that nothing more was.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessage

from bot.agent import Agent, AgentReply, AgentTurn, Tools
from bot.agents import prompt
from bot.agents import texts as agent_texts
from bot.config import AgentSettings
from bot.conversations import ToolCall
from bot.errors import ModelUnavailable
from bot.outcomes import DigestSet, Restored, TaskChanged

log = logging.getLogger(__name__)

# Keyless local servers (Ollama, llama.cpp, LM Studio) ignore the key, but the client needs one.
PLACEHOLDER_API_KEY = "no-key-required"

# Share of the whole turn's time the model may use, so the offline fallback still has time to
# answer before the core's turn timeout cuts everything off.
MODEL_SHARE_OF_TURN = 0.8

# Tool calls run per model response; more are answered with an error instead of being run, so a
# runaway response cannot turn one message into thousands of writes.
MAX_CALLS_PER_ROUND = 20


class OpenAIAgent:
    """A model-backed agent; ``fallback`` answers when the model cannot."""

    name = "openai"

    def __init__(
        self,
        *,
        settings: AgentSettings,
        fallback: Agent,
        api_key: str | None,
        base_url: str | None,
    ) -> None:
        self._settings = settings
        self._fallback = fallback
        self._client = openai.AsyncOpenAI(
            api_key=api_key or PLACEHOLDER_API_KEY,
            base_url=base_url,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        )

    async def aclose(self) -> None:
        """Close the HTTP connection pool (call once at shutdown)."""
        await self._client.close()

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.turn_timeout * MODEL_SHARE_OF_TURN
        messages = prompt.build_messages(turn)
        tool_defs = [{"type": "function", "function": schema} for schema in tools.schemas()]
        usage = _Usage()
        made: list[ToolCall] = []
        for round_number in range(1, self._settings.max_rounds + 1):
            try:
                async with asyncio.timeout_at(deadline):
                    completion = await self._client.chat.completions.create(
                        model=self._settings.model,
                        messages=messages,  # type: ignore[arg-type]
                        tools=tool_defs,  # type: ignore[arg-type]
                    )
                message = _first_message(completion)
                usage.add(completion)
            except (openai.OpenAIError, ModelUnavailable, TimeoutError) as exc:
                log.warning(
                    "model %s failed in round %d (%s); answering offline",
                    self._settings.model,
                    round_number,
                    _describe(exc),
                )
                return await self._offline(turn, tools, made, usage.total)
            if not message.tool_calls:
                return AgentReply(text=_final_text(message, made), tokens_used=usage.total)
            if round_number == self._settings.max_rounds:
                # Calls the model could never see the results of are not run: it could not
                # confirm them, and the person would get changes nobody reported.
                break
            messages.append(_assistant_turn(message))
            for index, requested in enumerate(message.tool_calls):
                if index >= MAX_CALLS_PER_ROUND:
                    content = prompt.too_many_calls(MAX_CALLS_PER_ROUND)
                else:
                    call = await tools.call(*_name_and_arguments(requested))
                    made.append(call)
                    content = prompt.tool_result_content(call)
                # Every call is answered by id, or the next request is rejected by the API.
                messages.append({"role": "tool", "tool_call_id": requested.id, "content": content})
        log.warning(
            "model %s reached the cap of %d rounds", self._settings.model, self._settings.max_rounds
        )
        return AgentReply(
            text=agent_texts.stopped_at_round_cap([c for c in made if is_write(c)]),
            tokens_used=usage.total,
        )

    async def _offline(
        self, turn: AgentTurn, tools: Tools, made: list[ToolCall], tokens: int | None
    ) -> AgentReply:
        writes = [call for call in made if is_write(call)]
        if writes:
            return AgentReply(
                text=agent_texts.model_lost_midway(writes), tokens_used=tokens, offline=True
            )
        answer = await self._fallback.respond(turn, tools)
        return AgentReply(
            text=agent_texts.with_offline_notice(answer.text), tokens_used=tokens, offline=True
        )


def is_write(call: ToolCall) -> bool:
    """A call that changed something: succeeded, is not a read, and was not a no-op."""
    outcome = call.outcome
    already = isinstance(outcome, TaskChanged | Restored | DigestSet) and outcome.already
    return outcome.ok and call.name != "list_tasks" and not already


class _Usage:
    """Tokens summed over rounds; ``None`` when the server reports no usage at all."""

    def __init__(self) -> None:
        self.total: int | None = None

    def add(self, completion: ChatCompletion) -> None:
        used = completion.usage
        if used is None:
            return
        # Some compatible servers report only the parts, or nothing in a field.
        total = used.total_tokens or (used.prompt_tokens or 0) + (used.completion_tokens or 0)
        self.total = (self.total or 0) + total


def _first_message(completion: ChatCompletion) -> ChatCompletionMessage:
    # A response that parsed but has no usable message is a failing model, not a crash.
    if not completion.choices or getattr(completion.choices[0], "message", None) is None:
        raise ModelUnavailable("the model returned no message")
    return completion.choices[0].message


def _final_text(message: ChatCompletionMessage, made: list[ToolCall]) -> str:
    text = (message.content or message.refusal or "").strip()
    writes = [call for call in made if is_write(call)]
    if not text and writes:
        # Some small models act and then say nothing; the person still deserves a confirmation.
        return agent_texts.summary_of(writes)
    return text


def _assistant_turn(message: ChatCompletionMessage) -> dict[str, Any]:
    """The model's tool-calling message, echoed back as the next request requires."""
    echoed: dict[str, Any] = {
        "role": "assistant",
        "content": message.content,
        "tool_calls": [call.model_dump(mode="json") for call in message.tool_calls or ()],
    }
    return echoed


def _name_and_arguments(requested: Any) -> tuple[str, str]:
    """Name and raw argument string of a tool call (custom calls carry free-form input)."""
    if requested.type == "function":
        return requested.function.name, requested.function.arguments
    return requested.custom.name, requested.custom.input


def _describe(exc: BaseException) -> str:
    """A log-safe description: the error class and status, never headers, bodies or keys."""
    status = getattr(exc, "status_code", None)
    if isinstance(exc, TimeoutError):
        return "turn budget for the model used up"
    return type(exc).__name__ + (f" {status}" if status else "")
