"""The Makefile is a real dependency graph over files."""
from __future__ import annotations

import os
import shutil
import subprocess
import time

from tests.conftest import RAW, ROOT, RULES


def make(*args, **kwargs):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "ORGFUNCTIONS_NO_PROGRESS": "1"}, **kwargs)


def test_make_all_then_nothing_is_stale_and_rules_rerun_only_later_stages(tmp_path):
    raw, out, rules = tmp_path / "raw", tmp_path / "processed", tmp_path / "rules"
    shutil.copytree(RAW, raw)
    shutil.copytree(RULES, rules)
    variables = [f"RAW={raw}", f"PROCESSED={out}", f"RULES={rules}"]
    built = make("all", *variables)
    assert built.returncode == 0, built.stderr
    for name in ("documents", "mentions", "organizations", "org_functions"):
        assert (out / f"{name}.parquet").exists()
    stale = make("-q", "all", *variables)
    assert stale.returncode == 0, "\n".join(
        f"{p.relative_to(out)} {p.stat().st_mtime_ns}" for p in sorted(out.rglob("*.parquet")))

    time.sleep(1.1)  # file systems with one-second timestamps
    (rules / "functions.yml").touch()
    rerun = make("all", *variables)
    assert rerun.returncode == 0, rerun.stderr
    assert "pipeline extract" in rerun.stdout and "pipeline resolve" in rerun.stdout
    assert "pipeline write" in rerun.stdout and "pipeline normalize" not in rerun.stdout
    assert make("-q", "all", *variables).returncode == 0

    time.sleep(1.1)
    (raw / "000_4a8186a5b212eb3e.txt").touch()
    assert "pipeline normalize" in make("all", *variables).stdout


def test_help_lists_targets():
    result = make("help")
    assert result.returncode == 0
    for target in ("all", "test", "clean", "check-rules"):
        assert target in result.stdout
