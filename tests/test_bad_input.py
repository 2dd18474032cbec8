"""Bad input gets a clear error naming the file, row, field or parameter and what would be accepted; nothing is
silently fixed (issue 27). Three classes: hyperparameter presets and search spaces (05_agents, 06a_tune); forecasts
and controllers (01f_forecast, 03b_controllers); the compact results `make figures` reads (07a_paper)."""

import re
import shutil
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import yaml

from ev_rl.agents import ENV_ID, load_preset, with_changes
from ev_rl.baselines import MPC, Controller, PeakShaving, PerfectForesight, Uncontrolled, evaluate, rollout
from ev_rl.core import ConfigError
from ev_rl.data import scenario_set
from ev_rl.env import compile_scenario
from ev_rl.forecast import Forecaster, Learned, Perfect, SeasonalNaive
from ev_rl.paper import load_inputs, read_result_csv
from ev_rl.paths import REPOSITORY
from ev_rl.train import TrainParams

# --- 6. presets and search spaces -------------------------------------------------------------------------------


@pytest.fixture()
def presets(tmp_path):
    "A folder holding PPO's default preset (as `default.yaml`); `write(name, settings)` adds a preset beside it."
    (tmp_path / "default.yaml").write_text(yaml.safe_dump({ENV_ID: load_preset("ppo")}, sort_keys=False))

    def write(name: str, settings) -> str:
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
        return str(tmp_path / f"{name}.yaml")

    write.folder = tmp_path
    return write


@pytest.mark.parametrize(
    "change, message",
    [
        ({"batch_size": 0}, "batch_size = 0: must be a whole number >= 2"),
        ({"batch_size": 64.5}, "batch_size = 64.5: must be a whole number >= 2"),
        ({"n_steps": 0}, "n_steps = 0: must be a whole number >= 1"),
        ({"n_epochs": "ten"}, "n_epochs = 'ten': must be a whole number >= 1"),
        ({"ent_coef": -1.0}, "ent_coef = -1.0: must be a number >= 0"),
        ({"vf_coef": -0.5}, "vf_coef = -0.5: must be a number >= 0"),
        ({"max_grad_norm": -1}, "max_grad_norm = -1: must be a number > 0"),
        ({"target_kl": -1}, "target_kl = -1: must be a number > 0"),
        ({"learning_rate": float("inf")}, "learning_rate = inf: must be a number > 0"),
        ({"learning_rate": "lin_-0.1"}, "learning_rate = 'lin_-0.1': must be a number > 0"),
        ({"policy_kwargs.log_std_init": "x"}, "policy_kwargs.log_std_init = 'x': must be a finite number"),
        ({"policy_kwargs.net_arch.pi": [0, 64]}, "policy_kwargs.net_arch.pi = [0, 64]: must be a list of whole"),
        ({"policy_kwargs.net_arch": "big"}, "policy_kwargs.net_arch = 'big': must be a list of whole"),
        ({"normalize_advantage": "yes"}, "normalize_advantage = 'yes': must be true or false"),
    ],
)
def test_a_preset_value_outside_its_bounds_names_the_file_the_preset_and_the_bounds(presets, change, message):
    path = presets("mine", {ENV_ID: with_changes(load_preset("ppo"), change)})
    with pytest.raises(ConfigError, match="mine.yaml, preset 'mine': ") as e:
        load_preset("ppo", path)
    assert message in str(e.value)
    with pytest.raises(ConfigError, match="TrainParams.hyperparams on preset 'default'"):  # a run's changes likewise
        TrainParams(hyperparams=change)


def test_a_preset_of_the_wrong_shape_or_with_a_key_twice_names_the_file_and_the_preset(presets):
    for settings, message in [
        (["n_steps", 128], "found a list"),
        ({"Pendulum-v1": load_preset("ppo")}, "found ['Pendulum-v1']"),
        ({ENV_ID: [1, 2]}, f"found {ENV_ID}: a list"),
        (None, "found nothing"),
    ]:
        with pytest.raises(ConfigError, match=r"mine.yaml, preset 'mine': must hold one entry, ") as e:
            load_preset("ppo", presets("mine", settings))
        assert message in str(e.value)
    twice = presets.folder / "twice.yaml"
    twice.write_text(f"{ENV_ID}:\n  n_steps: 128\n  policy: MlpPolicy\n  n_steps: 64\n")
    with pytest.raises(ConfigError, match="twice.yaml: line 4: duplicated key 'n_steps'"):
        TrainParams(preset=str(twice))
    (presets.folder / "binary.yaml").write_bytes(bytes(range(128, 256)))
    with pytest.raises(ConfigError, match="binary.yaml: not a UTF-8 text file"):
        load_preset("ppo", str(presets.folder / "binary.yaml"))


@pytest.mark.parametrize(
    "space, message",
    [
        ({"ent_coef": {"loguniform": [0, 0.1]}}, "ent_coef.loguniform = [0, 0.1]: a log-uniform range needs 0 < low"),
        ({"learning_rate": {"loguniform": [0.0, 0.001]}}, "learning_rate.loguniform = [0.0, 0.001]: a log-uniform"),
        ({"learning_rate": {"uniform": [-0.001, 0.001]}}, "learning_rate = -0.001 makes an invalid preset"),
        ({"gamma": {"uniform": [0.9, 1.5]}}, "gamma = 1.5 makes an invalid preset from the base 'default'"),
        ({"ent_coef": {"uniform": [-0.1, 0.1]}}, "ent_coef = -0.1: must be a number >= 0"),
        ({"vf_coef": {"choice": [-1, 1]}}, "vf_coef = -1: must be a number >= 0"),
        ({"batch_size": {"uniform": [32, 256]}}, "batch_size.uniform = [32, 256]: samples real numbers"),
        ({"n_epochs": {"randint": [1.5, 10]}}, "n_epochs.randint = [1.5, 10]: needs two whole numbers"),
        ({"gamma": {"uniform": ["a", "b"]}}, "gamma.uniform = ['a', 'b']: needs [low, high], two finite numbers"),
        ({"gamma": {"uniform": 0.9}}, "gamma.uniform = 0.9: needs [low, high], two finite numbers"),
        ({"learning_rate": {"loguniform": [1e-05, float("inf")]}}, "needs [low, high], two finite numbers"),
    ],
)
def test_a_search_space_out_of_bounds_is_refused_before_ray_starts(presets, space, message):
    from ev_rl.tune import tune_algorithm

    def ray_starts(*args, **kwargs):
        raise AssertionError("the search reached Ray Tune: a trial would meet the bad value")

    search = presets("search", {"base": "default", **space})
    with mock.patch("ev_rl.tune._tuner", ray_starts), pytest.raises(ConfigError, match="search.yaml: ") as e:
        tune_algorithm("ppo", trials=1, search_file=search, storage=presets.folder / "ray")
    assert message in str(e.value), str(e.value)


# --- 9. forecasts and controllers --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def days():
    "Two 2-day scenarios of two validation years, and 3 days of the first."
    a, b = scenario_set("validation", n=2, days=2)
    return a, b, scenario_set("validation", n=1, days=3)[0]


class Fixed(Forecaster):
    "Gives the forecasts it holds, whatever the scenario: forecasts issued for another scenario or horizon."

    name = "fixed"

    def __init__(self, forecast):
        self.forecast = forecast

    def issue(self, scenario, horizon_steps):
        return self.forecast


@pytest.mark.parametrize(
    "make, issued_on, horizon, message",
    [
        (lambda f: MPC(horizon_h=6, forecaster=f), "other", 6, "issued for 'validation-2:days0-1'"),
        (lambda f: MPC(horizon_h=6, forecaster=f), "longer", 6, "shape (72, 6)"),
        (lambda f: MPC(horizon_h=6, forecaster=f), "same", 12, "shape (48, 12)"),
        (lambda f: MPC(horizon_h=6, forecaster=f), "same", 3, "shape (48, 3)"),
        (lambda f: PeakShaving(forecaster=f), "longer", 24, "shape (72, 24)"),
    ],
)
def test_forecasts_for_another_scenario_or_horizon_are_refused_where_a_controller_reads_them(
    days, make, issued_on, horizon, message
):
    a, b, longer = days
    forecast = Perfect().issue({"same": a, "other": b, "longer": longer}[issued_on], horizon)
    controller = make(Fixed(forecast))
    with pytest.raises(ValueError, match=f"{controller.name}: the forecasts of fixed ") as e:
        evaluate(controller, a)
    assert message in str(e.value) and "validation-1:days0-1" in str(e.value), str(e.value)


def test_a_scenario_compiled_for_another_scenario_is_refused(days):
    a, b, longer = days
    for controller in (Uncontrolled(), PerfectForesight()):
        for other in (b, longer):
            with pytest.raises(ValueError, match="compiled for scenario 'validation-"):
                rollout(controller, a, compile_scenario(other))


def test_an_mpc_horizon_that_is_no_whole_number_of_steps_is_refused(days):
    for h in (0.01, 1.5):
        with pytest.raises(ValueError, match=f"MPC: horizon_h = {h} h is not a whole number of steps"):
            evaluate(MPC(horizon_h=h), days[0])
    for h in (0, -1, float("nan"), "24", True, None):
        with pytest.raises(ValueError, match="MPC: horizon_h = .* must be > 0"):
            MPC(horizon_h=h)


def test_forecaster_parameters_and_histories_too_short_name_the_minimum(days):
    a = days[0]
    with pytest.raises(ValueError, match="Learned: issue_stride = 0 must be a whole number >= 1"):
        Learned(issue_stride=0)
    with pytest.raises(ValueError, match="Learned: max_horizon_steps = 0 must be a whole number >= 1"):
        Learned(max_horizon_steps=0)
    with pytest.raises(ValueError, match=r"Learned.fit: scenarios\[0\] \('validation-1:days0-1'\) holds 48 steps.*"):
        Learned(4).fit([a])
    with pytest.raises(ValueError, match="at least 8 days .192 steps."):
        Learned(4).fit([a])
    short = type("History", (), dict(config=a.config, time=a.time, pv_kw=a.pv_kw[:10], mall_kw=a.mall_kw[:10]))
    for f in (SeasonalNaive(), Perfect()):
        with pytest.raises(ValueError, match=f"{type(f).__name__}.issue_at: step = 20 needs the 20 values before"):
            f.issue_at(short, 20, 4)


class Returns(Controller):
    "Returns what it is given."

    name = "returns"

    def __init__(self, value):
        self.value = value

    def act(self, observation, state):
        return self.value


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "got NoneType"),
        (np.full(39, np.nan), "action[0] is nan"),
        (np.zeros(38), "got 38 values"),
        ("x", "got str"),
    ],
)
def test_a_controller_returning_no_valid_action_is_named(days, value, message):
    with pytest.raises(ValueError, match=r"returns: action") as e:
        evaluate(Returns(value), days[0])
    assert message in str(e.value) and "39 finite setpoints (shape (39,))" in str(e.value), str(e.value)


# --- 10. the results `make figures` reads -----------------------------------------------------------------------


@pytest.fixture()
def results(tmp_path):
    "A copy of the committed compact results (their dispatch series left out)."
    shutil.copytree(REPOSITORY / "paper" / "results", tmp_path / "r", ignore=shutil.ignore_patterns("timeseries_*"))
    return tmp_path / "r"


def _drop(path: Path, query: str) -> None:
    "Remove the first row of a results table that matches `query`."
    table = pd.read_csv(path)
    table.drop(index=table.query(query).index[0]).to_csv(path, index=False)


def test_the_committed_results_are_complete(results):
    load_inputs(root=results)


@pytest.mark.parametrize(
    "rel, query, message",
    [
        ("compare/validation_curves.csv", "controller=='ppo' and seed==3", "ppo seed 3: no evaluation before"),
        ("compare/validation_curves.csv", "controller=='ppo' and seed==3 and timesteps>5e5", "ppo seed 3: 20 eval"),
        ("compare/validation_curves.csv", "controller=='sac' and seed==1 and timesteps>22000", "sac seed 1: its last"),
        ("compare/validation_curve_bands.csv", "controller=='ppo' and timesteps>5e5", "ppo: no row between"),
        ("yardsticks.csv", "variant=='iquitos' and controller=='mpc_naive' and scenario=='test-b'", "mpc_naive"),
        ("compare/scores.csv", "controller=='ppo' and seed==2 and scenario=='test-b'", "'seed': 2"),
        ("compare/scores.csv", "controller=='mpc_naive' and scenario=='test-b'", "'scenario': 'test-b'"),
        ("compare/aggregate.csv", "controller=='ppo'", "'controller': 'ppo'"),
        ("compare/site_aggregate.csv", "controller=='ppo'", "'controller': 'ppo'"),
        ("long_run/learning_curve.csv", "timesteps == 500000", "no evaluation at 500000 steps"),
        ("levers.csv", "lever=='wide_policy' and seed==1", "'lever': 'wide_policy', 'seed': 1"),
        ("prior_study_ppo.csv", "seed==1 and scenario=='test-b'", "'seed': 1, 'scenario': 'test-b'"),
        (
            "curves/validation_curves.csv",
            "controller=='a2c' and seed==1 and timesteps==750000",
            "'seed': 1, 'timesteps'",
        ),
        ("curves/aggregate.csv", "controller=='ppo'", "'controller': 'ppo', 'metric': 'objective'"),
    ],
)
def test_a_results_table_missing_a_row_is_refused_naming_the_file_and_the_row(results, rel, query, message):
    _drop(results / rel, query)
    with pytest.raises(ValueError, match=f"{results / rel}: ") as e:
        load_inputs(root=results)
    assert message in str(e.value), str(e.value)


def test_a_results_table_cut_at_a_row_boundary_is_refused(results):
    path = results / "compare" / "scores.csv"
    path.write_text("".join(path.read_text().splitlines(True)[:5]))
    with pytest.raises(ValueError, match=f"{path}: no row "):
        load_inputs(root=results)


def test_a_dispatch_series_missing_a_step_is_refused(tmp_path):
    series = pd.read_csv(REPOSITORY / "paper" / "results" / "compare" / "timeseries_ppo.csv.gz")
    series.drop(index=100).to_csv(tmp_path / "timeseries_ppo.csv.gz", index=False)
    missing = "test-a: no row between 2025-01-05 03:00:00-05:00 and 2025-01-05 05:00:00-05:00 (one row every 60 min)"
    with pytest.raises(ValueError, match=f"timeseries_ppo.csv.gz: not a complete results table .{re.escape(missing)}"):
        read_result_csv(tmp_path / "timeseries_ppo.csv.gz", "compare")
