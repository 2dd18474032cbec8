"""Refactors keep every number: the KPIs of the yardsticks on the default scenario and one test year, and a batched
random-action trajectory, are compared bit for bit with a record made before the architecture refactor (issue 11).

Re-record only for a change that is meant to change results, and say so in the commit:
    .venv/bin/python tests/test_bitwise.py --record
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from ev_rl.baselines import MPC, PerfectForesight, RuleBased, Uncontrolled, evaluate
from ev_rl.core import SiteConfig
from ev_rl.data import first_days, heldout_scenarios, make_scenario
from ev_rl.env import BatchedSimulator, compile_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "bitwise_record.json"
CONTROLLERS = {"uncontrolled": Uncontrolled, "rule_based": RuleBased, "mpc": MPC, "optimum": PerfectForesight}


@pytest.fixture(autouse=True)
def _fresh_scenario_cache(tmp_path, monkeypatch):
    "Every year drawn by the generators, not read from the scenario cache (what the record checks is the drawing)."
    monkeypatch.setenv("EV_RL_CACHE", str(tmp_path))


def _scenarios():
    "The default scenario (seed 0) and the first test year."
    config = SiteConfig()
    return {"default": make_scenario(config, config.simulation.seed), "test-a": heldout_scenarios(config, 1)[0]}


def _digest(a) -> str:
    "SHA-256 of an array's dtype, shape and bytes."
    a = np.ascontiguousarray(a)
    return hashlib.sha256(f"{a.dtype}{a.shape}".encode() + a.tobytes()).hexdigest()


def random_action_trajectory() -> dict[str, str]:
    "Digests of every output and observation of 3 batched copies over 14 days of random actions, one copy reset midway."
    config = SiteConfig()
    bank = [compile_scenario(first_days(s, 14)) for s in _scenarios().values()]
    sim = BatchedSimulator(bank, 3)
    sim.reset(scenario_index=np.array([0, 1, 1]))
    rng = np.random.default_rng(7)
    rows, observations = [], [sim.observe()]
    for t in range(sim.n_steps):
        rows.append(sim.step(rng.uniform(-1.3, 1.3, (3, 1 + config.ev.n_sockets))))
        if t == 100:
            sim.reset(np.array([2]), scenario_index=np.array([0]))
        if t < sim.n_steps - 1 and not (sim.t >= sim.n_steps).any():
            observations.append(sim.observe())
    out = {k: _digest(np.stack([r[k] for r in rows])) for k in rows[0]}
    out["observations"] = _digest(np.stack(observations))
    return out


def record() -> dict:
    "Every KPI of every yardstick on both scenarios, and the trajectory digests."
    kpis = {name: {c: evaluate(cls(), s) for c, cls in CONTROLLERS.items()} for name, s in _scenarios().items()}
    return {"kpis": kpis, "trajectory": random_action_trajectory()}


# KPIs added after the record, with the reason; every recorded KPI must still be equal bit for bit
ADDED_KPIS = ("billed_offpeak_kw", "billed_peak_kw")  # issue 13: the billed monthly peaks in the yardstick table


def _avx512_kernels() -> bool:
    "Whether NumPy dispatches to its AVX-512 kernels here (the Makefile's NPY_DISABLE_CPU_FEATURES turns them off)."
    from numpy._core._multiarray_umath import __cpu_features__

    return bool(
        __cpu_features__.get("X86_V4") or __cpu_features__.get("AVX512F") and __cpu_features__.get("AVX512_SKX")
    )


@pytest.fixture(scope="module")
def recorded() -> dict:
    if _avx512_kernels():  # they round some results differently in the last bit: the record would not hold
        pytest.fail(
            "NumPy uses its AVX-512 kernels: run the tests through make (it sets NPY_DISABLE_CPU_FEATURES="
            "'X86_V4 AVX512_ICL AVX512_SPR' and ATEN_CPU_CAPABILITY=avx2), or set them yourself"
        )
    return json.loads(FIXTURE.read_text())


@pytest.mark.parametrize("controller", list(CONTROLLERS))
def test_kpis_bitwise_unchanged(recorded, controller):
    "json stores floats by repr, which round-trips: equality here is equality of bits."
    for name, scenario in _scenarios().items():
        now = evaluate(CONTROLLERS[controller](), scenario)
        before = recorded["kpis"][name][controller]
        assert set(now) - set(before) == set(ADDED_KPIS) and set(before) <= set(now), (name, set(now) ^ set(before))
        changed = {
            k: (before[k], now[k])
            for k in before
            if not (now[k] == before[k] or (now[k] != now[k] and before[k] != before[k]))
        }
        assert not changed, f"{controller} on {name}: {changed}"


def test_batched_trajectory_bitwise_unchanged(recorded):
    now = random_action_trajectory()
    assert set(now) == set(recorded["trajectory"])
    changed = [k for k in now if now[k] != recorded["trajectory"][k]]
    assert not changed, changed


if __name__ == "__main__" and "--record" in sys.argv:
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(record(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {FIXTURE}")
