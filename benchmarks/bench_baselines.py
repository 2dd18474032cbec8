"""Benchmark of the baselines (04_baselines): the full-year perfect-foresight optimum and a full-year MPC run.

Reports, in one run, on a held-out year (8,760 hourly steps, all sessions):
- the reference: a full-year evaluation of the uncontrolled controller (the simulator loop alone);
- the optimum: building the LP (problem arrays + sparse matrix) and solving it (repairs included)
  separately, the LP's size, the repaired steps and the certified gap, then its replay;
- MPC: a full-year run, with the seconds spent building and solving its 8,760 LPs.

Targets (issue 5): optimum solved in <= 60 s; full-year MPC run <= 5 min.

    .venv/bin/python benchmarks/bench_baselines.py [--scenario 0] [--exact]
"""

import argparse
import os
import time

from ev_rl.baselines import MPC, PerfectForesight, Uncontrolled, rollout
from ev_rl.core import SiteConfig
from ev_rl.data import heldout_scenarios
from ev_rl.dispatch import build_dispatch_lp, perfect_foresight_problem
from ev_rl.env import compile_scenario
from ev_rl.reward import episode_kpis


def timed(f, *args):
    "(result, seconds) of f(*args)."
    t0 = time.perf_counter()
    out = f(*args)
    return out, time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=int, default=0, help="index of the held-out scenario")
    parser.add_argument("--exact", action="store_true", help="also prove the optimum by branch and bound (minutes)")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    scenario = heldout_scenarios(SiteConfig(), args.scenario + 1)[args.scenario]
    compiled, compile_s = timed(compile_scenario, scenario)
    print(
        f"scenario {scenario.name}: {scenario.n_steps} steps, {len(scenario.sessions):,} sessions "
        f"(compiled in {compile_s:.2f} s); {cores} cores available"
    )

    run, reference_s = timed(rollout, Uncontrolled(), scenario, compiled)
    reference = episode_kpis(run, scenario)["objective"]
    print(f"reference: uncontrolled, full-year evaluation  {reference_s:8.2f} s   objective {reference:.6f}")

    problem = perfect_foresight_problem(compiled)
    lp = build_dispatch_lp(problem).lp
    print(f"optimum LP: {lp.num_col_:,} variables, {lp.num_row_:,} constraints, {len(lp.a_matrix_.value_):,} non-zeros")
    optimum = PerfectForesight(exact=args.exact)
    run, total_s = timed(rollout, optimum, scenario, compiled)
    plan, replayed = optimum.plan, episode_kpis(run, scenario)["objective"]
    print(
        f"optimum: build {optimum.build_s:8.2f} s   solve {optimum.solve_s:8.2f} s   (target: solve <= 60 s; "
        f"with the replay {total_s:.2f} s)"
    )
    print(
        f"         objective {plan.objective:.6f}, replayed {replayed:.6f} "
        f"(difference {replayed - plan.objective:.1e}); "
        f"lower bound {plan.lower_bound:.6f}, gap {plan.gap:.1e}; {len(plan.repaired_steps)} steps repaired"
    )

    mpc = MPC()
    run, mpc_s = timed(rollout, mpc, scenario, compiled)
    objective = episode_kpis(run, scenario)["objective"]
    print(
        f"MPC (24 h, re-solved every step): full year {mpc_s:8.2f} s = LP build {mpc.build_s:.2f} s + "
        f"solve {mpc.solve_s:.2f} s + rest {mpc_s - mpc.build_s - mpc.solve_s:.2f} s   (target <= 300 s)"
    )
    print(f"         objective {objective:.6f}; {mpc_s / reference_s:.1f} x the uncontrolled evaluation")
    span = reference - plan.objective
    print(f"gap closed by MPC: {100 * (reference - objective) / span:.1f} %")


if __name__ == "__main__":
    main()
