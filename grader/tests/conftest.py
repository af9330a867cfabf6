from grader.tests.worker import _shared_worker, broker_for_tests, worker  # noqa: F401  (fixtures for the tests below)
