"""Benchmark of the forecasters (01f_forecast) and of what they cost downstream (issue 13).

Reports, in one run, on the first test year (8,760 hourly steps):
- the reference: a full-year evaluation of uncontrolled charging (the simulator loop alone);
- fitting the learned forecaster on its four training years (target: under 30 s on 2 cores), and issuing its
  24 h forecasts for the year, against the seasonal-naive forecasts;
- a full-year MPC with learned forecasts (target: under 60 s), against the same MPC with seasonal-naive ones;
- the simulator's speed with the observation's forecasts from each forecaster: the forecasts are precomputed per
  scenario (`compile_scenario`), so the step's speed must not change (ratios near 1).

    .venv/bin/python benchmarks/bench_forecast.py
"""

import os
import time

import numpy as np

from ev_rl.baselines import MPC, Uncontrolled, rollout
from ev_rl.core import SiteConfig
from ev_rl.data import scenario_set
from ev_rl.env import BatchedSimulator, compile_scenario
from ev_rl.forecast import TRAINING_YEARS, Learned, SeasonalNaive, forecaster
from ev_rl.reward import episode_kpis


def timed(f, *args, **kwargs):
    "(result, seconds) of f(*args, **kwargs)."
    t0 = time.perf_counter()
    out = f(*args, **kwargs)
    return out, time.perf_counter() - t0


def steps_per_second(compiled, n_envs: int = 256, n_steps: int = 2000, repeats: int = 3) -> float:
    "Best of `repeats` timings: env-steps per second of the batched simulator (step and observe) on one scenario."
    sim, rng = BatchedSimulator([compiled], n_envs), np.random.default_rng(0)
    actions = rng.uniform(-1, 1, (n_envs, sim.action_size))
    best = float("inf")
    for _ in range(repeats):
        sim.reset()
        t0 = time.perf_counter()
        for _ in range(n_steps):
            sim.step(actions)
            sim.observe()
        best = min(best, time.perf_counter() - t0)
    return n_envs * n_steps / best


def main():
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    config = SiteConfig()
    scenario = scenario_set("test", config, 1)[0]
    print(f"scenario {scenario.name}: {scenario.n_steps} steps; {cores} cores available")
    run, reference_s = timed(rollout, Uncontrolled(), scenario)
    print(f"reference: uncontrolled, full-year evaluation      {reference_s:7.2f} s")

    training = scenario_set("train", config, TRAINING_YEARS)
    learned, fit_s = timed(Learned(24).fit, training)
    print(
        f"learned forecaster: fit on {TRAINING_YEARS} training years     {fit_s:7.2f} s   (target < 30 s; "
        f"{fit_s / reference_s:.1f} x the reference)"
    )
    _, naive_issue_s = timed(SeasonalNaive().issue, scenario, 24)
    _, learned_issue_s = timed(learned.issue, scenario, 24)
    print(
        f"24 h forecasts for the year: seasonal naive {naive_issue_s:.2f} s, learned {learned_issue_s:.2f} s "
        f"({learned_issue_s / max(naive_issue_s, 1e-9):.0f} x)"
    )

    forecaster("learned", config, 24)  # fitted once per process: the MPC below reuses it
    for name in ("seasonal_naive", "learned"):
        mpc = MPC(forecaster=name)
        run, mpc_s = timed(rollout, mpc, scenario)
        objective = episode_kpis(run, scenario)["objective"]
        target = "   (target < 60 s)" if name == "learned" else ""
        print(
            f"MPC, {name:14s} forecasts: full year {mpc_s:7.2f} s = {mpc_s / reference_s:5.1f} x the reference; "
            f"objective {objective:.6f}{target}"
        )

    speeds = {}
    for name in ("seasonal_naive", "learned", "perfect"):
        compiled, compile_s = timed(compile_scenario, scenario, name)
        speeds[name] = steps_per_second(compiled)
        print(
            f"simulator, observation from {name:14s}: {speeds[name]:12,.0f} env-steps/s at N = 256 "
            f"({speeds[name] / speeds['seasonal_naive']:.2f} x seasonal naive; compiled in {compile_s:.2f} s)"
        )


if __name__ == "__main__":
    main()
