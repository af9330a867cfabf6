import os

# One BLAS thread, set before anything imports numpy: timings stay fair and
# OpenBLAS keeps working under the sandbox's process limit (docs/architecture.md).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from config.celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
