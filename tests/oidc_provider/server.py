"""Start and stop the test OpenID Connect provider as a second process on a free loopback port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
READY_SECONDS = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OidcProvider:
    """django-oidc-provider in its own process, database and port: `issuer` is what a district admin
    types into coachmap's settings."""

    def __init__(self) -> None:
        self.dir = tempfile.TemporaryDirectory(prefix="coachmap-oidc-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/openid"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(self.dir.name) / "server.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings",
            OIDC_PROVIDER_DIR=self.dir.name,
            OIDC_PROVIDER_URL=self.url,
            PYTHONPATH=str(ROOT),
        )
        return env

    def _run(self, *args: str, stdin: str | None = None) -> None:
        subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env(),
            input=stdin,
            text=True,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self._run("-m", "django", "migrate", "--noinput", "-v", "0")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
                [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + READY_SECONDS
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The test OpenID Connect provider stopped: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(discovery, timeout=2):  # noqa: S310 - our own loopback server
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError(
            f"The test OpenID Connect provider did not answer at {discovery}: {self.log.read_text()}"
        )

    def seed(self, **spec: Any) -> None:
        self._run("-m", "tests.oidc_provider.seed", stdin=json.dumps(spec))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.dir.cleanup()
