"""A configuration mistake of any kind — an environment variable or a flag of `python -m mock_portal` — ends the
command with exit code 2 and one line on stderr that names what to fix and the form it takes; never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mock_portal import config
from mock_portal.__main__ import build_parser
from mock_portal.api_guard import host_refusal

ROOT = Path(__file__).resolve().parents[2]
FREE_PORTS = ["--port", "0", "--smtp-port", "0", "--mail-port", "0"]


def run(tmp_path: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m mock_portal ARGS` with only these PORTAL_* variables, from this checkout."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    filled = {name: value.format(tmp=tmp_path) for name, value in env.items()}
    return subprocess.run(
        [sys.executable, "-m", "mock_portal", *(a.format(tmp=tmp_path) for a in args)],
        cwd=ROOT,
        env=clean | filled,
        capture_output=True,
        text=True,
        timeout=20,  # a mistake the portal misses starts it, and it would serve forever
    )


SERVE = ["serve", *FREE_PORTS, "--database-url", "sqlite:///{tmp}/p.db"]
SERVE_ENV_DATABASE = ["serve", *FREE_PORTS]
REMINDERS = ["reminders", "--database-url", "sqlite:///{tmp}/p.db", "--smtp-port", "1"]
CASES = [
    # (command, environment, what the line names, a hint of the expected form)
    (SERVE, {"PORTAL_TODAY": "garbage"}, "PORTAL_TODAY", "YYYY-MM-DD"),
    (SERVE, {"PORTAL_TODAY": "2026-02-30"}, "PORTAL_TODAY", "YYYY-MM-DD"),
    (SERVE, {"PORTAL_PORT": "70000"}, "PORTAL_PORT", "0–65535"),
    (SERVE, {"PORTAL_SMTP_PORT": "smtp"}, "PORTAL_SMTP_PORT", "0–65535"),
    (SERVE, {"PORTAL_SMTP_HOST": "mail host"}, "PORTAL_SMTP_HOST", "host name"),
    (SERVE, {"PORTAL_PUBLIC_URL": "portal.example"}, "PORTAL_PUBLIC_URL", "http://"),
    (SERVE, {"PORTAL_SESSION_IDLE_TIMEOUT": "-1"}, "PORTAL_SESSION_IDLE_TIMEOUT", "greater than 0"),
    (SERVE, {"PORTAL_SESSION_LIFETIME": "0"}, "PORTAL_SESSION_LIFETIME", "greater than 0"),
    (SERVE, {"PORTAL_LOGIN_ATTEMPTS_PER_MINUTE": "ten"}, "PORTAL_LOGIN_ATTEMPTS_PER_MINUTE", "greater than 0"),
    (SERVE, {"PORTAL_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE": "0"}, "PORTAL_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE", "0"),
    (SERVE, {"PORTAL_MAIL_FROM": "a@portal.example, victim@evil.example"}, "PORTAL_MAIL_FROM", "one address"),
    (SERVE, {"PORTAL_SECRET_KEY": "short"}, "PORTAL_SECRET_KEY", "at least"),
    (SERVE, {"PORTAL_ALLOWED_HOSTS": "portal.example,bad host"}, "PORTAL_ALLOWED_HOSTS", "comma"),
    (SERVE_ENV_DATABASE, {"PORTAL_DATABASE_URL": "garbage"}, "PORTAL_DATABASE_URL", "sqlite:///"),
    (SERVE_ENV_DATABASE, {"PORTAL_DATABASE_URL": "nosuchdb://x/y"}, "PORTAL_DATABASE_URL", "sqlite:///"),
    (SERVE_ENV_DATABASE, {"PORTAL_DATABASE_URL": "sqlite:///{tmp}/a-file/p.db"}, "PORTAL_DATABASE_URL", "a-file"),
    (["serve", *FREE_PORTS, "--database-url", "garbage"], {}, "--database-url", "sqlite:///"),
    (SERVE + ["--smtp-host", "mail host"], {}, "--smtp-host", "host name"),
    (SERVE + ["--allowed-hosts", "bad host"], {}, "--allowed-hosts", "comma"),
    (SERVE, {"PORTAL_MAX_CONTENT_LENGTH": "abc"}, "PORTAL_MAX_CONTENT_LENGTH", "whole number of bytes"),
    (SERVE, {"PORTAL_MAX_FORM_PARTS": "-1"}, "PORTAL_MAX_FORM_PARTS", "whole number of parts"),
    (SERVE, {"PORTAL_SESSION_COOKIE_SAMESITE": "bogus"}, "PORTAL_SESSION_COOKIE_SAMESITE", "Lax, Strict, None"),
    (SERVE, {"PORTAL_SESSION_COOKIE_HTTPONLY": "flase"}, "PORTAL_SESSION_COOKIE_HTTPONLY", "0, false, no or off"),
    (SERVE, {"PORTAL_TESTING": "maybe"}, "PORTAL_TESTING", "1, true, yes or on"),
    (SERVE + ["--host", "bad host"], {}, "--host", "host name"),
    (SERVE + ["--host", "nosuch.invalid"], {}, "--host / PORTAL_HOST", "IP address of this machine"),
    (SERVE, {"PORTAL_HOST": "bad host"}, "PORTAL_HOST", "host name"),
    (SERVE, {"PORTAL_HOST": "nosuch.invalid"}, "--host / PORTAL_HOST", "IP address of this machine"),
    (SERVE + ["--mail-host", "bad host"], {}, "--mail-host", "host name"),
    (SERVE + ["--mail-host", "nosuch.invalid"], {}, "--mail-host / PORTAL_MAIL_HOST", "IP address of this machine"),
    (SERVE, {"PORTAL_MAIL_HOST": "bad host"}, "PORTAL_MAIL_HOST", "host name"),
    (SERVE, {"PORTAL_MAIL_MAX_MESSAGES": "-5"}, "PORTAL_MAIL_MAX_MESSAGES", "0 (keep every message)"),
    (SERVE + ["--mail-max-messages", "many"], {}, "--mail-max-messages", "0 (keep every message)"),
    (REMINDERS, {"PORTAL_TODAY": "2026-02-30"}, "PORTAL_TODAY", "YYYY-MM-DD"),
    (REMINDERS, {"PORTAL_PUBLIC_URL": "ftp://portal.example"}, "PORTAL_PUBLIC_URL", "http://"),
    (REMINDERS, {"PORTAL_SESSION_IDLE_TIMEOUT": "-1"}, "PORTAL_SESSION_IDLE_TIMEOUT", "greater than 0"),
    (["reminders", "--database-url", "garbage"], {}, "--database-url", "sqlite:///"),
    (REMINDERS + ["--base-url", "portal.example"], {}, "--base-url", "http://"),
]


@pytest.mark.parametrize(
    ("args", "env", "named", "form"),
    [pytest.param(*case, id=f"{case[0][0]} {case[2]}={(case[1] or {}).get(case[2], case[0][-1])}") for case in CASES],
)
def test_a_config_mistake_exits_2_with_one_line_naming_it_and_the_form_it_takes(
    tmp_path: Path, args: list[str], env: dict[str, str], named: str, form: str
) -> None:
    (tmp_path / "a-file").write_text("a file, not a directory")

    done = run(tmp_path, args, env)

    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert named in lines[0] and form in lines[0], f"the line must name {named} and show the form ({form}): {lines[0]}"


@pytest.mark.parametrize("name", ["mail_server", "portal_web.lab", "mailpit"])
def test_a_compose_service_name_with_an_underscore_is_a_host_name(name: str) -> None:
    args = build_parser().parse_args(["serve", "--smtp-host", name, "--allowed-hosts", f"{name},portal.test"])

    assert (args.smtp_host, args.allowed_hosts) == (name, [name, "portal.test"])
    assert config.checked("SMTP_HOST", name) == name
    assert host_refusal(f"{name}:8025", args.allowed_hosts) is None, "the allowed name is served, with any port"


@pytest.mark.parametrize("name", ["_", "mail server", "mail_server:25", "-mail", "http://mail_server"])
def test_a_host_name_is_still_labels_of_letters_digits_hyphens_and_underscores(name: str) -> None:
    with pytest.raises(config.ConfigError, match="SMTP_HOST: .* is not a host name"):
        config.checked("SMTP_HOST", name)


def test_every_default_setting_has_a_rule() -> None:
    assert set(config.defaults("instance")) == set(config.RULES), "a setting without a rule reaches requests unchecked"
