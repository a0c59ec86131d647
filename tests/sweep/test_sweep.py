"""Sweep engine: grid assembly, executors, netCDF output and provenance, checkpoint/resume rules."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st
from sweep_helpers import data_equal, listing, toml_text, write_config

from pqms_physics import __version__
from pqms_physics.errors import PQMSValueError
from pqms_physics.sweep.engine import CheckpointError, load_config, parse_config, read_checkpoint_log, run_sweep

PROBE = {"quantity": "sweep_probe:SWEEP_PROBE", "seed": 2**64 - 1}
PROBE_PARAMS = {"x": [0.5, -1.25, 3.0, 7.5], "n": [0, 1, 2, 3, 4, 5, 6]}


class Stop(Exception):
    """Raised by a progress callback to interrupt a run after some chunks (as a crash would)."""


def stop_after(n_chunks: int):
    def progress(done, total):
        if done >= n_chunks:
            raise Stop

    return progress


def probe_config(tmp_path, name="probe.toml", chunk_points=5, **extra):
    return write_config(tmp_path / name, {**PROBE, "chunk_points": chunk_points, **extra}, PROBE_PARAMS)


# ------------------------------------------------------------------ assembly
def test_every_point_lands_at_its_own_coordinates(tmp_path):
    ds = run_sweep(probe_config(tmp_path), workers=1, progress=False)
    x, n = xr.broadcast(ds.x, ds.n)
    assert ds.x_echo.dims == ("x", "n")
    np.testing.assert_array_equal(ds.x_echo.values, x.values)
    np.testing.assert_array_equal(ds.n_echo.values, n.values)
    # flat index = C order over the dimensions as listed in the config
    np.testing.assert_array_equal(ds.point_index.values, np.arange(28).reshape(4, 7))


def test_chunk_size_and_process_pool_do_not_change_any_number(tmp_path):
    serial = run_sweep(probe_config(tmp_path, "a.toml", chunk_points=1000), workers=1, progress=False)
    pooled = run_sweep(probe_config(tmp_path, "b.toml", chunk_points=3), workers=2, progress=False)
    assert pooled.attrs["executor"] == "process-pool(2)" and serial.attrs["executor"] == "in-process"
    assert pooled.attrs["n_chunks"] == 10 and serial.attrs["n_chunks"] == 1
    assert data_equal(serial, pooled)


def test_dephasing_sweep_reproduces_the_closed_form(tmp_path):
    cfg = write_config(
        tmp_path / "d.toml",
        {"quantity": "dephasing_fidelity", "chunk_points": 4},
        {"gamma_per_s": {"start": 0.01, "stop": 10.0, "num": 4, "scale": "log"}, "t_s": [0.0, 0.5], "sides": [1, 2]},
    )
    ds = run_sweep(cfg, workers=1, progress=False)
    expected = (1 + np.exp(-2 * ds.sides * ds.gamma_per_s * ds.t_s)) / 2  # coherence exp(-2 gamma t) per qubit
    np.testing.assert_allclose(ds.fidelity.values, expected.transpose(*ds.fidelity.dims).values, atol=1e-12)


def test_chain_sweep_with_a_swept_boolean_matches_the_chain_function(tmp_path):
    from pqms_physics.network.chains import werner_chain_fidelity

    cfg = write_config(
        tmp_path / "c.toml",
        {"quantity": "fidelity_vs_hops", "chunk_points": 7},
        {"twirl": [False, True], "hops": [1, 3, 50], "link_fidelity": [0.9, 0.99]},
        {"measurement_fidelity": 0.97},
    )
    ds = run_sweep(cfg, progress=False)
    assert ds.twirl.dtype == bool and ds.twirl.values.tolist() == [False, True]
    for tw in (False, True):
        h, f = xr.broadcast(ds.hops, ds.link_fidelity)
        direct = werner_chain_fidelity(f.values, h.values, 1.0, 0.97, twirl=tw)
        np.testing.assert_array_equal(ds.fidelity.sel(twirl=tw).transpose("hops", "link_fidelity").values, direct)


@given(nx=st.integers(1, 9), nn=st.integers(1, 9), chunk=st.integers(1, 100))
def test_chunks_rebuild_the_c_order_grid_for_any_shape_and_chunk_size(nx, nn, chunk):
    from pqms_physics.sweep.executors import chunk_values, make_tasks

    cfg = parse_config(
        toml_text(
            {**PROBE, "chunk_points": chunk}, {"x": [float(i) / 2 for i in range(nx)], "n": list(range(10, 10 + nn))}
        )
    )
    parts = [chunk_values(t) for t in make_tasks(cfg, range(cfg.n_chunks))]
    x = np.concatenate([v["x"] for v, _ in parts])
    n = np.concatenate([v["n"] for v, _ in parts])
    index = np.concatenate([i for _, i in parts])
    gx, gn = np.meshgrid(cfg.coords()["x"], cfg.coords()["n"], indexing="ij")
    np.testing.assert_array_equal(index, np.arange(nx * nn))
    np.testing.assert_array_equal(x, gx.ravel())
    np.testing.assert_array_equal(n, gn.ravel())
    assert all(v["delay_s"].tolist() == [0.0] * i.size for v, i in parts)  # fixed values repeated per point


def test_a_sweep_with_every_parameter_fixed_is_a_single_point(tmp_path):
    cfg = write_config(tmp_path / "one.toml", {"quantity": "fidelity_vs_hops"}, {}, {"hops": 3, "link_fidelity": 0.97})
    ds = run_sweep(cfg, progress=False)
    assert ds.fidelity.dims == () and float(ds.fidelity) == pytest.approx(0.25 + 0.75 * 0.96**3, abs=1e-14)


# ------------------------------------------------------------------ output and provenance
def test_output_file_holds_the_data_units_config_and_versions(tmp_path):
    config = probe_config(tmp_path, description="provenance check")
    ds = run_sweep(config, workers=1, progress=False)
    on_disk = xr.load_dataset(tmp_path / "probe.nc", engine="h5netcdf")
    assert data_equal(ds, on_disk) and ds.attrs == on_disk.attrs
    cfg = load_config(config)
    assert on_disk.attrs["config_toml"] == config.read_text()
    assert on_disk.attrs["config_hash"] == cfg.config_hash
    assert json.loads(on_disk.attrs["config_resolved"]) == json.loads(json.dumps(cfg.canonical()))
    assert int(on_disk.attrs["seed"]) == 2**64 - 1  # the full 64-bit seed survives netCDF
    assert on_disk.attrs["version_pqms_physics"] == __version__
    assert {"version_numpy", "version_xarray", "version_qutip", "version_numba", "created_utc"} <= set(ds.attrs)
    assert on_disk.attrs["fixed_delay_s"] == 0.0 and on_disk.attrs["description"] == "provenance check"
    assert on_disk.x.attrs["units"] == "1" and on_disk.uniform.attrs["long_name"].startswith("U(0, 1)")
    assert (on_disk.attrs["chunks_computed"], on_disk.attrs["chunks_resumed"]) == (6, 0)
    assert not (tmp_path / "probe.nc.chunks").exists()  # checkpoints are removed once the output is written


def test_default_output_sits_next_to_the_config_and_a_string_config_needs_out_path(tmp_path):
    text = toml_text(PROBE, {"x": [1.0]})
    with pytest.raises(PQMSValueError, match="out_path is required"):
        run_sweep(parse_config(text), progress=False)
    ds = run_sweep(parse_config(text), out_path=tmp_path / "sub" / "s.nc", progress=False)
    assert (tmp_path / "sub" / "s.nc").exists() and ds.sizes["x"] == 1


# ------------------------------------------------------------------ resume rules
def test_rerun_of_a_finished_sweep_computes_nothing(tmp_path):
    config = probe_config(tmp_path)
    first = run_sweep(config, workers=1, progress=False)
    before = listing(tmp_path)
    calls = []
    again = run_sweep(config, workers=1, progress=lambda done, total: calls.append(done))
    assert calls == [] and listing(tmp_path) == before
    assert again.attrs == first.attrs and data_equal(again, first)


def test_interrupted_run_resumes_without_recomputing_finished_chunks(tmp_path):
    config = probe_config(tmp_path)
    ckpt = tmp_path / "probe.nc.chunks"
    with pytest.raises(Stop):
        run_sweep(config, workers=1, progress=stop_after(2))
    finished = listing(ckpt)
    assert sorted(p for p in finished if p.startswith("chunk_")) == ["chunk_00000000.npz", "chunk_00000001.npz"]
    first_runs = {e["run"] for e in read_checkpoint_log(ckpt)}

    seen = {}

    def inspect(done, total):  # runs after each chunk is written, before the directory is removed
        seen["files"] = listing(ckpt)
        seen["log"] = read_checkpoint_log(ckpt)

    resumed = run_sweep(config, workers=1, progress=inspect)
    chunk_files = {p: v for p, v in finished.items() if p.startswith("chunk_")}
    assert all(seen["files"][p] == v for p, v in chunk_files.items())  # same inode and mtime: not rewritten
    second_run = sorted(e["chunk"] for e in seen["log"] if e["run"] not in first_runs)
    assert second_run == [2, 3, 4, 5]  # only the missing chunks, each once
    assert (resumed.attrs["chunks_resumed"], resumed.attrs["chunks_computed"]) == (2, 4)
    reference = run_sweep(probe_config(tmp_path, "ref.toml"), workers=1, progress=False)
    assert data_equal(resumed, reference)


def test_a_changed_config_refuses_the_old_checkpoint_and_touches_nothing(tmp_path):
    config = probe_config(tmp_path)
    with pytest.raises(Stop):
        run_sweep(config, workers=1, progress=stop_after(1))
    config.write_text(config.read_text().replace("7.5", "7.25"))
    before = listing(tmp_path)
    with pytest.raises(
        CheckpointError,
        match=r"probe\.nc\.chunks' holds chunks of a different sweep configuration"
        r".*Delete the directory to start over, choose another out_path",
    ):
        run_sweep(config, workers=1, progress=False)
    assert listing(tmp_path) == before


def test_a_changed_config_refuses_an_existing_output_unless_resume_is_false(tmp_path):
    config = probe_config(tmp_path)
    run_sweep(config, workers=1, progress=False)
    config.write_text(config.read_text().replace("seed = 18446744073709551615", "seed = 5"))
    before = listing(tmp_path)
    with pytest.raises(CheckpointError, match=r"probe\.nc' holds the results of a different sweep configuration"):
        run_sweep(config, workers=1, progress=False)
    assert listing(tmp_path) == before
    ds = run_sweep(config, workers=1, progress=False, resume=False)
    assert int(ds.attrs["seed"]) == 5


def test_a_damaged_chunk_file_is_recomputed(tmp_path, caplog):
    config = probe_config(tmp_path)
    with pytest.raises(Stop):
        run_sweep(config, workers=1, progress=stop_after(3))
    (tmp_path / "probe.nc.chunks" / "chunk_00000001.npz").write_bytes(b"not a zip file")
    ds = run_sweep(config, workers=1, progress=False)
    assert "unreadable" in caplog.text and ds.attrs["chunks_resumed"] == 2
    assert data_equal(ds, run_sweep(probe_config(tmp_path, "ref.toml"), workers=1, progress=False))


def test_foreign_files_at_the_output_paths_are_never_overwritten(tmp_path):
    config = probe_config(tmp_path)
    (tmp_path / "probe.nc").write_text("my notes")
    with pytest.raises(CheckpointError, match=r"exists and is not a netCDF sweep output"):
        run_sweep(config, workers=1, progress=False)
    (tmp_path / "probe.nc").unlink()
    (tmp_path / "probe.nc.chunks").mkdir()
    (tmp_path / "probe.nc.chunks" / "data.csv").write_text("1,2")
    before = listing(tmp_path)
    for resume in (True, False):
        with pytest.raises(CheckpointError, match=r"is not a sweep checkpoint directory"):
            run_sweep(config, workers=1, progress=False, resume=resume)
    assert listing(tmp_path) == before


# ------------------------------------------------------------------ argument validation
@pytest.mark.parametrize(
    "kwargs, message",
    [
        pytest.param(
            {"scheduler": "http://host:8786"}, r"scheduler must be None .* got 'http://host:8786'", id="scheme"
        ),
        pytest.param(
            {"scheduler": 8786}, r"scheduler must be None, a str or a distributed\.Client, got int", id="scheduler-type"
        ),
        pytest.param({"workers": 0}, r"workers must be >= 1, got 0", id="workers-zero"),
        pytest.param(
            {"workers": 2, "scheduler": "tcp://127.0.0.1:1"},
            r"workers must be None with a remote dask",
            id="workers-remote",
        ),
        pytest.param({"resume": "yes"}, r"resume must be a bool, got 'yes'", id="resume"),
        pytest.param({"progress": "bar"}, r"progress must be None \(auto\), a bool or a callable", id="progress"),
        pytest.param({"out_path": 3}, r"out_path must be a path, got int", id="out-path"),
    ],
)
def test_bad_arguments_are_rejected_before_anything_is_written(tmp_path, kwargs, message):
    config = probe_config(tmp_path)
    before = listing(tmp_path)
    with pytest.raises(PQMSValueError, match=message):
        run_sweep(config, **kwargs)
    assert listing(tmp_path) == before


def test_missing_dask_extra_is_named(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    config = probe_config(tmp_path)
    before = listing(tmp_path)
    with pytest.raises(ImportError, match=r"install the optional 'dask' extra: pip install 'pqms_physics\[dask\]'"):
        run_sweep(config, scheduler="local-cluster", progress=False)
    assert listing(tmp_path) == before


def test_text_parameters_reach_the_physics_intact(tmp_path):
    from pqms_physics.core.noise import dephasing
    from pqms_physics.core.states import werner_state
    from pqms_physics.nct import pool_bias_experiment
    from pqms_physics.sweep.spec import point_seeds

    cfg = write_config(
        tmp_path / "pb.toml",
        {"quantity": "pool_bias", "seed": 4, "chunk_points": 1},
        {"basis": ["x", "z"]},
        {"sampler": "multinomial", "pairs_per_pool": 50},
    )
    ds = run_sweep(cfg, workers=1, progress=False)
    assert ds.basis.values.tolist() == ["x", "z"] and ds.attrs["fixed_sampler"] == "multinomial"
    for k, (basis, s) in enumerate(zip(["x", "z"], point_seeds(4, [0, 1]))):
        r = pool_bias_experiment(
            50, int(s), state=werner_state(1.0), sender_channel=dephasing(0.0, 1.0), basis=basis, sampler="multinomial"
        )
        assert ds.z.values[k] == r.z and ds.receiver_ones_0.values[k] == r.receiver_ones[0]
