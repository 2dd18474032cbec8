"""A package that works anywhere (issue 23, item 7): a wheel built from the checkout carries the inputs that
settings.ini lists under `resources` (presets, site variants, the measured year, the loaders' examples); installed
in a fresh venv and run from a folder outside the checkout, it loads a site variant and a preset, builds the measured
year and trains, and papermill runs a copy of the training notebook there; nothing is written into the installed
package.

The fresh venv reuses the development venv's dependencies through a .pth file (only the wheel is installed, without
dependencies), so that the test takes seconds, not a download of torch."""

import configparser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_settings = configparser.ConfigParser(delimiters=["="])
_settings.read(ROOT / "settings.ini", encoding="utf-8")
RESOURCES = _settings["DEFAULT"]["resources"].split()  # input folders that install with the package
BUILD_FILES = ["setup.py", "settings.ini", "README.md", "MANIFEST.in", "pyproject.toml"]
# the default preset's settings changed for runs of seconds (rl_zoo3's -params, dotted inside a mapping)
TINY = {"n_envs": 2, "n_steps": 64, "batch_size": 64, "n_epochs": 1, "env_kwargs.scenario_pool": 2}


def _input_files() -> set[str]:
    "Every input file of the checkout that installs with the package, relative to the top of the checkout."
    return {
        p.relative_to(ROOT).as_posix()
        for rel in RESOURCES
        for p in (ROOT / rel).rglob("*")
        if p.is_file() and not p.name.startswith(".") and "__pycache__" not in p.parts
    }


def _run(cmd: list, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    "Run a command; on failure, the error shows its output."
    res = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{res.stdout[-3000:]}\n{res.stderr[-5000:]}"
    return res


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    "The source distribution of a copy of the checkout's sources (no build/ or egg-info lands in the checkout)."
    src = tmp_path_factory.mktemp("src") / "ev-rl"
    src.mkdir()
    for name in BUILD_FILES:
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "_resources")
    shutil.copytree(ROOT / "ev_rl", src / "ev_rl", ignore=ignore)
    for rel in RESOURCES:
        shutil.copytree(ROOT / rel, src / rel, ignore=ignore)
    _run([sys.executable, "setup.py", "-q", "sdist", "-d", src.parent / "sdist"], src)
    (found,) = (src.parent / "sdist").glob("ev_rl-*.tar.gz")
    return found


@pytest.fixture(scope="module")
def wheel(sdist) -> Path:
    "The wheel built from the source distribution, as `python -m build` and pip do."
    unpacked = sdist.parent / "unpacked"
    shutil.unpack_archive(sdist, unpacked)
    (tree,) = unpacked.iterdir()
    dist = sdist.parent.parent / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, tree], tree)
    (found,) = dist.glob("ev_rl-*.whl")
    return found


def test_the_source_distribution_carries_every_input(sdist):
    "MANIFEST.in takes settings.ini and every folder of its `resources` into the source distribution."
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"setup.py", "settings.ini", "README.md"} <= names
    assert _input_files() <= names, f"not in the source distribution: {sorted(_input_files() - names)}"


def test_the_wheel_carries_every_input_and_nothing_of_the_checkout_else(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    installed = {n.removeprefix("ev_rl/_resources/") for n in names if n.startswith("ev_rl/_resources/")}
    assert installed == _input_files(), f"inputs missing from the wheel: {sorted(_input_files() - installed)}"
    modules = {p.name for p in (ROOT / "ev_rl").glob("*.py")}
    assert modules <= {n.removeprefix("ev_rl/") for n in names}, "a module of ev_rl/ is missing from the wheel"
    assert all(n.startswith(("ev_rl/", "ev_rl-")) for n in names), sorted(names)
    assert not (ROOT / "ev_rl" / "_resources").exists(), "the build wrote into the checkout's package folder"


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> dict:
    "A fresh venv with the wheel installed (no dependencies) and the development venv's packages behind it."
    home = tmp_path_factory.mktemp("venv")
    prefix = home / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", prefix], home)
    python = prefix / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel], home)
    purelib = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], home).stdout.strip()
    )
    assert (purelib / "ev_rl" / "_resources").is_dir()
    # dependencies from the development venv, after the venv's own site-packages (its .pth files are not run, so the
    # checkout's editable ev_rl stays out of sight)
    (purelib / "zz_development_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    kernels = prefix / "share" / "jupyter" / "kernels" / "ev-rl-wheel"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps({"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"], "language": "python"})
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EV_RL_", "PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(JUPYTER_PATH=str(prefix / "share" / "jupyter"), MPLBACKEND="Agg", PYTHONNOUSERSITE="1")
    return dict(python=python, package=purelib / "ev_rl", env=env)


def _snapshot(folder: Path) -> dict[str, str]:
    "Hash of every file of a folder but Python's bytecode (numba's compiled kernels count: they go to the cache root)."
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".pyc"
    }


OUTSIDE = textwrap.dedent(
    """
    import json
    import sys
    from pathlib import Path

    import yaml

    import ev_rl
    from ev_rl import paths

    package = Path(sys.argv[1])
    assert Path(ev_rl.__file__).resolve().parent == package.resolve(), (ev_rl.__file__, package)
    assert paths.REPOSITORY is None, paths.REPOSITORY
    assert paths.runs_root() == Path.cwd() / "runs" and paths.results_root() == Path.cwd() / "paper" / "results"

    from ev_rl.core import SiteConfig

    site = SiteConfig.from_yaml(paths.resource("configs/site/flexible-fleet.yaml"))
    assert site != SiteConfig(), "the variant differs from the default site"
    assert {p.stem for p in paths.resources("configs/site", "*.yaml")} >= {"iquitos", "iquitos-15min", "flexible-fleet"}
    preset = yaml.safe_load(paths.resource("configs/hyperparams/ppo/default.yaml").read_text())
    assert isinstance(preset, dict) and preset, preset
    from ev_rl.agents import load_preset

    assert load_preset("ppo", "tuned")["policy"] == "ev_rl.agents.SocketMeanPolicy"  # read and checked, installed

    from ev_rl.data import real_year_scenario

    real = real_year_scenario()
    assert real.n_steps == 8784 and real.quality["meter"]["fill"]["n_filled_outage"] == 135, real.quality

    from ev_rl.train import TrainParams, train

    TINY = json.loads(sys.argv[2])  # the preset's settings changed for a run of seconds

    params = TrainParams(
        total_timesteps=256, hyperparams=TINY, validation_scenarios=1, validation_days=1, test_scenarios=0,
        references=("uncontrolled", "optimum"), checkpoint_every=128, output_dir="runs",
    )
    summary = train(params)
    assert summary["timesteps"] >= 256, summary["timesteps"]
    print("run", summary["run"])
    """
)


def test_an_installed_wheel_runs_outside_the_checkout(venv, tmp_path):
    "From a folder outside the checkout: a site variant, a preset, the measured year and a short training run."
    before = _snapshot(venv["package"])
    script = tmp_path / "outside.py"
    script.write_text(OUTSIDE)
    res = _run([venv["python"], script, venv["package"], json.dumps(TINY)], tmp_path, venv["env"], timeout=240)
    run = res.stdout.split("run ")[-1].strip()
    assert (tmp_path / "runs" / run / "final_model.zip").is_file(), res.stdout[-2000:]
    assert _snapshot(venv["package"]) == before, "something was written into the installed package"


def test_papermill_runs_a_copy_of_the_training_notebook_outside_the_checkout(venv, tmp_path):
    "`papermill 05_train_ppo.ipynb out.ipynb` on a copy of the notebook, with the wheel's kernel, from another folder."
    before = _snapshot(venv["package"])
    notebook = tmp_path / "05_train_ppo.ipynb"
    shutil.copy(ROOT / "nbs" / "05_train_ppo.ipynb", notebook)
    tiny = dict(total_timesteps=256, validation_scenarios=1, validation_days=1, test_scenarios=0, checkpoint_every=128)
    options = [x for k, v in tiny.items() for x in ("-p", k, v)] + ["-y", json.dumps({"hyperparams": TINY})]
    cmd = [venv["python"], "-m", "papermill", notebook, tmp_path / "out.ipynb", "-k", "ev-rl-wheel", *options]
    _run([*cmd, "--cwd", tmp_path], tmp_path, venv["env"], timeout=300)
    assert list((tmp_path / "runs").glob("ev_rl-IquitosMall-v0__ppo__0__*/final_model.zip")), "no run folder here"
    assert not (tmp_path / "ev_rl").exists(), "the notebook exported a package into the working folder"
    assert _snapshot(venv["package"]) == before, "something was written into the installed package"
