"""PPO training (05_train_ppo): a plain papermill run writes every output and records its parameters, its settings (in
rl-baselines3-zoo's format) and its command; a run killed mid-way and resumed from its checkpoint ends as the
uninterrupted run; a saved model loads and acts in the environment. Budgets are tiny: these check the pipeline, not
learning (learning is judged by `make train`)."""

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import gymnasium as gym
import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from ev_rl.agents import ENV_ID, load_preset
from ev_rl.baselines import REFERENCES
from ev_rl.core import ConfigError
from ev_rl.data import first_days, heldout_scenarios, validation_set
from ev_rl.train import TrainParams, train

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUTPUTS = [
    "params.yaml",
    "hyperparams.yaml",
    "command.txt",
    "progress.csv",
    "summary.json",
    "validation.json",
    "test.json",
    "timeseries.csv",
    "trace.csv.gz",
    "dashboard.png",
    "diagnostics.png",
    "final_model.zip",
    "best_model.zip",
]
SMALL = dict(validation_scenarios=2, validation_days=3, test_days=2)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    "A 2,048-step training run with short validation and test sets."
    out = tmp_path_factory.mktemp("runs")
    params = TrainParams(total_timesteps=2048, checkpoint_every=1024, output_dir=str(out), **SMALL)
    return out, train(params)


def test_plain_papermill_run_writes_every_output_with_its_settings_and_command(tmp_path):
    "`papermill nbs/05_train_ppo.ipynb out.ipynb` with no hyperparameter given trains the default preset and says so."
    out = tmp_path / "runs"
    cmd = [
        str(BIN / "papermill"),
        str(ROOT / "nbs" / "05_train_ppo.ipynb"),
        str(tmp_path / "05.ipynb"),
        "--cwd",
        str(ROOT / "nbs"),
        "-p",
        "total_timesteps",
        "2048",
        "-p",
        "test_days",
        "2",
        "-p",
        "output_dir",
        str(out),
        "-k",
        "python3",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-4000:]
    assert not [line for line in res.stderr.splitlines() if "ERROR" in line], res.stderr[-4000:]
    runs = list(out.glob("ev_rl-IquitosMall-v0__ppo__0__*"))
    assert len(runs) == 1
    for name in OUTPUTS:
        assert (runs[0] / name).is_file(), name
    settings = yaml.safe_load((runs[0] / "hyperparams.yaml").read_text())[ENV_ID]
    assert settings == load_preset("ppo", "default") | {"n_timesteps": 2048}  # the preset as it is, the run's budget
    recorded = yaml.safe_load((runs[0] / "params.yaml").read_text())
    assert TrainParams(**recorded).hyperparameters() == settings  # the parameters make the same run
    command = (runs[0] / "command.txt").read_text()
    assert "papermill" in command and "05_train_ppo.ipynb" in command and "ipykernel" not in command
    kpis = json.loads((runs[0] / "test.json").read_text())["mean"]
    assert set(kpis) == {"ppo", *REFERENCES}
    assert kpis["optimum"]["objective"] <= min(k["objective"] for k in kpis.values()) + 1e-9


# The end of a papermill run (05_train_ppo, "The end of a papermill run"): papermill's last request, kernel_info, is
# held in the kernel for half a second after its reply, so jupyter_client's shutdown interrupt lands inside it.
RACE_CELLS = [
    """import time
kernel = get_ipython().kernel
reply = kernel.shell_handlers["kernel_info_request"]
async def slow_reply(*args):
    await reply(*args)
    time.sleep(0.5)  # the handler not yet returned: a busy machine
kernel.shell_handlers["kernel_info_request"] = slow_reply""",
    "if quiet:\n    from ev_rl.train import ignore_shutdown_interrupt\n\n    print(ignore_shutdown_interrupt())",
]


@pytest.mark.parametrize("quiet", [False, True])
def test_the_kernel_shutdown_interrupt_is_no_error_once_the_notebook_is_done(tmp_path, quiet):
    import nbformat

    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    nb.cells = [nbformat.v4.new_code_cell(c) for c in RACE_CELLS]
    nbformat.write(nb, tmp_path / "race.ipynb")
    cmd = [str(BIN / "papermill"), str(tmp_path / "race.ipynb"), str(tmp_path / "out.ipynb"), "-k", "python3"]
    res = subprocess.run(
        [*cmd, "-y", f"{{quiet: {str(quiet).lower()}}}", "--log-output"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr[-2000:]
    errors = [line for line in res.stderr.splitlines() if "ERROR" in line]
    assert errors == ([] if quiet else ["[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel."]), errors
    if quiet:
        assert "True" in res.stderr  # it applied: papermill started the kernel


def test_best_model_is_chosen_on_validation(first_run):
    out, summary = first_run
    curve = summary["learning_curve"]
    best = min(curve, key=lambda r: r["objective"])
    assert summary["best_model_timesteps"] == best["timesteps"]
    # the validation set: a 3-day window in each quarter of both validation years, from the first of Feb, May, Aug, Nov
    scored = json.loads((out / summary["run"] / "validation.json").read_text())["scenarios"]
    assert set(scored) == {f"validation-{y}:days{d}-{d + 2}" for y in (1, 2) for d in (31, 120, 212, 304)}
    assert list(scored) == [s.name for s in validation_set(None, 2, 3)]


# A run killed with SIGKILL after its first checkpoint, resumed from it, against the same run uninterrupted: tiny
# networks and two copies, rollouts of 128 steps, a checkpoint at 640 steps, the kill at 1,024 (past the checkpoint:
# the killed run has evaluated, logged and maybe saved a best model beyond it, all of which the resumed run drops).
TINY = {
    "n_envs": 2,
    "n_steps": 64,
    "batch_size": 64,
    "n_epochs": 2,
    "env_kwargs.scenario_pool": 2,
    "policy_kwargs.net_arch.pi": [32, 32],
    "policy_kwargs.net_arch.vf": [32, 32],
}
KILLED = dict(
    total_timesteps=2048,
    checkpoint_every=640,
    validation_every=256,
    validation_scenarios=1,
    validation_days=1,
    test_scenarios=0,
    reward_scaling="return_std",
)
KILL_SCRIPT = """
import json, sys, time
from pathlib import Path
from ev_rl.train import TrainParams, train
marker = Path(sys.argv[2])
def crash_after_the_checkpoint(row):
    if row["timesteps"] >= 1024:
        marker.write_text(str(row["timesteps"]))
        time.sleep(600)  # killed here
train(TrainParams(**json.loads(sys.argv[1])), on_validation=crash_after_the_checkpoint)
"""


def _killed_run(out: Path) -> Path:
    "Start a run in a process, SIGKILL it once it is past its first checkpoint; the run folder."
    marker = out / "past_the_checkpoint"
    args = json.dumps(KILLED | {"hyperparams": TINY, "output_dir": str(out)})
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, args, str(marker)])
    try:
        deadline = time.monotonic() + 240
        while not marker.exists():
            assert proc.poll() is None, "the run ended before it was killed"
            assert time.monotonic() < deadline, "the run did not reach its kill point"
            time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    (run,) = out.glob("ev_rl-IquitosMall-v0__ppo__0__*")
    return run


def test_a_killed_run_resumed_from_its_checkpoint_ends_as_the_uninterrupted_run(tmp_path):
    from stable_baselines3 import PPO

    from ev_rl.train import build_model, make_training_env

    run = _killed_run(tmp_path / "killed")
    checkpoint = run / "checkpoints" / "ppo_640_steps.zip"
    assert sorted(p.name for p in (run / "checkpoints").glob("*.zip")) == ["ppo_640_steps.zip"]
    assert not (run / "summary.json").exists()
    saved = pickle.loads(checkpoint.with_suffix(".state.pkl").read_bytes())
    assert saved["timesteps"] == 640 and [r["timesteps"] for r in saved["curve"]["history"]] == [0, 256, 512]
    killed_rows = pd.read_csv(run / "progress.csv")["time/total_timesteps"]
    assert killed_rows.max() > 640  # the killed run logged past its checkpoint

    params = TrainParams.resuming(checkpoint)
    assert replace(params, resume_from="") == TrainParams(
        **KILLED, hyperparams=TINY, output_dir=str(tmp_path / "killed")
    )
    # the reward's scale as the checkpoint saved it, in the environment the resumed model steps
    env = make_training_env(params)
    model = build_model(params, env)
    scaling = dict(saved["env"])["VecNormalize"]
    saved_rms = scaling["parts"]["ret_rms"]["values"]
    assert env.ret_rms.count == saved_rms["count"] > 1 and env.ret_rms.var == saved_rms["var"]
    assert np.array_equal(env.returns, scaling["values"]["returns"])
    assert model.num_timesteps == 640 and np.array_equal(model._last_obs, env.old_obs)

    resumed = train(params)
    assert resumed["run"] == run.name and not list(tmp_path.glob("killed/*/summary.json"))[1:]
    assert (resumed["timesteps"], resumed["timesteps_this_run"]) == (2048, 2048 - 640)
    assert [r["timesteps"] for r in resumed["resumes"]] == [640]
    steps = [r["timesteps"] for r in resumed["learning_curve"]]
    assert steps == list(range(0, 2049, 256))  # from 0, each evaluation once, in order
    best = min(resumed["learning_curve"], key=lambda r: r["objective"])
    assert resumed["best_model_timesteps"] == best["timesteps"]
    logged = pd.read_csv(run / "progress.csv")["time/total_timesteps"]
    assert logged.is_monotonic_increasing and logged.is_unique and logged.iloc[-1] == 2048
    assert "resumed at 640 steps from checkpoints/ppo_640_steps.zip" in (run / "command.txt").read_text()
    assert yaml.safe_load((run / "params.yaml").read_text())["resume_from"] == ""

    # the same run, never killed: on one machine and one torch thread, the same run bit for bit
    whole = train(TrainParams(**KILLED, hyperparams=TINY, output_dir=str(tmp_path / "whole")))
    untimed = lambda curve: [{k: v for k, v in r.items() if k != "train_seconds"} for r in curve]  # seconds differ
    assert untimed(whole["learning_curve"]) == untimed(resumed["learning_curve"])
    assert (whole["best_model_timesteps"], whole["rollouts"]) == (resumed["best_model_timesteps"], resumed["rollouts"])
    runs = (run, tmp_path / "whole" / whole["run"])
    final, kept = (
        [PPO.load(r / name, device="cpu").policy.state_dict() for r in runs]
        for name in ("final_model.zip", "best_model.zip")
    )
    for a, b in (final, kept):
        assert all(torch.equal(a[k], b[k]) for k in a)


def test_resuming_refuses_another_run_s_parameters(first_run):
    out, summary = first_run
    (checkpoint,) = (out / summary["run"] / "checkpoints").glob("ppo_*_steps.zip")
    with pytest.raises(ConfigError, match="a resumed run keeps its run's parameters.*seed = 1 \\(the run's: 0\\)"):
        train(replace(TrainParams.resuming(checkpoint), seed=1))
    with pytest.raises(ConfigError, match="more than the checkpoint's 2,048"):
        train(TrainParams.resuming(checkpoint))  # the finished run: its checkpoint is its end
    with pytest.raises(ConfigError, match="no run state beside it"):
        TrainParams(resume_from=str(out / summary["run"] / "final_model.zip"))


def test_saved_model_predicts_a_valid_action(first_run):
    from stable_baselines3 import PPO

    out, summary = first_run
    model = PPO.load(out / summary["run"] / "best_model.zip", device="cpu")
    env = gym.make("ev_rl/IquitosMall-v0", scenario=first_days(heldout_scenarios()[0], 2))
    obs, _ = env.reset(seed=0)
    for _ in range(5):
        action, _ = model.predict(obs, deterministic=True)
        assert env.action_space.contains(action.astype(np.float32))
        obs, reward, terminated, truncated, info = env.step(action)
        assert np.isfinite(reward)


def test_papermill_sees_every_parameter():
    "Papermill parses the `parameters` cell: every parameter of TrainParams is visible to it."
    from dataclasses import fields

    from papermill.inspection import inspect_notebook

    seen = set(inspect_notebook(str(ROOT / "nbs" / "05_train_ppo.ipynb")))
    expected = {f.name for f in fields(TrainParams)}
    assert expected <= seen, expected - seen


TINY_CLONE = dict(n_envs=2, n_steps=32, batch_size=32, **{"env_kwargs.scenario_pool": 2})


def test_a_run_from_the_clone_warms_up_the_critic_then_learns_and_records_the_cloning(tmp_path):
    "start='clone': the optimum cloned first (its record in the summary), a warm-up of the critic, then RL; it saves."
    params = TrainParams(
        preset="clone",
        start="clone",
        clone_years=1,
        clone_epochs=3,
        value_warmup_steps=64,
        clone_term=0.5,
        total_timesteps=256,
        hyperparams=TINY_CLONE,
        checkpoint_every=64,
        output_dir=str(tmp_path),
        **SMALL,
    )
    summary = train(params)
    run = tmp_path / summary["run"]
    assert summary["agent"] == "ppo_bc_battery" and summary["timesteps"] == 256
    cloned = summary["clone"]
    assert cloned["demonstration_pairs"] == 8760 and cloned["heldout_year"] == "train-1"
    assert [r["epoch"] for r in cloned["history"]] == [1, 2, 3] and cloned["seconds"] > cloned["demonstration_seconds"]
    assert summary["value_warmup_steps"] == 128  # thawed by the first rollout past the warm-up (64 steps each)
    # the cloning term: a step before each update after the warm-up, its weight decaying over the run's 256 steps
    assert [(r["timesteps"], r["weight"]) for r in summary["cloning_term"]] == [(128, 0.25), (192, 0.125)]
    assert (run / "best_model.zip").is_file() and list((run / "checkpoints").glob("*.zip"))
    assert "ppo_bc_battery" in json.loads((run / "test.json").read_text())["mean"]


def test_the_clone_alone_is_scored_without_a_step_of_rl_after_its_dagger_round(tmp_path):
    params = TrainParams(
        preset="clone",
        start="clone_only",
        clone_years=1,
        clone_epochs=3,
        dagger_rounds=1,
        dagger_years=1,
        hyperparams=TINY_CLONE,
        output_dir=str(tmp_path),
        **SMALL,
    )
    summary = train(params)
    assert summary["agent"] == "bc_battery" and summary["timesteps"] == 0 and summary["steps_per_second"] == 0.0
    # one DAgger round: the clone's own year, labelled by the perfect-forecast MPC, joined to the expert's pairs
    (dagger,) = summary["clone"]["dagger"]
    assert dagger["round"] == 1 and dagger["pairs"] == 2 * 8760 and dagger["label_seconds"] > 0
    assert summary["clone"]["best_score"] == dagger["best_score"]
    assert [r["timesteps"] for r in summary["learning_curve"]] == [0]  # the clone, scored once
    assert summary["validation_mean"]["bc_battery"]["gap_closed"] > 0.3  # a clone of the optimum beats doing nothing
