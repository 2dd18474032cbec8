"""The comparison's parts that need no tiny paper (tests/test_compare.py builds one): runs trained in worker
processes, the aggregation against values computed by hand, and the README's tables generated from committed records.
A file of their own, so that pytest-xdist runs them beside the tiny paper's file rather than after it."""

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def test_workers_do_not_change_results(tmp_path):
    """Runs trained two at a time in worker processes score exactly as when trained one after another in one worker
    (Ray reuses its process for the next run: nothing of a run may leak into the next; step budgets)."""
    import pandas as pd

    from ev_rl.compare import collect_runs, train_all
    from ev_rl.tune import ray_session

    small = {"hyperparams": {"gamma": 0.9}, "validation_scenarios": 1, "validation_days": 2}
    settings = dict(test_days=2, test_scenarios=1, overrides={"ppo": small}, curve_points=2)

    def scores(workers: int) -> pd.DataFrame:
        runs = train_all(
            ["ppo"], [0, 1], {"ppo": 4096}, results_dir=tmp_path / str(workers), workers=workers, **settings
        )
        frame = collect_runs(runs)["scores"].query("controller == 'ppo'")
        return frame.drop(columns="run").sort_values("seed").reset_index(drop=True)

    with ray_session(num_cpus=2):  # one local Ray for both experiments (each is its own Tune run)
        alone, paired = scores(1), scores(2)
    assert len(alone) == 2 and alone["objective"].notna().all()
    pd.testing.assert_frame_equal(alone, paired[alone.columns], check_dtype=False, rtol=1e-12)


def test_aggregation_against_hand_computed_values():
    "IQM and the stratified bootstrap interval on small fixed sets of scores."
    from ev_rl import compare
    from ev_rl.stats import iqm, stratified_bootstrap_ci

    assert compare.iqm is iqm and compare.stratified_bootstrap_ci is stratified_bootstrap_ci  # re-exported

    assert iqm(np.arange(1.0, 9.0)) == 4.5  # middle half of 1..8: 3, 4, 5, 6
    assert iqm([0.0, 1.0, 2.0, 100.0]) == 1.5  # the outlier is trimmed
    # one scenario, runs 0 and 1: resample IQM is 0, 0.5 or 1 (p = 1/4, 1/2, 1/4) -> 95 % interval [0, 1]
    assert stratified_bootstrap_ci(np.array([[0.0], [1.0]]), seed=0) == (0.0, 1.0)
    # strata: scenario a all 0, scenario b all 1 -> every resample is {0, 0, 1, 1}, IQM 0.5
    assert stratified_bootstrap_ci(np.array([[0.0, 1.0], [0.0, 1.0]]), seed=0) == (0.5, 0.5)
    scores = np.array(
        [[0.61, 0.55, 0.70], [0.42, 0.47, 0.52], [0.80, 0.66, 0.71], [0.35, 0.58, 0.49], [0.59, 0.62, 0.64]]
    )
    lo, hi = stratified_bootstrap_ci(scores, seed=3)
    assert (lo, hi) == stratified_bootstrap_ci(scores, seed=3)  # fixed seed: same interval
    assert lo < iqm(scores) < hi
    # the same interval by hand: resample each scenario's runs, pool, IQM, percentiles
    rng = np.random.default_rng(11)
    draws = [iqm(np.stack([scores[rng.integers(0, 5, 5), j] for j in range(3)], 1)) for _ in range(4000)]
    assert np.allclose(
        np.percentile(draws, [2.5, 97.5]), stratified_bootstrap_ci(scores, n_resamples=4000, seed=3), atol=0.015
    )


def test_the_readme_reports_make_train_and_the_clone_study_as_their_committed_records_make_them():
    "The README's tables of `make train`, `make clone-study` and the comparison come from the committed records."
    from ev_rl.compare import agents_summary, agents_summary_markdown, run_record_markdown

    readme = (ROOT / "README.md").read_text()
    train = run_record_markdown(ROOT / "paper" / "results" / "train")
    assert train in readme, "README: paste ev_rl.compare.run_record_markdown('paper/results/train')"
    study = agents_summary_markdown(agents_summary(ROOT / "paper" / "results" / "clone"))
    assert study in readme, "README: paste agents_summary_markdown(agents_summary('paper/results/clone'))"
    comparison = agents_summary_markdown(agents_summary(ROOT / "paper" / "results" / "compare"))
    assert comparison in readme, "README: paste agents_summary_markdown(agents_summary('paper/results/compare'))"
