"""The paper pipeline end to end at a tiny budget (07_compare -> 08_paper -> LaTeX), and the
aggregation (IQM, stratified bootstrap interval) against values computed by hand.

The tiny run is the paper's protocol in miniature: every agent of the registry, a common time budget, every other
test set the text quotes; so that every macro of the text is generated from it (no placeholders)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _papermill(notebook: str, out: Path, *args: str) -> None:
    "Run a notebook with papermill from nbs/ (as `make paper` does); fail with its output on error."
    cmd = [str(BIN / "papermill"), str(ROOT / "nbs" / notebook), str(out), "--cwd", str(ROOT / "nbs"), *args]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, f"{notebook} failed:\n{res.stderr[-4000:]}"


@pytest.fixture(scope="module")
def tiny_paper(tmp_path_factory) -> Path:
    "A copy of paper/ whose tables, and a figures/ folder beside it, come from a tiny 07 + 08 run."
    from ev_rl.agents import AGENTS

    work = tmp_path_factory.mktemp("paper")
    compare = work / "compare"
    budget = {"time_budget_s": 20}  # the text states a common time budget; the step caps end most runs first
    overrides = {a: dict(budget) for a in AGENTS}
    overrides["ppo"]["hyperparams"] = {"gamma": 0.9}
    overrides["sac"]["hyperparams"] = {"learning_starts": 1024}
    for a in ("bc_battery", "ppo_bc_battery"):  # the clones: one year of demonstrations, two epochs
        overrides[a].update(clone_years=1, clone_epochs=2, value_warmup_steps=1024)
    params = {
        "algorithms": list(AGENTS),
        "seeds": [0, 1],
        "budgets": {a: 0 if AGENTS[a].start == "clone_only" else 4096 for a in AGENTS},  # the clone alone: no RL
        "test_days": 2,
        "test_scenarios": 1,
        "results_dir": str(compare),
        "bootstrap_resamples": 500,
        "workers": 2,
        "other_sites": {"flexible-fleet": 1, "bess-400kw": 1, "ev-demand-x2": 1},
        "real_year": True,
        "overrides": overrides,
    }
    _papermill("07_compare.ipynb", work / "07_compare.ipynb", "-y", json.dumps(params))
    (work / "paper").mkdir()
    for name in ("main.tex", "related_work.tex", "refs.bib"):  # the paper's sources; its tables come from the run
        shutil.copy(ROOT / "paper" / name, work / "paper" / name)
    _papermill(
        "08_paper.ipynb",
        work / "08_paper.ipynb",
        "-p",
        "results_dir",
        str(compare / "results"),
        "-p",
        "figures_dir",
        str(work / "figures"),
        "-p",
        "tables_dir",
        str(work / "paper" / "tables"),
    )
    shutil.copy(ROOT / "figures" / "data_overview.png", work / "figures")  # made by make data, not by 08
    return work / "paper"


def test_tiny_run_writes_everything_the_paper_includes(tiny_paper):
    "Every \\input table and \\includegraphics figure of main.tex is a file that 08 wrote."
    tex = (tiny_paper / "main.tex").read_text()
    inputs = re.findall(r"\\input\{([^}]+)\}", tex)
    graphics = re.findall(r"\\includegraphics(?:\[[^]]*\])?\{([^}]+)\}", tex)
    assert len(inputs) >= 5 and len(graphics) >= 4
    for name in inputs:
        assert (tiny_paper / name).is_file(), name
    for name in graphics:
        assert (tiny_paper.parent / "figures" / name).stat().st_size > 1000, name


LATEX_COMMANDS = {
    "author",
    "begin",
    "caption",
    "centering",
    "date",
    "documentclass",
    "emph",
    "end",
    "frac",
    "graphicspath",
    "includegraphics",
    "input",
    "label",
    "maketitle",
    "mathrm",
    "paragraph",
    "pm",
    "qquad",
    "ref",
    "resizebox",
    "section",
    "small",
    "sum",
    "textbf",
    "textsubscript",
    "textsuperscript",
    "texttt",
    "textwidth",
    "title",
    "usepackage",
    "centering",
    "cite",
    "citep",
    "citet",
    "footnote",
    "item",
    "subsection",
    "textit",
    "times",
    "le",
    "ge",
    "tanh",
    "Delta",
    "bibliography",
    "bibliographystyle",
    "footnotesize",
    "scriptsize",
    "setlength",
    "tabcolsep",
    # mathematics of MPC's formulation
    "Big",
    "bar",
    "big",
    "eta",
    "hat",
    "kappa",
    "max",
    "min",
    "pi",
    "tau",
    "textstyle",
    "tfrac",
}


def test_every_macro_of_the_text_is_generated(tiny_paper):
    "No number typed by hand: every command main.tex uses beyond LaTeX's own is a macro of the generated numbers.tex."
    tex = (tiny_paper / "main.tex").read_text()
    defined = set(re.findall(r"\\newcommand\{\\(\w+)\}", (tiny_paper / "tables" / "numbers.tex").read_text()))
    used = set(re.findall(r"\\([A-Za-z]+)", tex)) - LATEX_COMMANDS
    assert {"gapPpo", "gapPpoLow", "gapPpoHigh", "verdictPpoRuleBased", "verdictPpoMpcNaive", "priorPR", "pvPR"} <= used
    assert used <= defined, sorted(used - defined)


def test_workers_do_not_change_results(tmp_path):
    "Runs trained two at a time in worker processes score exactly as when trained one after another (step budgets)."
    import pandas as pd

    from ev_rl.compare import collect_runs, train_all

    settings = dict(test_days=2, test_scenarios=1, overrides={"ppo": {"hyperparams": {"gamma": 0.9}}}, curve_points=2)

    def scores(workers: int) -> pd.DataFrame:
        runs = train_all(
            ["ppo"], [0, 1], {"ppo": 4096}, results_dir=tmp_path / str(workers), workers=workers, **settings
        )
        frame = collect_runs(runs)["scores"].query("controller == 'ppo'")
        return frame.drop(columns="run").sort_values("seed").reset_index(drop=True)

    alone, paired = scores(1), scores(2)
    assert len(alone) == 2 and alone["objective"].notna().all()
    pd.testing.assert_frame_equal(alone, paired[alone.columns], check_dtype=False, rtol=1e-12)


def test_hyperparameter_table_states_the_settings_run(tiny_paper):
    "The paper's hyperparameter table: the settings the runs were trained with (preset, overrides), beside the prior's."
    rows = {
        line.split(" & ")[0]: line.split(" & ")[1:]
        for line in (tiny_paper / "tables" / "hyperparameters.tex").read_text().splitlines()
        if " & " in line
    }
    from ev_rl.agents import AGENTS

    assert rows["setting"][:-1] == [r.short_label for r in AGENTS.values()]  # one column per agent, registry order
    gamma = rows["discount factor $\\gamma$"]
    assert (gamma[0], gamma[1], gamma[-1]) == ("0.9", "0.95", "0.85 \\\\")  # PPO overridden, its preset, prior study
    assert rows["initial mean socket action"][0] == "1.5"


def test_paper_compiles(tiny_paper):
    "The paper builds to a PDF with the tiny run's tables and figures (needs TeX Live's latexmk)."
    if shutil.which("latexmk") is None or shutil.which("pdflatex") is None:
        pytest.skip(
            "latexmk/pdflatex not installed: sudo apt-get install -y texlive-latex-base "
            "texlive-latex-recommended latexmk (see Makefile, target paper)"
        )
    res = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
        cwd=tiny_paper,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout[-4000:]
    assert (tiny_paper / "main.pdf").stat().st_size > 10_000


def test_aggregation_against_hand_computed_values():
    "IQM and the stratified bootstrap interval on small fixed sets of scores."
    from ev_rl import compare
    from ev_rl.stats import iqm, stratified_bootstrap_ci

    assert compare.iqm is iqm and compare.stratified_bootstrap_ci is stratified_bootstrap_ci  # re-exported

    assert iqm(np.arange(1.0, 9.0)) == 4.5  # middle half of 1..8: 3, 4, 5, 6
    assert iqm([0.0, 1.0, 2.0, 100.0]) == 1.5  # the outlier is trimmed
    # one scenario, runs 0 and 1: resample IQM is 0, 0.5 or 1 (p = 1/4, 1/2, 1/4) -> 95 % interval [0, 1]
    assert stratified_bootstrap_ci(np.array([[0.0], [1.0]]), seed=0) == (0.0, 1.0)
    # strata: scenario a all 0, scenario b all 1 -> every resample is {0, 0, 1, 1}, IQM 0.5
    assert stratified_bootstrap_ci(np.array([[0.0, 1.0], [0.0, 1.0]]), seed=0) == (0.5, 0.5)
    scores = np.array(
        [[0.61, 0.55, 0.70], [0.42, 0.47, 0.52], [0.80, 0.66, 0.71], [0.35, 0.58, 0.49], [0.59, 0.62, 0.64]]
    )
    lo, hi = stratified_bootstrap_ci(scores, seed=3)
    assert (lo, hi) == stratified_bootstrap_ci(scores, seed=3)  # fixed seed: same interval
    assert lo < iqm(scores) < hi
    # the same interval by hand: resample each scenario's runs, pool, IQM, percentiles
    rng = np.random.default_rng(11)
    draws = [iqm(np.stack([scores[rng.integers(0, 5, 5), j] for j in range(3)], 1)) for _ in range(4000)]
    assert np.allclose(
        np.percentile(draws, [2.5, 97.5]), stratified_bootstrap_ci(scores, n_resamples=4000, seed=3), atol=0.015
    )


def test_the_readme_reports_make_train_and_the_clone_study_as_their_committed_records_make_them():
    "The README's tables of `make train`, `make clone-study` and the comparison come from the committed records."
    from ev_rl.compare import agents_summary, agents_summary_markdown, run_record_markdown

    readme = (ROOT / "README.md").read_text()
    train = run_record_markdown(ROOT / "paper" / "results" / "train")
    assert train in readme, "README: paste ev_rl.compare.run_record_markdown('paper/results/train')"
    study = agents_summary_markdown(agents_summary(ROOT / "paper" / "results" / "clone"))
    assert study in readme, "README: paste agents_summary_markdown(agents_summary('paper/results/clone'))"
    comparison = agents_summary_markdown(agents_summary(ROOT / "paper" / "results" / "compare"))
    assert comparison in readme, "README: paste agents_summary_markdown(agents_summary('paper/results/compare'))"
