"""Client of the NumPy ML grader's token API: the ``numpy-grader`` command and,
for notebooks, ``submit(slug, function)``. Standard library only."""

from numpy_grader.api import ApiError, Client
from numpy_grader.notebook import run, submit

__all__ = ["ApiError", "Client", "run", "submit"]
