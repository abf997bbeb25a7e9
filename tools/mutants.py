"""The mutation check: plant small wiring bugs, one at a time, and see that the tests catch each one.

Each mutant replaces an exact piece of the package's source (a setting
replaced by its default, eta read before its update, a state not restored)
in a scratch copy of the repository, never in the checkout itself, and runs
the test files that should catch it (``pytest -x -q -p no:randomly``, with a
time limit). A mutant is *killed* when a test fails; one that *survived*
is a bug the tests would let through. Before the mutants, the same test
files run once on the unchanged copy: they must pass there, or a mutant
"killed" by an already failing test would mean nothing. A mutant whose
original text is no longer found (exactly once) in its file is reported as
stale: update its text after a change of the package.

Usage::

    python tools/mutants.py                 # every mutant, with its own test files
    python tools/mutants.py --all-tests     # every mutant, with the whole of tests/
    python tools/mutants.py --only K xi1    # some mutants
    python tools/mutants.py --list          # the mutants and their test files
    python tools/mutants.py --markdown      # the result table in Markdown

The exit status is 0 when every mutant was killed, 1 when one survived or
ran out of time, 2 when the check could not run (a stale mutant, tests
that fail without any mutant, or a test path that does not exist).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "sklearn_redcore/_redcore_base.py"
TRAINING = "sklearn_redcore/_redcore_training.py"
WIRING_TESTS = ("tests/test_regulation_wiring.py",)


@dataclass(frozen=True)
class Mutant:
    """A planted bug: ``original`` (found exactly once in ``path``) replaced by ``replacement``."""

    name: str
    path: str
    original: str
    replacement: str
    description: str
    tests: tuple[str, ...]


def _setting_to_default(name: str, default: str) -> Mutant:
    """The estimator's ``name`` replaced by its default in the regulator it builds (``_net_params``)."""
    return Mutant(
        name,
        BASE,
        f"{name}=self.{name},",
        f"{name}={default},",
        f"{name} of the estimator not passed to Algorithm 1 (its default {default} instead)",
        WIRING_TESTS,
    )


MUTANTS = [
    *(
        _setting_to_default(name, default)
        for name, default in [("K", "3"), ("p", "2.0"), ("beta", "0.7"), ("alpha1", "0.1")]
        + [("xi1", "0.015"), ("xi2", "0.15")]
    ),
    Mutant(
        "regulate",
        BASE,
        "regulate=self.regulate,",
        "regulate=True,",
        "regulate=False (Core) not passed to Algorithm 1",
        ("tests/test_classifier.py::test_ablations",),
    ),
    Mutant(
        "advantage_reference",
        BASE,
        "advantage_reference=self.advantage_reference,",
        'advantage_reference="none",',
        "advantage_reference not passed to Algorithm 1",
        ("tests/test_classifier.py::test_regulation_variants_leave_core_alone_and_change_redcore",),
    ),
    Mutant(
        "eta-before-update",
        TRAINING,
        "        eta = self.regulator.step(**inputs)\n",
        "        eta = self.regulator.eta.copy()\n        self.regulator.step(**inputs)\n",
        "each batch weighted by eta from before its own step of Algorithm 1 (training_objective)",
        WIRING_TESTS,
    ),
    Mutant(
        "n_steps-on-load",
        TRAINING,
        '        self.regulator.n_steps = int(state["n_steps"])\n',
        "",
        "Algorithm 1's step count dropped when a saved model is loaded (load_extra_state)",
        ("tests/test_persistence.py",),
    ),
    Mutant(
        "n_steps-on-warm-start",
        TRAINING,
        "        self.states_ = {}  # epoch -> state of Algorithm 1 at its end\n",
        "        self.states_ = {}  # epoch -> state of Algorithm 1 at its end\n        net.regulator.n_steps = 0\n",
        "Algorithm 1's step count restarted by each fit, a warm start included (RegulationHistory)",
        ("tests/test_training_faults.py::test_warm_start_continues_the_same_network_and_algorithm_1",),
    ),
    Mutant(
        "early-stopping-rollback",
        TRAINING,
        "        if best in self.states_:\n",
        "        if False:\n",
        "Algorithm 1's state not taken back to the epoch whose weights early stopping keeps",
        ("tests/test_stopping.py::test_early_stopping_keeps_the_state_of_algorithm_1_of_the_kept_epoch",),
    ),
    Mutant(
        "spread-of-targets",
        TRAINING,
        '        inputs["spread"] = parts.target_spread\n',
        '        inputs["spread"] = torch.ones_like(parts.target_spread)\n',
        "Algorithm 1 handed unit spreads instead of each batch's target spreads (regulator_inputs)",
        WIRING_TESTS,
    ),
    Mutant(
        "imputation_weight",
        BASE,
        "imputation_weight=self.imputation_weight,",
        "imputation_weight=1.0,",
        "the estimator's imputation_weight not passed to its net (_net_params)",
        WIRING_TESTS,
    ),
    Mutant(
        "imputation_weight-in-net",
        TRAINING,
        "            imputation_weight=self.imputation_weight,\n",
        "            imputation_weight=1.0,\n",
        "the net's imputation_weight ignored by its objective (training_objective)",
        WIRING_TESTS,
    ),
    Mutant(
        "eta_scope",
        BASE,
        "eta_scope=self.eta_scope)",
        'eta_scope="imputation")',
        "the estimator's eta_scope not passed to its net (_net_params)",
        WIRING_TESTS,
    ),
    Mutant(
        "eta_scope-in-net",
        TRAINING,
        "            eta_scope=self.eta_scope,\n",
        '            eta_scope="imputation",\n',
        "the net's eta_scope ignored by its objective (training_objective)",
        WIRING_TESTS,
    ),
    Mutant(
        "eq-9-weights",
        "sklearn_redcore/_regulation.py",
        "(1 - self.beta) * self._moving_loss + self.beta * losses",
        "self.beta * self._moving_loss + (1 - self.beta) * losses",
        "the moving average of eq. (9) with beta on the old average instead of the new loss",
        ("tests/test_regulation.py",),
    ),
    Mutant(
        "K-phase",
        "sklearn_redcore/_regulation.py",
        "self.n_steps % self.K == 0",
        "(self.n_steps + 1) % self.K == 0",
        "eta updated at steps K - 1, 2K - 1, ... instead of 0, K, 2K, ... (Algorithm 1, k = sK)",
        ("tests/test_regulation.py",),
    ),
    Mutant(
        "loss-read-per-batch",
        "sklearn_redcore/_training.py",
        "        self.watch_finite(loss)\n",
        "        self.watch_finite(loss)\n        self.last_loss_ = loss.item()\n",
        "each training batch's loss read back from the device (get_loss), which a GPU's queue waits for",
        ("tests/test_host_reads.py",),
    ),
    Mutant(
        "projection-closed-form",
        "sklearn_redcore/_eta_projection.py",
        "    error = (candidates.pow(2).sum(1) - xi2**2).abs()\n",
        "    error = (candidates.pow(2).sum(1) - xi2).abs()\n",
        "the closed-form projection of eq. (8) for p = 2 keeps the candidate whose norm is nearest to xi2**0.5",
        ("tests/test_regulation.py",),
    ),
    Mutant(
        "importance-removed",
        "sklearn_redcore/_importance.py",
        "        removed[:, cols] = np.nan\n",
        "        removed[:, cols] = values[np.random.default_rng(0).permutation(len(values))][:, cols]\n",
        "modality_importance's 'removed' computed by permuting the modality instead of removing it",
        ("tests/test_importance.py::test_each_importance_is_the_score_lost_on_the_altered_copy",),
    ),
    Mutant(
        "weight_averaging",
        BASE,
        "WeightAveraging(self.weight_averaging)",
        "WeightAveraging(0.8)",
        "the estimator's weight_averaging decay ignored (the default 0.8 instead)",
        ("tests/test_weight_averaging.py",),
    ),
    Mutant(
        "weight-averaging-decay",
        "sklearn_redcore/_callbacks.py",
        "decay = min(self.decay, (averaged - 1) / (averaged + 1))",
        "decay = (averaged - 1) / (averaged + 1)",
        "WeightAveraging ignores its decay (only the cap (j - 1) / (j + 1) is left)",
        ("tests/test_weight_averaging.py",),
    ),
    Mutant(
        "class_weight",
        "sklearn_redcore/_tasks.py",
        "        if self.class_weight is None:\n            return sample_weight\n",
        "        if True:\n            return sample_weight\n",
        "class_weight ignored (the sample weights alone)",
        ("tests/test_weights.py::test_class_weight_is_the_sample_weight_of_each_class",),
    ),
    Mutant(
        "acquisition-farthest-neighbours",
        "sklearn_redcore/_acquisition/_redcore.py",
        ".topk(k, dim=1, largest=False)",
        ".topk(k, dim=1, largest=True)",
        "acquisition_gain takes the plausible values of the reference rows least like the sample",
        ("tests/test_acquisition.py",),
    ),
    Mutant(
        "acquisition-substitution-farthest",
        "sklearn_redcore/_acquisition/_substitution.py",
        'np.argsort(squared, axis=1, kind="stable")[:, :k]',
        'np.argsort(-squared, axis=1, kind="stable")[:, :k]',
        "the gains of other estimators take the values of the reference rows least like the sample",
        ("tests/test_acquisition.py",),
    ),
    Mutant(
        "acquisition-partial-scale",
        "sklearn_redcore/_acquisition/_redcore.py",
        "return total * (shared.shape[1] / counts)",
        "return total",
        "a reference row that shares only some of a sample's modalities is not scaled to all of them",
        ("tests/test_acquisition.py",),
    ),
]


def tracked_files(root: Path, source: str) -> Path:
    """A scratch copy of the repository's files: the work tree's (tracked and not ignored) or HEAD's."""
    tree = Path(tempfile.mkdtemp(prefix="mutants-"))
    if source == "HEAD":
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=root, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        return tree
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listing.split("\0")):
        origin = root / name
        if origin.is_file():  # (a tracked file deleted in the work tree is not copied)
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, tree / name)
    return tree


def run_pytest(tree: Path, tests: list[str], timeout: float) -> tuple[int | None, str, float]:
    """Run pytest on ``tests`` in ``tree``: its exit status (None past ``timeout``), its output and its seconds."""
    env = os.environ | {"PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *tests]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        return None, output, time.perf_counter() - start
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


def first_failure(output: str) -> str:
    """The test that failed first, from pytest's short summary ("FAILED node - reason" or "ERROR node")."""
    match = re.search(r"^(?:FAILED|ERROR) (\S+)", output, flags=re.MULTILINE)
    return match.group(1) if match else "?"


def check_mutant(tree: Path, mutant: Mutant, tests: list[str], timeout: float) -> tuple[str, str, float]:
    """Plant ``mutant`` in ``tree``, run ``tests``, take it out again; return (status, killed by, seconds)."""
    path = tree / mutant.path
    text = path.read_text()
    if text.count(mutant.original) != 1:
        return "stale", f"original text found {text.count(mutant.original)} times in {mutant.path}", 0.0
    path.write_text(text.replace(mutant.original, mutant.replacement))
    try:
        status, output, seconds = run_pytest(tree, tests, timeout)
    finally:
        path.write_text(text)
    if status is None:
        return "timeout", f"no result after {timeout:.0f} s", seconds
    if status in (1, 2):  # a test failed, or the collection did (the mutant broke an import)
        return "killed", first_failure(output), seconds
    if status == 0:
        return "survived", "", seconds
    return "error", f"pytest exit status {status}: {output.strip().splitlines()[-1:]}", seconds


def table(rows: list[tuple[str, str, str, float]], markdown: bool) -> str:
    """The results, one mutant a row: name, status, the test that killed it, seconds."""
    header = ("mutant", "status", "killed by", "time (s)")
    cells = [header] + [(name, status, by, f"{seconds:.0f}") for name, status, by, seconds in rows]
    if markdown:
        lines = ["| " + " | ".join(row) + " |" for row in cells]
        return "\n".join([lines[0], "|" + "---|" * len(header), *lines[1:]])
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells)


def main(argv: list[str] | None = None) -> int:
    """Run the mutation check; return the exit status (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these mutants")
    parser.add_argument("--all-tests", action="store_true", help="run the whole of tests/ for each mutant")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per pytest run (default 600)")
    parser.add_argument(
        "--source", choices=["worktree", "HEAD"], default="worktree", help="copy the work tree (default) or HEAD"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and their test files, run nothing")
    parser.add_argument("--markdown", action="store_true", help="print the result table in Markdown")
    args = parser.parse_args(argv)

    mutants = MUTANTS
    if args.only:
        unknown = sorted(set(args.only) - {m.name for m in MUTANTS})
        if unknown:
            parser.error(f"unknown mutants {unknown}; --list shows them")
        mutants = [m for m in MUTANTS if m.name in args.only]
    if args.list:
        for mutant in mutants:
            print(f"{mutant.name}: {mutant.description}\n    {mutant.path}; {' '.join(mutant.tests)}")
        return 0

    tree = tracked_files(ROOT, args.source)
    try:
        baseline = ["tests"] if args.all_tests else sorted({test for m in mutants for test in m.tests})
        print(f"scratch copy ({args.source}): {tree}\nwithout mutants: {' '.join(baseline)}", flush=True)
        status, output, seconds = run_pytest(tree, baseline, args.timeout)
        if status != 0:
            print(output[-4000:], f"\nThe tests fail (status {status}) without any mutant: nothing to check.")
            return 2
        print(f"passed in {seconds:.0f} s", flush=True)
        rows = []
        for mutant in mutants:
            tests = ["tests"] if args.all_tests else list(mutant.tests)
            result = check_mutant(tree, mutant, tests, args.timeout)
            rows.append((mutant.name, *result))
            print(f"{mutant.name}: {result[0]} {result[1]} ({result[2]:.0f} s)", flush=True)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    print()
    print(table(rows, args.markdown))
    statuses = {status for _, status, _, _ in rows}
    if statuses & {"stale", "error"}:
        return 2
    return 0 if statuses == {"killed"} else 1


if __name__ == "__main__":
    sys.exit(main())
