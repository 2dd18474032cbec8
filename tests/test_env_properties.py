"""Property tests of the simulator (03_env) over random scenarios and random, also extreme, actions.

Each example builds a small random scenario (random battery, export limit, time step, PV, demand and
sessions, some asking for more than they can get), runs random setpoints through the batched
simulator and checks the physical contract of DESIGN.md at every step."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import random_scenarios

from ev_rl.core import SiteConfig
from ev_rl.data import scenario_from_series
from ev_rl.env import BatchedSimulator, compile_scenario
from ev_rl.sockets import sessions_frame

TOL = 1e-6


@st.composite
def scenario_and_actions(draw):
    "A random small scenario and random setpoints for every step: uniform, extreme (+-1) or far out of range."
    scenario = draw(random_scenarios())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = (scenario.n_steps, 39)
    kind = draw(st.sampled_from(["uniform", "extreme", "wide"]))
    actions = {
        "uniform": lambda: rng.uniform(-1, 1, shape),
        "extreme": lambda: rng.choice([-1.0, 1.0], shape),
        "wide": lambda: rng.uniform(-5, 5, shape),
    }[kind]()
    return scenario, actions


def run_and_check(scenario, actions):
    "Step the scenario with the actions; assert the physical contract at every step."
    cfg, dt = scenario.config, scenario.dt_h
    compiled = compile_scenario(scenario)
    sim = BatchedSimulator([compiled], 1)
    sim.reset()
    ses = scenario.sessions
    delivered_per_session = np.zeros(len(ses))
    b = cfg.bess
    for t in range(scenario.n_steps):
        out = {k: v[0] for k, v in sim.step(actions[t][None, :]).items()}
        supply = out["pv_kwh"] + out["grid_import_kwh"] + out["bess_discharge_kwh"]
        use = out["mall_kwh"] + out["ev_kwh"] + out["bess_charge_kwh"] + out["grid_export_kwh"] + out["curtailed_kwh"]
        assert abs(supply - use) <= TOL, f"balance off by {supply - use} kWh at step {t}"
        assert b.soc_min - 1e-9 <= out["bess_soc"] <= b.soc_max + 1e-9
        for key in [
            "grid_import_kwh",
            "grid_export_kwh",
            "curtailed_kwh",
            "bess_charge_kwh",
            "bess_discharge_kwh",
            "ev_kwh",
            "bess_clipped_kwh",
            "ev_clipped_kwh",
        ]:
            assert out[key] >= -1e-12, (key, out[key])
        assert out["bess_charge_kwh"] <= b.power_kw * dt + TOL and out["bess_discharge_kwh"] <= b.power_kw * dt + TOL
        assert min(out["bess_charge_kwh"], out["bess_discharge_kwh"]) == 0.0
        assert out["grid_export_kwh"] <= cfg.grid.export_limit_kw * dt + TOL
        assert out["curtailed_kwh"] <= out["pv_kwh"] + TOL
        per_socket = sim.delivered_kwh[0]
        assert (per_socket <= cfg.ev.socket_power_kw * dt + 1e-12).all(), "a socket exceeded its rating"
        plugged = compiled.session_index[t]
        assert (per_socket[plugged < 0] == 0).all(), "energy delivered to an empty socket"
        rows = plugged[plugged >= 0]
        limit = np.minimum(ses["max_power_kw"].to_numpy()[rows], cfg.ev.socket_power_kw) * dt
        assert (per_socket[plugged >= 0] <= limit + 1e-12).all(), "a vehicle exceeded its power limit"
        arr, dep = ses["arrival_step"].to_numpy()[rows], ses["departure_step"].to_numpy()[rows]
        assert ((arr <= t) & (t < dep)).all(), "a vehicle charged outside its stay"
        np.add.at(delivered_per_session, rows, per_socket[plugged >= 0])
    requested = ses["energy_requested_kwh"].to_numpy()
    assert (delivered_per_session <= requested + 1e-9).all(), "a session got more than it asked for"
    return delivered_per_session


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_and_actions())
def test_physical_contract_holds_for_random_actions(case):
    run_and_check(*case)


def test_full_setpoint_serves_every_feasible_session():
    "With every socket at full setpoint, a lone vehicle whose request fits its stay is fully served."
    cfg = SiteConfig()
    scenario = scenario_from_series(
        cfg, np.zeros(6), np.zeros(6), sessions_frame([("motorcycle", 1, 3, 5.5, 3.0), ("mototaxi", 2, 5, 10.0, 3.5)])
    )
    got = run_and_check(scenario, np.ones((6, 39)))
    np.testing.assert_allclose(got, [5.5, 10.0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scenarios(), st.data())
def test_episode_windows_run_the_rows_they_cover(scenario, data):
    """Three copies reset to random windows [start, stop) of a scenario: each runs stop - start steps on the scenario's
    rows there, from the initial SOC with the vehicles present at `start` asking their whole requests, the physical
    contract holding; its flows are those of a one-copy run of the same window (batched equals single)."""
    n, cfg = scenario.n_steps, scenario.config
    bounds = [sorted(data.draw(st.lists(st.integers(0, n), min_size=2, max_size=2, unique=True))) for _ in range(3)]
    start, stop = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    compiled = compile_scenario(scenario)
    energy = scenario.sessions["energy_requested_kwh"].to_numpy()
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    actions = rng.uniform(-1.2, 1.2, (n, 3, 39))
    batched = BatchedSimulator([compiled], 3)
    batched.reset(start=start, stop=stop)
    together = [batched.step(actions[k]) for k in range(int((stop - start).min()))]
    assert batched.done.tolist() == (stop - start == (stop - start).min()).tolist()
    for i in range(3):
        sim = BatchedSimulator([compiled], 1)
        sim.reset(start=start[i], stop=stop[i])
        plugged = compiled.session_index[start[i]]
        asked = np.where(plugged >= 0, np.append(energy, 0.0)[plugged], 0.0)  # row -1 (free): the 0.0 appended
        np.testing.assert_array_equal(sim.remaining_kwh[0], asked)
        assert sim.energy_kwh[0] == cfg.bess.initial_soc * cfg.bess.capacity_kwh
        for k in range(stop[i] - start[i]):
            assert not sim.done[0]
            out = {key: v[0] for key, v in sim.step(actions[k, i][None, :]).items()}
            t = start[i] + k
            assert (out["pv_kwh"], out["mall_kwh"]) == (
                scenario.pv_kw[t] * cfg.simulation.dt_h,
                scenario.mall_kw[t] * cfg.simulation.dt_h,
            )
            supply = out["pv_kwh"] + out["grid_import_kwh"] + out["bess_discharge_kwh"]
            use = (
                out["mall_kwh"] + out["ev_kwh"] + out["bess_charge_kwh"] + out["grid_export_kwh"] + out["curtailed_kwh"]
            )
            assert abs(supply - use) <= TOL
            if k < len(together):
                assert {key: v[i] for key, v in together[k].items()} == out
        assert sim.done[0] and sim.t[0] == stop[i]
