"""The site's real 2024 meter export (data/measured/): it loads with the figures of its provenance README,
and a scenario built from it with `scenario_from_files` carries its outages in `Scenario.quality`."""

import numpy as np
import pytest

from ev_rl.core import DataError, SiteConfig
from ev_rl.data import MEASURED_METER, scenario_from_files
from ev_rl.meter import load_meter_export
from ev_rl.paths import resource

METER = resource(MEASURED_METER)  # an input installed with the package (the checkout's file here)


@pytest.fixture(scope="module")
def meter():
    return load_meter_export(METER, expect_full_year=True)


def test_the_2024_export_loads_with_its_documented_figures(meter):
    q = meter.attrs["quality"]
    assert len(meter) == q["n_intervals"] == q["n_rows"] == 35_136
    assert (str(meter.index[0]), str(meter.index[-1])) == ("2024-01-01 00:00:00-05:00", "2024-12-31 23:45:00-05:00")
    assert (q["outages"]["n_intervals"], q["outages"]["n_runs"], q["gaps"]["n_intervals"]) == (135, 9, 0)
    assert round(q["energy_kwh"]) == round(meter.sum() / 4) == 12_403_168
    assert (q["unit"], q["encoding"], q["bom"], q["separator"], q["last_line_cut"]) == ("kWh", "utf-8", True, ";", None)
    assert abs(meter.max() - 2804) < 1


def test_a_scenario_from_the_2024_export_keeps_its_quality_record():
    config = SiteConfig().with_overrides({"simulation.year": 2024})
    with pytest.raises(DataError, match="135 zero-valued interval"):
        scenario_from_files(config, meter_path=METER)  # the fill policy must be explicit
    kept = scenario_from_files(config, meter_path=METER, meter_options={"fill": "none"}, name="measured-2024")
    assert kept.n_steps == 8784 and kept.quality["generated"] == ["pv", "sessions"]
    assert kept.quality["meter"]["fill"]["policy"] == "none" and kept.quality["meter"]["outages"]["n_runs"] == 9
    assert round(kept.mall_kw.sum() * kept.dt_h) == 12_403_168  # hourly means of the 15-minute energies
    assert (kept.mall_kw == 0).sum() > 0  # zeros kept as zero demand, as asked
    filled = scenario_from_files(config, meter_path=METER, meter_options={"fill": "previous_week"})
    assert filled.quality["meter"]["fill"]["n_filled_outage"] == 135
    assert np.all(filled.mall_kw > 0)
