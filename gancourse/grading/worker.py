"""The submission's process: executes notebook cells and calls functions on request.

A fork server (``python -m gancourse.grading.worker FD``, started by
:mod:`gancourse.grading.sandbox`) imports and warms up numpy, torch and the course once, then
forks one child per submission. The child talks to the grader over two private pipes (never
stdout, which the submission owns), one JSON message per line. It receives code and plain-data
arguments and sends back plain-data results; it never sees expected values, so whatever a
submission does in here it can only change its own answers.

Before any submission code runs, the child moves to its own empty folder and process group,
limits its memory, and installs an audit hook (PEP 578) that refuses writes outside its working
folder, reads of the paths the grader names (solutions, tests, other submissions, the output
folder), starting processes, signalling other processes, network connections and ctypes. The
hook is a tripwire against accidents and casual tampering, not a security boundary: see the
threat model in the README.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import traceback

BLOCKED_EVENTS = {
    "subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
    "os.forkpty", "os.kill", "os.killpg", "signal.pthread_kill", "pty.spawn",
    "socket.connect", "socket.bind", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata",
    "ctypes.addressof", "sys.remote_exec",
}
PATH_EVENTS = {
    "os.remove", "os.rmdir", "os.rename", "os.replace", "os.truncate", "os.chmod", "os.chown",
    "os.link", "os.symlink", "os.mkdir", "shutil.rmtree", "shutil.move", "os.utime",
}
OUTPUT_LIMIT = 20_000  # characters of captured output kept per cell or call
_REAL_EXIT = os._exit  # the fork server's own exits; a submission's go through _report_exit


def _within(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def install_guard(workdir: str, forbidden: list[str]) -> None:
    workdir = os.path.realpath(workdir)
    forbidden = [os.path.realpath(p) for p in forbidden]
    writable = [workdir, "/dev/null"]

    def resolve(p) -> str | None:
        if isinstance(p, int):
            return None  # an already open file descriptor
        if isinstance(p, bytes):
            p = os.fsdecode(p)
        return os.path.realpath(os.path.abspath(str(p)))

    def hook(event: str, args: tuple) -> None:
        if event in BLOCKED_EVENTS:
            raise PermissionError(f"not allowed while grading: {event}")
        if event == "open":
            path = resolve(args[0])
            if path is None:
                return
            mode = args[1] if isinstance(args[1], str) else "r"
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            writing = any(c in mode for c in "wax+") or flags & (os.O_WRONLY | os.O_RDWR)
            if writing and not _within(path, writable):
                raise PermissionError(f"not allowed while grading: writing {path}")
            if _within(path, forbidden):
                raise PermissionError(f"not allowed while grading: reading {path}")
        elif event in PATH_EVENTS:
            for p in args[:2]:
                if isinstance(p, (str, bytes, os.PathLike)):
                    path = resolve(p)
                    if path is not None and not _within(path, [workdir]):
                        raise PermissionError(f"not allowed while grading: {event} {path}")

    sys.addaudithook(hook)


def limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no limit available
        return
    limit = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _error(exc: BaseException) -> dict:
    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
    # keep the submission's frames only: drop this file's frames
    lines = [ln for ln in tb if __file__ not in ln]
    message = {"ok": False, "error_type": type(exc).__name__, "error": str(exc)[:2000],
               "traceback": "".join(lines)[-4000:]}
    # The line of the notebook cell where it happened, counted as the student sees the cell.
    if isinstance(exc, SyntaxError) and str(exc.filename).startswith("<cell"):
        message.update(line=exc.lineno, error=str(exc.msg)[:2000],
                       source_line=(exc.text or "").rstrip("\n")[:300])
    else:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.startswith("<cell")]
        if frames:
            message["line"] = frames[-1].lineno
    return message


def _report_exit(reply) -> None:
    """Make ``os._exit(code)`` answer the request it ends, with its code, before exiting."""
    real_exit = os._exit

    def _exit(code: int = 0) -> None:
        try:
            reply({"ok": False, "error_type": "Exit", "error": f"it called os._exit({code}), "
                   "which ends the process at once", "output": ""})
        finally:
            real_exit(code)

    os._exit = _exit


def _run(fn, capture: io.StringIO):
    with contextlib.redirect_stdout(capture), contextlib.redirect_stderr(capture):
        return fn()


# What submissions import, loaded once in the fork server so that every submission starts warm.
# Names, not imports: the grader's own code depends on nothing of the course but the seed helper.
WARM_UP = ("matplotlib.pyplot", "numpy", "scipy.optimize", "scipy.special", "scipy.stats",
           "torch", "gancourse", "gancourse.grading.plain")


def prepare() -> None:
    """Import and warm up everything the exercises need, once, before any fork."""
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    for name in WARM_UP:
        importlib.import_module(name)
    import torch

    torch.set_num_threads(1)  # the server must stay single-threaded to fork safely
    x = torch.zeros(2, requires_grad=True)
    optimiser = torch.optim.Adam([x], lr=0.1)  # the first optimiser step imports a lot
    x.sum().backward()
    optimiser.step()


def serve(config: dict, read_fd: int, write_fd: int) -> None:
    """The submission's side: execute cells and calls until the grader closes the pipe."""
    from gancourse.grading import plain
    from gancourse.grading.reach import course_names
    from gancourse.seeding import seed_everything

    requests = os.fdopen(read_fd, "r", encoding="utf-8")
    replies = os.fdopen(write_fd, "w", encoding="utf-8")
    limit_memory(config["memory_mb"])
    install_guard(config["workdir"], config["forbidden"])
    namespace: dict = {"__name__": "__main__"}

    def reply(message: dict) -> None:
        replies.write(plain.dumps(message) + "\n")
        replies.flush()

    _report_exit(reply)
    reply({"ok": True, "ready": True})
    for line in requests:
        request = json.loads(line)
        capture = io.StringIO()
        try:
            if request["op"] == "exec":
                seed_everything(0)
                code = compile(request["code"], f"<cell {request['cell']}>", "exec")
                _run(lambda: exec(code, namespace), capture)
                message = {"ok": True}
            elif request["op"] == "call":
                fn = namespace.get(request["name"])
                if not callable(fn):
                    message = {"ok": False, "error_type": "MissingFunction",
                               "error": f"no function named {request['name']!r} is defined"}
                else:
                    message = plain.invoke(fn, request["args"], seed=request.get("seed", 0),
                                           grad_wrt=request.get("grad_wrt"),
                                           run=lambda call: _run(call, capture))
            elif request["op"] == "reach":
                fn = namespace.get(request["name"])
                message = {"ok": True, "value": course_names(fn) if callable(fn) else []}
            else:
                message = {"ok": False, "error_type": "Protocol", "error": "unknown request"}
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
            message = _error(exc)
        message["output"] = capture.getvalue()[-OUTPUT_LIMIT:]
        try:
            reply(message)
        except (ValueError, TypeError) as exc:  # a value that is not plain data
            reply({"ok": False, "error_type": "UnsupportedValue", "error": str(exc)[:500],
                   "output": message.get("output", "")})


def fork_server(sock_fd: int) -> None:
    """Fork a prepared child per request. Each request on the socket carries a JSON config and
    the two pipe ends of one submission; the answer is the child's process id."""
    import signal
    import socket

    prepare()
    sock = socket.socket(fileno=sock_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    sock.sendall(b'{"ready": true}\n')
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, 65536, 2)
        except OSError:
            return
        if not data:
            return  # the grader went away
        config = json.loads(data)
        pid = os.fork()
        if pid == 0:  # the child: becomes the submission's process
            sock.close()
            code = 0
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)  # C-level output goes nowhere
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                os.setsid()  # its own process group, so the grader can kill all of it
                if config.get("run_as"):  # drop root for good: the submission's own user
                    uid, gid = config["run_as"]
                    os.chown(config["workdir"], uid, gid)
                    os.setgroups([])
                    os.setgid(gid)
                    os.setuid(uid)
                os.chdir(config["workdir"])
                os.environ.update(HOME=config["workdir"], TMPDIR=config["workdir"])
                serve(config, fds[0], fds[1])
            except BaseException:  # noqa: BLE001
                code = 1
            _REAL_EXIT(code)
        for fd in fds:
            os.close(fd)
        sock.sendall((json.dumps({"pid": pid}) + "\n").encode())


if __name__ == "__main__":
    fork_server(int(sys.argv[1]))
