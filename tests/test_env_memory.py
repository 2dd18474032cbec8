"""Memory of the environment (issue 27, item 3): `import ev_rl.env` does not import torch, an env compiles only the
training year it draws, and a pickled env is small and steps on bit for bit as the env it was pickled from, its year
compiled again from the seed. benchmarks/bench_env_memory.py measures the processes' memory."""

import pickle
import subprocess
import sys

import gymnasium as gym
import numpy as np

import ev_rl  # noqa: F401 (registers the environment)
from ev_rl.env import _compiled_set_scenario, _compiled_training_scenario

NO_TORCH = """
import sys, pickle
import ev_rl.env
assert "torch" not in sys.modules, "import ev_rl.env imported torch"
assert "stable_baselines3" not in sys.modules, "import ev_rl.env imported stable_baselines3"
from ev_rl.env import *  # noqa: F403 (the VecEnv is left out of __all__: no torch either)
assert "torch" not in sys.modules, "from ev_rl.env import * imported torch"
from ev_rl.env import IquitosMallVecEnv
from stable_baselines3.common.vec_env import VecEnv
assert issubclass(IquitosMallVecEnv, VecEnv) and ev_rl.env.IquitosMallVecEnv is IquitosMallVecEnv
assert pickle.loads(pickle.dumps(IquitosMallVecEnv)) is IquitosMallVecEnv
import cloudpickle
assert cloudpickle.loads(cloudpickle.dumps(IquitosMallVecEnv)) is IquitosMallVecEnv
"""


def test_import_does_not_import_torch():
    "`import ev_rl.env` leaves torch and SB3 out; `IquitosMallVecEnv` is still SB3's VecEnv, pickled by name."
    run = subprocess.run([sys.executable, "-c", NO_TORCH], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]


def _clear_caches():
    "Forget every compiled year of the process, so that loading a pickle compiles its year again from the seed."
    _compiled_set_scenario.cache_clear()
    _compiled_training_scenario.cache_clear()


def test_env_compiles_only_the_year_it_draws():
    "An env with the default pool of 8 training years compiles the one its reset draws, not the pool."
    _clear_caches()
    env = gym.make("ev_rl/IquitosMall-v0")
    _, info = env.reset(seed=0)
    assert _compiled_training_scenario.cache_info().currsize == 1
    assert env.unwrapped._base is None and info["scenario"] == env.unwrapped.compiled.scenario.name


def _same(x, y) -> bool:
    "Equal bit for bit (arrays of objects, such as scenario names: equal element by element)."
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype == object:
        return x.tolist() == y.tolist()
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def _run(env, actions) -> list:
    "Each step's observation bytes, reward, truncation and info."
    out = []
    for a in actions:
        obs, reward, terminated, truncated, info = env.step(a)
        out.append((obs.tobytes(), reward, terminated, truncated, info))
    return out


def test_pickled_env_is_small_and_steps_identically():
    "`gym.make`'s env pickled after reset: under 20 MB (it carries no year), and it steps on bit for bit."
    env = gym.make("ev_rl/IquitosMall-v0")
    env.reset(seed=3)
    env.step(np.zeros(39, np.float32))
    blob = pickle.dumps(env)
    assert len(blob) < 20e6, f"pickled env: {len(blob) / 1e6:.1f} MB"
    _clear_caches()  # the copy makes its year again from the seed
    copy = pickle.loads(blob)
    assert copy.unwrapped.compiled is not env.unwrapped.compiled
    actions = np.random.default_rng(0).uniform(-1.2, 1.2, (300, 39)).astype(np.float32)
    assert _run(copy, actions) == _run(env, actions)
    assert copy.reset(seed=4)[0].tobytes() == env.reset(seed=4)[0].tobytes()


def test_pickled_vector_env_steps_identically():
    "The batched VectorEnv pickles its bank as names too, and steps on bit for bit."
    envs = gym.make_vec("ev_rl/IquitosMall-v0", num_envs=2, scenario_pool=2, episode_days=1, random_start=True)
    envs.reset(seed=0)
    blob = pickle.dumps(envs)
    assert len(blob) < 1e6, f"pickled vector env: {len(blob) / 1e6:.1f} MB"
    _clear_caches()
    copy = pickle.loads(blob)
    for a in np.random.default_rng(1).uniform(-1, 1, (30, 2, 39)):
        mine, theirs = envs.step(a), copy.step(a)
        assert all(_same(x, y) for x, y in zip(mine[:4], theirs[:4]))
        assert mine[4].keys() == theirs[4].keys()
        assert all(_same(mine[4][k], theirs[4][k]) for k in mine[4])
