"""Tuning on Ray (nbs/06a_tune.ipynb): a tiny search runs end to end on a local Ray, writes its record and a `tuned`
preset, and never reads a test scenario (its trials run with the test set sealed: a test scenario raises there); the
yardsticks' searches likewise, and a committed tuned yardstick reproduces the validation score of its record."""

import json

import pytest
import yaml

from ev_rl.agents import ENV_ID, load_preset, with_changes
from ev_rl.baselines import yardstick, yardstick_preset
from ev_rl.data import validation_set
from ev_rl.paths import REPOSITORY
from ev_rl.tune import (
    lever_study,
    load_search_space,
    ray_session,
    tune_algorithm,
    tune_yardstick,
    validation_score,
    write_tuning,
    write_yardstick_tuning,
    yardstick_tuning_markdown,
)

TINY = {"n_envs": 2, "env_kwargs.scenario_pool": 2, "n_steps": 32, "batch_size": 32, "n_epochs": 2}  # PPO's default


@pytest.fixture(scope="module")
def search_file(tmp_path_factory):
    "A two-setting search space beside a tiny base preset (PPO's default on two copies of two years)."
    folder = tmp_path_factory.mktemp("hp")
    (folder / "tiny.yaml").write_text(yaml.safe_dump({ENV_ID: with_changes(load_preset("ppo"), TINY)}, sort_keys=False))
    space = {"base": "tiny", "learning_rate": {"loguniform": [0.0001, 0.001]}, "n_epochs": {"choice": [1, 2]}}
    (folder / "search.yaml").write_text(yaml.safe_dump(space, sort_keys=False))
    return folder / "search.yaml"


@pytest.fixture(scope="module")
def local_ray():
    "One local Ray for the searches of this file (each is its own Tune run; starting Ray takes seconds on 2 cores)."
    with ray_session(num_cpus=2):
        yield


def test_a_tiny_search_writes_its_record_and_a_tuned_preset(tmp_path, search_file, local_ray):
    records = tune_algorithm(
        "ppo",
        trials=2,
        max_steps=2048,
        max_seconds=120.0,
        evaluations=2,
        validation_scenarios=1,
        validation_days=2,
        workers=2,
        forecaster="seasonal_naive",  # the learned one would add its fit to each trial
        storage=tmp_path / "tune",
        search_file=search_file,
    )
    # both trials finished: a trial that built a test scenario would have raised (the seal) and be "error"
    assert len(records) == 2 and (records["status"] == "done").all(), records
    assert records["learning_rate"].between(0.0001, 0.001).all() and (records["timesteps"] > 0).all()
    assert records["learning_rate"].iloc[0] == 0.0003  # the first trial is the base preset (lin_0.0003)
    summary = write_tuning("ppo", records, {"trials": 2, "max_steps": 2048}, tmp_path / "record", search_file)
    assert (tmp_path / "record" / "ppo.csv").is_file()
    record = json.loads((tmp_path / "record" / "ppo.json").read_text())
    assert record["trials"] == 2 and 0 < record["wall_s"] < 600  # the search's span, from its trials' clocks
    tuned = load_preset("ppo", str(search_file.parent / "tuned.yaml"))  # beside the search space and its base
    assert tuned == summary["tuned"] and tuned["n_envs"] == 2 and tuned["learning_rate"].startswith("lin_")
    assert tuned["n_epochs"] in (1, 2) and isinstance(tuned["n_epochs"], int)
    assert load_search_space("ppo", search_file)[0] == str(search_file.parent / "tiny.yaml")  # the space is kept


def test_every_hyperparameter_file_has_a_valid_search_space():
    for algo in ("ppo", "a2c", "sac"):
        base, space = load_search_space(algo)
        assert base == "default" and len(space) >= 5


def test_a_tiny_lever_study_trains_each_lever_on_validation_only(tmp_path, local_ray):
    "Two levers x one seed on a local Ray: one row per run, validation scores only (the test set is sealed)."
    base = {"algo": "ppo", "preset": "default", "forecaster": "seasonal_naive", "hyperparams": TINY}
    levers = {"headline": {}, "reward_scaling": {"reward_scaling": "return_std"}}
    table = lever_study(
        levers,
        seeds=[0],
        total_timesteps=1024,
        evaluations=2,
        workers=2,
        results_dir=tmp_path,
        base=base,
        validation_scenarios=1,
        validation_days=2,
    )
    assert list(table["lever"]) == ["headline", "reward_scaling"] and (table["timesteps"] == 1024).all()
    assert table["gap_closed"].notna().all() and (table["gap_closed"] >= table["last_gap_closed"] - 1e-12).all()
    for run in table["run"]:  # a run that had built a test scenario would have raised in its trial (the seal)
        summary = json.loads(next(tmp_path.glob(f"runs/{run}/summary.json")).read_text())
        assert summary["report_set"] == "validation" and summary["test_mean"] is None
    scaled = json.loads(next(tmp_path.glob(f"runs/{table['run'][1]}/summary.json")).read_text())["params"]
    assert scaled["reward_scaling"] == "return_std" and scaled["forecaster"] == "seasonal_naive"
    # the scaled reward changes what PPO learns, not how it is scored
    assert table["gap_closed"][0] != table["gap_closed"][1]


def test_a_tiny_yardstick_search_starts_from_the_untuned_row_and_writes_its_tuned_file(tmp_path, local_ray):
    "Peak shaving, three trials on one day of each quarter of one validation year: the record and the tuned file."
    space = {"window_h": {"choice": [6.0, 24.0]}, "demand_margin": {"uniform": [0.0, 0.1]}}
    (tmp_path / "search.yaml").write_text(yaml.safe_dump(space))
    records = tune_yardstick(
        "peak_shaving", trials=3, n_years=1, days=1, workers=2, storage=tmp_path / "tune",
        search_file=tmp_path / "search.yaml",
    )  # fmt: skip
    # every trial finished: one that had built a test scenario would have raised (the seal) and be "error"
    assert len(records) == 3 and (records["status"] == "done").all(), records
    assert (records["window_h"].iloc[0], records["demand_margin"].iloc[0]) == (24.0, 0.0)  # the untuned row first
    untuned = validation_score(lambda: yardstick("peak_shaving"), validation_set(None, 1, 1))
    assert records["gap_closed"].iloc[0] == pytest.approx(untuned["gap_closed"], abs=1e-12)
    summary = write_yardstick_tuning("peak_shaving", records, {"trials": 3}, tmp_path / "record", tmp_path / "preset")
    assert summary["best_validation_gap_closed"] == records["gap_closed"].max() >= untuned["gap_closed"]
    tuned = yardstick_preset("peak_shaving", path=tmp_path / "preset" / "tuned.yaml")
    assert tuned == summary["tuned"] and set(tuned) == set(space)
    assert (tmp_path / "record" / "peak_shaving.csv").is_file()


@pytest.mark.parametrize("name", ["peak_shaving", "mpc_learned"])
def test_a_tuned_yardstick_loads_by_name_and_reproduces_its_record(name):
    "The committed tuned.yaml, made by its registry row, scores on the validation set what the search recorded."
    record = json.loads((REPOSITORY / "paper" / "results" / "tuning" / f"{name}.json").read_text())
    controller = yardstick(f"{name}_tuned")
    assert {k: getattr(controller, k) for k in record["tuned"]} == record["tuned"] == yardstick_preset(name)
    budget = record["budget"]
    windows = validation_set(None, budget["validation_years"], budget["validation_days"])
    assert len(windows) == 4 * budget["validation_years"]
    score = validation_score(lambda: yardstick(f"{name}_tuned"), windows)
    assert score["gap_closed"] == pytest.approx(record["best_validation_gap_closed"], abs=1e-12)


def test_the_readme_reports_the_yardsticks_tuning_as_its_records_make_it():
    table = yardstick_tuning_markdown()
    assert table in (REPOSITORY / "README.md").read_text(), "README: paste ev_rl.tune.yardstick_tuning_markdown()"


def test_the_readme_reports_the_yardsticks_as_the_committed_table_makes_them():
    import pandas as pd

    from ev_rl.yardsticks import yardstick_summary_markdown

    table = yardstick_summary_markdown(pd.read_csv(REPOSITORY / "paper" / "results" / "yardsticks.csv"))
    assert table in (REPOSITORY / "README.md").read_text(), "README: paste ev_rl.yardsticks.yardstick_summary_markdown"


def test_the_readme_reports_the_clone_levers_as_the_committed_table_makes_them():
    import pandas as pd

    from ev_rl.tune import clone_levers_markdown

    table = clone_levers_markdown(pd.read_csv(REPOSITORY / "paper" / "results" / "clone_levers.csv"))
    assert table in (REPOSITORY / "README.md").read_text(), "README: paste ev_rl.tune.clone_levers_markdown"
