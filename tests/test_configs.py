"""configs/: the site variants load into valid configurations (iquitos.yaml is the default), and every hyperparameter
preset of every algorithm gives a valid TrainParams."""

from pathlib import Path

import pytest

from ev_rl.agents import ALGOS, load_preset, preset_names
from ev_rl.core import SiteConfig
from ev_rl.train import TrainParams

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def test_iquitos_yaml_is_the_default_site():
    assert SiteConfig.from_yaml(CONFIGS / "site" / "iquitos.yaml") == SiteConfig()


@pytest.mark.parametrize("path", sorted((CONFIGS / "site").glob("*.yaml")), ids=lambda p: p.name)
def test_every_site_variant_loads(path):
    assert isinstance(SiteConfig.from_yaml(path), SiteConfig)


@pytest.mark.parametrize("algo", list(ALGOS))
def test_every_preset_gives_valid_train_params(algo):
    "Every preset file of every algorithm loads, and a run made from it trains with exactly its settings."
    names = preset_names(algo)
    assert "default" in names
    for name in names:
        assert TrainParams(algo=algo, preset=name).hyperparameters() == load_preset(algo, name)


@pytest.mark.parametrize("path", sorted((CONFIGS / "site").glob("*.yaml")), ids=lambda p: p.name)
def test_every_site_variant_simulates_within_the_physical_contract(path):
    "Two days of each variant, charged uncontrolled, keep every constraint (balance, SOC window, EV limits, ...)."
    from ev_rl.baselines import Uncontrolled, constraint_violations, rollout
    from ev_rl.data import first_days, make_scenario
    from ev_rl.env import compile_scenario

    scenario = first_days(make_scenario(SiteConfig.from_yaml(path), 0), 2)
    compiled = compile_scenario(scenario)
    worst = constraint_violations(rollout(Uncontrolled(), scenario, compiled), compiled)
    assert max(worst.values()) <= 1e-6, worst


def test_variants_say_what_they_change():
    "The variants differ from the default where their comments say, and only there."
    default = SiteConfig()
    changed = {p.stem: SiteConfig.from_yaml(p) for p in (CONFIGS / "site").glob("*.yaml")}
    assert changed["iquitos-15min"].simulation.dt_minutes == 15
    assert changed["bess-400kw"].bess.power_kw == 400.0 and changed["bess-400kw"].ev == default.ev
    assert changed["ev-sized"].ev.n_sockets == 108 and changed["ev-sized"].ev.motorcycle.daily_vehicles == 270.0
    flexible = changed["flexible-fleet"].ev
    assert flexible.n_sockets == 38 and flexible.motorcycle.dwell_min_h == 4.0
    # as many stays a day as the sockets hold at the mean dwell over the 13 opening hours
    open_h = flexible.close_hour - flexible.open_hour
    for v in flexible.vehicles:
        assert abs(v.daily_vehicles - v.sockets * open_h / v.dwell_mean_h) < 0.1, v.name
