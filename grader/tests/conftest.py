from grader.tests.worker import worker  # noqa: F401  (a fixture for the tests below)
