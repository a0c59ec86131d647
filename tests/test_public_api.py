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
        pq.nonsense  # noqa: B018 (the attribute access itself is what is tested)


def test_import_loads_neither_qutip_numba_nor_matplotlib():
    code = (
        "import sys, pqms_physics; heavy = [m for m in ('qutip', 'numba', 'matplotlib') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# The 0.1 public surface, pinned name by name before the subpackage layout (issue 11): a later release may
# add names, but none of these may disappear or stop resolving.
API_0_1 = """CHSHEstimate CHSHSettings Channel DimensionError EntanglementRate NotCPTPError PQMSValueError
PoolBiasResult RPUConfig SPDCSource SampleCounts SignallingTrialResult amplitude_damping bell_diagonal_state
bell_state chain_state chsh_value chsh_vs_distance chsh_vs_hops correlator dephasing dephasing_capacity
depolarizing detectable_bias entanglement_rate estimate_chsh expected_attempts fiber_transmissivity fidelity
fidelity_vs_hops lindblad_channel load_config no_signalling_stderr optimal_settings outcome_table
pairs_for_violation pairs_needed pauli_channel plob_bound pool_bias_experiment run_audit run_report run_rpu
run_sweep sample_counts signalling_distance signalling_trial spdc_pair_state swap tgw_bound
threshold_pass_probability werner_chain_fidelity werner_state write_fpga_vectors __version__""".split()
KERNELS_0_1 = """CudaUnavailableError DEVICES SETTING_CHOICES STREAM_VERSION SampleCounts sample_counts
sample_counts_reference sample_records stream_key thresholds""".split()
PLOTS_0_1 = """DOUBLE_COLUMN_IN PALETTE SINGLE_COLUMN_IN new_figure plot_chsh_vs_hops plot_fidelity_vs_hops
plot_nct_pool_bias plot_rate_vs_distance save_figure style_context style_path""".split()


@pytest.mark.parametrize(
    ("module", "names"),
    [
        pytest.param("pqms_physics", API_0_1, id="top-level"),
        pytest.param("pqms_physics.kernels", KERNELS_0_1, id="kernels"),
        pytest.param("pqms_physics.plots", PLOTS_0_1, id="plots"),
    ],
)
def test_the_0_1_public_names_are_all_still_exported_and_resolve(module, names):
    import importlib

    mod = importlib.import_module(module)
    missing = [n for n in names if n not in mod.__all__]
    assert missing == []
    for name in names:
        assert getattr(mod, name) is not None
