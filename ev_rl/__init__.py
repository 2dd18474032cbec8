__version__ = "0.1.0"

# Hand-maintained (nbdev only updates the version line above): importing ev_rl registers the
# Gymnasium environment, without importing the simulator until `gymnasium.make` needs it.
import gymnasium as _gym

if "ev_rl/IquitosMall-v0" not in _gym.registry:
    _gym.register(id="ev_rl/IquitosMall-v0", entry_point="ev_rl.env:IquitosMallEnv")
