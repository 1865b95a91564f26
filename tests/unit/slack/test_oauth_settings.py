"""What "Add to Slack" asks for matches the manifest, and where Slack's pages are."""

from __future__ import annotations

import re
from pathlib import Path

import adapters.slack
from adapters.slack.oauth import authorization_url
from bot.config import SlackSettings

MANIFESTS = Path(adapters.slack.__file__).parent


def manifest_bot_scopes(name: str) -> list[str]:
    text = (MANIFESTS / name).read_text(encoding="utf-8")
    block = re.search(r"scopes:\n\s+bot:\n((?:\s+- .+\n)+)", text)
    assert block is not None
    return re.findall(r"- (\S+)", block[1])


def test_default_scopes_are_the_manifests() -> None:
    scopes = SlackSettings().oauth_scopes
    assert scopes == manifest_bot_scopes("manifest.http.yml") == manifest_bot_scopes("manifest.yml")


def test_the_http_manifest_sends_installs_back_and_uninstalls_to_the_app() -> None:
    text = (MANIFESTS / "manifest.http.yml").read_text(encoding="utf-8")
    assert "https://YOUR-HOST/slack/oauth_redirect" in text
    assert "- app_uninstalled" in text and "- tokens_revoked" in text


def test_authorize_page_sits_beside_the_web_api() -> None:
    assert authorization_url(SlackSettings()) == "https://slack.com/oauth/v2/authorize"
    fake = SlackSettings(api_url="http://127.0.0.1:9/api/")
    assert authorization_url(fake) == "http://127.0.0.1:9/oauth/v2/authorize"
