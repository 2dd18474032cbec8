# ev-rl entry points. Every target sets up its own virtual environment first.
#   make train   set up, then train the best agent (PPO from a clone of the optimum; papermill, full run) into runs/train/
#   make test    set up, then ruff (make lint), every notebook's tests (nbdev_test) and pytest tests/
#   make lint    ruff check and ruff format --check (make format formats and re-exports)
#   make setup   create .venv and install the package with its dev extras
#   make lab     JupyterLab on the notebooks
#   make data    regenerate data/ (default scenario and test years, data card) and figures/data_overview.png
#   make bench   run the benchmarks (scenario generation, simulator, baselines, training throughput)
#   make sync    export the package from the notebooks and clean the notebooks
#   make clean   remove the virtual environment, caches and run folders
#   make tune    tune PPO, A2C and SAC on the validation set (Ray Tune + Optuna): the `tuned` presets
#   make tune-yardsticks  tune peak shaving and the MPCs with the same trials: configs/yardsticks/*/tuned.yaml
#   make yardsticks  every yardstick on every test scenario of each site variant -> paper/results/yardsticks.csv
#   make clone-study  the clone of the optimum and PPO from it, over seeds, on the test years -> paper/results/clone/
#   make curves / make curves-sac  sample-matched learning curves (PPO, A2C to 5 M steps; SAC) -> paper/results/curves*/
#   make paper   set up, train PPO/A2C/SAC over seeds, regenerate figures/ and paper/tables/, build the PDF
#   make compare make paper without the PDF (no TeX needed)
#   make figures every figure and table of the paper from the committed compact results (paper/results/), ~1 min
#   make pdf     the PDF from the figures and tables as they are
#   make long-run / make prior-ppo  the long PPO run and the prior study's PPO settings re-run (paper/results/)
#   make clone-levers  the headline agent with the MPC's observation layout, DAgger, perfect forecasts (the learning gap)
#   make forecast-skill  every forecaster's skill and the quantile forecasts' calibration on the validation years

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# One torch thread per process: with two threads on a 2-core machine a second busy
# process collapses throughput (see README, "Performance").
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
# The same seed gives the same numbers bit for bit on AVX2 and AVX-512 machines: NumPy's AVX-512 kernels (sin, cos,
# exp, sums) round some results differently in the last bit, which changes the generated scenarios (found when the
# bitwise record of tests/, made on an AVX2 machine, failed on an AVX-512 one); torch's kernels likewise.
export NPY_DISABLE_CPU_FEATURES ?= X86_V4 AVX512_ICL AVX512_SPR
export ATEN_CPU_CAPABILITY ?= avx2

.PHONY: demo-site site-results clone-levers curves curves-sac clone-study setup test test-nbs test-py lint format sync lab clean data bench train compare paper yardsticks tune tune-yardsticks figures pdf long-run prior-ppo levers forecast-skill

setup: $(STAMP)

$(STAMP): setup.py settings.ini
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	# torch first and pinned: a bare `torch` requirement would pull multi-GB CUDA wheels
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

test: setup lint test-nbs test-py

# ruff (pyproject.toml): lint everything, format the sources (ev_rl/ is exported from the formatted notebooks)
lint: setup
	$(BIN)/ruff check ev_rl tests benchmarks nbs
	$(BIN)/ruff format --check tests benchmarks nbs

format: setup
	$(BIN)/ruff format tests benchmarks nbs
	$(BIN)/ruff check --fix ev_rl tests benchmarks nbs
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean

# every notebook's tests, 2 at a time; --timing prints each notebook's seconds (where a slow suite comes from)
test-nbs: setup
	$(BIN)/nbdev_test --n_workers 2 --timing

# pytest on 2 workers (pytest-xdist), a test file per worker at a time: a file's module fixtures (the tiny comparison,
# the wheel's venv) are built once
test-py: setup
	$(BIN)/python -m pytest tests/ -q -n 2 --dist loadfile --durations=15

sync: setup
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean

# Hyperparameters are data: configs/hyperparams/<algo>/<preset>.yaml in rl-zoo's format, one preset per file (README, "Training").
# The targets below name presets; they hold no hyperparameter values.

# The full run: the best agent of the comparison on validation, PPO from a clone of the optimum's battery dispatch
# (ppo_bc_battery: 05_clone, the `clone` preset), TRAIN_STEPS steps of PPO after the cloning; the learning curve and
# the best model on the validation windows, the final report on the three test years; its record goes to
# paper/results/train/ (the README's table). About 10 minutes on 2 cores. Progress lines appear in the terminal.
# PPO from scratch: `make train TRAIN_START=scratch TRAIN_PRESET=default TRAIN_STEPS=1000000`; the prior study's run:
# `make train TRAIN_START=scratch TRAIN_PRESET=prior-study TRAIN_STEPS=87600` (its budget learns nothing measurable).
TRAIN_STEPS  ?= 1500000
TRAIN_PRESET ?= clone
TRAIN_START  ?= clone
TRAIN_ARGS   ?= -p preset $(TRAIN_PRESET) -p start $(TRAIN_START) -p total_timesteps $(TRAIN_STEPS) \
  -p validation_every 125000 -p validation_days 14 -p validation_scenarios 3 -p test_scenarios 3 -p test_days 365 \
  -p checkpoint_every 250000 -p output_dir runs/train
# A run that died (killed, machine lost) goes on from its last checkpoint in its own folder and ends as it would have:
# `make train RESUME=runs/train/<run>/checkpoints/ppo_<steps>_steps.zip` (the same TRAIN_* as the run; 05_train_ppo,
# "Checkpoints").
RESUME ?=
TRAIN_RUN = $(if $(RESUME),$(abspath $(dir $(RESUME))..),runs/train)
train: setup
	mkdir -p runs/train
	EV_RL_COMMAND='make train: papermill nbs/05_train_ppo.ipynb runs/05_train_ppo.ipynb --cwd nbs $(TRAIN_ARGS)$(if $(RESUME), -p resume_from $(abspath $(RESUME)))' \
	  $(BIN)/papermill nbs/05_train_ppo.ipynb runs/05_train_ppo.ipynb --cwd nbs --log-output --no-progress-bar $(TRAIN_ARGS) \
	  $(if $(RESUME),-p resume_from $(abspath $(RESUME)))
	$(BIN)/python -c "from ev_rl.compare import write_run_record; print(write_run_record('$(TRAIN_RUN)', 'paper/results/train'))"
	@echo "results: the newest runs/train/ev_rl-IquitosMall-v0__* folder (summary.json, test.json, dashboard.png)"

# The paper, from a fresh clone: 07_compare trains every algorithm with every seed through 05's code and
# scores them with the yardsticks on the test years; 08_paper writes figures/ and paper/tables/
# (every number of the text included); latexmk builds the PDF into $(PAPER_RUNS)/paper.pdf.
# LaTeX from Debian's TeX Live (natbib and microtype included):
#   sudo apt-get install -y texlive-latex-base texlive-latex-recommended texlive-latex-extra latexmk
# Compute-matched runs: every run gets the same budget, TIME_BUDGET seconds of training (evaluations not counted; the steps
# each reached are reported; the step caps below only bound it), with PAPER_PRESET's hyperparameters (`make tune`
# writes `tuned`) and the observation's forecasts from PAPER_FORECASTER (`learned`: those of mpc_learned, the
# strongest realistic yardstick). The runs are Ray trials, WORKERS at a time (RAY_ADDRESS: on a cluster).
# From scratch the defaults take about 200 minutes on 2 CPU cores; a comparison extended by seeds or agents keeps the
# runs that finished with the same settings (06a_tune's finished_run) and trains only the new ones.
TIME_BUDGET      ?= 300
# The agents: the three algorithms with 39 actions, ppo_battery (PPO sets the battery; the sockets follow the
# earliest-deadline rule of rule_based), which runs with PPO's preset, and the clone of the optimum alone and PPO from
# it (bc_battery, ppo_bc_battery: their own `clone` preset; the cloning's seconds count in the budget).
AGENTS           ?= [ppo, ppo_battery, a2c, sac, bc_battery, ppo_bc_battery]
PAPER_PRESET     ?= tuned
PAPER_FORECASTER ?= learned
PPO_STEPS        ?= 10000000
A2C_STEPS        ?= 10000000
SAC_STEPS        ?= 10000000
# Seeds: HEADLINE_SEEDS for the headline agents (PPO, the clone and PPO from it: the statements of the paper rest on
# them), SEEDS for the others.
SEEDS            ?= [0, 1, 2, 3, 4]
HEADLINE_SEEDS   ?= [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
TEST_DAYS        ?= 365
TEST_SCENARIOS   ?= 3
WORKERS          ?= 2
CURVE_POINTS     ?= 20
PAPER_RUNS       ?= runs/paper
# Test sets beside the default site's test years, scored without retraining: site variants of configs/site/ with
# their test years, and the real 2024 year.
OTHER_SITES      ?= {flexible-fleet: 3, bess-400kw: 1, ev-demand-x2: 1}
RUN_SETTINGS     := {preset: $(PAPER_PRESET), forecaster: $(PAPER_FORECASTER), time_budget_s: $(TIME_BUDGET)}
COMPACT          := paper/results/compare
# `make compare` is everything but the PDF (for a machine without TeX): the runs, the results, their compact copy in
# $(COMPACT) (committed), and the figures and tables drawn from it.
compare: setup
	mkdir -p $(PAPER_RUNS)
	$(BIN)/papermill nbs/07_compare.ipynb $(PAPER_RUNS)/07_compare.ipynb --cwd nbs --log-output --no-progress-bar \
	  -y "{algorithms: $(AGENTS), \
	  seeds: {ppo: $(HEADLINE_SEEDS), ppo_battery: $(SEEDS), a2c: $(SEEDS), sac: $(SEEDS), bc_battery: $(HEADLINE_SEEDS), \
	  ppo_bc_battery: $(HEADLINE_SEEDS)}, budgets: {ppo: $(PPO_STEPS), ppo_battery: $(PPO_STEPS), a2c: $(A2C_STEPS), sac: $(SAC_STEPS), \
	  bc_battery: 0, ppo_bc_battery: $(PPO_STEPS)}, test_days: $(TEST_DAYS), \
	  test_scenarios: $(TEST_SCENARIOS), workers: $(WORKERS), curve_points: $(CURVE_POINTS), results_dir: $(PAPER_RUNS)/compare, \
	  other_sites: $(OTHER_SITES), \
	  overrides: {ppo: $(RUN_SETTINGS), ppo_battery: $(RUN_SETTINGS), a2c: $(RUN_SETTINGS), sac: $(RUN_SETTINGS), \
	  bc_battery: {time_budget_s: $(TIME_BUDGET)}, ppo_bc_battery: {time_budget_s: $(TIME_BUDGET)}}}"
	$(BIN)/papermill nbs/08_paper.ipynb $(PAPER_RUNS)/08_paper.ipynb --cwd nbs -p results_dir $(PAPER_RUNS)/compare/results \
	  -p compact_dir $(COMPACT) -p figures_dir figures -p tables_dir paper/tables

# Learning from the optimum (05_clone): the clone of the optimum's battery dispatch alone (bc_battery) and PPO from
# that clone (ppo_bc_battery, CLONE_STEPS steps, the `clone` preset), CLONE_SEEDS seeds each, scored beside the
# yardsticks on the test years and the real year through 07_compare's code; the compact results go to
# paper/results/clone/ (committed). The runs are Ray trials, WORKERS at a time: an interrupted study resumes.
# About 17 minutes of one core per seed of both agents.
CLONE_SEEDS ?= [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
CLONE_STEPS ?= 1500000
CLONE_RUNS  ?= runs/clone
clone-study: setup
	mkdir -p $(CLONE_RUNS)
	$(BIN)/papermill nbs/07_compare.ipynb $(CLONE_RUNS)/07_compare.ipynb --cwd nbs --log-output --no-progress-bar \
	  -y "{algorithms: [bc_battery, ppo_bc_battery], seeds: $(CLONE_SEEDS), \
	  budgets: {bc_battery: 0, ppo_bc_battery: $(CLONE_STEPS)}, test_days: $(TEST_DAYS), test_scenarios: $(TEST_SCENARIOS), \
	  workers: $(WORKERS), curve_points: 12, results_dir: $(CLONE_RUNS)/compare, other_sites: {}, real_year: true, \
	  overrides: {}}"
	$(BIN)/python -c "from ev_rl.compare import compact_results as c; print(c('$(CLONE_RUNS)/compare/results', 'paper/results/clone'))"

# Sample-matched learning curves (issue 25): every algorithm against environment steps rather than seconds, CURVE_SEEDS
# seeds, the validation curve at CURVE_POINTS points, the test years at the end; compact results in
# paper/results/curves/ and paper/results/curves_sac/ (committed). Ray trials: an interrupted target resumes.
# `make curves`: PPO and A2C to CURVE_STEPS (5 M) steps, about 100 minutes on 2 cores. `make curves-sac`: SAC for
# SAC_CURVE_SECONDS of training per seed (its steps are reported), the seeds at once (SAC_CURVE_WORKERS: training
# seconds are each run's CPU time, so three runs on two cores buy the same steps, later): 141 minutes on 2 cores on
# 2026-12-06, a test suite sharing them part of the time.
# The `tuned` presets predate the settings of SAC and A2C as their authors run them (make tune has not rerun since):
# the targets add them (A2C's normalised advantages; SAC's gradient step per transition, sockets at tanh(3)).
CURVE_SEEDS       ?= [0, 1, 2]
CURVE_STEPS       ?= 5000000
CURVE_POINTS_LONG ?= 20
SAC_CURVE_SECONDS ?= 3600
SAC_CURVE_WORKERS ?= 3
curves: setup
	mkdir -p runs/curves
	$(BIN)/papermill nbs/07_compare.ipynb runs/curves/07_compare.ipynb --cwd nbs --log-output --no-progress-bar \
	  -y "{algorithms: [ppo, a2c], seeds: $(CURVE_SEEDS), budgets: {ppo: $(CURVE_STEPS), a2c: $(CURVE_STEPS)}, \
	  test_days: $(TEST_DAYS), test_scenarios: $(TEST_SCENARIOS), workers: $(WORKERS), curve_points: $(CURVE_POINTS_LONG), \
	  results_dir: runs/curves/compare, other_sites: {}, real_year: false, \
	  overrides: {ppo: {preset: $(PAPER_PRESET), forecaster: $(PAPER_FORECASTER)}, a2c: {preset: $(PAPER_PRESET), forecaster: $(PAPER_FORECASTER), hyperparams: {normalize_advantage: true}}}}"
	$(BIN)/python -c "from ev_rl.compare import compact_results as c; print(c('runs/curves/compare/results', 'paper/results/curves'))"
curves-sac: setup
	mkdir -p runs/curves_sac
	$(BIN)/papermill nbs/07_compare.ipynb runs/curves_sac/07_compare.ipynb --cwd nbs --log-output --no-progress-bar \
	  -y "{algorithms: [sac], seeds: $(CURVE_SEEDS), budgets: {sac: 100000000}, test_days: $(TEST_DAYS), \
	  test_scenarios: $(TEST_SCENARIOS), workers: $(SAC_CURVE_WORKERS), curve_points: $(CURVE_POINTS_LONG), \
	  results_dir: runs/curves_sac/compare, other_sites: {}, real_year: false, \
	  overrides: {sac: {preset: $(PAPER_PRESET), forecaster: $(PAPER_FORECASTER), time_budget_s: $(SAC_CURVE_SECONDS), \
	  hyperparams: {gradient_steps: 4, policy_kwargs.socket_mean_init: 3.0}}}}"
	$(BIN)/python -c "from ev_rl.compare import compact_results as c; print(c('runs/curves_sac/compare/results', 'paper/results/curves_sac'))"

# Every figure and table of the paper from the committed compact results, without training (about a minute).
figures: setup
	mkdir -p runs
	$(BIN)/papermill nbs/08_paper.ipynb runs/08_paper.ipynb --cwd nbs -p results_dir $(COMPACT) \
	  -p figures_dir figures -p tables_dir paper/tables
	@echo "figures: figures/; tables: paper/tables/ (make pdf builds the PDF from them)"

# The PDF from the figures and tables as they are (after make figures or make compare).
pdf:
	@command -v latexmk >/dev/null || { echo "latexmk not found: sudo apt-get install -y texlive-latex-base texlive-latex-recommended texlive-latex-extra latexmk"; exit 1; }
	mkdir -p $(PAPER_RUNS)
	cd paper && latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir=$(CURDIR)/$(PAPER_RUNS)/latex main.tex
	cp $(PAPER_RUNS)/latex/main.pdf $(PAPER_RUNS)/paper.pdf
	@echo "paper: $(PAPER_RUNS)/paper.pdf"

# One PPO run with the comparison's preset and forecasts, far beyond its budget, scored on the validation years (its
# learning curve: where it flattens) and once on the test years; its record goes to paper/results/long_run/ (about
# 25 min of training on one core, 30 in all).
LONG_STEPS ?= 4000000
long-run: setup
	mkdir -p runs/long
	$(BIN)/papermill nbs/05_train_ppo.ipynb runs/long/05_train_ppo.ipynb --cwd nbs --log-output --no-progress-bar \
	  -p preset $(PAPER_PRESET) -p forecaster $(PAPER_FORECASTER) -p total_timesteps $(LONG_STEPS) -p validation_every 100000 \
	  -p validation_days 14 -p validation_scenarios 3 -p test_scenarios $(TEST_SCENARIOS) -p test_days $(TEST_DAYS) \
	  -p checkpoint_every 500000 -p output_dir runs/long
	$(BIN)/python -c "from ev_rl.compare import write_run_record; print(write_run_record('runs/long', 'paper/results/long_run'))"

# The prior study's PPO settings (the prior-study preset) at its budget, 87,600 steps, 3 seeds, scored on the test
# years: paper/results/prior_study_ppo.csv (about 15 min on 2 cores).
prior-ppo: setup
	mkdir -p runs/prior_ppo
	$(BIN)/papermill nbs/07_compare.ipynb runs/prior_ppo/07_compare.ipynb --cwd nbs --log-output --no-progress-bar \
	  -y "{algorithms: [ppo], seeds: [0, 1, 2], budgets: {ppo: 87600}, test_days: $(TEST_DAYS), test_scenarios: $(TEST_SCENARIOS), \
	  workers: $(WORKERS), curve_points: 4, results_dir: runs/prior_ppo, other_sites: [], real_year: false, \
	  overrides: {ppo: {preset: prior-study}}}"
	$(BIN)/python -c "import pandas as pd; s = pd.read_csv('runs/prior_ppo/results/scores.csv'); \
	  s[s.controller == 'ppo'].to_csv('paper/results/prior_study_ppo.csv', index=False); print('paper/results/prior_study_ppo.csv')"

paper: setup
	@command -v latexmk >/dev/null || { echo "latexmk not found: sudo apt-get install -y texlive-latex-base texlive-latex-recommended texlive-latex-extra latexmk (or make compare: all but the PDF)"; exit 1; }
	$(MAKE) compare
	$(MAKE) pdf

# The tuning on the validation years (06a_tune): the same trials and caps per algorithm; writes each algorithm's
# `tuned` preset into configs/hyperparams/ and the search's record into paper/results/tuning/. The defaults finish on
# 2 cores in about an hour; on a Ray cluster set RAY_ADDRESS (and raise TUNE_WORKERS). An interrupted run resumes.
TUNE_TRIALS   ?= 6
TUNE_STEPS    ?= 10000000
TUNE_SECONDS  ?= 240
TUNE_WORKERS  ?= 2
tune: setup
	mkdir -p runs
	$(BIN)/papermill nbs/06a_tune.ipynb runs/06a_tune.ipynb --cwd nbs --log-output --no-progress-bar \
	  -p trials $(TUNE_TRIALS) -p max_steps $(TUNE_STEPS) -p max_seconds $(TUNE_SECONDS) -p workers $(TUNE_WORKERS)
	@echo "tuned presets: configs/hyperparams/*/tuned.yaml; record: paper/results/tuning/"

# The levers of the protocol issue on the validation years (06a_tune, job=levers): the headline PPO and one change
# each (reward scaling, the observation's forecasts, network size, the battery-only action space), the same seeds and
# steps; writes paper/results/levers.csv (77 min on 2 cores). An interrupted run resumes.
LEVER_SEEDS   ?= [0, 1, 2]
LEVER_STEPS   ?= 700000
# The yardsticks tuned with the agents' effort (06a_tune, job=yardsticks): peak shaving and the MPCs, TUNE_TRIALS trials
# each on the validation set (a 14-day window in each quarter of three validation years); writes each one's
# configs/yardsticks/<name>/tuned.yaml (the rows <name>_tuned) and its record into paper/results/tuning/. Resumes.
tune-yardsticks: setup
	mkdir -p runs
	$(BIN)/papermill nbs/06a_tune.ipynb runs/06a_yardsticks.ipynb --cwd nbs --log-output --no-progress-bar \
	  -p job yardsticks -p trials $(TUNE_TRIALS) -p workers $(TUNE_WORKERS)
	@echo "tuned yardsticks: configs/yardsticks/*/tuned.yaml; record: paper/results/tuning/"

levers: setup
	mkdir -p runs
	$(BIN)/papermill nbs/06a_tune.ipynb runs/06a_levers.ipynb --cwd nbs --log-output --no-progress-bar \
	  -p job levers -y "{lever_seeds: $(LEVER_SEEDS)}" -p lever_steps $(LEVER_STEPS) -p workers $(TUNE_WORKERS)

# The clone's levers on the validation years (06a_tune, job=clone_levers): the headline agent (ppo_bc_battery: the clone
# of the optimum, then PPO from it), the same with the `mpc` observation layout of 02a_site (12 h of forecasts at the
# site's step, the days left in the month, this and last month's billed peaks), with two DAgger rounds (05_clone), and
# with perfect forecasts beside the perfect MPC over the same window (the learning gap); CLONE_LEVER_SEEDS seeds,
# CLONE_LEVER_STEPS steps of PPO; writes paper/results/clone_levers.csv (the README's table; DEFAULT_LAYOUT follows
# it). About 80 minutes on 2 cores. An interrupted run resumes.
CLONE_LEVER_SEEDS ?= [0, 1, 2]
CLONE_LEVER_STEPS ?= 1500000
clone-levers: setup
	mkdir -p runs
	$(BIN)/papermill nbs/06a_tune.ipynb runs/06a_clone_levers.ipynb --cwd nbs --log-output --no-progress-bar \
	  -p job clone_levers -y "{clone_lever_seeds: $(CLONE_LEVER_SEEDS)}" -p clone_lever_steps $(CLONE_LEVER_STEPS) \
	  -p workers $(TUNE_WORKERS)
	@echo "table: paper/results/clone_levers.csv (the README quotes clone_levers_markdown of it)"

# Every yardstick (rules, MPCs untuned and tuned, optima) on the test years and the real year of the default site and
# of each variant of configs/site/ (04a_yardsticks), YARDSTICK_WORKERS scenarios at a time. Runs are cached under
# runs/cache/, so an interrupted run resumes.
YARDSTICK_WORKERS ?= 2
yardsticks: setup
	mkdir -p runs
	$(BIN)/papermill nbs/04a_yardsticks.ipynb runs/04a_yardsticks.ipynb --cwd nbs --log-output --no-progress-bar \
	  -p workers $(YARDSTICK_WORKERS)
	@echo "table: paper/results/yardsticks.csv"

# The forecasters on the validation years (01g_quantiles): MAE/RMSE/skill per series and lead of every forecaster, and
# the calibration of the quantile forecasts (coverage, pinball loss); about two minutes on 2 cores.
forecast-skill: setup
	$(BIN)/python -c "from ev_rl.quantiles import write_forecast_records; print(*write_forecast_records().values(), sep='\n')"

data: setup
	$(BIN)/python -c "from ev_rl.data import write_data_folder; print(*write_data_folder('data', figure_path='figures/data_overview.png'), sep='\n')"

# benchmarks/bench_device.py (CUDA against the CPU) needs a GPU and is run by hand where one is: README, "Performance".
bench: setup
	$(BIN)/python benchmarks/bench_scenario.py
	$(BIN)/python benchmarks/bench_env.py
	$(BIN)/python benchmarks/bench_env_memory.py
	$(BIN)/python benchmarks/bench_baselines.py
	$(BIN)/python benchmarks/bench_forecast.py
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_time_to_quality.py --seconds 120
	$(BIN)/python benchmarks/bench_time_to_quality.py --agent ppo_bc_battery --seconds 300

# The site controller on loopback (09c_site): the emulated site (SunSpec over Modbus TCP, one OCPP 2.0.1 station per
# charger, driven by the simulator on an accelerated clock) and the service, together for a simulated week with a
# live view; the plot goes to runs/site/demo.png. DEMO_CONTROLLER: a registry name or a saved model (model.zip).
DEMO_CONTROLLER ?= peak_shaving
demo-site: setup
	$(BIN)/ev-rl demo --controller $(DEMO_CONTROLLER)

# The site's figures (09_serve, 09c_site_service): a validation week over the wire against the in-process simulation,
# what estimated requests and departures cost each controller on the validation windows, and shadow mode on the 2024
# year (measured mall demand; a test scenario: final numbers). SITE_MODEL: the saved model watched in shadow mode
# (default: the newest `make train` run's best model). Results: paper/results/site/.
SITE_MODEL ?= $(lastword $(sort $(wildcard runs/train/*/best_model.zip)))
SITE_CONTROLLERS ?= rule_based peak_shaving $(SITE_MODEL)
site-results: setup
	mkdir -p paper/results/site
	$(BIN)/ev-rl agreement $(foreach c,$(SITE_CONTROLLERS),--controller $(c))
	$(BIN)/ev-rl needs $(foreach c,$(SITE_CONTROLLERS),--controller $(c))
	$(BIN)/ev-rl shadow --controller $(if $(SITE_MODEL),$(SITE_MODEL),peak_shaving)

lab: setup
	$(BIN)/jupyter lab --notebook-dir=nbs

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis .benchmarks _proc _docs runs
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
