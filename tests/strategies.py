"""Hypothesis strategies shared by the property tests: small random scenarios of the site."""

import numpy as np
from hypothesis import strategies as st

from ev_rl.core import C_RATE_RANGE, SiteConfig
from ev_rl.data import scenario_from_series
from ev_rl.sockets import sessions_frame


@st.composite
def random_scenarios(draw, max_steps: int = 60, max_sessions: int = 120):
    """A random small scenario: random battery, export limit, time step (15 or 60 min), queue patience,
    start month, PV, demand and sessions (some asking for more than they can get, some with a power
    limit above the 7.4 kW socket)."""
    dt = draw(st.sampled_from([60, 15]))
    soc_min = draw(st.floats(0.0, 0.5))
    soc_max = draw(st.floats(soc_min + 0.05, 1.0))
    capacity_kwh = draw(st.floats(10.0, 5000.0))
    config = SiteConfig().with_overrides(
        {
            "simulation.dt_minutes": dt,
            "bess.capacity_kwh": capacity_kwh,
            "bess.power_kw": capacity_kwh * draw(st.floats(*C_RATE_RANGE)),  # every power a battery can have
            "bess.soc_min": soc_min,
            "bess.soc_max": soc_max,
            "bess.initial_soc": draw(st.floats(soc_min, soc_max)),
            "bess.round_trip_efficiency": draw(st.floats(0.5, 1.0)),
            "grid.export_limit_kw": draw(st.sampled_from([0.0, 100.0, 1e6])),
            "ev.queue_patience_min": draw(st.sampled_from([0.0, 30.0, 60.0, 240.0])),
        }
    )
    n = draw(st.integers(2, max_steps))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pv = rng.uniform(0, 4000, n) * (rng.random(n) < 0.7)
    mall = rng.uniform(0, 3000, n)
    rows = []
    for _ in range(int(rng.integers(0, max_sessions))):
        a = int(rng.integers(0, n - 1))
        rows.append(
            (
                str(rng.choice(["motorcycle", "mototaxi"])),
                a,
                int(min(n, a + rng.integers(1, 10))),
                float(rng.uniform(0.05, 12.0)),
                float(rng.uniform(0.3, 12.0)),
            )
        )
    start = f"2025-{draw(st.integers(1, 12)):02d}-01 06:00"
    return scenario_from_series(config, pv, mall, sessions_frame(rows), start=start)
