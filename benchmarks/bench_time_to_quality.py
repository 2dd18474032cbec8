"""Benchmark: time to quality of PPO on 2 cores (issue 14).

Trains PPO (one seed, a preset, a budget of training seconds or steps) with its validation curve (05_train_ppo) and
reports, in seconds of training (the evaluations not counted; `ev_rl.compare.time_to_quality`, which `make paper` also
writes for every run):
- when its validation gap closed first exceeds that of the learned-forecast MPC (`mpc_learned`, the strongest
  realistic yardstick) on the same validation years;
- when it first reaches 90 % of its final value;
- how much it gained over the last quarter of its training time (about 0: the curve has flattened).

As the machine-speed reference of the same run it times a full-year evaluation of uncontrolled charging, and prints
every time also as a multiple of it.

    .venv/bin/python benchmarks/bench_time_to_quality.py [--seconds 480] [--steps 10000000] [--preset default]
"""

import argparse
import time

import pandas as pd

from ev_rl.baselines import Uncontrolled, rollout
from ev_rl.compare import time_to_quality
from ev_rl.data import scenario_set
from ev_rl.train import TrainParams, train


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.0, help="seconds of training (0: --steps decides)")
    parser.add_argument("--steps", type=int, default=1_000_000, help="training steps at most")
    parser.add_argument("--preset", default="default", help="PPO preset of configs/hyperparams/ppo/")
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
        time_budget_s=args.seconds,
        validation_every=0 if args.seconds else args.steps // args.points,
        validation_every_s=args.seconds / args.points,
        validation_scenarios=3,
        validation_days=14,
        test_scenarios=0,
        forecaster=args.forecaster,
        output_dir="runs/bench_time_to_quality",
        checkpoint_every=args.steps,
    )
    summary = train(params)
    curve = pd.DataFrame(summary["learning_curve"]).assign(controller="ppo", seed=params.seed)
    levels = pd.DataFrame(
        [{"controller": k, "seed": -1, "gap_closed": v} for k, v in summary["learning_curve_references"].items()]
    )
    q = time_to_quality(pd.concat([curve, levels], ignore_index=True)).iloc[0]
    print(
        f"PPO {summary['timesteps']:,} steps in {summary['train_seconds']:.0f} s of training "
        f"({summary['evaluation_seconds']:.0f} s of evaluations besides); final gap closed {q.final_gap_closed:.3f}"
    )
    print(f"mpc_learned on the validation years: gap closed {q.mpc_learned_gap_closed:.3f}")
    beat = q.seconds_to_beat_mpc_learned
    if beat == beat:
        print(
            f"first above mpc_learned: {beat:.0f} s ({q.steps_to_beat_mpc_learned:,.0f} steps; "
            f"{beat / reference_s:.0f} x ref)"
        )
    else:
        print("first above mpc_learned: not within the budget")
    near = q.seconds_to_90pct
    print(f"90 % of the final value: {near:.0f} s ({q.steps_to_90pct:,.0f} steps; {near / reference_s:.0f} x ref)")
    print(f"gain over the last quarter of the training time: {q.last_quarter_gain:+.3f}")


if __name__ == "__main__":
    main()
