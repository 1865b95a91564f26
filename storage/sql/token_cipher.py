"""Tokens at rest: Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under a key from
the environment, never from a file the database sits beside.

``TODOBOT_TOKEN_KEY`` holds one key, or several separated by commas to rotate: the first
encrypts, every one decrypts (``MultiFernet``). Make one with
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.
"""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.config import secret
from bot.errors import ConfigError, StorageError

TOKEN_KEY_VARIABLE = "TODOBOT_TOKEN_KEY"


class TokenCipher:
    def __init__(self, keys: str) -> None:
        """``ConfigError`` (one line, without the key) when a key is not a Fernet key."""
        try:
            fernets = [Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()]
        except (ValueError, TypeError):
            fernets = []
        if not fernets:
            raise ConfigError(
                f"{TOKEN_KEY_VARIABLE} is not a Fernet key (32 url-safe base64 bytes); make one "
                'with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            )
        self._fernet = MultiFernet(fernets)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TokenCipher:
        return cls(secret(TOKEN_KEY_VARIABLE, env).get_secret_value())

    def seal(self, value: str | None) -> str | None:
        return None if value is None else self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        """The token; ``StorageError`` when it was sealed under a key we no longer have."""
        if value is None:
            return None
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise StorageError(
                f"a stored Slack token cannot be decrypted with {TOKEN_KEY_VARIABLE} "
                "(was the key changed without keeping the old one after a comma?)"
            ) from exc
