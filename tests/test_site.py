"""One definition of the observation (issue 23): `observe(state, forecasts, layout)` of the simulator's state equals the
simulator's own observation bit for bit on every step of a year, on the default site and its 15-minute variant, in
every named layout (issue 25: the `mpc` layout's last month's peaks across the month changes); and
the one-step forecasts a site controller asks for (`Forecaster.issue_at`) equal the whole-scenario ones."""

import numpy as np
import pytest

from ev_rl.core import SiteConfig
from ev_rl.data import make_scenario, scenario_set
from ev_rl.env import BatchedSimulator, compile_scenario
from ev_rl.forecast import Forecast, Learned, Perfect, SeasonalNaive, forecaster
from ev_rl.paths import resource
from ev_rl.site import LAYOUTS, observation_index, observe

SITES = {"iquitos": SiteConfig(), "iquitos-15min": SiteConfig.from_yaml(resource("configs/site/iquitos-15min.yaml"))}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("site", list(SITES))
def test_observe_equals_the_simulator_on_every_step_of_a_year(site, layout):
    config = SITES[site]
    scenario = make_scenario(config, 11)
    spd = 24 * config.simulation.steps_per_hour
    sim = BatchedSimulator([compile_scenario(scenario, "seasonal_naive", layout)], 1)
    sim.reset()
    last_month = observation_index(config, layout).get("last_month_peak_import")
    seen_last_month = 0
    issued = forecaster("seasonal_naive", config, spd).issue(scenario, spd)
    rng = np.random.default_rng(0)
    actions = rng.uniform(-1.2, 1.2, (scenario.n_steps, sim.action_size))
    for t in range(scenario.n_steps):
        one = observe(sim.state(0), Forecast(issued.pv_kw[t], issued.mall_kw[t]), layout)
        batch = sim.observe()[0]
        if not np.array_equal(one, batch):
            bad = np.flatnonzero(one != batch)
            pytest.fail(f"{site}, {layout}, step {t}: columns {bad.tolist()} differ: {one[bad]} vs {batch[bad]}")
        if last_month is not None:
            seen_last_month += bool(batch[last_month][0] > 0)
        sim.step(actions[t][None])
    if last_month is not None:  # from February on, every step knows last month's billed peak
        assert seen_last_month >= scenario.n_steps * 330 // 365, seen_last_month


@pytest.fixture(scope="module")
def small_learned():
    return Learned(max_horizon_steps=24).fit(scenario_set("train", n=2, days=28))


@pytest.mark.parametrize("site", list(SITES))
def test_issue_at_equals_the_whole_scenario_issue(site, small_learned):
    config = SITES[site]
    scenario = scenario_set("validation", config, n=1, days=21)[0]
    horizon = 24
    forecasters = [SeasonalNaive(), Perfect()] + ([small_learned] if site == "iquitos" else [])
    steps = sorted({0, 1, 23, 24, 25, 95, 96, 97, 167, 168, 169, scenario.n_steps - 30, scenario.n_steps - 1})
    for f in forecasters:
        whole = f.issue(scenario, horizon)
        for t in steps:
            one = f.issue_at(scenario, t, horizon)
            np.testing.assert_array_equal(one.pv_kw, whole.pv_kw[t], err_msg=f"{f.name} pv at {t}")
            np.testing.assert_array_equal(one.mall_kw, whole.mall_kw[t], err_msg=f"{f.name} mall at {t}")
