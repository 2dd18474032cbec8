"""`make figures` redraws the paper from the committed compact results (paper/results/compare/) without training: the
tables it writes are the committed ones, byte for byte, every figure the paper includes is drawn, and the README's
results table is the generated one."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPACT = ROOT / "paper" / "results" / "compare"


def test_figures_from_compact_results_match_the_committed_tables(tmp_path):
    assert (COMPACT / "scores.csv").is_file(), "the compact results of the comparison are not committed"
    run = [
        sys.executable,
        "-m",
        "papermill",
        str(ROOT / "nbs" / "08_paper.ipynb"),
        str(tmp_path / "08_paper.ipynb"),
        "--cwd",
        str(ROOT / "nbs"),
        "-p",
        "results_dir",
        str(COMPACT),
        "-p",
        "figures_dir",
        str(tmp_path / "figures"),
        "-p",
        "tables_dir",
        str(tmp_path / "tables"),
    ]
    done = subprocess.run(run, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    committed = {p.name: p.read_text() for p in (ROOT / "paper" / "tables").iterdir() if p.suffix in (".tex", ".md")}
    generated = {p.name: p.read_text() for p in (tmp_path / "tables").iterdir() if p.suffix in (".tex", ".md")}
    assert sorted(generated) == sorted(committed)
    changed = [name for name in committed if generated[name] != committed[name]]
    assert not changed, f"make figures writes other tables than the committed ones: {changed}"
    drawn = {p.name for p in (tmp_path / "figures").glob("*.pdf")}
    included = {p.name for p in (ROOT / "figures").glob("*.pdf")}
    assert drawn == included, (drawn, included)


def test_a_missing_input_names_the_make_target_that_writes_it(tmp_path):
    "08 on a folder without the comparison's results stops with an error naming the file and its make target."
    (tmp_path / "empty").mkdir()
    run = [
        sys.executable,
        "-m",
        "papermill",
        str(ROOT / "nbs" / "08_paper.ipynb"),
        str(tmp_path / "08_paper.ipynb"),
        "--cwd",
        str(ROOT / "nbs"),
        "-p",
        "results_dir",
        str(tmp_path / "empty"),
        "-p",
        "figures_dir",
        str(tmp_path / "figures"),
        "-p",
        "tables_dir",
        str(tmp_path / "tables"),
    ]
    done = subprocess.run(run, capture_output=True, text=True, timeout=900)
    assert done.returncode != 0
    assert "scores.csv: missing; make compare" in done.stderr + done.stdout, done.stderr[-3000:]
    assert not (tmp_path / "tables").exists() or not any((tmp_path / "tables").iterdir())  # nothing half-written


def test_readme_quotes_the_generated_summary():
    summary = (ROOT / "paper" / "tables" / "summary.md").read_text()
    assert summary in (ROOT / "README.md").read_text(), "README: paste paper/tables/summary.md (make figures writes it)"
