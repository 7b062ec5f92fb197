"""Heavy one-off steps in a child process: results and errors come back, memory does not stay."""

from __future__ import annotations

import os
import pickle

import pytest

from compsec_tasks.errors import CompsecError, IntegrityError, MissingDependencyError, UnknownNameError
from model_adapters.isolate import run_isolated


def _pid_and_sum(a: int, b: int = 0) -> tuple[int, int]:
    return os.getpid(), a + b


def _threads() -> int:
    import torch

    return int(torch.get_num_threads())


def _fail(kind: str) -> None:
    if kind == "integrity":
        raise IntegrityError("adapter_model.safetensors", "a" * 64, "b" * 64, what="adapter file")
    raise UnknownNameError("variant method", "gtpq", ["gptq", "awq"])


def _die() -> None:
    os._exit(3)


def test_runs_in_another_process_and_returns_the_result() -> None:
    pid, total = run_isolated("adding", _pid_and_sum, 2, b=5)
    assert total == 7 and pid != os.getpid()


def test_the_child_uses_the_callers_thread_count() -> None:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert run_isolated("threads", _threads) == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("kind", ["integrity", "unknown"])
def test_errors_come_back_as_raised(kind: str) -> None:
    with pytest.raises(CompsecError) as info:
        run_isolated("failing", _fail, kind)
    if kind == "integrity":
        assert isinstance(info.value, IntegrityError) and info.value.actual == "b" * 64
        assert "adapter file 'adapter_model.safetensors' failed its integrity check" in str(info.value)
    else:
        assert isinstance(info.value, UnknownNameError) and "Did you mean 'gptq'" in str(info.value)


def test_a_dying_child_is_named() -> None:
    with pytest.raises(CompsecError, match="GPTQ quantization: the child process exited with status 3.*ISOLATE=0"):
        run_isolated("GPTQ quantization", _die)


def test_isolation_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPSEC_ISOLATE", "0")
    assert run_isolated("adding", _pid_and_sum, 1) == (os.getpid(), 1)


def test_compsec_errors_pickle_with_their_fields() -> None:
    for err in (UnknownNameError("task", "compsec_refusl", ["compsec_refusal"]),
                MissingDependencyError("variant method 'gptq'", "gptq"),
                IntegrityError("f.gguf", "a" * 64, "b" * 64)):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == str(err) and back.__dict__ == err.__dict__


def test_a_script_without_a_main_guard_works(tmp_path) -> None:
    """The child never re-runs the caller's ``__main__`` (multiprocessing's spawn would)."""
    import subprocess
    import sys

    script = tmp_path / "no_guard.py"
    script.write_text("from model_adapters.isolate import run_isolated\n"
                      "import operator\n"
                      "print('sum', run_isolated('adding', operator.add, 2, 3))\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("sum 5") == 1
