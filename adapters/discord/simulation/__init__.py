"""A simulated Discord server: the real discord.py bot against a fake Discord on 127.0.0.1
(REST API and gateway WebSocket), driven one event at a time.

* ``fake_discord`` — the fake REST API and gateway;
* ``payloads`` — Discord API objects as Discord sends them, ids as Discord makes them;
* ``events`` — the simulator's short event forms (and real dispatches) → gateway dispatches,
  and which button a ``click`` means;
* ``render`` — the calls as people would see them (messages, threads, buttons);
* ``simulator`` — :class:`DiscordSimulation`, which runs it all.

The e2e tests use the same fake and payloads.
"""

from adapters.discord.simulation.simulator import DiscordSimulation

__all__ = ["DiscordSimulation"]
