"""Golden vectors of the FPGA RPU (pqms_physics.rpu.vectors): the probability tables are the
Born-rule probabilities of the stated states, the records are the kernels' stream, and the
expected outputs are the bit-exact model's, within half an LSB of float64."""

import math

import numpy as np
import pytest
import qutip as qt

from pqms_physics.core.states import werner_state
from pqms_physics.kernels import sample_counts
from pqms_physics.rpu.float_reference import float_reference
from pqms_physics.rpu.model import FRAC_BITS, W_MAX, run_rpu, window_counts
from pqms_physics.rpu.vectors import (
    DEFAULT_SEED,
    case_records,
    chsh_table,
    nct_table,
    signalling_table,
    suite_cases,
    werner_table,
    write_fpga_vectors,
)

LSB = 2.0**-FRAC_BITS


def projector(theta, bit):
    """Eigenprojector of cos(theta) Z + sin(theta) X for eigenvalue (-1)**bit."""
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    ket = qt.Qobj([[c], [s]]) if bit == 0 else qt.Qobj([[-s], [c]])
    return ket * ket.dag()


@pytest.mark.parametrize("v", [0.0, 0.37, 0.9, 1.0])
def test_werner_tables_are_born_rule_probabilities_of_the_werner_state(v):
    rho = werner_state((1 + 3 * v) / 4)  # Werner fidelity F = (1 + 3v)/4
    angles = [(0.0, 0.0), (math.pi / 2, 0.3), (1.1, -2.0)]
    table = werner_table(v, angles)
    for row, (ta, tb) in zip(table, angles):
        born = [qt.expect(qt.tensor(projector(ta, a), projector(tb, b)), rho) for a in (0, 1) for b in (0, 1)]
        np.testing.assert_allclose(row, born, atol=1e-14)


@pytest.mark.parametrize("v", [0.5, 0.95, 1.0])
def test_chsh_table_reaches_s_equal_two_sqrt_two_times_visibility(v):
    t = chsh_table(v)
    e = t[:, 0] + t[:, 3] - t[:, 1] - t[:, 2]
    assert e[0] + e[1] + e[2] - e[3] == pytest.approx(2 * math.sqrt(2) * v, abs=1e-14)


def test_only_the_synthetic_stimulus_biases_the_receiver_marginal():
    # no-communication: the receiver's P(b = 1) (outcomes 01, 11) is 1/2 in every pool
    for table in (nct_table(0.9), chsh_table(0.95)):
        np.testing.assert_allclose(table[:, 1] + table[:, 3], 0.5, atol=1e-15)
    sig = signalling_table(0.05)
    np.testing.assert_allclose(sig[:, 1] + sig[:, 3], [0.5, 0.55], atol=1e-15)


# ---- the written suite ----------------------------------------------------------------------


def read_input(path):
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("#")]
    assert lines[0] == "PQMS-RPU-IN 1" and lines[-1] == "END"
    keys = ["mode", "window", "n_windows", "k_thresh", "veto_z", "prune_z", "prune_en", "topk", "records"]
    reg = {}
    for key, line in zip(keys, lines[1:10]):
        k, v = line.split()
        assert k == key
        reg[k] = int(v)
    digits = np.frombuffer("".join(lines[10:-1]).encode(), dtype=np.uint8).astype(np.int64)
    assert digits.size == reg["records"] == reg["window"] * reg["n_windows"]
    # '0'-'9' -> 0-9, 'a'-'f' -> 10-15
    return reg, np.where(digits >= ord("a"), digits - ord("a") + 10, digits - ord("0"))


def read_output(path):
    lines = path.read_text().splitlines()
    assert lines[0] == "PQMS-RPU-OUT 1" and lines[-1] == "END"
    n = int(lines[1].split()[1])
    windows = [list(map(int, ln.split()[1:])) for ln in lines[2 : 2 + n]]
    k = int(lines[2 + n].split()[1])
    topk = [list(map(int, ln.split()[1:])) for ln in lines[3 + n : 3 + n + k]]
    summary = list(map(int, lines[3 + n + k].split()[1:]))
    return windows, topk, summary


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The default suite written to disk, and per case: (cells, window counts, model run)."""
    out = tmp_path_factory.mktemp("rpu_vectors")
    manifest = write_fpga_vectors(out, seed=DEFAULT_SEED)
    runs = {}
    for case in suite_cases():
        s, o = case_records(case, DEFAULT_SEED)
        counts = window_counts(s, o, case.config.window)
        runs[case.name] = (4 * s + o, counts, run_rpu(counts, case.config))
    return out, manifest, runs


def test_suite_files_decode_to_the_models_output(suite):
    out, manifest, runs = suite
    assert (out / "manifest.txt").read_text().split() == list(manifest.cases)
    for case in suite_cases():
        reg, cells = read_input(out / f"{case.name}.rpuin")
        assert reg["window"] == case.config.window and reg["n_windows"] == case.n_windows
        assert {k: reg[k] for k in ("mode", "k_thresh", "veto_z", "prune_z", "prune_en", "topk")} == {
            k: v for k, v in case.config.registers().items() if k != "window"
        }
        want_cells, _, run = runs[case.name]
        np.testing.assert_array_equal(cells, want_cells, err_msg=case.name)
        windows, topk, summary = read_output(out / f"{case.name}.rpuout")
        want = [
            [
                w.index,
                *w.counts,
                w.z_raw,
                *w.e_raw,
                w.s_raw,
                int(w.mode == "chsh"),
                int(w.z_valid),
                int(w.decision),
                int(w.veto),
                w.e_valid,
                int(w.s_valid),
            ]
            for w in run.windows
            if w.forwarded
        ]
        assert windows == want, case.name
        assert topk == [[int(t.valid), t.index, t.z_raw, t.zsq] for t in run.topk]
        assert summary == [run.n_forwarded, run.n_decisions, run.n_vetoes, run.n_valid]


def test_golden_records_are_the_kernels_stream(suite):
    # the RPU's per-window counts of the written records equal the streaming kernel's
    # window_counts for the same seed and stream: the hardware is checked against the kernels
    out, _, runs = suite
    for case in suite_cases():
        if case.cells is not None or case.n_windows == 0:
            continue
        _, cells = read_input(out / f"{case.name}.rpuin")
        ker = sample_counts(
            np.array(case.probs),
            case.config.window * case.n_windows,
            DEFAULT_SEED + case.seed_offset,
            setting_choice=case.setting_choice,
            window=case.config.window,
            stream=case.stream,
            device="numpy",
        )
        s_count = len(case.probs)
        rpu = window_counts(cells // 4, cells % 4, case.config.window)
        np.testing.assert_array_equal(rpu[:, :s_count, :], ker.window_counts, err_msg=case.name)


def test_golden_windows_agree_with_float64_to_half_an_lsb_with_identical_bits(suite):
    for case in suite_cases():
        if case.cells is not None:
            continue  # constructed exact ties: float64 may land on either side (tested exactly)
        _, counts, run = suite[2][case.name]
        ref = float_reference(counts, case.config)
        z = np.array([w.z for w in run.windows])
        valid = np.array([w.z_valid for w in run.windows], dtype=bool)
        np.testing.assert_array_equal(valid, ref.z_valid, err_msg=case.name)
        assert np.all(np.abs(z[valid] - ref.z[valid]) <= LSB / 2 + 1e-11), case.name
        for bit in ("decision", "veto", "forwarded"):
            got = np.array([getattr(w, bit) for w in run.windows], dtype=bool)
            np.testing.assert_array_equal(got, getattr(ref, bit), err_msg=f"{case.name} {bit}")
        if case.config.mode == "chsh":
            sv = np.array([w.s_valid for w in run.windows], dtype=bool)
            s_fixed = np.array([w.s for w in run.windows])
            assert np.all(np.abs(s_fixed[sv] - ref.s[sv]) <= 2 * LSB + 1e-14), case.name


def test_suite_covers_the_edge_cases_and_a_million_pairs(suite):
    _, manifest, all_runs = suite
    assert manifest.pairs >= 10**6
    cases = suite_cases()
    assert len({c.seed_offset for c in cases}) >= 4
    assert len({c.config.window for c in cases}) >= 6
    runs = {name: r for name, (_, _, r) in all_runs.items()}
    wins = [w for r in runs.values() for w in r.windows]
    assert max(max(w.counts) for w in wins) == W_MAX  # a counter at its maximum
    assert max(abs(w.z_raw) for w in wins) == round(math.sqrt(W_MAX) * 2**16)  # largest |z|
    assert max(w.s_raw for w in wins) == 4 * 2**16  # S at the format's extreme
    assert any(not w.z_valid for w in wins if w.mode == "nct")  # undefined z
    assert any(0 < w.e_valid < 15 for w in wins)  # CHSH windows with a missing setting
    assert any(r.config.mode == "nct" and 0 < r.n_forwarded < len(r.windows) for r in runs.values())  # pruning active
    assert runs["nct_signal_w1000"].n_decisions > 0 and runs["empty_run"].windows == ()


def test_records_depend_on_the_seed_and_only_on_it():
    case = suite_cases()[0]
    a, b = case_records(case, 1), case_records(case, 1)
    c = case_records(case, 2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[1], c[1])


def test_seed_too_large_for_the_case_offsets_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"seed must be <= 18446744073709551612"):
        write_fpga_vectors(tmp_path, seed=2**64 - 1)
