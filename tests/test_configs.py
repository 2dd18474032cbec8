"""configs/: the site variants load into valid configurations (iquitos.yaml is the default), and every hyperparameter
preset of every algorithm gives a valid TrainParams."""

from pathlib import Path

import pytest
import yaml

from ev_rl.core import SiteConfig
from ev_rl.train import ALGORITHMS, ENV_ID, TrainParams, load_preset, preset_path

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def test_iquitos_yaml_is_the_default_site():
    assert SiteConfig.from_yaml(CONFIGS / "site" / "iquitos.yaml") == SiteConfig()


@pytest.mark.parametrize("path", sorted((CONFIGS / "site").glob("*.yaml")), ids=lambda p: p.name)
def test_every_site_variant_loads(path):
    assert isinstance(SiteConfig.from_yaml(path), SiteConfig)


@pytest.mark.parametrize("algo", ALGORITHMS)
def test_every_preset_gives_valid_train_params(algo):
    presets = yaml.safe_load(preset_path(algo).read_text())[ENV_ID]
    assert "default" in presets
    for name in presets:
        params = TrainParams(algo=algo, preset=name)
        assert {k: list(v) if isinstance(v, tuple) else v for k, v in params.hyperparameters().items()} == load_preset(
            algo, name
        )
