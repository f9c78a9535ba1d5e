"""`make bench`: the harness against the browser's floor, bulk and parallel scaling, portal server time, email latency.

Run `python -m benchmarks.run --help`; results go to benchmarks/results.json, results.md and chart.png."""
