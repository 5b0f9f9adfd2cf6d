"""Time a program from its start to its first window on an X display (libX11 through ctypes).

Listens on the root window for MapNotify: the moment the X server shows a top-level window.
Used by the packaging check (the bundle opens a real window on Xvfb) and by the start-up benchmark.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
#: XMapEvent on LP64: type(int), serial(ulong), send_event(Bool), display(ptr), event, window,
#: override_redirect(Bool); the window ID is at byte 40 and override_redirect at byte 48.
_WINDOW_OFFSET, _OVERRIDE_OFFSET = 40, 48


class XUnavailable(Exception):
    """No X display to watch (no libX11, or DISPLAY unset or unreachable)."""


#: an X error handler that ignores the error: a window can be gone (a splash closed) by the time
#: its title is asked for. Kept at module level so it is never garbage-collected.
_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
    lambda display, event: 0
)


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("pad", ctypes.c_long * 24)]


def _libx11() -> ctypes.CDLL:
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    try:
        lib = ctypes.CDLL(name)
    except OSError as error:
        raise XUnavailable(f"libX11 is not installed ({error})") from None
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
    lib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    lib.XPending.argtypes = [ctypes.c_void_p]
    lib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
    lib.XFlush.argtypes = [ctypes.c_void_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
    lib.XFree.argtypes = [ctypes.c_void_p]
    lib.XSetErrorHandler(_ERROR_HANDLER)
    return lib


class WindowWatch:
    """A connection to the X display that reports the next top-level window to appear."""

    def __init__(self) -> None:
        if not os.environ.get("DISPLAY"):
            raise XUnavailable("DISPLAY is not set")
        self._x = _libx11()
        for _ in range(20):  # a busy X server can turn a connection away for a moment
            self._display = self._x.XOpenDisplay(None)
            if self._display:
                break
            time.sleep(0.25)
        if not self._display:
            raise XUnavailable(f"cannot open the X display {os.environ['DISPLAY']}")
        root = self._x.XDefaultRootWindow(self._display)
        self._x.XSelectInput(self._display, root, SUBSTRUCTURE_NOTIFY_MASK)
        self._x.XFlush(self._display)
        self._fd = self._x.XConnectionNumber(self._display)

    def title(self, window: int) -> str:
        """The window's title (WM_NAME), or "" when it has none."""
        name = ctypes.c_char_p()
        if not self._x.XFetchName(self._display, window, ctypes.byref(name)) or not name.value:
            return ""
        text = name.value.decode("latin-1")
        self._x.XFree(name)
        return text

    def wait_for_window(
        self, deadline: float, process: subprocess.Popen | None = None, title: str | None = None
    ) -> int | None:
        """The ID of the next window mapped (not a pop-up), or None at the deadline or if the
        process ends first. With `title`, the next one whose title starts with it."""
        event = _XEvent()
        raw = ctypes.cast(ctypes.byref(event), ctypes.POINTER(ctypes.c_ubyte))
        while True:
            while self._x.XPending(self._display):
                self._x.XNextEvent(self._display, ctypes.byref(event))
                if event.type != MAP_NOTIFY:
                    continue
                window = int.from_bytes(bytes(raw[_WINDOW_OFFSET : _WINDOW_OFFSET + 8]), "little")
                override = int.from_bytes(
                    bytes(raw[_OVERRIDE_OFFSET : _OVERRIDE_OFFSET + 4]), "little"
                )
                if not override and (title is None or self.title(window).startswith(title)):
                    return window
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (process is not None and process.poll() is not None):
                return None
            select.select([self._fd], [], [], min(remaining, 0.05))

    def close(self) -> None:
        if self._display:
            self._x.XCloseDisplay(self._display)
            self._display = None

    def __enter__(self) -> WindowWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def virtual_display(size: str = "1280x800x24") -> Iterator[str]:
    """A private Xvfb server for the duration; yields its DISPLAY (":N").

    Xvfb picks a free display number itself (-displayfd), so parallel runs on one computer never
    race for the same number as `xvfb-run -a` can.
    """
    if shutil.which("Xvfb") is None:
        raise XUnavailable("Xvfb is not installed (Debian package xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise XUnavailable(f"Xvfb did not start (exit {server.poll()})")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def time_to_first_window(
    command: Sequence[str],
    env: dict[str, str],
    *,
    timeout: float = 60,
    cwd: str | None = None,
    title: str | None = None,
) -> float:
    """Seconds from starting `command` to its first top-level window (with `title`: the first
    whose title starts with it); the program is then stopped.

    Raises TimeoutError (with the program's output) when no window appears in time.
    """
    return time_to_window(command, env, timeout=timeout, cwd=cwd, title=title)[0]


def time_to_window(
    command: Sequence[str],
    env: dict[str, str],
    *,
    timeout: float = 60,
    cwd: str | None = None,
    title: str | None = None,
) -> tuple[float, float | None]:
    """As `time_to_first_window`, with the CPU seconds the program had used by then (all its
    threads; None where /proc cannot tell): on a loaded computer, the work it did."""
    with WindowWatch() as watch:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            window = watch.wait_for_window(time.monotonic() + timeout, process, title)
            elapsed = time.perf_counter() - started
            cpu = _cpu_seconds(process.pid)
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                output, _ = process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
    if window is None:
        text = output.decode("utf-8", "replace").strip()[-2000:]
        raise TimeoutError(
            f"no window within {timeout:.0f} s (exit {process.returncode}); output:\n{text}"
        )
    return elapsed, cpu


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a running process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
