"""A failed papermill run of the training notebook (an invalid or misspelt parameter, a model that cannot load) exits
non-zero and keeps the executed notebook written so far, with the error in it."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPERMILL = Path(sys.executable).parent / "papermill"


def _run(out: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    "Run nbs/05_train_ppo.ipynb with papermill's CLI from nbs/; the process and the executed notebook."
    executed = out / "05_train_ppo.ipynb"
    proc = subprocess.run(
        [
            str(PAPERMILL),
            str(ROOT / "nbs" / "05_train_ppo.ipynb"),
            str(executed),
            "--cwd",
            str(ROOT / "nbs"),
            "-p",
            "output_dir",
            str(out / "runs"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert executed.is_file(), "papermill did not keep the executed notebook"
    return proc, json.loads(executed.read_text())


def _errors(nb: dict) -> list[dict]:
    "Error outputs of the executed notebook."
    return [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


def _executed_before_error(nb: dict) -> int:
    "Number of code cells that ran before the failing one."
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    first = next(i for i, c in enumerate(cells) if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    return sum(c.get("execution_count") is not None for c in cells[:first])


def test_invalid_parameter_fails_the_run_and_keeps_the_notebook(tmp_path):
    proc, nb = _run(tmp_path, "-y", "{hyperparams: {gamma: 1.5}}")
    assert proc.returncode != 0
    errors = _errors(nb)
    message = "TrainParams.hyperparams on preset 'default': gamma = 1.5: must be in (0, 1]"
    assert len(errors) == 1 and message in errors[0]["evalue"], errors
    assert _executed_before_error(nb) >= 2  # the imports and the injected parameters ran and are kept
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and "1.5" in "".join(injected[0]["source"])  # papermill's cell is in the notebook


def test_model_that_cannot_load_fails_the_run_and_keeps_the_notebook(tmp_path):
    corrupt = tmp_path / "corrupt_model.zip"
    corrupt.write_bytes(b"PK\x03\x04 this is not a Stable-Baselines3 model")
    proc, nb = _run(
        tmp_path,
        "-p",
        "resume_from",
        str(corrupt),
        "-p",
        "total_timesteps",
        "64",
        "-y",
        "{hyperparams: {n_envs: 2, env_kwargs.scenario_pool: 2}}",
        "-p",
        "validation_scenarios",
        "1",
        "-p",
        "validation_days",
        "1",
        "-p",
        "test_scenarios",
        "0",
    )
    assert proc.returncode != 0
    errors = _errors(nb)
    assert len(errors) == 1, errors
    assert _executed_before_error(nb) >= 3
    assert not list((tmp_path / "runs").glob("*/final_model.zip"))  # nothing claims to be a trained model


def test_a_misspelt_parameter_stops_the_run_before_it_trains(tmp_path):
    "`-p gama 0.9`: papermill would add an unread variable; the notebook names it and its accepted parameters."
    proc, nb = _run(tmp_path, "-p", "gama", "0.9")
    assert proc.returncode != 0
    errors = _errors(nb)
    assert (
        len(errors) == 1
        and "papermill parameter 'gama': nbs/05_train_ppo.ipynb has no such parameter" in (errors[0]["evalue"])
    ), errors
    assert "hyperparams" in errors[0]["evalue"]  # where an algorithm's setting goes
    assert not (tmp_path / "runs").exists() or not list((tmp_path / "runs").glob("*/final_model.zip"))
