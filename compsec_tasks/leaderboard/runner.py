"""The resumable leaderboard runner: every variant of every base model through lm-eval.

::

    from compsec_tasks.leaderboard import Recipe, run_recipe

    report = run_recipe(Recipe.from_yaml("leaderboards/organisms.yaml"), quick=True)
    report.evaluated, report.reused, report.failed, report.published

For each base model and each target (the original first, then the recipe's variants), the
runner loads the variant through :class:`model_adapters.lm_eval_model.CompsecLM` (lm-eval's
``hf`` model around :func:`~model_adapters.loading.load_variant`, which records the variant's
Manifest in the results), runs its tasks with one ``lm_eval.simple_evaluate`` call (chat
template, ``log_samples``, the recipe's limit, judge, split, seeds and ``max_gen_toks``; the
prompts of every generation task share the model's batches) and writes each task's lm-eval
outputs as a run of that task alone. The work folder (``--work``, default ``<out>/runs``) holds::

    compsec_state.json                    the recipe, evaluation counters, last failures
    <base>/<variant>/                     a complete run: results_<ts>.json, samples_<task>_<ts>.jsonl,
                                          manifest.json, compsec_run.json (the marker)
    <base>/.partial/<variant>/<task>/     finished tasks of a variant that is not complete yet

**Atomic and resumable.** Each task is written into a temporary folder and renamed into
``.partial`` when its files are written; when every task of a variant is done, the run folder is
assembled in a temporary folder (one results file with every task, the samples files, the
manifest, and last the marker) and renamed into place. A run folder whose marker carries the
same recipe hash (:meth:`Recipe.eval_hash`) and variant spec, and whose files still have the
sha256 the marker recorded, is not evaluated again; a killed run picks up at the first task
whose files were not written (the tasks of the interrupted lm-eval call run again). A
variant that fails to load or to run is recorded in the state with its error, its row is
published as failed, and the other variants go on; it is tried again on the next run.

**Parallel jobs.** With ``jobs`` > 1 (the recipe's, or ``--jobs``; :func:`resolve_jobs`) the
variants still to run go to that many worker processes (spawned; one per GPU, or the CPU's cores
split between them), each running :meth:`LeaderboardRunner._run_variant` exactly as above; the
workers return their counters and this process alone writes ``compsec_state.json``. A worker
that dies fails the rows it held; the next run picks them up. This process only schedules: it
imports no torch on a machine without a GPU driver and builds missing model organisms in a child
process (:func:`model_adapters.isolate.run_isolated`), so memory that a build keeps goes back to
the system when the child exits. On CPU workers it also produces the variants whose method
quantizes in a child of its own (GPTQ, llm-compressor: ``produces_in_child``) one after the other in
one child, beside one worker fewer than ``jobs`` (the child gets the threads of the worker that
waits): produced inside a worker, that child's memory came on top of every worker's. The other
variants go to the workers meanwhile; the produced ones are submitted once the child is done, and
their workers load them from the variant cache.

**Counters.** ``compsec_state.json`` counts, per ``<base>/<variant>`` key, the completed
evaluations (``evaluations``), per ``<base>/<variant>/<task>`` the task evaluations
(``task_evaluations``), and the load attempts (``attempts``); a benchmark or a test asserts
that no variant was evaluated twice with :meth:`RunState.max_evaluations`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CompsecError, InputFileError, OutputPathError
from .recipe import BaseModel, Recipe, VariantEntry

logger = logging.getLogger(__name__)

__all__ = [
    "run_recipe",
    "LeaderboardRunner",
    "RunReport",
    "RunState",
    "run_is_complete",
    "resolve_jobs",
    "default_out_dir",
    "check_output_dir",
    "STATE_FILE",
    "MARKER_FILE",
]

STATE_FILE = "compsec_state.json"
MARKER_FILE = "compsec_run.json"
TASK_MARKER = "compsec_task.json"
MANIFEST_FILE = "manifest.json"
PARTIAL = ".partial"
SCHEMA = 1
PUBLISHED_ROOT = Path("leaderboards") / "published"

#: per-task sections of an lm-eval results file (merged when the tasks' runs are assembled)
_PER_TASK_KEYS = ("results", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better",
                  "n-samples", "task_hashes")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json_atomic(path: Path, data: Any) -> Path:
    """Write JSON to ``path`` through a temp file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False, allow_nan=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _replace_dir(tmp: Path, dest: Path) -> None:
    """Move the finished folder ``tmp`` to ``dest``, replacing what was there."""
    if dest.exists():
        trash = dest.with_name(f".{dest.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(dest, trash)
        os.replace(tmp, dest)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dest)


# ---------------------------------------------------------------------------------------
# output folders


def default_out_dir(recipe: Recipe) -> Path:
    return PUBLISHED_ROOT / recipe.name


def check_output_dir(out: Path, name: str, force: bool = False) -> None:
    """Refuse an output folder that holds something else than leaderboard ``name``."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputPathError(f"output {str(out)!r} exists and is not a directory")
    if force:
        return
    lb = out / "leaderboard.json"
    if lb.exists():
        data = _read_json(lb)
        other = data.get("name") if isinstance(data, dict) else None
        if other != name:
            what = f"leaderboard {other!r}" if other else "an unreadable leaderboard.json"
            raise OutputPathError(
                f"output folder {str(out)!r} holds {what}, not {name!r}; refusing to overwrite it "
                "(choose another --out, or pass --force)"
            )
        return
    state = _read_json(out / "runs" / STATE_FILE)
    if isinstance(state, dict) and state.get("recipe_name") not in (None, name):
        raise OutputPathError(
            f"output folder {str(out)!r} holds the runs of leaderboard {state.get('recipe_name')!r}, not "
            f"{name!r}; refusing to overwrite it (choose another --out, or pass --force)"
        )
    entries = [p.name for p in out.iterdir() if not p.name.startswith(".")]
    if entries and entries != ["runs"] and not isinstance(state, dict):
        raise OutputPathError(
            f"output folder {str(out)!r} is not empty and holds no compsec leaderboard "
            f"({', '.join(sorted(entries)[:5])}); refusing to write into it (choose another --out, or pass --force)"
        )


# ---------------------------------------------------------------------------------------
# state


@dataclass
class RunState:
    """The work folder's ``compsec_state.json`` (see the module docstring)."""

    path: Path
    recipe_name: str | None = None
    recipe: dict[str, Any] | None = None
    evaluations: dict[str, int] = field(default_factory=dict)
    task_evaluations: dict[str, int] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    updated_at: str | None = None

    @classmethod
    def load(cls, work: Path) -> RunState:
        p = work / STATE_FILE
        if not p.exists():
            return cls(path=p)
        data = _read_json(p)
        if not isinstance(data, dict):
            raise InputFileError(f"{p} is not valid JSON; delete it to start the counters afresh")
        return cls(
            path=p, recipe_name=data.get("recipe_name"), recipe=data.get("recipe"),
            evaluations=dict(data.get("evaluations") or {}),
            task_evaluations=dict(data.get("task_evaluations") or {}),
            attempts=dict(data.get("attempts") or {}), failures=dict(data.get("failures") or {}),
            updated_at=data.get("updated_at"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA, "recipe_name": self.recipe_name, "recipe": self.recipe,
            "evaluations": self.evaluations, "task_evaluations": self.task_evaluations,
            "attempts": self.attempts, "failures": self.failures, "updated_at": self.updated_at,
        }

    def save(self) -> None:
        self.updated_at = _now()
        write_json_atomic(self.path, self.to_dict())

    def bump(self, table: dict[str, int], key: str) -> None:
        table[key] = table.get(key, 0) + 1
        self.save()

    def max_evaluations(self) -> int:
        """The most times any one variant (or task of a variant) was evaluated."""
        return max([*self.evaluations.values(), *self.task_evaluations.values(), 0])


# ---------------------------------------------------------------------------------------
# run folders


def run_key(base: BaseModel, target: VariantEntry) -> str:
    return f"{base.slug}/{target.slug}"


def run_is_complete(run_dir: Path, eval_hash: str, spec: str, tasks: Sequence[str]) -> tuple[bool, str]:
    """(complete, why not): the marker matches and every recorded file has its sha256."""
    marker = run_dir / MARKER_FILE
    if not marker.is_file():
        return False, "no marker" if run_dir.exists() else "not run yet"
    data = _read_json(marker)
    if not isinstance(data, dict):
        return False, f"{marker} is not valid JSON"
    if data.get("recipe_hash") != eval_hash:
        return False, f"made with other settings (recipe hash {data.get('recipe_hash')} vs {eval_hash})"
    if data.get("variant") != spec:
        return False, f"holds variant {data.get('variant')!r}, not {spec!r}"
    missing = [t for t in tasks if t not in (data.get("tasks") or [])]
    if missing:
        return False, f"lacks task(s) {', '.join(missing)}"
    for name, digest in (data.get("files") or {}).items():
        f = run_dir / name
        if not f.is_file():
            return False, f"{f} is missing"
        if _sha256(f) != digest:
            return False, f"{f} changed since it was written (sha256 mismatch)"
    return True, ""


# the parts of lm-eval's results keyed by task (or group) name
_PER_TASK_KEYS = ("results", "groups", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better",
                  "n-samples")


def _task_slice(res: Mapping[str, Any], task: str) -> dict[str, Any]:
    """lm-eval's results of a multi-task call, cut down to what a call with ``task`` alone gives."""
    out = {k: v for k, v in res.items() if k not in _PER_TASK_KEYS}
    for k in _PER_TASK_KEYS:
        if isinstance(res.get(k), Mapping):
            out[k] = {t: v for t, v in res[k].items() if t == task}
    return out


def _task_done(task_dir: Path, eval_hash: str, spec: str, task: str) -> bool:
    data = _read_json(task_dir / TASK_MARKER)
    if not isinstance(data, dict):
        return False
    if (data.get("recipe_hash"), data.get("variant"), data.get("task")) != (eval_hash, spec, task):
        return False
    return all((task_dir / n).is_file() and _sha256(task_dir / n) == d for n, d in (data.get("files") or {}).items())


def _results_file(folder: Path) -> Path:
    found = sorted(folder.rglob("results_*.json"))
    if len(found) != 1:
        raise CompsecError(f"{folder}: expected one lm-eval results file, found {len(found)}")
    return found[0]


def assemble_run(task_dirs: Mapping[str, Path], dest: Path, manifest: Mapping[str, Any] | None,
                 marker: dict[str, Any]) -> None:
    """Write one lm-eval run (one results file with every task, the samples files, the
    manifest, then the marker) into ``dest``, a new folder."""
    ts = time.strftime("%Y-%m-%dT%H-%M-%S", time.localtime()) + f".{time.time_ns() % 1_000_000:06d}"
    merged: dict[str, Any] | None = None
    dest.mkdir(parents=True)
    for folder in task_dirs.values():
        rfile = _results_file(folder)
        res = json.loads(rfile.read_text(encoding="utf-8"))
        old_ts = rfile.stem[len("results_"):]
        if merged is None:
            merged = {k: v for k, v in res.items() if k not in _PER_TASK_KEYS}
            for k in _PER_TASK_KEYS:
                merged[k] = {}
        for k in _PER_TASK_KEYS:
            if isinstance(res.get(k), dict):
                merged[k].update(res[k])
        for sfile in rfile.parent.glob(f"samples_*_{old_ts}.jsonl"):
            name = sfile.name[len("samples_"):-len(f"_{old_ts}.jsonl")]
            shutil.copyfile(sfile, dest / f"samples_{name}_{ts}.jsonl")
    if merged is None:
        raise CompsecError("assemble_run: no task outputs")
    if manifest is not None:
        cfg = merged.setdefault("config", {})
        if isinstance(cfg, dict):
            cfg.setdefault("compsec_manifest", dict(manifest))
        write_json_atomic(dest / MANIFEST_FILE, dict(manifest))
    (dest / f"results_{ts}.json").write_text(
        json.dumps(merged, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    files = {p.name: _sha256(p) for p in sorted(dest.iterdir()) if p.is_file()}
    write_json_atomic(dest / MARKER_FILE, {**marker, "files": files})


# ---------------------------------------------------------------------------------------
# the runner


@dataclass
class RunReport:
    """What one :func:`run_recipe` call did."""

    recipe: Recipe
    out_dir: Path
    work_dir: Path
    evaluated: list[str] = field(default_factory=list)  # keys evaluated (completed) by this call
    reused: list[str] = field(default_factory=list)  # keys whose complete run was reused
    failed: dict[str, str] = field(default_factory=dict)  # key -> error
    task_evaluations: int = 0  # tasks evaluated by this call
    wall_s: float = 0.0
    published: dict[str, Path] | None = None
    state: RunState | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "recipe": self.recipe.name, "out_dir": str(self.out_dir), "work_dir": str(self.work_dir),
            "evaluated": self.evaluated, "reused": self.reused, "failed": self.failed,
            "task_evaluations": self.task_evaluations, "wall_s": round(self.wall_s, 2),
            "published": {k: str(v) for k, v in (self.published or {}).items()},
        }


def _manifest_dict(man: Any) -> dict[str, Any] | None:
    if man is None:
        return None
    if hasattr(man, "to_dict"):
        return dict(man.to_dict())
    return dict(man) if isinstance(man, Mapping) else None


def _error_text(exc: BaseException) -> str:
    msg = str(exc).strip() or repr(exc)
    return msg if isinstance(exc, CompsecError) else f"{type(exc).__name__}: {msg}"


class LeaderboardRunner:
    """Runs one recipe into a work folder (see the module docstring)."""

    def __init__(self, recipe: Recipe, work_dir: Path, *, progress: bool = True) -> None:
        self.recipe = recipe
        self.work = Path(work_dir)
        self.progress = progress
        self.state = RunState.load(self.work)
        self._tm: Any = None

    # -- the pieces a test may replace ------------------------------------------------

    def load_model(self, base: BaseModel, target: VariantEntry) -> Any:
        """lm-eval's ``hf`` model around the variant (manifest in ``compsec_manifest``)."""
        from model_adapters.lm_eval_model import CompsecLM

        r = self.recipe
        kwargs: dict[str, Any] = {"batch_size": r.generation.batch_size, "dtype": r.dtype}
        if r.device:
            kwargs["device"] = r.device
        return CompsecLM(pretrained=base.model, variant=target.spec, **kwargs)

    def evaluate_task(self, lm: Any, task: str, out_dir: Path) -> None:
        """One task through ``lm_eval.simple_evaluate``; lm-eval's files go under ``out_dir``."""
        self.evaluate_tasks(lm, [task], {task: out_dir}, lambda _task: None)

    def evaluate_tasks(self, lm: Any, tasks: Sequence[str], out_dirs: Mapping[str, Path],
                       done: Callable[[str], None]) -> None:
        """``tasks`` through one ``lm_eval.simple_evaluate`` call, so the generation requests of
        every task go to the model in the same batches; then each task's files, as lm-eval writes
        them for a task run alone, under ``out_dirs[task]``, calling ``done(task)`` after each."""
        import lm_eval
        from lm_eval.loggers import EvaluationTracker

        r = self.recipe
        if self._tm is None:
            from lm_eval.tasks import TaskManager

            from .. import tasks_path

            self._tm = TaskManager(include_path=tasks_path())
        tracker = EvaluationTracker(output_path=str(out_dirs[tasks[0]]))
        res = lm_eval.simple_evaluate(
            model=lm, tasks=list(tasks), apply_chat_template=True, log_samples=True, limit=r.limit,
            metadata=r.task_metadata(), gen_kwargs=f"max_gen_toks={r.generation.max_gen_toks}",
            task_manager=self._tm, evaluation_tracker=tracker,
            random_seed=r.seeds[0], numpy_random_seed=r.seeds[1], torch_random_seed=r.seeds[2],
            fewshot_random_seed=r.seeds[3],
        )
        if res is None:
            raise CompsecError(f"lm-eval returned no results for {', '.join(tasks)}")
        samples = res.pop("samples")
        if hasattr(lm, "get_model_info"):
            info = lm.get_model_info()
            if isinstance(info, dict) and "compsec_manifest" in info:
                res.setdefault("config", {}).setdefault("compsec_manifest", info["compsec_manifest"])
        tracker.general_config_tracker.model_name_sanitized = "lm_eval"
        for task in tasks:
            one = _task_slice(res, task)
            if task not in one.get("configs", {}):
                raise CompsecError(f"lm-eval returned no results for {task}")
            tracker.output_path = str(out_dirs[task])
            tracker.save_results_aggregated(results=one, samples={task: samples[task]})
            tracker.save_results_samples(task_name=task, samples=samples[task])
            done(task)

    # -- driving ----------------------------------------------------------------------

    def run(self, targets: Sequence[VariantEntry] | None = None, jobs: int | str | None = None) -> RunReport:
        """Evaluate every base x target that has no complete run. ``jobs`` (default: the
        recipe's) > 1 evaluates that many variants at once, each in a worker process of its own
        (see :func:`resolve_jobs`); the state file is written by this process only."""
        from tqdm.auto import tqdm

        r = self.recipe
        t0 = time.perf_counter()
        self.work.mkdir(parents=True, exist_ok=True)
        st = self.state
        want = r.jobs if jobs is None else jobs
        st.recipe_name, st.recipe = r.name, {**r.to_dict(), "jobs": want}
        st.save()
        report = RunReport(recipe=r, out_dir=Path(), work_dir=self.work, state=st)
        chosen = list(targets) if targets is not None else r.targets()
        pending: list[tuple[int, BaseModel, VariantEntry]] = []
        for bi, base in enumerate(r.bases):
            ehash, tasks = r.eval_hash(base), r.expanded_tasks(base)
            for target in chosen:
                key = run_key(base, target)
                run_dir = self.work / base.slug / target.slug
                done, why = run_is_complete(run_dir, ehash, target.spec, tasks)
                if done:
                    logger.info("%s: complete run reused (%s)", key, run_dir)
                    report.reused.append(key)
                    st.failures.pop(key, None)
                    continue
                if run_dir.exists():
                    logger.warning("%s: the run folder %s is not reusable (%s); evaluating again", key, run_dir, why)
                pending.append((bi, base, target))
        st.save()
        n, threads, devices = resolve_jobs(want, r.device, len(pending))
        if n > 1:
            self._run_parallel(pending, n, threads, devices, report)
        else:
            bar = tqdm(pending, desc=f"leaderboard {r.name}", unit="variant", disable=not self.progress)
            for _bi, base, target in bar:
                bar.set_postfix_str(f"{base.name} / {target.label}"[:60])
                error = self._run_variant(base, target, r.expanded_tasks(base), self.work / base.slug / target.slug,
                                          report)
                self._record(report, base, target, error)
            bar.close()
        report.wall_s = time.perf_counter() - t0
        return report

    def _record(self, report: RunReport, base: BaseModel, target: VariantEntry, error: str | None) -> None:
        key, st = run_key(base, target), self.state
        if error is None:
            report.evaluated.append(key)
            st.failures.pop(key, None)
        else:
            report.failed[key] = error
            st.failures[key] = {"error": error, "at": _now(), "variant": target.spec, "label": target.label,
                                "base": base.model}
        st.save()

    def _run_parallel(self, pending: Sequence[tuple[int, BaseModel, VariantEntry]], n: int, threads: int,
                      devices: Sequence[str | None], report: RunReport) -> None:
        """``pending`` through ``n`` worker processes (spawned: no state shared but the files)."""
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        from tqdm.auto import tqdm

        r, st = self.recipe, self.state
        _prepare_bases(r)
        if not any(devices) and (r.device is None or str(r.device).startswith("cpu")):
            _prepare_extensions(pending)  # CPU workers
        early = _produced_in_child(pending) if not any(devices) else []
        producer: threading.Thread | None = None
        if early:
            # the child takes the place (and the threads) of the worker that waits for it
            producer = threading.Thread(target=_prepare_variants, args=(r, early, threads), daemon=True,
                                        name="compsec-produce")
            producer.start()
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        for d in devices:
            queue.put(d)
        logger.info("leaderboard %s: %d variant(s) on %d workers (%d thread(s) each%s)", r.name, len(pending), n,
                    threads, ", devices " + ", ".join(str(d) for d in devices) if any(devices) else "")
        bar = tqdm(total=len(pending), desc=f"leaderboard {r.name} ({n} jobs)", unit="variant",
                   disable=not self.progress)
        ex = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_init,
                                 initargs=(threads, queue, logging.getLogger().getEffectiveLevel()))
        futures: dict[Any, tuple[BaseModel, VariantEntry]] = {}
        waiting: set[Any] = set()
        todo = [p for p in pending if p not in early] + early  # the produced ones last
        try:
            while todo or waiting:
                producing = producer is not None and producer.is_alive()
                limit = max(1, n - 1) if producing else n
                while todo and len(waiting) < limit and not (producing and todo[0] in early):
                    bi, base, target = todo.pop(0)
                    fut = ex.submit(_worker_job, type(self), r, self.work, bi, target)
                    futures[fut], waiting = (base, target), waiting | {fut}
                if not waiting:  # only produced variants left: wait for their child
                    assert producer is not None
                    producer.join()
                    continue
                finished, waiting = wait(waiting, timeout=1.0 if producing else None,
                                         return_when=FIRST_COMPLETED)
                for fut in finished:
                    base, target = futures[fut]
                    key = run_key(base, target)
                    try:
                        out = fut.result()
                    except BrokenProcessPool as exc:
                        error = (f"the worker process evaluating {target.spec!r} of {base.model!r} died ({exc}); "
                                 "out of memory? run again with fewer --jobs")
                        out = {"error": error}
                    except Exception as exc:  # noqa: BLE001 - one variant's failure fails its row only
                        out = {"error": f"{target.spec!r} of {base.model!r}: {_error_text(exc)}"}
                    for name in ("attempts", "evaluations", "task_evaluations"):
                        table = getattr(st, name)
                        for k, v in (out.get(name) or {}).items():
                            table[k] = table.get(k, 0) + int(v)
                    report.task_evaluations += int(out.get("task_evaluations_done") or 0)
                    if out.get("error"):
                        logger.error("%s: %s", key, out["error"])
                    self._record(report, base, target, out.get("error"))
                    bar.update(1)
        except BaseException:
            ex.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            bar.close()
        ex.shutdown(wait=True)

    def _run_variant(self, base: BaseModel, target: VariantEntry, tasks: Sequence[str], run_dir: Path,
                     report: RunReport) -> str | None:
        """Evaluate one variant; returns the error text when it failed."""
        from tqdm.auto import tqdm

        r, st = self.recipe, self.state
        key = run_key(base, target)
        ehash = r.eval_hash(base)
        partial = self.work / base.slug / PARTIAL / target.slug
        todo = [t for t in tasks if not _task_done(partial / t, ehash, target.spec, t)]
        if len(todo) < len(tasks):
            logger.info("%s: resuming; %d of %d task(s) already done", key, len(tasks) - len(todo), len(tasks))
        lm: Any = None
        manifest: dict[str, Any] | None = None
        started = time.perf_counter()
        try:
            st.bump(st.attempts, key)
            logger.info("%s: loading %s of %s", key, target.spec, base.model)
            try:
                lm = self.load_model(base, target)
            except Exception as exc:  # noqa: BLE001 - any backend failure makes this row failed
                logger.error("%s: failed to load: %s", key, _error_text(exc))
                return f"failed to load {target.spec!r} of {base.model!r}: {_error_text(exc)}"
            manifest = _manifest_dict(getattr(lm, "compsec_manifest", None))
            tmps: dict[str, Path] = {}
            t1 = time.perf_counter()
            bar = tqdm(total=len(todo), desc=target.label[:40], unit="task", leave=False, disable=not self.progress)

            def finished(task: str) -> None:
                tmp = tmps[task]
                _results_file(tmp)  # exactly one results file
                files = {str(p.relative_to(tmp)): _sha256(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
                write_json_atomic(tmp / TASK_MARKER, {
                    "recipe_hash": ehash, "variant": target.spec, "task": task, "files": files,
                    "evaluated_with": list(todo),
                    "duration_s": round(time.perf_counter() - t1, 3), "completed_at": _now(),
                })
                _replace_dir(tmp, partial / task)
                report.task_evaluations += 1
                st.bump(st.task_evaluations, f"{key}/{task}")
                bar.update(1)

            try:
                for task in todo:
                    tmps[task] = Path(tempfile.mkdtemp(dir=self._mkdir(partial), prefix=f".{task}-"))
                if todo:
                    self.evaluate_tasks(lm, todo, tmps, finished)
                missing = [t for t in todo if not _task_done(partial / t, ehash, target.spec, t)]
                if missing:
                    raise CompsecError(f"no results were written for {', '.join(missing)}")
            except Exception as exc:  # noqa: BLE001 - a failing task fails this row only
                logger.error("%s: task(s) %s failed: %s", key, ", ".join(todo), _error_text(exc))
                return f"task(s) {', '.join(todo)} failed on {target.spec!r}: {_error_text(exc)}"
            finally:
                bar.close()
                for tmp in tmps.values():
                    shutil.rmtree(tmp, ignore_errors=True)
        finally:
            if lm is not None:
                del lm
                # the next variant (or the other workers) start from a lower RSS
                from model_adapters.isolate import release_memory

                release_memory()
        if manifest is None:
            manifest = self._manifest_from_tasks(partial, tasks)
        run_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp_run = run_dir.parent / f".{run_dir.name}.tmp-{os.getpid()}-{time.monotonic_ns()}"
        try:
            assemble_run({t: partial / t for t in tasks}, tmp_run, manifest, {
                "schema_version": SCHEMA, "recipe": r.name, "recipe_hash": ehash,
                "eval_settings": r.eval_settings(base), "base": base.model, "base_label": base.name,
                "variant": target.spec, "label": target.label, "tasks": list(tasks),
                "completed_at": _now(), "duration_s": round(time.perf_counter() - started, 3),
            })
            _replace_dir(tmp_run, run_dir)
        except BaseException:
            shutil.rmtree(tmp_run, ignore_errors=True)
            raise
        shutil.rmtree(partial, ignore_errors=True)
        try:
            partial.parent.rmdir()  # <base>/.partial, when no other variant is unfinished
        except OSError:
            pass
        st.bump(st.evaluations, key)
        return None

    @staticmethod
    def _mkdir(p: Path) -> Path:
        p.mkdir(parents=True, exist_ok=True)
        return p

    @staticmethod
    def _manifest_from_tasks(partial: Path, tasks: Sequence[str]) -> dict[str, Any] | None:
        for t in tasks:
            try:
                res = json.loads(_results_file(partial / t).read_text(encoding="utf-8"))
            except (CompsecError, OSError, json.JSONDecodeError):
                continue
            man = (res.get("config") or {}).get("compsec_manifest")
            if isinstance(man, dict):
                return man
        return None


# ---------------------------------------------------------------------------------------
# parallel jobs


def resolve_jobs(jobs: int | str, device: str | None, pending: int) -> tuple[int, int, list[str | None]]:
    """(worker processes, threads per worker, device of each worker) for ``jobs`` variants at once.

    ``auto``: one worker per GPU when the run is on CUDA (``device`` cuda, or unset with CUDA
    available); on a CPU, two workers from 2 cores up and one per 4 cores beyond 8 (at most 4),
    the cores split evenly between them (on 2 cores, two single-thread workers keep both cores
    busy while one of them is in single-threaded Python). Never more workers than ``pending``
    variants; with an integer on CUDA, worker i gets GPU i modulo the GPUs there are."""
    from .recipe import parse_jobs

    want = parse_jobs(jobs)
    cores = os.cpu_count() or 1
    gpus = _cuda_devices(device) if (want == "auto" or int(want) > 1) and pending > 1 else 0
    if want == "auto":
        n = gpus if gpus else (1 if cores < 2 else max(2, min(4, cores // 4)))
    else:
        n = int(want)
    n = max(1, min(n, pending))
    if n == 1:
        return 1, 0, [None]
    if gpus:
        return n, max(1, cores // n), [f"cuda:{i % gpus}" for i in range(n)]
    return n, max(1, cores // n), [None] * n


def _cuda_devices(device: str | None) -> int:
    """GPUs a parallel run spreads over: 0 for a CPU run (or ``device`` naming one GPU)."""
    if device is not None and (not device.startswith("cuda") or ":" in device):
        return 0
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return 0
    if sys.platform.startswith("linux") and not any(
            os.path.exists(p) for p in ("/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg", "/dev/kfd")):
        return 0  # no GPU driver: skip importing torch (~200 MB) in the main process
    try:
        import torch
    except ImportError:
        return 0
    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def _prepare_bases(recipe: Recipe) -> None:
    """Build the organism folders of the recipe's bases once, before the workers need them, in
    a child process (a build loads and merges a model: memory the main process would keep)."""
    from model_adapters.isolate import run_isolated
    from model_adapters.organisms import is_built, is_organism_ref

    refs = [b.model for b in recipe.bases if is_organism_ref(b.model)]
    if any(not is_built(ref) for ref in refs):
        run_isolated("building the model organisms", _build_organisms, refs)


def _prepare_extensions(pending: Sequence[tuple[int, BaseModel, VariantEntry]]) -> None:
    """Build optimum-quanto's CPU extension once, in a child, before CPU workers that load packed
    quanto variants start, unless it is built for this torch already: left to them, a build (ninja
    and two compilers, ~3 GiB) ran on top of the workers' memory."""
    from model_adapters.isolate import run_isolated
    from model_adapters.methods.quanto import PACKED, clear_stale_lock, ensure_extension, extension_is_built
    from model_adapters.spec import QuantoSpec, parse_variant

    if not any(isinstance(s := parse_variant(t.spec), QuantoSpec) and s.weights in PACKED for _b, _bs, t in pending):
        return
    try:
        if extension_is_built():  # for this torch, from these sources, by this ninja: the workers load it
            return
        run_isolated("building optimum-quanto's CPU extension", ensure_extension)
    except Exception as exc:  # noqa: BLE001 - the workers build it on first use instead
        clear_stale_lock()  # no build runs now: a killed child's lock would hold every worker forever
        logger.warning("optimum-quanto's CPU extension was not built before the workers: %s", _error_text(exc))


def _produced_in_child(pending: Sequence[tuple[int, BaseModel, VariantEntry]],
                       ) -> list[tuple[int, BaseModel, VariantEntry]]:
    """The pending variants whose method quantizes in a child process of its own (GPTQ,
    llm-compressor)."""
    from model_adapters.registry import get_handler
    from model_adapters.spec import parse_variant

    return [p for p in pending if get_handler(parse_variant(p[2].spec)).produces_in_child]


def _prepare_variants(recipe: Recipe, pending: Sequence[tuple[int, BaseModel, VariantEntry]],
                      threads: int = 0) -> None:
    """Produce the pending variants whose method quantizes in a child process of its own
    (:func:`_produced_in_child`) one after the other, in one child with ``threads`` torch threads
    (0: torch's default), for CPU workers that then load them from the variant cache. Produced
    inside a worker, the child's ~1 GiB came on top of the waiting worker's and the other workers'
    memory. A variant already in the cache is only loaded (a few seconds). A failure is logged and
    left to the workers, which try again and fail the row with its error."""
    from model_adapters.isolate import run_isolated

    todo = [(base.model, target.spec) for _bi, base, target in _produced_in_child(pending)]
    if not todo:
        return
    try:
        run_isolated(f"producing {len(todo)} variant(s) for the workers", _produce_variants, todo,
                     recipe.dtype, recipe.device, threads)
    except Exception as exc:  # noqa: BLE001 - the workers try again and fail the row with its error
        logger.warning("producing variants for the workers failed (%s); the workers produce them",
                       _error_text(exc))


def _produce_variants(todo: Sequence[tuple[str, str]], dtype: str, device: str | None, threads: int = 0) -> None:
    """The child's side of :func:`_prepare_variants`. A variant that fails here is left to its
    worker, which records the error on its row."""
    os.environ["COMPSEC_ISOLATE"] = "0"  # this is the child already
    if threads:
        import torch

        torch.set_num_threads(threads)
    from model_adapters.lm_eval_model import _pick_device
    from model_adapters.loading import _free, load_variant

    for model, spec in todo:
        try:
            lv = load_variant(model, spec, dtype=dtype, device=_pick_device(device))
        except Exception as exc:  # noqa: BLE001 - see the docstring
            logger.warning("%s of %s not produced before the workers: %s", spec, model, _error_text(exc))
            continue
        _free(lv.model)
        del lv


def _build_organisms(refs: Sequence[str]) -> None:
    from model_adapters.organisms import resolve_organism

    for ref in refs:
        resolve_organism(ref)


class _WorkerState(RunState):
    """A worker's counters: returned to the parent, which alone writes the state file."""

    def save(self) -> None:
        pass


_WORKER: dict[str, Any] = {}


def _worker_init(threads: int, devices: Any, log_level: int) -> None:
    if threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(threads)
    _WORKER["threads"] = threads
    _WORKER["device"] = devices.get()
    logging.basicConfig(level=log_level, format="%(asctime)s %(processName)s %(name)s: %(message)s")


def _worker_job(runner_cls: type[LeaderboardRunner], recipe: Recipe, work: Path, base_index: int,
                target: VariantEntry) -> dict[str, Any]:
    """One variant of one base in a worker process; the counters it bumped and its error."""
    from dataclasses import replace

    if _WORKER.get("threads") and "torch" in sys.modules:
        import torch

        torch.set_num_threads(int(_WORKER["threads"]))
    device = _WORKER.get("device")
    runner = _WORKER.get("runner")
    if runner is None or type(runner) is not runner_cls or runner.work != Path(work):
        runner = runner_cls(replace(recipe, device=device) if device else recipe, Path(work), progress=False)
        _WORKER["runner"] = runner
    runner.state = _WorkerState(path=Path(work) / STATE_FILE)
    base = runner.recipe.bases[base_index]
    report = RunReport(recipe=runner.recipe, out_dir=Path(), work_dir=Path(work))
    error = runner._run_variant(base, target, runner.recipe.expanded_tasks(base), Path(work) / base.slug / target.slug,
                                report)
    st = runner.state
    return {"error": error, "attempts": dict(st.attempts), "evaluations": dict(st.evaluations),
            "task_evaluations": dict(st.task_evaluations), "task_evaluations_done": report.task_evaluations}


def run_recipe(
    recipe: Recipe | str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    work: str | os.PathLike[str] | None = None,
    *,
    quick: bool = False,
    only: Sequence[str] | None = None,
    force: bool = False,
    publish: bool = True,
    progress: bool = True,
    runner_cls: type[LeaderboardRunner] | None = None,
    jobs: int | str | None = None,
) -> RunReport:
    """Run a recipe (resumably) and publish its leaderboard (see the module docstring).

    ``out`` defaults to ``leaderboards/published/<name>`` (``<name>-quick`` with ``quick``),
    ``work`` to ``<out>/runs``; ``only`` restricts the variants (labels or specs; the original
    is always run). An output folder that holds another leaderboard is refused unless ``force``.
    ``runner_cls`` replaces :class:`LeaderboardRunner` (another harness back end, or a
    stand-in in tests; with ``jobs`` > 1 it must be importable by name, as worker processes
    are spawned). ``jobs`` overrides the recipe's ``jobs``.
    """
    r = recipe if isinstance(recipe, Recipe) else Recipe.from_yaml(recipe)
    if quick:
        r = r.quick_recipe()
    out_dir = Path(out) if out is not None else default_out_dir(r)
    work_dir = Path(work) if work is not None else out_dir / "runs"
    check_output_dir(out_dir, r.name, force)
    state = RunState.load(work_dir)
    if state.recipe_name not in (None, r.name) and not force:
        raise OutputPathError(
            f"work folder {str(work_dir)!r} holds the runs of leaderboard {state.recipe_name!r}, not {r.name!r}; "
            "choose another --work, or pass --force"
        )
    targets = r.select(only) if only else None
    runner = (runner_cls or LeaderboardRunner)(r, work_dir, progress=progress)
    report = runner.run(targets, jobs=jobs)
    report.out_dir = out_dir
    if publish:
        from .publish import publish_work

        report.published = publish_work(work_dir, out_dir, recipe=r, force=force)
    return report
