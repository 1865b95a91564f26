"""One-time link codes: short, random from ``secrets``, stored only as a hash.

Six characters from a 31-letter alphabet (no 0/O, 1/I/L) is about 8.9e8 codes; with a code
valid 10 minutes and at most 5 wrong tries per person per 10 minutes, guessing one is
hopeless. The hash is SHA-256 of the normalised code: the database never holds a usable code.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LIFETIME = timedelta(minutes=10)
CODES_PER_HOUR = 5
FAILURES_PER_10_MIN = 5
_CODE = re.compile(r"[A-Za-z0-9]{3}-?[A-Za-z0-9]{3}")


def new_code() -> str:
    """``K7Q-4PZ``: two groups of three, easy to read out and type."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{chars[:3]}-{chars[3:]}"


def looks_like_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text.strip().strip("`")))


def code_hash(code: str) -> str:
    """The stored form: case and the dash do not matter when typed back."""
    normal = re.sub(r"[^A-Za-z0-9]", "", code).upper()
    return hashlib.sha256(normal.encode()).hexdigest()
