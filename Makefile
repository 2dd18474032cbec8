# ev-rl entry points. Every target sets up its own virtual environment first.
#   make train   set up, then train PPO on the default scenario (papermill, full run) into runs/
#   make test    set up, then run every notebook's tests (nbdev_test) and pytest tests/
#   make setup   create .venv and install the package with its dev extras
#   make lab     JupyterLab on the notebooks
#   make data    regenerate data/ (default and held-out scenarios, data card) and figures/data_overview.png
#   make bench   run the benchmarks (simulator, scenario generation)
#   make sync    export the package from the notebooks and clean the notebooks
#   make clean   remove the virtual environment, caches and run folders

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# One torch thread per process: with two threads on a 2-core machine a second busy
# process collapses throughput (see README, "Performance").
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: setup test test-nbs test-py sync lab clean data bench train

setup: $(STAMP)

$(STAMP): setup.py settings.ini
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	# torch first and pinned: a bare `torch` requirement would pull multi-GB CUDA wheels
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

test: setup test-nbs test-py

test-nbs: setup
	$(BIN)/nbdev_test --n_workers 2

test-py: setup
	$(BIN)/python -m pytest tests/ -q

sync: setup
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean

# The seed's full run: 87,600 steps (10 years of hourly steps), validated on the three held-out years.
TRAIN_ARGS ?= -p total_timesteps 87600 -p eval_every 21900 -p eval_scenarios 3 -p eval_days 365
train: setup
	mkdir -p runs
	$(BIN)/papermill nbs/05_train_ppo.ipynb runs/05_train_ppo.ipynb --cwd nbs $(TRAIN_ARGS)
	@echo "results: the newest runs/ev_rl-IquitosMall-v0__ppo__* folder (summary.json, validation.json, dashboard.png)"

data: setup
	$(BIN)/python -c "from ev_rl.data import write_data_folder; print(*write_data_folder('data', figure_path='figures/data_overview.png'), sep='\n')"

bench: setup
	$(BIN)/python benchmarks/bench_scenario.py
	$(BIN)/python benchmarks/bench_env.py

lab: setup
	$(BIN)/jupyter lab --notebook-dir=nbs

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis .benchmarks _proc _docs runs
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
