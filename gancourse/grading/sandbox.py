"""The grader's handle on one submission's process (see :mod:`gancourse.grading.worker`).

A :class:`ForkServer` imports numpy, torch and the course once; each :class:`Sandbox` then gets a
freshly forked process from it in well under a second. The parent enforces every time limit
itself, from outside: it waits for each reply with a
deadline and, when the deadline passes, kills the worker's whole process group. A submission
cannot stop that clock.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import plain

__all__ = ["Limits", "Sandbox", "Reply", "ForkServer", "peak_resident_mb"]


@dataclass
class Limits:
    """Resource limits for one submission."""

    cell_seconds: float = 30.0  # one notebook cell
    call_seconds: float = 20.0  # one call of a graded function
    submission_seconds: float = 180.0  # everything for one submission, start-up included
    memory_mb: int = 4096  # address space of the submission's process (Linux)
    start_seconds: float = 60.0  # importing numpy, torch, ... in a fresh process
    # Run the submission as this user (the grader must be root): it then cannot read what
    # the user may not read (hidden tests), nor write the grader's files. None: as the grader.
    run_as: str | None = None


def _user_ids(user: str) -> tuple[int, int]:
    """(uid, gid) of ``user``; only root may run a submission as another user."""
    import pwd  # noqa: PLC0415 -- POSIX only

    if os.geteuid() != 0:
        raise PermissionError(f"run_as={user!r} needs the grader to run as root")
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        raise KeyError(f"run_as={user!r}: no such user on this machine") from None
    return entry.pw_uid, entry.pw_gid


def peak_resident_mb(pid: int) -> float | None:
    """The peak resident memory (MB) of a running process: Linux's ``VmHWM``, which counts the
    pages a forked child still shares with its fork server. None where it cannot be read (not
    Linux, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


@dataclass
class Reply:
    """What the worker answered (or why it could not)."""

    ok: bool
    value: Any = None
    grads: Any = None
    error_type: str = ""
    error: str = ""
    traceback: str = ""
    output: str = ""
    timed_out: bool = False
    crashed: bool = False
    line: int | None = None  # the line of the notebook cell where the error happened
    source_line: str = ""  # that line's text, for a syntax error

    @property
    def not_implemented(self) -> bool:
        return self.error_type == "NotImplementedError"


class ForkServer:
    """One warmed-up process that forks a child per submission; shared by a grading run.

    Thread-safe: graders running in parallel threads may call :meth:`spawn` concurrently.
    """

    def __init__(self, start_seconds: float = 120.0):
        self._lock = threading.Lock()
        parent, child = socket.socketpair()
        env = {
            "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
            "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "GANCOURSE_GRADING": "1", "GANCOURSE_DEVICE": "cpu",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if key in os.environ:  # some BLAS builds need these on some processors
                env[key] = os.environ[key]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gancourse.grading.worker", str(child.fileno())],
            cwd=tempfile.gettempdir(), env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(child.fileno(),),
            start_new_session=True)
        child.close()
        self._sock = parent
        self._sock.settimeout(start_seconds)
        try:
            ready = self._readline()
        except (OSError, socket.timeout):
            ready = b""
        if b"ready" not in ready:
            err = b""
            self.close()
            if self.proc.stderr is not None:
                err = self.proc.stderr.read()[-2000:]
            raise RuntimeError("the grading process could not start: "
                               + err.decode(errors="replace"))
        self._sock.settimeout(30.0)

    def _readline(self) -> bytes:
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = self._sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        return buf

    def spawn(self, config: dict, fds: tuple[int, int]) -> int:
        """Fork a child that serves ``config`` over the two pipe ends; returns its pid."""
        with self._lock:
            socket.send_fds(self._sock, [json.dumps(config).encode()], list(fds))
            answer = self._readline()
        return int(json.loads(answer)["pid"])

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()

    def __enter__(self) -> "ForkServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class Sandbox:
    """A forked submission process in a fresh temporary folder; use as a context manager.

    Give several sandboxes one ``server`` to share its warm-up; without one, the sandbox starts
    (and closes) a private server.
    """

    limits: Limits = field(default_factory=Limits)
    forbidden: list[str] = field(default_factory=list)
    server: ForkServer | None = None

    def __post_init__(self):
        self.pid: int | None = None
        self._own_server = self.server is None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._buffer = b""
        self.deadline = time.monotonic() + self.limits.submission_seconds
        self.peak_mb: float | None = None  # the largest peak resident memory of its processes

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> Reply:
        self._stop_child()
        if self.server is None:
            try:
                self.server = ForkServer(self.limits.start_seconds)
            except RuntimeError as exc:
                return Reply(ok=False, crashed=True, error_type="Crashed", error=str(exc))
        self._tmp = tempfile.TemporaryDirectory(prefix="gancourse-grade-")
        workdir = os.path.realpath(self._tmp.name)
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        config = {"workdir": workdir, "forbidden": self.forbidden,
                  "memory_mb": self.limits.memory_mb}
        if self.limits.run_as:
            try:
                config["run_as"] = _user_ids(self.limits.run_as)
            except (KeyError, PermissionError) as exc:
                return Reply(ok=False, crashed=True, error_type="Crashed", error=str(exc))
        try:
            self.pid = self.server.spawn(config, (to_child_r, from_child_w))
        except (OSError, ValueError, KeyError) as exc:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            return Reply(ok=False, crashed=True, error_type="Crashed",
                         error=f"could not start the submission's process: {exc}")
        os.close(to_child_r)
        os.close(from_child_w)
        self._to_child = os.fdopen(to_child_w, "w", encoding="utf-8")
        self._from_child = from_child_r
        self._buffer = b""
        return self._receive(self.limits.start_seconds)

    def _stop_child(self) -> None:
        if self.pid is not None:
            peak = peak_resident_mb(self.pid)
            if peak is not None:
                self.peak_mb = max(self.peak_mb or 0.0, peak)
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self._to_child.close()
            except OSError:
                pass
            os.close(self._from_child)
            self.pid = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def close(self) -> None:
        self._stop_child()
        if self._own_server and self.server is not None:
            self.server.close()
            self.server = None

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self.pid is not None

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    # -- requests ----------------------------------------------------------------------------
    def exec_cell(self, index: int, code: str) -> Reply:
        return self._request({"op": "exec", "cell": index, "code": code},
                             self.limits.cell_seconds)

    def call(self, name: str, args: list, *, grad_wrt: list[int] | None = None,
             seed: int = 0) -> Reply:
        try:
            payload = plain.to_plain(list(args))
        except plain.PlainError as exc:  # a check passed an unsupported value: grader's bug
            raise ValueError(f"check arguments must be plain data: {exc}") from exc
        return self._request({"op": "call", "name": name, "args": payload,
                              "grad_wrt": grad_wrt or [], "seed": seed},
                             self.limits.call_seconds)

    def reach(self, name: str) -> Reply:
        """The course functions that the submission's function ``name`` refers to."""
        return self._request({"op": "reach", "name": name}, self.limits.call_seconds)

    def _request(self, message: dict, seconds: float) -> Reply:
        if not self.alive:
            return Reply(ok=False, crashed=True, error_type="Crashed",
                         error="the submission's process is not running")
        try:
            self._to_child.write(plain.dumps(message) + "\n")
            self._to_child.flush()
        except (BrokenPipeError, OSError):
            return self._died()
        return self._receive(seconds)

    def _receive(self, seconds: float) -> Reply:
        budget = min(seconds, self.time_left())
        end = time.monotonic() + max(budget, 0.0)
        while b"\n" not in self._buffer:
            remaining = end - time.monotonic()
            if remaining <= 0:
                self._stop_child()
                whole = budget < seconds
                return Reply(ok=False, timed_out=True, error_type="Timeout",
                             error=("the submission used up its total time limit of "
                                    f"{self.limits.submission_seconds:g} s") if whole else
                             f"stopped after the {seconds:g} s time limit")
            ready, _, _ = select.select([self._from_child], [], [], remaining)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    return self._died()
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            data = plain.loads(line.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a message")
        except (ValueError, UnicodeDecodeError):
            return Reply(ok=False, error_type="Protocol",
                         error="the submission's process sent an unreadable answer")
        line = data.get("line")
        reply = Reply(ok=bool(data.get("ok")), value=data.get("value"), grads=data.get("grads"),
                      error_type=str(data.get("error_type", "")),
                      error=str(data.get("error", "")), traceback=str(data.get("traceback", "")),
                      output=str(data.get("output", "")),
                      line=line if isinstance(line, int) else None,
                      source_line=str(data.get("source_line", "")))
        if reply.error_type == "Exit":  # os._exit: the process is gone, or going
            self._stop_child()
            reply.crashed = True
        return reply

    def _died(self) -> Reply:
        self._stop_child()
        return Reply(ok=False, crashed=True, error_type="Crashed",
                     error="the submission's process stopped: it exited, crashed or ran out "
                           f"of memory (limit {self.limits.memory_mb} MB)")
