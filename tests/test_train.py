"""PPO training (05_train_ppo): a plain papermill run writes every output and records its parameters, its settings (in
rl-baselines3-zoo's format) and its command; resume continues the step count; a saved model loads and acts in the
environment. Budgets are tiny: these check the pipeline, not learning (learning is judged by `make train`)."""

import json
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import yaml

from ev_rl.agents import ENV_ID, load_preset
from ev_rl.baselines import REFERENCES
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


def test_best_model_is_chosen_on_validation(first_run):
    out, summary = first_run
    curve = summary["learning_curve"]
    best = min(curve, key=lambda r: r["objective"])
    assert summary["best_model_timesteps"] == best["timesteps"]
    # the validation set: a 3-day window in each quarter of both validation years, from the first of Feb, May, Aug, Nov
    scored = json.loads((out / summary["run"] / "validation.json").read_text())["scenarios"]
    assert set(scored) == {f"validation-{y}:days{d}-{d + 2}" for y in (1, 2) for d in (31, 120, 212, 304)}
    assert list(scored) == [s.name for s in validation_set(None, 2, 3)]


def test_resume_continues_the_step_count(first_run):
    out, summary = first_run
    checkpoint = out / summary["run"] / "final_model.zip"
    resumed = train(TrainParams(total_timesteps=2048, output_dir=str(out), resume_from=str(checkpoint), **SMALL))
    assert summary["timesteps"] == 2048 and resumed["timesteps"] == 4096
    assert resumed["timesteps_this_run"] == 2048
    assert (out / resumed["run"] / "final_model.zip").is_file()


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
