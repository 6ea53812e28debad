"""`make run ADDR=host:port`: the server, the demo's printed links and the links in e-mails
all use that address, unless ANBUD_SITE_URL names the public one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backend.links import site_url_for_address, split_address

ROOT = Path(__file__).resolve().parents[2]


def _make_n(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("needs make")
    result = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    return result.stdout


def test_it_runs_on_127_0_0_1_8000_by_default() -> None:
    out = _make_n()
    assert "manage.py runserver 127.0.0.1:8000" in out
    assert "ANBUD_RUN_ADDR=127.0.0.1:8000 .venv/bin/python manage.py load_demo" in out


def test_it_serves_and_links_on_the_address_given_to_make_run() -> None:
    out = _make_n("ADDR=0.0.0.0:8080")
    assert "manage.py runserver 0.0.0.0:8080" in out
    for command in ("load_demo", "run_scheduler", "runserver"):
        assert f"ANBUD_RUN_ADDR=0.0.0.0:8080 .venv/bin/python manage.py {command}" in out


def _settings_with(env: dict[str, str]) -> list[str]:
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.ANBUD_SITE_URL); print(','.join(s.ALLOWED_HOSTS))")
    clean = {k: v for k, v in os.environ.items()
             if k not in ("ANBUD_SITE_URL", "ANBUD_RUN_ADDR", "ALLOWED_HOSTS")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={
                                **clean, "DJANGO_SETTINGS_MODULE": "backend.settings.dev",
                                **env})
    return result.stdout.splitlines()


def test_links_follow_the_run_address_unless_the_site_url_is_set() -> None:
    assert _settings_with({}) == ["http://127.0.0.1:8000", "127.0.0.1,localhost,testserver"]
    site, hosts = _settings_with({"ANBUD_RUN_ADDR": "192.168.1.20:8080"})
    assert site == "http://192.168.1.20:8080" and "192.168.1.20" in hosts.split(",")
    assert _settings_with({"ANBUD_RUN_ADDR": "0.0.0.0:8080"}) == ["http://127.0.0.1:8080", "*"]
    site, _hosts = _settings_with({"ANBUD_RUN_ADDR": "0.0.0.0:8080",
                                   "ANBUD_SITE_URL": "https://anbud.example.no"})
    assert site == "https://anbud.example.no"


def test_it_reads_every_form_of_runserver_address() -> None:
    assert split_address("8080") == ("127.0.0.1", "8080")
    assert split_address("[::1]:8000") == ("[::1]", "8000")
    assert site_url_for_address("localhost:9000") == "http://localhost:9000"
    assert site_url_for_address("[::]:8000") == "http://127.0.0.1:8000"
    with pytest.raises(ValueError):
        split_address("localhost")
