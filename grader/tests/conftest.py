from grader.tests.worker import _shared_worker, broker_for_tests, private_queue, worker  # noqa: F401  (fixtures for the tests below)
