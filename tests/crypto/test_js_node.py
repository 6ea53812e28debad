"""Run the ETB-1 JavaScript unit and vector tests with Node's built-in test runner."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or ""


@pytest.mark.skipif(
    not NODE, reason="node is not installed: the ETB-1 JavaScript tests need Node >= 20"
)
def test_node_test_runner_passes() -> None:
    version = subprocess.run([NODE, "--version"], capture_output=True, text=True, check=True).stdout
    assert int(version.strip().lstrip("v").split(".")[0]) >= 20, f"need Node >= 20, found {version}"
    proc = subprocess.run(
        [NODE, "--test", "tests/crypto/js/"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = "\n".join(
        line for line in proc.stdout.splitlines() if line.startswith(("# ", "not ok"))
    )
    assert proc.returncode == 0, (
        f"node --test failed:\n{proc.stdout[-20000:]}\n{proc.stderr[-5000:]}"
    )
    assert "# fail 0" in proc.stdout, summary
