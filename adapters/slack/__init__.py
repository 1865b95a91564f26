"""todobot on Slack, through slack-bolt's ``AsyncApp``.

``serve`` runs it (Socket Mode or HTTP mode); ``register`` wires the listeners into an app.
Inside: ``mapping`` (payloads → core messages), ``mrkdwn``/``blocks``/``views`` (rendering),
all pure; ``conversations``/``interactions``/``home`` (listeners), ``outbox``/``profiles``/
``client`` (Web API), ``server`` (the two modes). The app manifest is ``manifest.yml`` here.
"""

from adapters.slack.app import SlackAdapter, build_app, register
from adapters.slack.server import SlackCredentials, SlackService, serve

__all__ = ["SlackAdapter", "SlackCredentials", "SlackService", "build_app", "register", "serve"]
