"""A simulated Slack workspace: the real adapter (Bolt ``AsyncApp`` over HTTP, signed requests)
against a fake Slack Web API on 127.0.0.1, driven one event at a time.

* ``fake_slack`` — the fake Web API, ``response_url`` endpoints and Socket Mode socket;
* ``payloads`` — request bodies as Slack sends them, and Slack's request signing;
* ``requests`` — the simulator's short event forms (and real payloads) → signed requests;
* ``screen`` — what todobot has shown so far, and which button a ``click`` means;
* ``calls`` — the calls the app made → output lines (and screen updates);
* ``render`` — the calls as people would see them (Block Kit as readable text);
* ``simulator`` — :class:`SlackSimulation`, which runs it all.

The e2e tests use the same fake and payloads.
"""

from adapters.slack.simulation.simulator import SlackSimulation

__all__ = ["SlackSimulation"]
