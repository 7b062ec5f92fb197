"""Run a heavy one-off step (a GPTQ quantization, an organism build) in a child process.

Quantization libraries keep what they allocate: after gptqmodel quantizes SmolLM2-135M the
process holds ~0.6 GiB more than before (its worker threads' heaps, module-level state), for
as long as it lives. A leaderboard worker that produced one GPTQ variant would carry that
through every variant after it. :func:`run_isolated` runs the step in a fresh Python
interpreter, which writes its output to disk and exits, so the memory goes back to the system;
the caller then loads the result from the cache like any other run.

The child is a plain ``python -c`` subprocess, not a ``multiprocessing`` spawn: it never
re-imports the caller's ``__main__``, so a script without an ``if __name__ == "__main__":``
guard works as before. It gets the caller's ``sys.path``, environment, log level and torch
thread count (the numerics of some kernels depend on it); the function's return value and
exceptions come back as they were; a child that dies (killed for memory) raises
:class:`~compsec_tasks.errors.CompsecError` naming the step. ``COMPSEC_ISOLATE=0`` runs the step
in the calling process instead (debugging). Before the child starts, the caller hands its freed
heap back to the system (:func:`release_memory`): it waits idle while the child works, and the
two together are what the machine must hold.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from compsec_tasks.errors import CompsecError

logger = logging.getLogger(__name__)

__all__ = ["run_isolated", "isolation_enabled", "release_memory"]

T = TypeVar("T")

_BOOT = ("import pickle, sys; d = pickle.load(sys.stdin.buffer); "
         "sys.path[:] = d['path'] + [p for p in sys.path if p not in d['path']]; "
         "from model_adapters.isolate import _child; _child(d)")


def release_memory() -> None:
    """Collect garbage and hand the freed heap back to the system (glibc's ``malloc_trim``).
    Freed tensors of a model mostly stay in the allocator's heap (glibc raises its mmap threshold
    after the first large frees), so without the trim a process that loaded and dropped a model
    keeps that memory as resident set; elsewhere it is a plain ``gc.collect()``."""
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def isolation_enabled() -> bool:
    return os.environ.get("COMPSEC_ISOLATE", "1").strip().lower() not in ("0", "false", "no", "off")


def _child(d: dict[str, Any]) -> None:
    """The child's side: run the job, pickle (ok, value) or (False, exception) to d['out']."""
    logging.basicConfig(level=d["log_level"], format="%(asctime)s %(name)s: %(message)s")
    if d["threads"]:
        import torch

        torch.set_num_threads(d["threads"])
    try:
        fn, args, kwargs = pickle.loads(d["job"])
        result: tuple[bool, Any] = (True, fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
        result = (False, exc)
    try:
        data = pickle.dumps(result)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception
        import traceback

        text = "".join(traceback.format_exception(result[1])) if not result[0] else repr(exc)
        data = pickle.dumps((False, CompsecError(f"{d['what']} failed in its child process:\n{text}")))
    Path(d["out"]).write_bytes(data)


def run_isolated(what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a child Python process (``fn`` must be a module-level function
    of an importable module; arguments and result must pickle). ``what`` names the step in errors
    and logs."""
    if not isolation_enabled():
        return fn(*args, **kwargs)
    threads = int(sys.modules["torch"].get_num_threads()) if "torch" in sys.modules else 0
    logger.info("%s: in a child process (%s thread(s))", what, threads or "default")
    release_memory()
    with tempfile.TemporaryDirectory(prefix="compsec-isolate-") as tmp:
        out = Path(tmp) / "result.pickle"
        payload = pickle.dumps({
            "what": what, "path": [p for p in sys.path if p], "threads": threads, "out": str(out),
            "log_level": logging.getLogger().getEffectiveLevel(),
            "job": pickle.dumps((fn, args, kwargs)),
        })
        proc = subprocess.run([sys.executable, "-c", _BOOT], input=payload, check=False)
        if not out.is_file():
            how = (f"was killed by signal {-proc.returncode}" if proc.returncode < 0
                   else f"exited with status {proc.returncode}")
            raise CompsecError(
                f"{what}: the child process {how} before it finished (its output is above); "
                "out of memory? free memory or run fewer jobs at once, or set COMPSEC_ISOLATE=0 to run "
                "it in this process"
            )
        ok, value = pickle.loads(out.read_bytes())
    if ok:
        return value  # type: ignore[no-any-return]
    raise value
