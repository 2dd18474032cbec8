"""Benchmark of end-to-end PPO training throughput (05_train_ppo) against a seed-like setup.

Both train SB3 PPO with the seed's hyperparameters on the same environment, in the same run:
- reference ("seed-like"): the Gymnasium env `IquitosMallEnv` through SB3's DummyVecEnv with one copy,
  rollouts of 2,048 steps (the seed's setup);
- this pipeline: the batched `IquitosMallVecEnv` with 16 copies (2,048 steps per rollout in all),
  as `ev_rl.train` builds it.
Throughput = environment steps / wall time of `model.learn` (rollouts and updates). Target: >= 4x.
Torch uses one thread in both (see README, "Performance").

    .venv/bin/python benchmarks/bench_train.py [--steps 16384] [--device cpu]
"""

import argparse
import time

import torch
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import DummyVecEnv

from ev_rl.core import SiteConfig
from ev_rl.data import training_scenario
from ev_rl.env import IquitosMallEnv
from ev_rl.train import TrainParams, build_model, make_training_env, seed_everything

SEED_HYPERPARAMETERS = dict(
    n_steps=2048,
    batch_size=256,
    n_epochs=3,
    gamma=0.85,
    gae_lambda=0.95,
    clip_range=0.2,
    ent_coef=0.01,
    vf_coef=0.5,
    target_kl=0.05,
    learning_rate=1.5e-4,
)


def timed_learn(model, steps: int) -> float:
    t0 = time.perf_counter()
    model.learn(steps)
    return steps / (time.perf_counter() - t0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=16_384)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    seed_everything(0, 1)
    config = SiteConfig()
    scenario = training_scenario(config, 0)
    net = dict(net_arch=dict(pi=[256, 256], vf=[512, 512]), activation_fn=torch.nn.Tanh)
    seed_like = PPO(
        "MlpPolicy",
        DummyVecEnv([lambda: IquitosMallEnv(scenario=scenario)]),
        policy_kwargs=net,
        device=args.device,
        seed=0,
        **SEED_HYPERPARAMETERS,
    )
    reference = timed_learn(seed_like, args.steps)
    copies = {"n_envs": 16, "env_kwargs.scenario_pool": 16}  # the default preset's
    params = TrainParams(total_timesteps=args.steps, device=args.device, hyperparams=copies)
    pipeline = timed_learn(build_model(params, make_training_env(params, config)), args.steps)
    print(f"seed-like (DummyVecEnv, 1 env)     {reference:8,.0f} steps/s")
    print(
        f"ev_rl.train (batched VecEnv, 16)    {pipeline:8,.0f} steps/s   "
        f"ratio {pipeline / reference:.1f}x (target >= 4x)"
    )


if __name__ == "__main__":
    main()
