"""What a newcomer reads works as written: every Python block of the README runs verbatim, each in a fresh
interpreter (so that a block cannot lean on another's imports), in a scratch folder that holds what the README says
exists at that point (a run folder of `make train`, made here by a short real training run)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ev_rl.train import TrainParams, train

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(), flags=re.S | re.M)


def test_readme_has_python_blocks():
    "The blocks below are found (a change of fence style would otherwise skip them all)."
    assert len(BLOCKS) >= 3, f"README: {len(BLOCKS)} ```python blocks found"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    "A folder with a finished run of the `make train` pipeline under runs/train (tiny: 4,096 steps, 2 validation days)."
    folder = tmp_path_factory.mktemp("readme")
    params = TrainParams(
        algo="ppo",
        preset="tuned",
        total_timesteps=4096,
        hyperparams={"env_kwargs.scenario_pool": 2},
        validation_scenarios=1,
        validation_days=2,
        test_scenarios=0,
        checkpoint_every=4096,
        output_dir=str(folder / "runs" / "train"),
    )
    train(params)
    return folder


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs_verbatim(index, scratch):
    block = BLOCKS[index]
    done = subprocess.run([sys.executable, "-c", block], cwd=scratch, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"README Python block {index + 1}:\n{block}\n--- stderr ---\n{done.stderr[-3000:]}"
    assert done.stdout.strip(), f"README Python block {index + 1} printed nothing: each block shows its result"
