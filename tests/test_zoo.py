"""rl-baselines3-zoo trains from the project's preset files as they are (05_agents): `python -m rl_zoo3.train --algo
<algo> --env ev_rl/IquitosMall-v0 --gym-packages ev_rl -conf configs/hyperparams/<algo>/default.yaml`, a few thousand
steps on two copies of one training year; the model it saves loads and acts. A run's own settings (`hyperparams.yaml`
of its folder, with the battery-only wrapper and reward scaling) are a preset file the zoo trains from too."""

import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest

import ev_rl  # noqa: F401  (registers the environment)
from ev_rl.agents import ALGOS, ENV_ID, BatteryOnly, preset_path
from ev_rl.data import scenario_set
from ev_rl.train import TrainParams, make_run_dir

STEPS = 2500  # SAC learns from step 2,000 (its learning_starts)
SMALL = ["--env-kwargs", "scenario_pool:1", "forecaster:'seasonal_naive'"]  # one training year: fast to build


def zoo(algo: str, preset, folder, *options: str):
    "Train with rl_zoo3 from a preset file into `folder`; the model it saved, loaded."
    command = [
        sys.executable,
        "-m",
        "rl_zoo3.train",
        "--algo",
        algo,
        "--env",
        ENV_ID,
        "--gym-packages",
        "ev_rl",
        "-conf",
        str(preset),
        "-n",
        str(STEPS),
        "--eval-freq",
        "-1",
        "-f",
        str(folder),
        "--seed",
        "0",
        "--device",
        "cpu",
        "--verbose",
        "0",
        *options,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    saved = list(folder.glob(f"{algo}/*/{ENV_ID.replace('/', '-')}.zip"))
    assert len(saved) == 1, saved
    return ALGOS[algo].load(saved[0], device="cpu")


def first_action(model, env: gym.Env) -> np.ndarray:
    "The model's deterministic action on the first observation of a validation day."
    obs, _ = env.reset(seed=0)
    action, _ = model.predict(obs, deterministic=True)
    assert env.action_space.contains(action.astype(np.float32))
    return action


@pytest.mark.parametrize("algo", list(ALGOS))
def test_the_zoo_trains_from_each_default_preset(algo, tmp_path):
    model = zoo(algo, preset_path(algo, "default"), tmp_path, "-params", "n_envs:2", *SMALL)
    assert model.num_timesteps >= STEPS and model.gamma == 0.95  # the preset's settings, as the project reads them
    assert type(model.policy).__module__ == "ev_rl.agents"  # the policy class the preset names
    if algo != "sac":
        assert model.lr_schedule(0.25) == pytest.approx(7.5e-5)  # lin_0.0003: rl_zoo3's linear schedule
    day = scenario_set("validation", n=1, days=1)[0]
    assert first_action(model, gym.make(ENV_ID, scenario=day)).shape == (39,)


def test_the_zoo_trains_from_a_runs_settings(tmp_path):
    "A run's hyperparams.yaml is a preset file: the battery-only agent with reward scaling, trained by the zoo."
    params = TrainParams(
        ev_control="earliest_deadline",
        reward_scaling="return_std",
        hyperparams={"n_envs": 2, "env_kwargs.scenario_pool": 1},
        output_dir=str(tmp_path / "runs"),
    )
    run = make_run_dir(params)
    model = zoo("ppo", run / "hyperparams.yaml", tmp_path / "zoo")
    assert list((tmp_path / "zoo").glob("ppo/*/*/vecnormalize.pkl"))  # normalize: the reward scaled
    day = scenario_set("validation", n=1, days=1)[0]
    assert first_action(model, BatteryOnly(gym.make(ENV_ID, scenario=day))).shape == (1,)  # env_wrapper: the battery
