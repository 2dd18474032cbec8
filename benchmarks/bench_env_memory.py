"""Benchmark of the environment's memory (03_env): one env process, an async worker, a pickled env.

Each row runs in a fresh Python process and reports, read from /proc (Linux):
- RSS: resident memory, what `ps` and the issue measured (shared library pages included);
- private: the pages the process has written and shares with no other (`Private_Dirty`: its heap, the
  arrays it made), what one more process of the kind costs: an async worker forked from its parent shares
  the parent's pages until it writes to them, and every process shares the libraries' pages read from
  disk (which RSS counts in full; the USS would count them for the one process that maps them);
- PSS: the proportional set size, shared pages divided among the processes that share them: the sum of the PSS of
  a set of processes is the memory the set takes, so a set's PSS divided by its workers is the memory per worker;
- peak: the largest RSS of the process (`ru_maxrss`), the compilation of a scenario included.

The scenario years are read from the cache (`make_scenario`, 01e_data: `cache_root()/scenarios/`), which the
benchmark fills first by drawing every year the rows use; the row "cold cache" draws its year in the process
itself (with an empty cache root), which imports pvlib and SciPy's signal and optimisation tools.

Rows, the reference first (measured in the same run):
- bare Python with numpy imported (the reference);
- `import ev_rl.env`;
- one env with a cold cache: the same env, drawing its year itself;
- one env, default arguments: `gymnasium.make("ev_rl/IquitosMall-v0")`, `reset(seed=0)`, 1,000 steps;
- the same env after `--resets` resets (every training scenario of the pool drawn), then 1,000 steps;
- a worker of `gymnasium.make_vec(..., vectorization_mode="async")` (two workers, forked as Gymnasium does
  by default on Linux), after `reset(seed=0)` and 1,000 steps, measured from the parent; the same after
  `--resets` resets; and a worker started by a forkserver (Python 3.14's default), which imports everything
  itself;
- `--workers` (16) async workers forked as Gymnasium does, after reset and 1,000 steps: the PSS of the parent and
  its workers together, divided by the number of workers (what 16 workers on one machine cost each); the same
  after `--resets` resets (each worker holding the training years it drew);
- the pickled env (`pickle.dumps(env.unwrapped)` after reset), in MB.

Target (issue 27, item 3): <= 200 MiB per env process.

    .venv/bin/python benchmarks/bench_env_memory.py [--steps 1000] [--resets 24] [--workers 16]
"""

import argparse
import json
import subprocess
import sys

MEASURE = """
import json, resource
def measure(pid="self"):
    "RSS, private (written, unshared) pages, USS and PSS of a process, MiB, from /proc/<pid>/smaps_rollup."
    kb = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            kb[key] = int(value.split()[0])
    return dict(
        rss=kb["Rss"] / 1024,
        private=kb["Private_Dirty"] / 1024,
        uss=(kb["Private_Clean"] + kb["Private_Dirty"]) / 1024,
        pss=kb["Pss"] / 1024,
    )
def report(**extra):
    row = measure()
    row["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({**row, **extra}))
def report_set(envs, steps, **extra):
    "Step the vector env's copies, then report the PSS of this process and its workers together, per worker."
    import numpy as np
    for a in np.random.default_rng(0).uniform(-1, 1, (steps, envs.num_envs, 39)).astype(np.float32):
        envs.step(a)
    workers = [measure(p.pid) for p in envs.processes]
    total = measure()["pss"] + sum(w["pss"] for w in workers)
    report(**extra, set_pss=total, per_worker=total / len(workers), workers=len(workers))
    envs.close()
def report_workers(envs, steps, **extra):
    "Step the vector env's copies, then report this process and its worker that wrote the most memory."
    import numpy as np
    for a in np.random.default_rng(0).uniform(-1, 1, (steps, 2, 39)).astype(np.float32):
        envs.step(a)
    worst = max((measure(p.pid) for p in envs.processes), key=lambda w: w["private"])
    report(**extra, **{"worker_" + k: v for k, v in worst.items()})
    envs.close()
"""

ROWS = {
    "reference: python + numpy": "import numpy\nreport()",
    "import ev_rl.env": "import ev_rl.env\nimport sys\nreport(torch='torch' in sys.modules)",
    "one env, cold cache (draws its year): make + reset + {steps} steps": """
import os, tempfile
os.environ["EV_RL_CACHE"] = tempfile.mkdtemp()
import gymnasium as gym, numpy as np, sys
import ev_rl
env = gym.make("ev_rl/IquitosMall-v0")
env.reset(seed=0)
for a in np.random.default_rng(0).uniform(-1, 1, ({steps}, 39)).astype(np.float32):
    env.step(a)
report(pvlib="pvlib" in sys.modules)
""",
    "one env: make + reset + {steps} steps": """
import gymnasium as gym, numpy as np
import ev_rl
env = gym.make("ev_rl/IquitosMall-v0")
env.reset(seed=0)
for a in np.random.default_rng(0).uniform(-1, 1, ({steps}, 39)).astype(np.float32):
    env.step(a)
report()
""",
    "one env after {resets} resets + {steps} steps": """
import gymnasium as gym, numpy as np
import ev_rl
env = gym.make("ev_rl/IquitosMall-v0")
drawn = {{env.reset(seed=s)[1]["scenario"] for s in range({resets})}}
for a in np.random.default_rng(0).uniform(-1, 1, ({steps}, 39)).astype(np.float32):
    env.step(a)
report(drawn=len(drawn))
""",
    "async worker (make_vec, 2 workers): reset + {steps} steps": """
import gymnasium as gym, numpy as np
import ev_rl
envs = gym.make_vec("ev_rl/IquitosMall-v0", num_envs=2, vectorization_mode="async")
envs.reset(seed=0)
report_workers(envs, {steps})
""",
    "async worker after {resets} resets + {steps} steps": """
import gymnasium as gym, numpy as np
import ev_rl
envs = gym.make_vec("ev_rl/IquitosMall-v0", num_envs=2, vectorization_mode="async")
drawn = [set(), set()]
for s in range({resets}):
    for i, name in enumerate(envs.reset(seed=s)[1]["scenario"]):
        drawn[i].add(name)
report_workers(envs, {steps}, drawn=min(len(d) for d in drawn))
""",
    "async worker, forkserver (imports on its own): reset + {steps} steps": """
import gymnasium as gym, numpy as np
import ev_rl
envs = gym.make_vec(
    "ev_rl/IquitosMall-v0", num_envs=2, vectorization_mode="async", vector_kwargs={{"context": "forkserver"}}
)
envs.reset(seed=0)
report_workers(envs, {steps})
""",
    "{workers} async workers (make_vec, fork): reset + {steps} steps, per worker": """
import gymnasium as gym, numpy as np
import ev_rl
envs = gym.make_vec("ev_rl/IquitosMall-v0", num_envs={workers}, vectorization_mode="async")
envs.reset(seed=0)
report_set(envs, {steps})
""",
    "{workers} async workers after {resets} resets + {steps} steps, per worker": """
import gymnasium as gym, numpy as np
import ev_rl
envs = gym.make_vec("ev_rl/IquitosMall-v0", num_envs={workers}, vectorization_mode="async")
drawn = [set() for _ in range({workers})]
for s in range({resets}):
    for i, name in enumerate(envs.reset(seed=s)[1]["scenario"]):
        drawn[i].add(name)
report_set(envs, {steps}, drawn=min(len(d) for d in drawn))
""",
    "pickled env after reset": """
import pickle, gymnasium as gym
import ev_rl
env = gym.make("ev_rl/IquitosMall-v0")
env.reset(seed=0)
report(pickle_mb=len(pickle.dumps(env.unwrapped)) / 1e6)
""",
}


WARM_CACHE = """
import gymnasium as gym
import ev_rl
env = gym.make("ev_rl/IquitosMall-v0")
for s in range({resets}):
    env.reset(seed=s)
"""


def run_row(code: str) -> dict:
    "The measurement printed by `code` run in a fresh process."
    out = subprocess.run([sys.executable, "-c", MEASURE + code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000, help="env steps after reset")
    parser.add_argument("--resets", type=int, default=24, help="resets of the steady-state row (draws of the pool)")
    parser.add_argument("--workers", type=int, default=16, help="async workers of the row that measures a set")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-c", WARM_CACHE.format(resets=args.resets)], check=True)  # the years in the cache
    reference = None
    print(f"{'':66s} {'RSS':>6s} {'private':>8s} {'PSS':>6s} {'peak':>6s}   (MiB; x reference RSS)")
    for label, code in ROWS.items():
        label = label.format(steps=f"{args.steps:,}", resets=args.resets, workers=args.workers)
        row = run_row(code.format(steps=args.steps, resets=args.resets, workers=args.workers))
        if "worker_rss" in row:  # the worker's own numbers, not the parent's
            row["rss"], row["private"], row["pss"] = row["worker_rss"], row["worker_private"], row["worker_pss"]
            row["peak"] = float("nan")
        if "per_worker" in row:  # the set's memory per worker; RSS and private are the parent's, not shown
            row["rss"] = row["private"] = row["peak"] = float("nan")
            row["pss"] = row["per_worker"]
        reference = reference or row["rss"]
        notes = [f"{row['rss'] / reference:4.1f} x"] if row["rss"] == row["rss"] else []
        if "torch" in row:
            notes.append(f"torch imported: {row['torch']}")
        if "drawn" in row:
            notes.append(f"{row['drawn']} training years drawn" + (" by each worker" if "worker_rss" in row else ""))
        if "pvlib" in row:
            notes.append(f"pvlib imported: {row['pvlib']}")
        if "per_worker" in row:
            notes.append(f"{row['workers']} workers and their parent: {row['set_pss']:,.0f} MiB in all")
        if "pickle_mb" in row:
            notes.append(f"pickled env: {row['pickle_mb']:.2f} MB")
        numbers = " ".join(f"{row[k]:{w}.0f}" for k, w in (("rss", 6), ("private", 8), ("pss", 6), ("peak", 6)))
        print(f"{label:66s} {numbers}   {'; '.join(notes)}")
    print("target <= 200 MiB per env process")


if __name__ == "__main__":
    main()
