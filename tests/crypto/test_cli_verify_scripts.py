"""`anbud-etb verify-scripts`: the server's published script hashes against a trusted copy."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ETB1 = ROOT / "crypto" / "static" / "etb1"


def etb(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crypto.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def trusted_copy(tmp_path: Path) -> Path:
    shutil.copytree(ETB1, tmp_path / "static" / "etb1")
    return tmp_path / "static"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_passes_when_the_server_runs_the_same_scripts(live_server) -> None:
    proc = etb("verify-scripts", "--server", live_server.url)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["ok"] is True and result["mismatches"] == []
    assert "etb1/envelope.js" in result["matched"]
    assert len(result["matched"]) == len(list(ETB1.glob("*.js")))
    # The page scripts are listed by the server but not part of this copy.
    assert "bids/bid.js" in result["not_checked"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_fails_and_names_a_script_that_differs(live_server, trusted_copy: Path) -> None:
    tampered = trusted_copy / "etb1" / "payload.js"
    tampered.write_text(tampered.read_text() + "\n// exfiltrate the key\n")
    proc = etb("verify-scripts", "--server", live_server.url, "--static-dir", trusted_copy)
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert result["ok"] is False
    assert [(m["path"], m["problem"]) for m in result["mismatches"]] == [
        ("etb1/payload.js", "differs")]
    assert "etb1/payload.js: differs" in proc.stderr


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_fails_when_a_script_is_missing_on_either_side(live_server,
                                                           trusted_copy: Path) -> None:
    (trusted_copy / "etb1" / "extra.js").write_text("export const x = 1;\n")
    (trusted_copy / "etb1" / "tar.js").unlink()
    proc = etb("verify-scripts", "--server", live_server.url, "--static-dir", trusted_copy)
    assert proc.returncode == 1
    problems = {m["path"]: m["problem"] for m in json.loads(proc.stdout)["mismatches"]}
    assert problems == {"etb1/extra.js": "not in the server's list",
                        "etb1/tar.js": "not in this copy"}


def test_it_reports_an_unreachable_server_as_a_network_problem() -> None:
    proc = etb("verify-scripts", "--server", "http://127.0.0.1:9")
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr and "/api/scripts/" in proc.stderr


def test_it_refuses_a_server_that_is_no_url() -> None:
    proc = etb("verify-scripts", "--server", "example.org")
    assert proc.returncode == 2
