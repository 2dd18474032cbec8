"""Benchmark: training on a CUDA GPU against the CPU, in the same run (the README's "Performance").

For each algorithm's `tuned` preset (PPO: 16 batched copies, rollouts of 2,048 steps, 5 epochs of 256-sample
minibatches; SAC: 4 copies, 4 gradient steps of 256 samples per 4 transitions) it trains the same number of
environment steps with `device="cpu"` (one torch thread, as every run of the project) and with `device="cuda"`,
and prints the steps per second of `model.learn` (rollouts and updates) and their ratio. Then it runs the whole
training pipeline (`ev_rl.train.train`: validation curve, best model, checkpoints, the test report on a model
reloaded on the CPU) once with `device="cuda"`, briefly, to show that nothing in it assumes the CPU.

The policies are small (two hidden layers of 64-512 units) and the simulator runs on the CPU: a GPU is expected to
help little, or to slow the rollouts through host-device copies. Nothing in the project depends on a GPU.

    .venv/bin/python benchmarks/bench_device.py [--steps 32768] [--sac-steps 8192] [--pipeline-steps 16384]
"""

import argparse
import tempfile
import time

import torch

from ev_rl.core import SiteConfig
from ev_rl.train import TrainParams, build_model, make_training_env, seed_everything, train


def steps_per_second(algo: str, device: str, steps: int) -> float:
    "Environment steps per second of `model.learn` for `algo`'s tuned preset on `device` (one torch thread)."
    seed_everything(0, 1)
    params = TrainParams(algo=algo, preset="tuned", total_timesteps=steps, device=device)
    model = build_model(params, make_training_env(params, SiteConfig()))
    assert str(model.device).startswith(device), f"{algo}: model on {model.device}, asked for {device}"
    model.learn(min(steps // 8, 4096))  # warm-up: numba compilation, CUDA context and kernels
    t0 = time.perf_counter()
    model.learn(steps, reset_num_timesteps=False)
    return steps / (time.perf_counter() - t0)


def pipeline_on_cuda(steps: int, output_dir: str) -> dict:
    "A short whole run of `train` on the GPU: its summary (device, steps, validation score of the best model)."
    params = TrainParams(
        algo="ppo",
        preset="tuned",
        total_timesteps=steps,
        device="cuda",
        validation_scenarios=1,
        validation_days=2,
        test_scenarios=1,
        test_days=7,
        checkpoint_every=steps // 2,
        output_dir=output_dir,
    )
    summary = train(params)
    return {key: summary[key] for key in ("device", "timesteps", "steps_per_second", "best_model_timesteps")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=32_768, help="PPO steps timed per device")
    parser.add_argument("--sac-steps", type=int, default=8_192, help="SAC steps timed per device")
    parser.add_argument("--pipeline-steps", type=int, default=16_384, help="steps of the whole run on the GPU")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device: this benchmark compares a GPU with the CPU")
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}; CPU: 1 torch thread")
    for algo, steps in (("ppo", args.steps), ("sac", args.sac_steps)):
        cpu = steps_per_second(algo, "cpu", steps)
        cuda = steps_per_second(algo, "cuda", steps)
        print(
            f"{algo}: {steps:,} steps  cpu {cpu:8,.0f} steps/s   cuda {cuda:8,.0f} steps/s   "
            f"cuda/cpu {cuda / cpu:.2f}x",
            flush=True,
        )
    with tempfile.TemporaryDirectory() as folder:
        print("whole run on cuda:", pipeline_on_cuda(args.pipeline_steps, folder), flush=True)


if __name__ == "__main__":
    main()
