"""docs/rules/ is generated from the rule modules: it must be up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_rule_docs_are_up_to_date() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr


def test_check_mode_detects_a_stale_page(tmp_path: Path, monkeypatch: object) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", ROOT / "scripts" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.OUT = tmp_path
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
    page = tmp_path / "DLS101.md"
    page.write_text(page.read_text() + "edited\n")
    (tmp_path / "OLD9999.md").write_text("x")
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert not (tmp_path / "OLD9999.md").exists()
    assert gen.main(["--check"]) == 0


def test_precommit_hooks_name_both_commands() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    by_id = {h["id"]: h for h in hooks}
    assert by_id["dockerls"]["entry"] == "dockerls check"
    assert by_id["dockerls-fix"]["entry"] == "dockerls fix"
