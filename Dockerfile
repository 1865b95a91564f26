# todobot as a container image: slim, non-root, installed from the same lock CI tests with.
# There is no Docker daemon where todobot is developed: CI runs every command below in a
# fresh virtualenv instead (.ci/dockerfile-check). The image is built only by you:
#
#   docker build -t todobot .
#   docker run --rm -e DATABASE_URL=postgresql://… todobot todobot db upgrade   # release step
#   docker run -e DATABASE_URL=… -e SLACK_BOT_TOKEN=… -e SLACK_SIGNING_SECRET=… \
#     -p 3000:3000 todobot todobot run slack --http --port 3000
#
# `todobot db upgrade` is the release step: run it once per deploy before the new processes
# start (compose.yaml's `migrate` service, a Kubernetes Job or init container, Heroku's
# release phase). It is safe to repeat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv

WORKDIR /app
# Dependencies first: this layer changes only when the lock does.
COPY requirements.lock ./
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.lock
COPY pyproject.toml README.md config.toml alembic.ini ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
COPY migrations ./migrations
RUN /opt/venv/bin/pip install --no-deps . && /opt/venv/bin/todobot --version

# The embedded SQLite database (when DATABASE_URL is unset) lives in /data: mount a volume.
RUN useradd --create-home --uid 10001 todobot && mkdir -p /data && chown todobot /data
ENV PATH=/opt/venv/bin:$PATH \
    XDG_DATA_HOME=/data
USER todobot

# Slack HTTP mode's port; /healthz, /readyz and /metrics are served there too, and on
# [run] health_port (TODOBOT_RUN__HEALTH_PORT) for Socket Mode and Discord.
EXPOSE 3000
# Platforms from the environment: Slack if SLACK_BOT_TOKEN is set, Discord if DISCORD_TOKEN is.
# SIGTERM (docker stop, Kubernetes) drains running turns for [run] drain_seconds, then exits 0.
CMD ["todobot", "run"]
