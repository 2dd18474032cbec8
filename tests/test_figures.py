"""`make figures` redraws the paper from the committed compact results (paper/results/compare/) without training: the
tables it writes are the committed ones, byte for byte, every figure the paper includes is drawn, and the README's
results table is the generated one."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPACT = ROOT / "paper" / "results" / "compare"


def run_08(results_dir: Path, out: Path) -> subprocess.CompletedProcess:
    "`make figures` into `out`: 08_paper by papermill on `results_dir`, figures and tables written under `out`."
    params = {"results_dir": results_dir, "figures_dir": out / "figures", "tables_dir": out / "tables"}
    run = [sys.executable, "-m", "papermill", ROOT / "nbs" / "08_paper.ipynb", out / "08_paper.ipynb"]
    run += ["--cwd", ROOT / "nbs", *(x for k, v in params.items() for x in ("-p", k, v))]
    return subprocess.run([str(x) for x in run], capture_output=True, text=True, timeout=900)


def test_figures_from_compact_results_match_the_committed_tables(tmp_path):
    assert (COMPACT / "scores.csv").is_file(), "the compact results of the comparison are not committed"
    done = run_08(COMPACT, tmp_path)
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
    done = run_08(tmp_path / "empty", tmp_path)
    assert done.returncode != 0
    assert "scores.csv: missing; make compare" in done.stderr + done.stdout, done.stderr[-3000:]
    assert not (tmp_path / "tables").exists() or not any((tmp_path / "tables").iterdir())  # nothing half-written


def test_readme_quotes_the_generated_summary():
    summary = (ROOT / "paper" / "tables" / "summary.md").read_text()
    assert summary in (ROOT / "README.md").read_text(), "README: paste paper/tables/summary.md (make figures writes it)"


def test_readme_quotes_the_generated_site_table():
    site = (ROOT / "paper" / "tables" / "site.md").read_text()
    assert site in (ROOT / "README.md").read_text(), "README: paste paper/tables/site.md (make figures writes it)"


def test_every_controller_has_its_own_colour():
    "A figure tells controllers apart by colour: no two registry rows (yardsticks and agents) share one."
    from ev_rl.paper import registry

    by_colour = {}
    for name, r in registry().items():
        by_colour.setdefault(r.colour.lower(), []).append(name)
    assert all(len(names) == 1 for names in by_colour.values()), {c: n for c, n in by_colour.items() if len(n) > 1}
