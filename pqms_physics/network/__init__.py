"""Entanglement distribution: sources, swapping, repeater chains and rate bounds.

* :mod:`~pqms_physics.network.sources`: SPDC pair sources;
* :mod:`~pqms_physics.network.swapping`: the noisy Bell measurement (Dür–Briegel–Cirac–Zoller model);
* :mod:`~pqms_physics.network.swap_channel`: the same swap as a channel (A, B, C, D) -> (A, D) and an instrument;
* :mod:`~pqms_physics.network.preparation`: sources as preparation channels (trivial system -> pair);
* :mod:`~pqms_physics.network.chains`: exact states and fidelities of repeater chains;
* :mod:`~pqms_physics.network.bounds`: fibre loss, PLOB/TGW bounds, attempts and rates.
"""
