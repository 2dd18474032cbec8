"""data/ holds what the code generates: regenerating the default scenario gives the committed bytes."""

from pathlib import Path

import pytest

from ev_rl.core import SiteConfig
from ev_rl.data import TEST_NAMES, make_scenario, read_scenario, write_scenario

DATA = Path(__file__).resolve().parents[1] / "data"


def test_default_scenario_files_are_regenerated_exactly(tmp_path):
    config = SiteConfig()
    written = write_scenario(make_scenario(config, config.simulation.seed, name="default"), tmp_path / "default")
    for name in ["series.csv", "sessions.csv.gz", "config.yaml"]:
        assert (written / name).read_bytes() == (DATA / "scenarios" / "default" / name).read_bytes(), (
            f"data/scenarios/default/{name} is stale: run `make data` and commit data/"
        )


@pytest.mark.parametrize("name", TEST_NAMES)
def test_test_years_are_on_disk_and_load(name):
    scenario = read_scenario(DATA / "scenarios" / name)
    assert scenario.n_steps == SiteConfig().simulation.n_steps
    assert len(scenario.sessions) > 100_000


def test_data_card_reports_every_scenario():
    card = (DATA / "README.md").read_text()
    for name in ("default", *TEST_NAMES):
        assert f"| {name} " in card or f" {name} |" in card
    assert "performance ratio (must be < 1)" in card
