"""Portal mutants and their runner: `python -m tests.mutants` (`make mutants`) runs the e2e suite against each one."""
