"""Repository hygiene: the package is what the notebooks export, notebooks are clean, and the
papermill `parameters` tag survives nbdev_clean."""

import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tree_differences(a: Path, b: Path) -> list[str]:
    "Relative paths of files that differ between directory trees `a` and `b` (or exist in one only)."
    files = lambda d: {p.relative_to(d) for p in d.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    fa, fb = files(a), files(b)
    diff = sorted(str(p) for p in fa ^ fb)
    diff += sorted(str(p) for p in fa & fb if not filecmp.cmp(a / p, b / p, shallow=False))
    return diff


@pytest.fixture(scope="module")
def exported_copy(tmp_path_factory) -> Path:
    "A copy of the project in which nbdev_export and nbdev_clean have been run."
    work = tmp_path_factory.mktemp("sync") / "repo"
    work.mkdir()
    for name in ["settings.ini", "setup.py", "README.md"]:
        shutil.copy(ROOT / name, work / name)
    shutil.copytree(ROOT / "nbs", work / "nbs", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "ev_rl", work / "ev_rl", ignore=shutil.ignore_patterns("__pycache__"))
    for cmd in ["nbdev_export", "nbdev_clean"]:
        subprocess.run([str(BIN / cmd)], cwd=work, check=True, capture_output=True, text=True)
    return work


def test_package_is_in_sync_with_notebooks(exported_copy):
    "Fails when someone edited ev_rl/ by hand or forgot `make sync` after editing a notebook."
    diff = _tree_differences(ROOT / "ev_rl", exported_copy / "ev_rl")
    assert not diff, f"nbdev_export changes {diff}: run `make sync` and commit ev_rl/"


def test_notebooks_are_clean(exported_copy):
    "Fails when a notebook carries outputs, execution counts or stray metadata."
    diff = _tree_differences(ROOT / "nbs", exported_copy / "nbs")
    assert not diff, f"nbdev_clean changes {diff}: run `make sync` and commit the notebooks"


def test_parameters_tag_survives_nbdev_clean(tmp_path):
    "papermill finds its `parameters` cell by tag; nbdev_clean must keep it (settings.ini)."
    shutil.copy(ROOT / "settings.ini", tmp_path / "settings.ini")
    (tmp_path / "nbs").mkdir()
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 3,
                "id": "a1",
                "metadata": {"tags": ["parameters"], "scrolled": True},
                "outputs": [],
                "source": ["total_timesteps = 1000"],
            }
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "nbs" / "p.ipynb"
    path.write_text(json.dumps(nb))
    subprocess.run([str(BIN / "nbdev_clean"), "--fname", str(path)], cwd=tmp_path, check=True)
    cell = json.loads(path.read_text())["cells"][0]
    assert cell["metadata"] == {"tags": ["parameters"]}
    assert cell["execution_count"] is None


def test_ci_runs_the_readme_test_command():
    "The README's first command is what CI runs."
    readme = (ROOT / "README.md").read_text()
    first_command = next(line for line in readme.splitlines() if line.startswith("make "))
    assert first_command.split("#")[0].strip() == "make test"
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_papermill_notebooks_do_not_export_the_package():
    "A run (papermill, with a `parameters` cell) must not rewrite ev_rl/ from nbs/: `make sync` exports, not a run."
    exporting = []
    for path in sorted((ROOT / "nbs").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        if any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells):
            exporting += [
                path.name for c in cells if c["cell_type"] == "code" and "nbdev_export" in "".join(c["source"])
            ]
    assert not exporting, f"papermill notebooks that run nbdev_export: {exporting}"
