"""Benchmark of scenario generation (01e_data): seconds per year drawn (`generate_scenario`) and read from the cache.

A fresh scenario per training episode must cost little next to the episode itself, so the reference
measured in the same run is one episode (a year) of the batched simulator with one copy and
constant actions. Reported at hourly and 15-minute steps, with `make_scenario`, which reads a year's weather, PV and
mall series from the cache (a temporary cache root) and draws its sessions.

    .venv/bin/python benchmarks/bench_scenario.py [--repeats 5]
"""

import argparse
import os
import tempfile
import time

import numpy as np

from ev_rl.core import SiteConfig
from ev_rl.data import generate_scenario, make_scenario
from ev_rl.env import BatchedSimulator, compile_scenario


def best_seconds(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for dt in (60, 15):
        config = SiteConfig().with_overrides({"simulation.dt_minutes": dt})
        first = best_seconds(lambda: generate_scenario(config, 12345, "first"), 1)  # includes the clear-sky cache
        seeds = iter(range(10_000))
        per_scenario = best_seconds(lambda: generate_scenario(config, next(seeds), "drawn"), args.repeats)
        scenario = make_scenario(config, 0)  # drawn and kept in the cache (written), or read
        per_read = best_seconds(lambda: make_scenario(config, 0), args.repeats)
        per_compile = best_seconds(lambda: compile_scenario(scenario), args.repeats)
        sim = BatchedSimulator([compile_scenario(scenario)], 1)
        actions = np.zeros((1, sim.action_size))

        def episode():
            sim.reset()
            for _ in range(scenario.n_steps):
                sim.step(actions)
                sim.observe()

        per_episode = best_seconds(episode, 1)
        print(f"{dt}-min steps ({scenario.n_steps} steps, {len(scenario.sessions):,} sessions):")
        print(f"  generate_scenario  {per_scenario:7.3f} s  (first call, with the clear-sky cache: {first:.3f} s)")
        print(f"  make_scenario      {per_read:7.3f} s  (weather, PV and mall read from the cache, sessions drawn)")
        print(f"  compile_scenario   {per_compile:7.3f} s")
        print(f"  one episode, N = 1 {per_episode:7.3f} s  (reference)")
        print(f"  scenario + compile = {(per_scenario + per_compile) / per_episode:.1%} of an episode")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="bench_scenario_") as cache:  # a scenario cache of its own
        os.environ["EV_RL_CACHE"] = cache
        main()
