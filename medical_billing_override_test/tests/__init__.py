from . import test_override_runs
