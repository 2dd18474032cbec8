# ev-rl entry points. Every target sets up its own virtual environment first.
#   make train   set up, then train PPO on the default scenario (papermill, full run) into runs/
#   make test    set up, then ruff (make lint), every notebook's tests (nbdev_test) and pytest tests/
#   make lint    ruff check and ruff format --check (make format formats and re-exports)
#   make setup   create .venv and install the package with its dev extras
#   make lab     JupyterLab on the notebooks
#   make data    regenerate data/ (default scenario and test years, data card) and figures/data_overview.png
#   make bench   run the benchmarks (scenario generation, simulator, baselines, training throughput)
#   make sync    export the package from the notebooks and clean the notebooks
#   make clean   remove the virtual environment, caches and run folders
#   make tune    tune PPO, A2C and SAC on the validation years (Ray Tune + Optuna): the `tuned` presets
#   make yardsticks  every yardstick on every test scenario of each site variant -> paper/results/yardsticks.csv
#   make paper   set up, train PPO/A2C/SAC over seeds, regenerate figures/ and paper/tables/, build the PDF
#   make compare make paper without the PDF (no TeX needed)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# One torch thread per process: with two threads on a 2-core machine a second busy
# process collapses throughput (see README, "Performance").
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: setup test test-nbs test-py lint format sync lab clean data bench train compare paper yardsticks tune

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

test-nbs: setup
	$(BIN)/nbdev_test --n_workers 2

test-py: setup
	$(BIN)/python -m pytest tests/ -q

sync: setup
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean

# Hyperparameters are data: configs/hyperparams/{ppo,a2c,sac}.yaml, one preset per entry (README, "Training").
# The targets below name presets; they hold no hyperparameter values.

# The full run: PPO for TRAIN_STEPS steps with the TRAIN_PRESET preset; the learning curve and the best model on the
# validation years, the final report on the three test years. Progress lines appear in the terminal.
# The prior study's run: `make train TRAIN_PRESET=prior-study TRAIN_STEPS=87600` (its budget learns nothing measurable here).
TRAIN_STEPS  ?= 1000000
TRAIN_PRESET ?= default
TRAIN_ARGS   ?= -p preset $(TRAIN_PRESET) -p total_timesteps $(TRAIN_STEPS) -p validation_every 50000 -p validation_days 14 \
  -p validation_scenarios 3 -p test_scenarios 3 -p test_days 365 -p checkpoint_every 100000
train: setup
	mkdir -p runs
	EV_RL_COMMAND='make train: papermill nbs/05_train_ppo.ipynb runs/05_train_ppo.ipynb --cwd nbs $(TRAIN_ARGS)' \
	  $(BIN)/papermill nbs/05_train_ppo.ipynb runs/05_train_ppo.ipynb --cwd nbs --log-output --no-progress-bar $(TRAIN_ARGS)
	@echo "results: the newest runs/ev_rl-IquitosMall-v0__ppo__* folder (summary.json, test.json, dashboard.png)"

# The paper, from a fresh clone: 07_compare trains every algorithm with every seed through 05's code and
# scores them with the yardsticks on the test years; 08_paper writes figures/ and paper/tables/
# (every number of the text included); latexmk builds the PDF into $(PAPER_RUNS)/paper.pdf.
# LaTeX from Debian's TeX Live (booktabs and caption are in -recommended):
#   sudo apt-get install -y texlive-latex-base texlive-latex-recommended latexmk
# Compute-matched runs: every run gets the same budget, TIME_BUDGET seconds of training (evaluations not counted; the steps
# each reached are reported; the step caps below only bound it), with PAPER_PRESET's hyperparameters (`make tune`
# writes `tuned`) and the observation's forecasts from PAPER_FORECASTER (`learned`: those of mpc_learned, the
# strongest realistic yardstick). The runs are Ray trials, WORKERS at a time (RAY_ADDRESS: on a cluster).
# The defaults finish on 2 CPU cores in about 90 minutes.
TIME_BUDGET      ?= 360
PAPER_PRESET     ?= tuned
PAPER_FORECASTER ?= learned
PPO_STEPS        ?= 10000000
A2C_STEPS        ?= 10000000
SAC_STEPS        ?= 10000000
SEEDS            ?= [0, 1, 2, 3, 4]
TEST_DAYS        ?= 365
TEST_SCENARIOS   ?= 3
WORKERS          ?= 2
CURVE_POINTS     ?= 20
PAPER_RUNS       ?= runs/paper
RUN_SETTINGS     := {preset: $(PAPER_PRESET), forecaster: $(PAPER_FORECASTER), time_budget_s: $(TIME_BUDGET)}
# `make compare` is everything but the PDF (for a machine without TeX): the runs, the results, figures and tables.
compare: setup
	mkdir -p $(PAPER_RUNS)
	$(BIN)/papermill nbs/07_compare.ipynb $(PAPER_RUNS)/07_compare.ipynb --cwd nbs --log-output --no-progress-bar \
	  -y "{algorithms: [ppo, a2c, sac], \
	  seeds: $(SEEDS), budgets: {ppo: $(PPO_STEPS), a2c: $(A2C_STEPS), sac: $(SAC_STEPS)}, test_days: $(TEST_DAYS), \
	  test_scenarios: $(TEST_SCENARIOS), workers: $(WORKERS), curve_points: $(CURVE_POINTS), results_dir: $(PAPER_RUNS)/compare, \
	  overrides: {ppo: $(RUN_SETTINGS), a2c: $(RUN_SETTINGS), sac: $(RUN_SETTINGS)}}"
	$(BIN)/papermill nbs/08_paper.ipynb $(PAPER_RUNS)/08_paper.ipynb --cwd nbs -p results_dir $(PAPER_RUNS)/compare/results \
	  -p figures_dir figures -p tables_dir paper/tables

paper: setup
	@command -v latexmk >/dev/null || { echo "latexmk not found: sudo apt-get install -y texlive-latex-base texlive-latex-recommended latexmk (or make compare: all but the PDF)"; exit 1; }
	$(MAKE) compare
	cd paper && latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir=$(CURDIR)/$(PAPER_RUNS)/latex main.tex
	cp $(PAPER_RUNS)/latex/main.pdf $(PAPER_RUNS)/paper.pdf
	@echo "paper: $(PAPER_RUNS)/paper.pdf"

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
	@echo "tuned presets: configs/hyperparams/*.yaml (tuned); record: paper/results/tuning/"

# Every yardstick (rules, MPCs, optima) on the test years and the real year of the default site and of each variant
# of configs/site/; about 80 min on 2 cores for the hourly sites, longer for the 15-minute one (04a_yardsticks).
# Runs are cached under runs/cache/, so an interrupted run resumes.
yardsticks: setup
	mkdir -p runs
	$(BIN)/papermill nbs/04a_yardsticks.ipynb runs/04a_yardsticks.ipynb --cwd nbs --log-output --no-progress-bar
	@echo "table: paper/results/yardsticks.csv"

data: setup
	$(BIN)/python -c "from ev_rl.data import write_data_folder; print(*write_data_folder('data', figure_path='figures/data_overview.png'), sep='\n')"

bench: setup
	$(BIN)/python benchmarks/bench_scenario.py
	$(BIN)/python benchmarks/bench_env.py
	$(BIN)/python benchmarks/bench_baselines.py
	$(BIN)/python benchmarks/bench_forecast.py
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_time_to_quality.py --seconds 120

lab: setup
	$(BIN)/jupyter lab --notebook-dir=nbs

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis .benchmarks _proc _docs runs
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
