"""Episodes of `ev_rl/IquitosMall-v0` as a user sets them up (issue 27): a start day and a length in days, random
starts, scenarios by name with a serialisable spec, and Gymnasium's vector API (`gymnasium.make_vec`) agreeing step
for step with `vectorization_mode="sync"`.

Each test runs in seconds: one-day episodes on a small scenario, or a few hundred steps of a year whose compiled form
the process shares."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.envs.registration import EnvSpec
from gymnasium.utils.env_checker import data_equivalence
from gymnasium.utils.env_match import check_environments_match
from gymnasium.vector import AutoresetMode

import ev_rl  # noqa: F401 (registers the environment)
from ev_rl.core import SiteConfig
from ev_rl.data import scenario_from_series, scenario_set
from ev_rl.env import IquitosMallEnv, IquitosMallVecEnv, IquitosMallVectorEnv
from ev_rl.forecast import Forecast, forecaster
from ev_rl.reward import demand_charges_pen
from ev_rl.site import observe
from ev_rl.sockets import sessions_frame

ENV_ID = "ev_rl/IquitosMall-v0"
STEPS_PER_DAY = 24


def three_days() -> object:
    "A 3-day scenario (72 hourly steps) with vehicles on most days: quick to compile and to run."
    rng = np.random.default_rng(11)
    sessions = [("motorcycle", int(a), int(a) + 2, 2.5, 3.0) for a in rng.integers(0, 68, 40)]
    sessions += [("mototaxi", int(a), int(a) + 3, 4.0, 3.5) for a in rng.integers(0, 68, 12)]
    return scenario_from_series(
        SiteConfig(), rng.uniform(0, 3000, 72), rng.uniform(400, 2500, 72), sessions_frame(sessions), name="three-days"
    )


def run_episode(env, action) -> tuple[int, list[dict]]:
    "Step `env` with a fixed action until the episode ends; the number of steps and the infos."
    infos, n = [], 0
    while True:
        _, _, terminated, truncated, info = env.step(action)
        infos.append(info)
        n += 1
        assert not terminated, "an episode of this env never terminates"
        if truncated:
            return n, infos


# Episode windows


def test_start_day_lands_on_that_day_of_the_scenario():
    "start_day 100 of a year is 00:00 on 11 April: the observation, the state and the step's flows are that hour's."
    env = IquitosMallEnv(scenario="train:0")
    obs, info = env.reset(seed=0, options={"start_day": 100})
    t, scenario, compiled = int(env.sim.t[0]), env.scenario, env.compiled
    assert (t, info["start_day"]) == (100 * STEPS_PER_DAY, 100)
    assert str(scenario.time[t]) == "2025-04-11 00:00:00-05:00"
    np.testing.assert_array_equal(obs[: compiled.exo.shape[1]], compiled.exo[t])
    issued = forecaster("seasonal_naive", scenario.config, 24).issue(scenario, 24)
    np.testing.assert_array_equal(obs, observe(env.sim.state(0), Forecast(issued.pv_kw[t], issued.mall_kw[t])))
    assert env.sim.state(0).bess_energy_kwh == scenario.config.bess.initial_soc * scenario.config.bess.capacity_kwh
    _, _, _, _, step = env.step(np.zeros(39))
    dt = scenario.config.simulation.dt_h
    assert (step["pv_kwh"], step["mall_kwh"]) == (scenario.pv_kw[t] * dt, scenario.mall_kw[t] * dt)


def test_a_week_is_truncated_after_168_steps():
    env = gym.make(ENV_ID, scenario="train:0", start_day=30, episode_days=7)
    env.reset(seed=0)
    n, _ = run_episode(env, np.zeros(39))
    assert n == 7 * STEPS_PER_DAY
    with pytest.raises(RuntimeError, match="reset"):
        env.step(np.zeros(39))
    env.reset(options={"start_day": 2, "episode_days": 1})  # one episode's window through the options
    assert run_episode(env, np.zeros(39))[0] == STEPS_PER_DAY


def test_random_starts_differ_between_seeds_and_repeat_for_a_seed():
    "With random_start, seeds 0, 1 and 123 start on different days of the training years; a seed repeats its start."
    env = gym.make(ENV_ID, scenario_pool=2, episode_days=7, random_start=True)
    first = {seed: env.reset(seed=seed) for seed in (0, 1, 123)}
    assert len({info["start_day"] for _, info in first.values()}) == 3
    for a, b in [(0, 1), (0, 123), (1, 123)]:
        assert not np.array_equal(first[a][0], first[b][0]), (a, b)
    for seed in (0, 1, 123):
        obs, info = env.reset(seed=seed)
        np.testing.assert_array_equal(obs, first[seed][0])
        assert info == first[seed][1]
    starts = {env.reset()[1]["start_day"] for _ in range(20)}  # without a seed the draws go on
    assert len(starts) > 1 and all(0 <= d <= 365 - 7 for d in starts)


def test_default_episode_is_the_whole_year_from_1_january():
    "No options: one episode of 8,760 steps from 1 January; gym.make's TimeLimit(8760) ends it on the same step."
    env = gym.make(ENV_ID, scenario="train:0")
    assert env.spec.max_episode_steps == 8760
    obs, info = env.reset(seed=0)
    inner = env.unwrapped
    assert info == {"scenario": "train-0", "start_day": 0}
    assert str(inner.scenario.time[int(inner.sim.t[0])]) == "2025-01-01 00:00:00-05:00"
    np.testing.assert_array_equal(obs[: inner.compiled.exo.shape[1]], inner.compiled.exo[0])
    assert run_episode(env, np.zeros(39))[0] == 8760


def test_an_episode_within_the_year_is_billed_for_the_months_it_covers():
    "Three days from 28 February, after another episode: the demand charges are those of the window's own imports."
    env = IquitosMallEnv(scenario="train:0")
    env.reset(seed=0, options={"start_day": 59, "episode_days": 2})  # March first: its peaks must not carry over
    run_episode(env, np.ones(39))
    env.reset(options={"start_day": 58, "episode_days": 3})
    actions = np.random.default_rng(5).uniform(-1, 1, (72, 39))
    infos = [env.step(a)[4] for a in actions]
    window = slice(58 * STEPS_PER_DAY, 61 * STEPS_PER_DAY)
    scenario, cfg = env.scenario, env.config
    assert sorted(set(scenario.time[window].month)) == [2, 3]
    import_kw = np.array([i["grid_import_kwh"] for i in infos]) / cfg.simulation.dt_h
    billed = demand_charges_pen(import_kw, scenario.peak[window], scenario.time[window].month, cfg)
    assert sum(i["demand_charge_pen"] for i in infos) == pytest.approx(billed, rel=1e-12)
    assert infos[0]["cost/ramp"] == 0.0  # no ramp from the previous episode's last import


def test_window_arguments_are_checked_with_what_is_accepted():
    with pytest.raises(ValueError, match=r"start_day = 365: an episode of the rest of the scenario .* \[0, 364\]"):
        IquitosMallEnv(start_day=365)
    with pytest.raises(ValueError, match="episode_days = 0 must be an integer >= 1"):
        gym.make(ENV_ID, episode_days=0)
    with pytest.raises(ValueError, match="give one"):
        IquitosMallEnv(start_day=3, random_start=True)
    env = IquitosMallEnv(scenario=three_days())
    with pytest.raises(ValueError, match=r"start_day = 2: an episode of 2 days starts on a day in \[0, 1\]"):
        env.reset(options={"start_day": 2, "episode_days": 2})
    with pytest.raises(ValueError, match=r"unknown options \['start'\]"):
        env.reset(options={"start": 2})


# Scenarios by name


def test_a_named_scenario_makes_a_serialisable_spec_that_makes_the_same_env():
    for name in ("validation:0", ("validation", 0), "validation-1"):
        env = gym.make(ENV_ID, scenario=name, episode_days=1)
        spec = EnvSpec.from_json(env.spec.to_json())
        again = gym.make(spec)
        assert data_equivalence(again.reset(seed=0), env.reset(seed=0), exact=True)
        assert again.unwrapped.scenario.name == "validation-1"
    year = scenario_set("validation", n=1)[0]  # the named scenario is the set's year
    named = IquitosMallEnv(scenario="validation:0")
    np.testing.assert_array_equal(named.reset(seed=0)[0], IquitosMallEnv(scenario=year).reset(seed=0)[0])
    np.testing.assert_array_equal(named.scenario.pv_kw, year.pv_kw)


@pytest.mark.parametrize("bad", ["val:0", "validation-0", ("training", 1), "seed-3", 7])
def test_a_bad_scenario_name_lists_the_forms_accepted(bad):
    with pytest.raises(ValueError, match=r"give a Scenario; '<set>:<index>' or \(set, index\)"):
        gym.make(ENV_ID, scenario=bad)


def test_reset_options_take_a_scenario_by_name():
    env = IquitosMallEnv(scenario=three_days())
    _, info = env.reset(seed=0, options={"scenario": "validation:0", "start_day": 3, "episode_days": 1})
    assert info == {"scenario": "validation-1", "start_day": 3}


# Gymnasium's vector API


def both_modes(**kwargs) -> tuple[gym.vector.VectorEnv, gym.vector.VectorEnv]:
    "The same arguments through the vector entry point and through SyncVectorEnv."
    vec = gym.make_vec(ENV_ID, vectorization_mode="vector_entry_point", **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the passive checker's notes on the sub-envs
        sync = gym.make_vec(ENV_ID, vectorization_mode="sync", **kwargs)
    return vec, sync


def assert_same_steps(vec, sync, actions) -> int:
    "Step both with the same actions; every output and info (values, dtypes, masks) equal. Episode ends seen."
    ends = 0
    for a in actions:
        got, want = vec.step(a), sync.step(a)
        assert data_equivalence(got, want, exact=True), (got, want)
        ends += int(got[3].sum())
    return ends


def test_make_vec_gives_the_batched_vector_env_with_next_step_autoreset():
    vec = gym.make_vec(ENV_ID, num_envs=2, scenario=three_days())
    assert isinstance(vec, IquitosMallVectorEnv)
    assert vec.metadata["autoreset_mode"] is AutoresetMode.NEXT_STEP
    assert (vec.max_episode_steps, vec.observation_space.shape, vec.action_space.shape) == (8760, (2, 156), (2, 39))


def test_vector_env_equals_sync_step_for_step_across_episode_ends():
    "One-day episodes from random days: 3 copies through 2 episode ends each, a masked reset, options and seeds."
    kwargs = dict(num_envs=3, scenario=three_days(), episode_days=1, random_start=True)
    vec, sync = both_modes(**kwargs)
    assert data_equivalence(vec.reset(seed=4), sync.reset(seed=4), exact=True)
    actions = np.random.default_rng(2).uniform(-1, 1, (80, 3, 39)).astype(np.float32)
    assert assert_same_steps(vec, sync, actions[:60]) == 6
    mask = np.array([False, True, False])
    got = vec.reset(options={"reset_mask": mask, "start_day": 2})
    want = sync.reset(options={"reset_mask": mask.copy(), "start_day": 2})
    assert data_equivalence(got, want, exact=True)
    assert list(got[1]["start_day"][got[1]["_start_day"]]) == [2]
    assert_same_steps(vec, sync, actions[60:])
    assert data_equivalence(vec.reset(seed=[7, None, 9]), sync.reset(seed=[7, None, 9]), exact=True)
    assert_same_steps(vec, sync, actions[:30])


def test_gymnasiums_environment_match_check_passes_for_one_copy():
    "Gymnasium's own check_environments_match (single-copy semantics: one copy) on one-day random-start episodes."
    vec, sync = both_modes(num_envs=1, scenario=three_days(), episode_days=1, random_start=True)
    check_environments_match(vec, sync, num_steps=60, seed=3, info_comparison="equivalence")


def test_vector_env_equals_sync_on_the_training_years_with_a_time_limit():
    "Scenarios drawn from the training pool and random start days, episodes cut by max_episode_steps as TimeLimit does."
    vec, sync = both_modes(num_envs=2, scenario_pool=2, random_start=True, max_episode_steps=10)
    assert vec.max_episode_steps == 10
    assert data_equivalence(vec.reset(seed=0), sync.reset(seed=0), exact=True)
    actions = np.random.default_rng(3).uniform(-1, 1, (33, 2, 39)).astype(np.float32)
    assert assert_same_steps(vec, sync, actions) == 6  # episodes of 10 steps, restarts on the 11th, 22nd and 33rd


def test_vector_env_equals_sync_with_a_scenario_in_the_reset_options():
    "A named year for the first episodes of all copies, then autoresets back to the training pool, as in sync mode."
    vec, sync = both_modes(num_envs=2, scenario_pool=1, episode_days=1)
    options = {"scenario": "validation:0", "start_day": 10}
    got, want = vec.reset(seed=1, options=dict(options)), sync.reset(seed=1, options=dict(options))
    assert data_equivalence(got, want, exact=True)
    assert got[1]["scenario"].tolist() == ["validation-1"] * 2
    actions = np.random.default_rng(4).uniform(-1, 1, (30, 2, 39)).astype(np.float32)
    assert assert_same_steps(vec, sync, actions) == 2
    assert vec.unwrapped.sim.bank[vec.unwrapped.sim.scenario_index[0]].scenario.name == "train-0"
    with pytest.raises(ValueError, match="must be one the copies already run"):
        vec.reset(options={"scenario": "validation:1", "reset_mask": np.array([True, False])})
    with pytest.raises(ValueError, match="the copies of one simulator run scenarios of one length"):
        vec.reset(options={"scenario": three_days()})


def test_vector_env_works_under_gymnasiums_vector_wrappers():
    "RecordEpisodeStatistics reads the autoreset mode and gets each episode's return; NormalizeObservation accepts it."
    env = gym.wrappers.vector.RecordEpisodeStatistics(
        IquitosMallVectorEnv(2, scenario=three_days(), episode_days=1, start_day=1)
    )
    env.reset(seed=0)
    returns = np.zeros(2)
    for _ in range(STEPS_PER_DAY):
        _, reward, _, truncated, info = env.step(np.zeros((2, 39)))
        returns += reward
    assert truncated.all()
    np.testing.assert_allclose(info["episode"]["r"], returns, rtol=1e-12)
    assert info["episode"]["l"].tolist() == [STEPS_PER_DAY] * 2
    obs, *_ = gym.wrappers.vector.NormalizeObservation(IquitosMallVectorEnv(2, scenario=three_days())).step(
        np.zeros((2, 39))
    )
    assert obs.shape == (2, 156)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_vector_envs_refuse_a_copy_count_below_one(bad):
    with pytest.raises(ValueError, match=rf"num_envs = {bad!r} must be a positive integer"):
        gym.make_vec(ENV_ID, num_envs=bad, vectorization_mode="vector_entry_point", scenario=three_days())
    with pytest.raises(ValueError, match=rf"IquitosMallVecEnv: n_envs = {bad!r} must be a positive integer"):
        IquitosMallVecEnv(n_envs=bad)


# Stable-Baselines3's VecEnv


def test_sb3_vec_env_runs_episode_windows():
    "One-day episodes from random days: done after 24 steps; the same seed draws the same start days."
    starts = []
    for _ in range(2):
        venv = IquitosMallVecEnv(3, scenarios=[three_days()], seed=5, episode_days=1, random_start=True)
        venv.reset()
        starts.append(venv.get_attr("start_day"))
        assert (venv.sim.t == np.array(starts[-1]) * STEPS_PER_DAY).all()
        for _ in range(STEPS_PER_DAY - 1):
            assert not venv.step(np.zeros((3, 39)))[2].any()
        _, _, done, infos = venv.step(np.zeros((3, 39)))
        assert done.all() and all(i["TimeLimit.truncated"] for i in infos)
    assert starts[0] == starts[1]


def test_sb3_vec_env_default_episode_is_unchanged():
    "Without window arguments a copy runs its scenario from step 0 to the end, as before."
    venv = IquitosMallVecEnv(2, scenarios=[three_days()], seed=0)
    venv.reset()
    assert (venv.sim.start.tolist(), venv.sim.stop.tolist()) == ([0, 0], [72, 72])
    assert venv.get_attr("start_day") == [0, 0]
