"""``sslmode`` against a PostgreSQL server that speaks TLS: one this test starts itself (its
own data directory and port, a self-signed certificate), never the shared server."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.errors import ConfigError, StorageUnavailable
from bot.identity import UserRef
from storage.sql import open_sql_storage

pytestmark = pytest.mark.postgres

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*command: str) -> None:
    # initdb and the server refuse to run as root; the test machine has the postgres user.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def tls_server() -> Iterator[tuple[int, Path]]:
    """(port, CA certificate) of a TLS-only-for-this-test PostgreSQL on 127.0.0.1."""
    if not BINARIES or shutil.which("openssl") is None:
        pytest.skip("needs PostgreSQL's server binaries and openssl")
    root = Path(tempfile.mkdtemp(prefix="todobot-tls-"))
    data, cert, key = root / "data", root / "server.crt", root / "server.key"
    subprocess.run(
        ["openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    if os.geteuid() == 0:
        for path in (root, cert, key):
            shutil.chown(path, "postgres")
    key.chmod(0o600)
    port = _free_port()
    binaries = BINARIES[-1]
    _as_postgres(f"{binaries}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust")
    options = (
        f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} "
        f"-c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key}"
    )
    # The server's output goes to a log file: a pipe it inherited would keep pg_ctl waiting.
    log = root / "server.log"
    _as_postgres(
        f"{binaries}/pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "start"
    )
    try:
        yield port, cert
    finally:
        _as_postgres(f"{binaries}/pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


async def _uses_tls(url: str) -> bool:
    storage = open_sql_storage(url, connect_timeout=10)
    try:
        async with storage.engine.connect() as conn:
            query = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            return bool(await conn.scalar(text(query)))
    finally:
        await storage.close()


@pytest.mark.parametrize("mode", ["require", "prefer", "verify-full"])
async def test_tls_is_used_as_the_url_asks(tls_server: tuple[int, Path], mode: str) -> None:
    port, ca = tls_server
    url = f"postgres://postgres@127.0.0.1:{port}/postgres?sslmode={mode}&sslrootcert={ca}"
    assert await _uses_tls(url) is True


async def test_sslmode_disable_connects_in_the_clear(tls_server: tuple[int, Path]) -> None:
    port, _ = tls_server
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres?sslmode=disable"
    assert await _uses_tls(url) is False


@pytest.fixture
def stranger_ca(tmp_path: Path) -> Path:
    """A certificate authority that did not sign the server's certificate."""
    ca = tmp_path / "other-ca.crt"
    subprocess.run(
        ["openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-subj", "/CN=someone",
         "-keyout", str(tmp_path / "k"), "-out", str(ca)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return ca


async def test_verify_full_refuses_a_server_it_cannot_verify(
    tls_server: tuple[int, Path], stranger_ca: Path
) -> None:
    port, _ = tls_server
    stranger = stranger_ca
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres?sslmode=verify-full&sslrootcert={stranger}"
    storage = open_sql_storage(url, connect_timeout=10)
    try:
        with pytest.raises(StorageUnavailable):
            await storage.users.find_user(ref=UserRef.parse("s"))
    finally:
        await storage.close()


def test_a_missing_root_certificate_is_a_config_error(tls_server: tuple[int, Path]) -> None:
    port, ca = tls_server
    with pytest.raises(ConfigError, match="sslrootcert"):
        open_sql_storage(
            f"postgresql://postgres@127.0.0.1:{port}/postgres?sslmode=verify-ca"
            f"&sslrootcert={ca}.missing"
        )
