"""The paper pipeline end to end at a tiny budget (07_compare -> 08_paper -> LaTeX); the comparison's other parts
are tested in tests/test_compare_parts.py.

The tiny run is the paper's protocol in miniature: every agent of the registry, a common time budget, every other
test set the text quotes; so that every macro of the text is generated from it (no placeholders)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

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
    validation = {"validation_scenarios": 1, "validation_days": 2}  # 4 windows of 2 days: cheap evaluations
    overrides = {a: dict(budget) | validation for a in AGENTS}
    overrides["ppo"]["hyperparams"] = {"gamma": 0.9}
    overrides["sac"]["hyperparams"] = {"learning_starts": 1024}
    for a in ("bc_battery", "ppo_bc_battery"):  # the clones: one year of demonstrations, two epochs
        overrides[a].update(clone_years=1, clone_epochs=2, value_warmup_steps=1024)
    params = {
        "algorithms": list(AGENTS),
        # two seeds for PPO and PPO from the clone (intervals, paired tests over seeds), one for the others (an agent
        # of a single seed goes through every table and macro too); fewer runs keep the suite short
        "seeds": {a: [0, 1] if a in ("ppo", "ppo_bc_battery") else [0] for a in AGENTS},
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
