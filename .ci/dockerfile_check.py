"""Run every command of the Dockerfile without Docker, in a fresh virtualenv.

There is no Docker daemon on the machines where todobot is developed and tested, so the image
is built only by its users. This makes sure it would build and start: it reads the Dockerfile
and does what each instruction asks in a temporary directory that stands for the image's file
system (``/app``, ``/opt/venv`` and ``/data`` are mapped into it):

- ``FROM python:X.Y-…``: this machine's Python must be X.Y;
- ``ENV``/``WORKDIR``/``COPY``: applied to the temporary tree and environment;
- ``RUN``: run with bash, paths mapped — except creating the image's user and handing it
  ``/data`` (``useradd``, ``chown``), which belong to the image, not to this machine;
- ``USER``/``EXPOSE``: noted;
- then the release step (``todobot db upgrade``) against a temporary SQLite database, and
  ``CMD`` itself, which without any platform token must stop with its one-line explanation.

    python .ci/dockerfile_check.py [Dockerfile]
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE_ONLY = ("useradd ", "chown ")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    ))  # fmt: skip
    found = []
    for line in joined.splitlines():
        if line.strip():
            name, _, rest = line.strip().partition(" ")
            found.append((name.upper(), rest.strip()))
    return found


class Image:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.mapping = {
            "/opt/venv": root / "opt" / "venv",
            "/app": root / "app",
            "/data": root / "data",
        }
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
        self.cwd = root

    def path(self, text: str) -> str:
        for inside, outside in self.mapping.items():
            text = re.sub(rf"{re.escape(inside)}(?=[/\s:;&|]|$)", str(outside), text)
        return text

    def expand(self, text: str) -> str:
        return re.sub(r"\$\{?(\w+)\}?", lambda m: self.env.get(m[1], ""), text)

    def run(self, command: str, *, check: bool = True) -> subprocess.CompletedProcess[str]:
        print(f"    $ {command}", flush=True)
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=self.cwd, env=self.env, text=True, capture_output=not check, check=check,
        )  # fmt: skip


def main(argv: list[str]) -> int:
    dockerfile = Path(argv[0]) if argv else ROOT / "Dockerfile"
    steps = instructions(dockerfile.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="todobot-image-") as tmp:
        image = Image(Path(tmp))
        cmd: list[str] = []
        for name, args in steps:
            print(f"{name} {args}", flush=True)
            if name == "FROM":
                wanted = re.match(r"python:(\d+\.\d+)", args)
                have = f"{sys.version_info.major}.{sys.version_info.minor}"
                if not wanted or wanted[1] != have:
                    print(f"the image's Python is {args}, this machine's {have}")
                    return 1
            elif name == "ENV":
                for key, value in (pair.split("=", 1) for pair in shlex.split(args)):
                    image.env[key] = image.path(image.expand(value))
            elif name == "WORKDIR":
                image.cwd = Path(image.path(args))
                image.cwd.mkdir(parents=True, exist_ok=True)
            elif name == "COPY":
                *sources, target = shlex.split(args)
                destination = (
                    image.cwd / target if not target.startswith("/") else Path(image.path(target))
                )
                for source in sources:
                    origin = ROOT / source
                    if origin.is_dir():
                        shutil.copytree(origin, destination, dirs_exist_ok=True)
                    else:
                        destination.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(origin, destination / origin.name)
            elif name == "RUN":
                parts = [part.strip() for part in args.split("&&")]
                kept = [p for p in parts if not p.startswith(IMAGE_ONLY)]
                for skipped in set(parts) - set(kept):
                    print(f"    (image only, not on this machine: {skipped})")
                image.run(image.path(" && ".join(kept)))
            elif name == "CMD":
                cmd = [image.path(word) for word in json.loads(args)]
            else:
                print(f"    (noted: {name} {args})")
        database = f"sqlite:///{image.root / 'data' / 'release.db'}"
        print("release step: todobot db upgrade", flush=True)
        image.env["DATABASE_URL"] = database
        image.run("todobot db upgrade && todobot db current")
        print(f"CMD {shlex.join(cmd)} (no platform token set: it must say which one it needs)")
        for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"):
            image.env.pop(name, None)
        started = image.run(shlex.join(cmd), check=False)
        said = started.stderr.strip()
        print(f"    {said}")
        if started.returncode != 2 or "SLACK_BOT_TOKEN" not in said or "Traceback" in said:
            print(f"CMD did not start as expected (exit {started.returncode})")
            return 1
    print("every command of the Dockerfile ran")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
