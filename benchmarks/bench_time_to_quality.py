"""Benchmark: time to quality of PPO on 2 cores (issue 14).

Trains PPO (one seed, a preset, a step budget) with its validation curve (05_train_ppo) and reports, in wall-clock
seconds of training:
- when its validation gap closed first exceeds that of the learned-forecast MPC (`mpc_learned`, the strongest
  realistic yardstick) on the same validation years;
- when it first reaches 90 % of its final value (the best model's).

As the machine-speed reference of the same run it times a full-year evaluation of uncontrolled charging, and prints
every time also as a multiple of it.

    .venv/bin/python benchmarks/bench_time_to_quality.py [--steps 1000000] [--preset default] [--forecaster learned]
"""

import argparse
import time

import numpy as np

from ev_rl.baselines import Uncontrolled, gap_closed, reference_kpis, rollout
from ev_rl.data import scenario_set
from ev_rl.train import TrainParams, repo_root, train


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1_000_000, help="training steps")
    parser.add_argument("--preset", default="default", help="PPO preset of configs/hyperparams/ppo.yaml")
    parser.add_argument("--forecaster", default="learned", help="forecasts of the observation")
    parser.add_argument("--points", type=int, default=20, help="validation evaluations")
    args = parser.parse_args()

    year = scenario_set("test", None, 1)[0]
    t_ref = time.perf_counter()
    rollout(Uncontrolled(), year)
    reference_s = time.perf_counter() - t_ref
    print(f"reference: uncontrolled, full-year evaluation {reference_s:.2f} s")
    params = TrainParams(
        preset=args.preset,
        total_timesteps=args.steps,
        validation_every=args.steps // args.points,
        validation_scenarios=3,
        validation_days=14,
        test_scenarios=0,
        forecaster=args.forecaster,
        output_dir="runs/bench_time_to_quality",
        checkpoint_every=args.steps,
    )
    validation = scenario_set("validation", None, params.validation_scenarios, params.validation_days)
    cache = repo_root() / "runs" / "cache"
    refs = {n: [reference_kpis(n, s, cache)["objective"] for s in validation] for n in ("uncontrolled", "optimum")}
    mpc = np.mean(
        [
            gap_closed(reference_kpis("mpc_learned", s, cache)["objective"], u, o)
            for s, u, o in zip(validation, refs["uncontrolled"], refs["optimum"])
        ]
    )
    rows, t0 = [], [None]

    def record(row):
        t0[0] = t0[0] or time.perf_counter()
        rows.append((time.perf_counter() - t0[0], row["timesteps"], row["gap_closed"]))

    summary = train(params, on_validation=record)
    # wall-clock from the first evaluation (before training), the evaluations' own time included
    final = max(g for _, _, g in rows)
    first_above = next(((s, n) for s, n, g in rows if g > mpc), None)
    first_90 = next((s, n) for s, n, g in rows if g >= 0.9 * final)
    print(f"PPO {summary['timesteps']:,} steps in {summary['train_seconds']:.0f} s of training; best gap {final:.3f}")
    print(f"mpc_learned on the validation years: gap closed {mpc:.3f}")
    if first_above:
        print(
            f"first above mpc_learned: {first_above[0]:.0f} s ({first_above[1]:,} steps; "
            f"{first_above[0] / reference_s:.0f} x ref)"
        )
    else:
        print("first above mpc_learned: not within the budget")
    print(
        f"90 % of the final value: {first_90[0]:.0f} s ({first_90[1]:,} steps; {first_90[0] / reference_s:.0f} x ref)"
    )


if __name__ == "__main__":
    main()
