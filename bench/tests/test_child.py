"""bench/child.py: how a case's repetitions are timed."""

from bench.child import run_case
from bench.harness import Case


def test_ours_and_the_baseline_are_measured_in_turn_each_after_its_setup():
    calls = []
    case = Case(
        name="turns",
        size="tiny",
        run=lambda: calls.append("run"),
        setup=lambda: calls.append("setup"),
        baseline="the floor",
        baseline_run=lambda: calls.append("baseline"),
        baseline_setup=lambda: calls.append("baseline_setup"),
        repetitions=2,
        prepare=lambda: calls.append("prepare"),
        teardown=lambda: calls.append("teardown"),
    )
    row = run_case(case, "sqlite", None)
    assert calls == [
        "prepare",
        *["setup", "run", "baseline_setup", "baseline"] * 2,
        "teardown",
    ]
    assert len(row["times_s"]) == len(row["baseline_times_s"]) == 2
    assert "error" not in row


def test_a_case_without_a_baseline_runs_its_repetitions_alone():
    calls = []
    case = Case(name="alone", size="tiny", run=lambda: calls.append("run"), repetitions=3)
    row = run_case(case, "sqlite", None)
    assert calls == ["run"] * 3
    assert "ratio" not in row and "baseline_median_s" not in row


def test_a_failing_run_is_reported_and_the_baseline_is_not_measured_after_it():
    calls = []

    def fail():
        raise RuntimeError("endpoint: 3 errors at 64 clients")

    case = Case(
        name="fails",
        size="tiny",
        run=fail,
        baseline="the floor",
        baseline_run=lambda: calls.append("baseline"),
        teardown=lambda: calls.append("teardown"),
    )
    row = run_case(case, "sqlite", None)
    assert row["error"] == "RuntimeError: endpoint: 3 errors at 64 clients"
    assert calls == ["teardown"]
