"""Benchmark of the simulator (03_env): env steps per second and memory.

Reports, in one run on one pinned core, with Gymnasium's Pendulum-v1 stepped alongside as a
machine-speed reference:
- the single Gymnasium environment (`IquitosMallEnv`, full `info` every step);
- the batched simulator (`step` + `observe`) at N = 1, 16, 256, 1024 copies;
- the memory (tracemalloc peak) of the batched simulator with N = 1024 copies;
- the first reset and step of a fresh process: with an empty Numba cache (the step's kernels are
  compiled) and again with the cache that run left (they are loaded).

Targets (issue 4): single env >= 10,000 steps/s; batched >= 500,000 env-steps/s at N = 1024 on one
core; memory of N = 1024 under 1 GB.

    .venv/bin/python benchmarks/bench_env.py [--steps 20000] [--bank 16]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc

import gymnasium as gym
import numpy as np

from ev_rl.core import SiteConfig
from ev_rl.data import training_scenario
from ev_rl.env import BatchedSimulator, IquitosMallEnv, compile_scenario


def steps_per_second(step, n_steps: int, repeats: int = 3) -> float:
    "Best of `repeats` timings of `n_steps` calls of `step(i)`."
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for i in range(n_steps):
            step(i)
        best = min(best, time.perf_counter() - t0)
    return n_steps / best


def bench_pendulum(n_steps: int) -> float:
    env = gym.make("Pendulum-v1")
    env.reset(seed=0)
    actions = np.random.default_rng(0).uniform(-2, 2, (n_steps, 1)).astype(np.float32)

    def step(i):
        if env.step(actions[i])[3]:
            env.reset()

    return steps_per_second(step, n_steps)


def bench_single_env(scenario, n_steps: int) -> float:
    env = IquitosMallEnv(scenario=scenario)
    env.reset(seed=0)
    actions = np.random.default_rng(0).uniform(-1, 1, (n_steps, 39)).astype(np.float32)

    def step(i):
        _, _, term, trunc, _ = env.step(actions[i])
        if term or trunc:
            env.reset()

    return steps_per_second(step, min(n_steps, scenario.n_steps - 1))


def bench_batched(bank, n_envs: int, n_steps: int) -> float:
    sim = BatchedSimulator(bank, n_envs)
    sim.reset(scenario_index=np.arange(n_envs) % len(bank))
    actions = np.random.default_rng(0).uniform(-1, 1, (16, n_envs, 39))

    def step(i):
        sim.step(actions[i % 16])
        sim.observe()
        if sim.t[0] >= sim.n_steps:
            sim.reset()

    return n_envs * steps_per_second(step, n_steps)


def memory_batched_mb(bank, n_envs: int, n_steps: int = 50) -> float:
    "Peak traced memory of building and stepping the batched simulator, MB (the bank's arrays included)."
    tracemalloc.start()
    sim = BatchedSimulator(bank, n_envs)
    sim.reset(scenario_index=np.arange(n_envs) % len(bank))
    actions = np.random.default_rng(0).uniform(-1, 1, (n_envs, 39))
    for _ in range(n_steps):
        sim.step(actions)
        sim.observe()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


FIRST_STEP = """
import time
import numpy as np
from ev_rl.core import SiteConfig
from ev_rl.data import scenario_from_series
from ev_rl.sockets import sessions_frame
from ev_rl.env import IquitosMallEnv
env = IquitosMallEnv(scenario=scenario_from_series(SiteConfig(), np.zeros(4), np.zeros(4), sessions_frame([])))
t0 = time.perf_counter()
env.reset(seed=0)
env.step(env.action_space.sample())
print(time.perf_counter() - t0)
"""


def first_step_seconds(cache_dir: str) -> float:
    "Seconds of the first reset + step in a fresh process whose Numba cache is `cache_dir` (imports excluded)."
    run = subprocess.run(
        [sys.executable, "-c", FIRST_STEP],
        env={**os.environ, "NUMBA_CACHE_DIR": cache_dir},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(run.stdout.split()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000, help="steps per single-env timing")
    parser.add_argument("--bank", type=int, default=16, help="distinct training scenarios shared by the copies")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    config = SiteConfig()
    t0 = time.perf_counter()
    scenarios = [training_scenario(config, i) for i in range(args.bank)]
    t1 = time.perf_counter()
    bank = [compile_scenario(s) for s in scenarios]
    t2 = time.perf_counter()
    print(f"scenario bank: {args.bank} scenarios generated in {t1 - t0:.2f} s, compiled in {t2 - t1:.2f} s")

    pendulum = bench_pendulum(args.steps)
    print(f"Pendulum-v1 (reference)      {pendulum:12,.0f} steps/s")
    single = bench_single_env(scenarios[0], args.steps)
    print(f"IquitosMallEnv, single       {single:12,.0f} steps/s   ({single / pendulum:.2f} x Pendulum; target 10,000)")
    for n in (1, 16, 256, 1024):
        steps = max(200, args.steps // max(n // 4, 1))
        rate = bench_batched(bank, n, steps)
        note = "   (target 500,000)" if n == 1024 else ""
        print(f"BatchedSimulator, N = {n:<5}  {rate:12,.0f} env-steps/s ({rate / pendulum:.1f} x Pendulum){note}")
    mb = memory_batched_mb(bank, 1024)
    print(f"memory, N = 1024 (bank of {args.bank} included): {mb:,.0f} MB peak traced (target < 1,024 MB)")
    with tempfile.TemporaryDirectory() as cache:
        compiled, loaded = first_step_seconds(cache), first_step_seconds(cache)
    print(
        f"first reset + step of a fresh process: {compiled:.2f} s compiling the kernels, "
        f"{loaded:.2f} s from Numba's cache"
    )


if __name__ == "__main__":
    main()
