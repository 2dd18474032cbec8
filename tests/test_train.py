"""PPO training (05_train_ppo): a papermill smoke run writes every output; resume continues the step
count; a saved model loads and acts in the environment. Budgets are tiny: these check the pipeline,
not learning (learning is judged by `make train`)."""
import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import papermill as pm
import pytest

import ev_rl
from ev_rl.data import first_days, heldout_scenarios
from ev_rl.train import TrainParams, train

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ["params.yaml", "command.txt", "progress.csv", "summary.json", "validation.json", "timeseries.csv",
           "trace.csv.gz", "dashboard.png", "diagnostics.png", "final_model.zip", "best_model.zip"]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    "A 2,048-step training run with a 2-day validation."
    out = tmp_path_factory.mktemp("runs")
    params = TrainParams(total_timesteps=2048, eval_days=2, checkpoint_every=1024, output_dir=str(out))
    return out, train(params, progress_bar=False)


def test_papermill_smoke_run_writes_every_output(tmp_path):
    out = tmp_path / "runs"
    executed = tmp_path / "05_train_ppo.ipynb"
    pm.execute_notebook(str(ROOT / "nbs" / "05_train_ppo.ipynb"), str(executed), cwd=str(ROOT / "nbs"),
                        parameters=dict(total_timesteps=2048, eval_days=2, output_dir=str(out)),
                        kernel_name="python3", progress_bar=False)
    nb = json.loads(executed.read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    runs = list(out.glob("ev_rl-IquitosMall-v0__ppo__0__*"))
    assert len(runs) == 1
    for name in OUTPUTS:
        assert (runs[0] / name).is_file(), name
    validation = json.loads((runs[0] / "validation.json").read_text())
    kpis = validation["mean"]
    assert set(kpis) == {"ppo", "uncontrolled", "rule_based", "optimal"}
    assert kpis["optimal"]["objective"] <= min(k["objective"] for k in kpis.values()) + 1e-9


def test_resume_continues_the_step_count(first_run):
    out, summary = first_run
    checkpoint = out / summary["run"] / "final_model.zip"
    resumed = train(TrainParams(total_timesteps=2048, eval_days=2, output_dir=str(out), resume_from=str(checkpoint)),
                    progress_bar=False)
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
    "Papermill parses the `parameters` cell: every parameter of TrainParams that the notebook sets is visible to it."
    from dataclasses import fields
    from papermill.inspection import inspect_notebook
    seen = set(inspect_notebook(str(ROOT / "nbs" / "05_train_ppo.ipynb")))
    expected = {f.name for f in fields(TrainParams)}
    assert expected <= seen, expected - seen
