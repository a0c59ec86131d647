"""Repeater protocols in time: waiting-time distributions, memory decoherence, cutoffs, key rates.

The model (shared by the exact engine and the Monte Carlo engine)
-----------------------------------------------------------------
* **Time** is counted in attempt **rounds** (integers ``t = 1, 2, ...``). One round is the heralding time of
  one segment, ``L0 / c`` in fibre plus a local time; :func:`round_time_s` is the one conversion to seconds.
* **Links.** Each of the ``segments`` elementary links is attempted every round until it exists; with
  ``modes`` multiplexed modes a round succeeds with ``p = 1 - (1 - p_link)**modes``, so its generation time is
  geometric on ``{1, 2, ...}``. A fresh link is a Werner state with parameter ``w0 = link_werner``
  (fidelity ``(1 + 3 w)/4``).
* **Memories.** While a link waits, its Werner parameter decays ``w -> w exp(-dt / T_coh)``
  (``coherence_time`` in rounds; ``inf`` = perfect memories). A swap of links delivered at ``t1`` and ``t2``
  happens at ``max(t1, t2)``: the older link waited ``|t1 - t2|``, so ``w_out = w1 w2 exp(-|t1 - t2| / T_coh)``.
* **Swaps** succeed with probability ``p_swap``. On failure both input links are lost and both
  sub-protocols restart from scratch at the failure time (the time spent is kept).
* **Memory cutoff** ``tau`` (per nesting level for ``"nested"``): if ``|t1 - t2| > tau`` the earlier link is
  discarded when it has waited ``tau`` rounds, so the attempt fails at ``min(t1, t2) + tau`` and *both*
  inputs restart (Li–Coopmans–Elkouss's semantics; for memoryless elementary links it is the same as
  regenerating only the discarded one). ``cutoff=0``: both links must appear in the same round.
* **Fidelity cutoff** ``werner_cutoff``: a swap whose output would have ``w < w_cut`` is discarded at the
  swap time and both inputs restart.
* **Schemes.** ``"nested"`` (doubling, BDCZ): ``segments = 2**k``; a level-``j`` link is the swap of two
  independent level-``(j-1)`` links, made as soon as both exist. ``"swap-asap"``: every node swaps as soon as
  it holds two links (all swaps of a round at once; a failed swap destroys every link merged in that round's
  cluster of adjacent links); with a memory cutoff ``tau`` (one int for every link), a link (elementary or
  made by a swap, which makes a new link of age 0) not swapped within ``tau`` rounds of its creation is
  discarded at the end of round ``creation + tau`` and its segments regenerate; exact by a Markov chain for
  small chains (up to 8 segments, moderate cutoffs, no fidelity cutoff), Monte Carlo for any size.
  ``"parallel"``: every segment keeps its link until all exist, then all ``segments - 1`` swaps happen at once
  (the model of :func:`pqms_physics.network.bounds.expected_attempts`); any failure restarts all. The schemes
  coincide for 2 segments.
* **Distillation** (``"nested"``, exact engine): ``distillation`` BBPSSW rounds (perfect operations, on Werner
  states) on the inputs of each level's swap; a round waits for two copies like a swap, succeeds with
  ``(1 + w1 w2) / 2``, and on failure both copies restart (Brand–Coopmans–Elkouss's ``n_dist``). A protocol is a
  sequence of units (distil, swap, each with its cutoff) as in Li–Coopmans–Elkouss.

The result: ``T`` = the round in which the first end-to-end pair exists; ``pmf[t] = P(T = t)`` and
``werner[t] = E[w | T = t]`` (:class:`ProtocolResult`).

References
----------
S. Brand, T. Coopmans, D. Elkouss, "Efficient computation of the waiting time and fidelity in quantum
repeater chains", IEEE J. Sel. Areas Commun. 38, 619 (2020).
B. Li, T. Coopmans, D. Elkouss, "Efficient optimization of cutoffs in quantum repeater chains",
IEEE Trans. Quantum Eng. 2, 4103015 (2021).
E. Shchukin, F. Schmidt, P. van Loock, "Waiting time in quantum repeaters with probabilistic entanglement
swapping", Phys. Rev. A 100, 032322 (2019).
Á. G. Iñesta, G. Vardoyan, L. Scavuzzo, S. Wehner, "Optimal entanglement distribution policies in
homogeneous repeater chains with cutoffs", npj Quantum Inf. 9, 46 (2023).
S. Bernardes, L. Praxmeyer, P. van Loock, "Rate analysis for a hybrid quantum repeater",
Phys. Rev. A 83, 012323 (2011).

"""

from pqms_physics._lazy import lazy_exports

_EXPORTS = {
    "SCHEMES": "spec",
    "ProtocolSpec": "spec",
    "round_time_s": "spec",
    "ProtocolResult": "result",
    "secret_key_fraction": "result",
    "repeater_protocol": "api",
    "exact_protocol": "exact",
    "simulate": "montecarlo",
    "PROTOCOL_STREAM_VERSION": "montecarlo",
    "optimize_cutoffs": "optimize",
    "CutoffOptimum": "optimize",
    "unit_sequence": "exact",
    "ProtocolRate": "rates",
    "midpoint_link_probability": "rates",
    "protocol_rate": "rates",
    "BellProtocolResult": "bell",
    "nested_bell_weights": "bell",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
