"""Settings are parsed strictly: a mistyped security switch stops start-up instead of turning it off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_COOKIES"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import coachmap.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_mistyped_secure_cookies_switch_stops_start_up_and_names_the_variable():
    started = _start(SECRET_KEY="x" * 60, DEBUG="false", SECURE_COOKIES="ture")
    assert started.returncode != 0
    assert 'SECURE_COOKIES must be "true" or "false", not \'ture\'' in started.stderr


@pytest.mark.parametrize(("word", "secure"), [("true", "True"), ("False", "False"), (" TRUE ", "True")])
def test_true_and_false_are_read_in_any_case(word: str, secure: str):
    started = _start(SECRET_KEY="x" * 60, DEBUG="false", SECURE_COOKIES=word)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["False", secure]
