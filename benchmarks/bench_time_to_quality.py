"""Benchmark: time to quality of an agent on 2 cores against the tuned stochastic MPC (issues 14 and 25).

Trains one agent (one seed; PPO from scratch by default, or the clone of the optimum and PPO from it) with its
validation curve (05_train_ppo) and reports, in seconds of training (seconds of the process's CPU, `training_clock`:
the wall clock on an idle core; the evaluations not counted; a clone's cloning counted: it is training):
- when its validation gap closed first exceeds that of the strongest realistic yardstick, the tuned stochastic MPC
  (`mpc_stochastic_tuned`), on the same validation windows;
- the MPC's own time for those days on the same clock, measured in the same run: the reference of the ratio printed;
- when it first reaches 90 % of its final value, and how much it gained over the last quarter of its training time.

    .venv/bin/python benchmarks/bench_time_to_quality.py [--agent ppo_bc_battery] [--seconds 480] [--steps 1500000]
"""

import argparse

import numpy as np
import pandas as pd

from ev_rl.agents import agent_settings
from ev_rl.baselines import evaluate, gap_closed, reference_kpis, yardstick
from ev_rl.compare import time_to_quality
from ev_rl.data import validation_set
from ev_rl.paths import cache_root
from ev_rl.train import TrainParams, train, training_clock

BAR = "mpc_stochastic_tuned"  # the strongest realistic yardstick (paper/results/yardsticks.csv)


def yardstick_on_validation(name: str) -> tuple[float, float]:
    "A yardstick's mean validation gap closed, and its seconds over the validation windows (run here, not cached)."
    windows, cache = validation_set(None, 3, 14), cache_root()
    t0 = training_clock()
    objectives = [evaluate(yardstick(name), w)["objective"] for w in windows]
    seconds = training_clock() - t0
    bounds = [
        (reference_kpis("uncontrolled", w, cache)["objective"], reference_kpis("optimum", w, cache)["objective"])
        for w in windows
    ]
    return float(np.mean([gap_closed(j, u, o) for j, (u, o) in zip(objectives, bounds)])), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--agent", default="ppo", help="an agent of ev_rl.agents (ppo, ppo_bc_battery, bc_battery, ...)"
    )
    parser.add_argument("--seconds", type=float, default=0.0, help="seconds of training (0: --steps decides)")
    parser.add_argument("--steps", type=int, default=1_500_000, help="training steps at most")
    parser.add_argument(
        "--preset", default="", help="preset of configs/hyperparams/<algo>/ ('': the agent's, else tuned)"
    )
    parser.add_argument("--forecaster", default="learned", help="forecasts of the observation")
    parser.add_argument("--points", type=int, default=12, help="validation evaluations")
    args = parser.parse_args()

    bar, bar_s = yardstick_on_validation(BAR)
    print(f"reference: {BAR} on the 12 validation windows, gap closed {bar:.3f} in {bar_s:.0f} s")
    settings = agent_settings(args.agent)
    settings["preset"] = args.preset or settings.get("preset", "tuned")
    steps = 0 if settings["start"] == "clone_only" else args.steps
    params = TrainParams(
        **settings,
        total_timesteps=steps,
        time_budget_s=args.seconds,
        validation_every=0 if args.seconds else max(steps // args.points, 1),
        validation_every_s=args.seconds / args.points,
        validation_scenarios=3,
        validation_days=14,
        test_scenarios=0,
        forecaster=args.forecaster,
        output_dir="runs/bench_time_to_quality",
        checkpoint_every=max(steps, 1),
    )
    summary = train(params)
    curve = pd.DataFrame(summary["learning_curve"]).assign(controller=args.agent, seed=params.seed)
    levels = pd.DataFrame([{"controller": BAR, "seed": -1, "gap_closed": bar}])
    q = time_to_quality(pd.concat([curve, levels], ignore_index=True), reference=BAR).iloc[0]
    cloned = summary.get("clone") or {}
    print(
        f"{args.agent}: {summary['timesteps']:,} steps, {summary['train_seconds']:.0f} s of training"
        + (f" (cloning {cloned['seconds']:.0f} s of it)" if cloned else "")
        + f", {summary['evaluation_seconds']:.0f} s of evaluations besides; final gap closed {q.final_gap_closed:.3f}"
    )
    beat = q[f"seconds_to_beat_{BAR}"]
    if beat == beat:
        print(f"first above {BAR}: {beat:.0f} s of training = {beat / bar_s:.2f} x the MPC's own time for the days")
    else:
        print(f"first above {BAR}: not within the budget (best {curve.gap_closed.max():.3f} against {bar:.3f})")
    print(f"90 % of the final value: {q.seconds_to_90pct:.0f} s; last quarter's gain {q.last_quarter_gain:+.3f}")


if __name__ == "__main__":
    main()
