"""Instruments: branches are completely positive, sum to a channel, and their traces are Born probabilities."""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics.core.instrument import Instrument
from pqms_physics.errors import DimensionError, NotCPTPError, PQMSValueError

EXACT = 1e-14


def unsharp_z(theta: float) -> Instrument:
    """Luders instrument of the unsharp Z measurement with effects cos^2, sin^2 (Kraus = square roots)."""
    k0 = np.diag([np.cos(theta), np.sin(theta)])
    k1 = np.diag([np.sin(theta), np.cos(theta)])
    return Instrument.from_kraus([[k0], [k1]], outcomes=("up", "down"))


@given(st.floats(0.0, np.pi / 2), st.integers(0, 2**32 - 1))
def test_branch_traces_are_born_probabilities_and_post_states_follow_luders(theta, seed):
    rho = random_density_matrix(seed, [2])
    inst = unsharp_z(theta)
    r = rho.full()
    c, s = np.cos(theta), np.sin(theta)
    born = [c**2 * r[0, 0].real + s**2 * r[1, 1].real, s**2 * r[0, 0].real + c**2 * r[1, 1].real]
    np.testing.assert_allclose(inst.probabilities(rho), born, atol=EXACT)
    k0 = np.diag([c, s])
    np.testing.assert_allclose(inst.apply(0, rho).full(), k0 @ r @ k0, atol=EXACT)
    assert inst.apply(1, rho).tr() == pytest.approx(born[1], abs=EXACT)


def test_the_branches_sum_to_a_cptp_channel():
    inst = unsharp_z(0.3)
    ch = inst.channel()
    assert ch.is_cptp() and ch.in_dims == ch.out_dims == (2,)
    np.testing.assert_allclose(ch.superop_matrix, inst.branch_superop(0) + inst.branch_superop(1), atol=0)
    assert inst.outcomes == ("up", "down") and len(inst) == 2
    assert "2 outcomes" in repr(inst)


def test_instruments_are_immutable():
    inst = unsharp_z(0.3)
    with pytest.raises(AttributeError):
        inst.outcomes = ("a", "b")
    with pytest.raises(ValueError):
        inst.branch_superop(0)[0, 0] = 1.0
    with pytest.raises(TypeError):
        Instrument([np.eye(4)], (2,), (2,), ("x",), "bypass")


@pytest.mark.parametrize(
    "call, exc, match",
    [
        pytest.param(
            lambda: Instrument.from_kraus([[np.eye(2)], [np.eye(2)]]), NotCPTPError, "trace-preserving", id="sum-not-tp"
        ),
        pytest.param(
            lambda: Instrument.from_superops([np.eye(4)[[0, 2, 1, 3]]], (2,), (2,)),
            NotCPTPError,
            r"branches\[0\] must be completely positive",
            id="transpose",
        ),
        pytest.param(
            lambda: Instrument.from_superops([np.eye(4)], (2, 2), (2,)),
            DimensionError,
            r"branches\[0\] has shape \(4, 4\)",
            id="dims",
        ),
        pytest.param(lambda: Instrument.from_superops([], (2,), (2,)), PQMSValueError, "at least one", id="empty"),
        pytest.param(
            lambda: Instrument.from_kraus([[np.eye(2)]], outcomes=("a", "b")),
            PQMSValueError,
            "outcomes must label 1 branches, got 2",
            id="labels",
        ),
        pytest.param(
            lambda: unsharp_z(0.2).probabilities(qt.basis(3, 0)),
            DimensionError,
            r"rho has dims \[3\], the instrument expects \[2\]",
            id="apply-dims",
        ),
    ],
)
def test_bad_instruments_raise(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
