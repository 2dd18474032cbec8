"""Tests of the baselines (04_baselines) across the simulator (03_env) and the reward (02_reward).

On small scenarios (a few days of a test year, and random hand-made ones): the perfect-foresight
optimum replays in the simulator without violating a constraint, reproduces its own objective, and is
no worse than any other controller (uncontrolled, rule-based, MPC, random setpoints, an SB3 model);
the baselines never violate the physical contract; MPC lands between uncontrolled and the optimum;
branch and bound confirms the repaired optimum's bound; the LP builder is vectorised."""

import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import random_scenarios

from ev_rl.baselines import (
    MPC,
    Controller,
    PerfectForesight,
    RuleBased,
    Uncontrolled,
    constraint_violations,
    evaluate,
    rollout,
)
from ev_rl.core import SiteConfig
from ev_rl.data import heldout_scenarios, scenario_days
from ev_rl.dispatch import build_dispatch_lp, perfect_foresight_problem, solve_dispatch
from ev_rl.env import compile_scenario
from ev_rl.reward import episode_kpis

TOL = 1e-6


class FixedActions(Controller):
    "Replays a fixed (T, 39) array of setpoints."

    name = "fixed"

    def __init__(self, actions):
        self.actions = actions

    def act(self, observation, state):
        return self.actions[state.step]


@pytest.fixture(scope="module")
def year():
    return heldout_scenarios(SiteConfig(), 1)[0]


@pytest.fixture(scope="module")
def windows(year):
    "Three-day windows of the test year: the cloudiest, an ordinary one and the sunniest."
    pv3 = np.convolve(year.pv_kw.reshape(-1, 24).sum(1), np.ones(3), "valid")
    return {
        name: scenario_days(year, int(day), 3)
        for name, day in [("cloudy", np.argmin(pv3)), ("ordinary", 200), ("sunny", np.argmax(pv3))]
    }


def assert_feasible(trajectory, compiled):
    worst = constraint_violations(trajectory, compiled)
    assert max(worst.values()) <= TOL, {k: v for k, v in worst.items() if v > TOL}


def check_optimum_dominates(scenario, others, rel_tol=1e-9, exact=True):
    """Replay the optimum; check feasibility, its objective, and that it beats every controller in `others`.
    With `exact=True` the optimum is proven by branch and bound; the repaired LP plan (`exact=False`) is only
    within its certified gap of the optimum, so it is compared through its lower bound."""
    compiled = compile_scenario(scenario)
    optimum = PerfectForesight(exact=exact)
    trajectory = rollout(optimum, scenario, compiled)
    assert_feasible(trajectory, compiled)
    replayed = episode_kpis(trajectory, scenario)["objective"]
    plan = optimum.plan
    assert abs(replayed - plan.objective) <= rel_tol * abs(plan.objective), (replayed, plan.objective)
    assert plan.lower_bound <= replayed + rel_tol * abs(replayed)
    scores = {}
    for controller in others:
        run = rollout(controller, scenario, compiled)
        assert_feasible(run, compiled)
        scores[controller.name] = episode_kpis(run, scenario)["objective"]
        assert plan.lower_bound <= scores[controller.name] + rel_tol * abs(replayed), (controller.name, scores)
        if exact:
            assert replayed <= scores[controller.name] + rel_tol * abs(replayed), (controller.name, scores)
    return replayed, scores


@pytest.mark.parametrize("which", ["cloudy", "ordinary", "sunny"])
def test_optimum_dominates_every_controller(windows, which):
    scenario = windows[which]
    rng = np.random.default_rng(0)
    others = [
        Uncontrolled(),
        RuleBased(),
        MPC(),
        FixedActions(rng.uniform(-1, 1, (scenario.n_steps, 39))),
        FixedActions(np.ones((scenario.n_steps, 39))),
    ]
    check_optimum_dominates(scenario, others)


def test_mpc_between_optimum_and_uncontrolled_on_sunny_days(windows):
    optimum, scores = check_optimum_dominates(windows["sunny"], [Uncontrolled(), MPC()])
    assert optimum <= scores["mpc_naive"] < scores["uncontrolled"], (optimum, scores)


def test_branch_and_bound_lies_within_the_repaired_bound(windows):
    problem = perfect_foresight_problem(compile_scenario(windows["sunny"]))
    repaired, exact = solve_dispatch(problem), solve_dispatch(problem, exact=True)
    assert len(repaired.repaired_steps) > 0, "the sunny window should need a repair"
    assert repaired.lower_bound - 1e-12 <= exact.objective <= repaired.objective + 1e-12
    assert exact.gap <= 1e-8


def test_builder_is_vectorised(year):
    "The number of function calls the builder makes is the same for 2 days and for 12 days."
    problems = [perfect_foresight_problem(compile_scenario(scenario_days(year, 150, d))) for d in (2, 12)]
    build_dispatch_lp(problems[0])  # warm up lazy imports

    def calls(p):
        count = [0]

        def profile(frame, event, arg):
            if event in ("call", "c_call"):
                count[0] += 1

        sys.setprofile(profile)
        try:
            build_dispatch_lp(p)
        finally:
            sys.setprofile(None)
        return count[0]

    assert calls(problems[0]) == calls(problems[1])


def test_evaluate_runs_an_sb3_model_deterministically(windows):
    torch = pytest.importorskip("torch")
    from stable_baselines3 import PPO

    from ev_rl.env import IquitosMallEnv

    torch.set_num_threads(1)
    scenario = windows["ordinary"]
    model = PPO(
        "MlpPolicy",
        IquitosMallEnv(scenario=scenario),
        n_steps=64,
        batch_size=64,
        policy_kwargs=dict(net_arch=[16]),
        seed=0,
        device="cpu",
    )
    first, second = evaluate(model, scenario), evaluate(model, scenario)
    assert first == second
    assert evaluate(PerfectForesight(), scenario)["objective"] <= first["objective"]
    with pytest.raises(TypeError, match="neither a Controller nor a model"):
        evaluate(object(), scenario)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scenarios(max_steps=48, max_sessions=80))
def test_controllers_respect_the_contract_and_the_optimum_dominates(scenario):
    rng = np.random.default_rng(1)
    others = [Uncontrolled(), RuleBased(), MPC(horizon_h=6), FixedActions(rng.uniform(-1, 1, (scenario.n_steps, 39)))]
    check_optimum_dominates(scenario, others, rel_tol=1e-7)
