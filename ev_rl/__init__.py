__version__ = "0.1.0"

# Hand-maintained (nbdev only updates the version line above): importing ev_rl registers the
# Gymnasium environment, without importing the simulator until `gymnasium.make` needs it.
# `gymnasium.make_vec(..., num_envs=N)` builds the batched `IquitosMallVectorEnv` (the vector entry
# point); `max_episode_steps` is the default episode, the hourly year of 365 x 24 steps, which
# `gymnasium.make` enforces with `TimeLimit` (03_env, the env's "Episode End": when to lift it).
import gymnasium as _gym

if "ev_rl/IquitosMall-v0" not in _gym.registry:
    _gym.register(
        id="ev_rl/IquitosMall-v0",
        entry_point="ev_rl.env:IquitosMallEnv",
        vector_entry_point="ev_rl.env:IquitosMallVectorEnv",
        max_episode_steps=8760,
    )
