"""The public API: every name the issues promise resolves, and importing the package stays light."""

import subprocess
import sys

import pytest

import pqms_physics as pq

PROMISED = """bell_state werner_state bell_diagonal_state fidelity Channel dephasing amplitude_damping depolarizing
pauli_channel lindblad_channel spdc_pair_state swap fidelity_vs_hops chain_state fiber_transmissivity plob_bound
tgw_bound dephasing_capacity expected_attempts entanglement_rate correlator chsh_value optimal_settings
estimate_chsh chsh_vs_hops chsh_vs_distance signalling_distance pool_bias_experiment signalling_trial
detectable_bias pairs_needed""".split()


@pytest.mark.parametrize("name", PROMISED)
def test_every_promised_name_is_exported(name):
    assert name in pq.__all__
    assert callable(getattr(pq, name))


def test_every_exported_name_resolves():
    for name in pq.__all__:
        getattr(pq, name)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        pq.nonsense


def test_import_loads_neither_qutip_numba_nor_matplotlib():
    code = ("import sys, pqms_physics; heavy = [m for m in ('qutip', 'numba', 'matplotlib') if m in sys.modules];"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
