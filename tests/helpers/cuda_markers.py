"""pytest markers for the optional CUDA paths: why numba.cuda or a real GPU is unavailable, if it is."""

import pytest

from pqms_physics.kernels import CudaUnavailableError
from pqms_physics.kernels import cuda as kcuda


def _gpu_reason():
    """None when a real CUDA GPU is usable, else why not."""
    try:
        kcuda.require_cuda()
    except CudaUnavailableError as exc:
        return str(exc)
    from numba import config

    return "NUMBA_ENABLE_CUDASIM is set (simulator, not a GPU)" if config.ENABLE_CUDASIM else None


def _numba_cuda_reason():
    try:
        kcuda._import_cuda()
    except CudaUnavailableError as exc:
        return str(exc)
    return None


NUMBA_CUDA_REASON = _numba_cuda_reason()
GPU_REASON = _gpu_reason()
needs_numba_cuda = pytest.mark.skipif(NUMBA_CUDA_REASON is not None, reason=f"{NUMBA_CUDA_REASON}")
needs_gpu = pytest.mark.skipif(GPU_REASON is not None, reason=f"no usable CUDA GPU: {GPU_REASON}")
needs_no_gpu = pytest.mark.skipif(GPU_REASON is None, reason="a CUDA GPU is present: the no-GPU error cannot occur")
