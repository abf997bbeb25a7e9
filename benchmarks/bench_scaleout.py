"""Wall time of one GridSearchCV of RedCoreClassifier: serial, joblib's loky and a Dask LocalCluster.

The search: ``--n-candidates`` settings of xi1 / xi2 / beta, ``--cv`` folds, on ``--n-samples``
mfeat digits (views zer + mor + fou, masked at missing rates 0.2 / 0.5 / 0.6), with a small
network (the test suite's) and ``n_threads=1`` per fit. Every mode runs the same seeded fits,
so the script also checks that they give the same ``cv_results_``.

The modes run in turn, ``--repeat + 1`` times, so that a change of the machine's load affects them
alike. The first ("cold") run of loky starts its worker processes; that of Dask includes the start
of the LocalCluster and its workers' imports of torch and the package. The later ("warm") runs reuse
the same worker processes. The serial runs come after one warm-up fit in this process (torch's
one-time imports). Besides the wall time, the script reports the CPU time (user + system) that
this process and its child processes (the loky or Dask workers) spent on each run: on a machine
shared with other jobs, the wall time depends on their load, the CPU time much less.

Run ``python benchmarks/bench_scaleout.py --help`` for the options; docs/scaling.md quotes
the default command.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import numpy as np

from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._data import mfeat_sample
from sklearn_redcore._benchmark._models import SMALL_NETWORK as SMALL
from sklearn_redcore._benchmark._report import write_outputs

GRID = {"xi1": [0.01, 0.04], "xi2": [0.15, 0.3], "beta": [0.5, 0.9]}


def make_search(spec, args):
    from sklearn.model_selection import GridSearchCV, ParameterGrid, StratifiedKFold

    from sklearn_redcore import RedCoreClassifier

    candidates = list(ParameterGrid(GRID))[: args.n_candidates]
    grid = [{key: [value] for key, value in candidate.items()} for candidate in candidates]
    estimator = RedCoreClassifier(spec, n_threads=1, random_state=0, max_epochs=args.max_epochs, **SMALL)
    return GridSearchCV(estimator, grid, cv=StratifiedKFold(args.cv), n_jobs=args.n_jobs, error_score="raise")


def cpu_seconds() -> dict[int, float]:
    """CPU time (user + system) of this process and each of its child processes (workers), by pid."""
    import psutil

    result = {}
    for process in [psutil.Process(), *psutil.Process().children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            result[process.pid] = times.user + times.system
    return result


def timed(search, X, y):
    cpu_before, start = cpu_seconds(), time.perf_counter()
    search.fit(X, y)
    seconds, cpu_after = time.perf_counter() - start, cpu_seconds()
    cpu = sum(value - cpu_before.get(pid, 0.0) for pid, value in cpu_after.items())
    return seconds, cpu, search.cv_results_["mean_test_score"]


def main(argv=None) -> None:
    parser = study_parser(
        __doc__, seeds=None, n_jobs=2, n_jobs_help="loky processes and Dask workers", param=None, out=None
    )
    parser.add_argument("--n-samples", type=int, default=600)
    parser.add_argument("--n-candidates", type=int, default=8, help="at most 8")
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--max-epochs", type=int, default=10)
    parser.add_argument("--modes", nargs="+", default=["serial", "loky", "dask"], choices=["serial", "loky", "dask"])
    parser.add_argument("--repeat", type=int, default=2, help="warm runs of each mode after the cold one")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    import joblib

    from sklearn_redcore import RedCoreClassifier

    X, y, spec = mfeat_sample(args.n_samples)
    RedCoreClassifier(spec, max_epochs=1, **SMALL).fit(X[:100], y[:100])  # this process's one-time costs
    n_fits = min(args.n_candidates, 8) * args.cv
    print(
        f"{min(args.n_candidates, 8)} candidates x {args.cv} folds = {n_fits} fits (+1 refit), "
        f"{args.n_samples} samples, {args.max_epochs} epochs, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    rows, scores = [], {}

    def record(mode, run, seconds, cpu, mean_scores):
        rows.append(
            {
                "mode": mode,
                "run": run,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),
                "load": round(os.getloadavg()[0], 1),
            }
        )
        scores[(mode, run)] = mean_scores
        print(
            f"{mode:<8} {run:<8} wall {seconds:7.1f} s   CPU {cpu:7.1f} s   (load average {rows[-1]['load']})",
            flush=True,
        )

    with contextlib.ExitStack() as stack:
        if "dask" in args.modes:
            from dask.distributed import Client, LocalCluster

            start = time.perf_counter()
            cluster = stack.enter_context(
                LocalCluster(n_workers=args.n_jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            )
            stack.enter_context(Client(cluster))
            started = time.perf_counter() - start
            print(f"Dask LocalCluster started in {started:.1f} s", flush=True)
        # Modes interleaved, so that a change of the machine's load affects them alike.
        for run in ["cold"] + [f"warm {i}" for i in range(1, args.repeat + 1)]:
            for mode in args.modes:
                backend = {"serial": "sequential", "loky": "loky", "dask": "dask"}[mode]
                with joblib.parallel_config(backend=backend):
                    seconds, cpu, mean_scores = timed(make_search(spec, args), X, y)
                if mode == "dask" and run == "cold":
                    seconds += started  # cluster start-up included (its CPU time is not)
                record(mode, run, seconds, cpu, mean_scores)

    summary = {}
    print("\nmedians of the warm runs\nmode       wall (s)   CPU (s)")
    for mode in args.modes:
        warm = [row for row in rows if row["mode"] == mode and row["run"] != "cold"]
        summary[mode] = {
            key: float(np.median([row[key] for row in warm])) if warm else None for key in ("seconds", "cpu_seconds")
        }
        if warm:
            print(f"{mode:<8} {summary[mode]['seconds']:9.1f} {summary[mode]['cpu_seconds']:9.1f}")
    reference = next(iter(scores.values()))
    same = all(np.array_equal(reference, other) for other in scores.values())
    print(f"identical cv_results_ mean_test_score in every mode: {same}")
    if args.json:
        result = {"args": vars(args), "rows": rows, "summary": summary, "identical_scores": bool(same)}
        write_outputs(Path(args.json).parent, {Path(args.json).name: result})


if __name__ == "__main__":
    main()
