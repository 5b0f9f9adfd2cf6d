"""Check that a built Clinic Desk bundle works as installed, apart from the source tree and the venv.

    python build/check_bundle.py BUNDLE_DIR [--require-keyring]

Run it on an X display (with none, it starts a private Xvfb server). It checks:
the version; the migrations, keyring metadata and resources are inside; `--smoke` on a fresh
SQLite database (the migrations applied from inside the bundle; the file encrypted, its key in a
private Secret Service keyring), offscreen and on X (xcb); a
real start that opens a window on X; and, on a throwaway PostgreSQL server that requires a
password, `db set-password` into a real Secret Service keyring, then `db upgrade` and `--smoke`
with the server address from a site configuration file and the password from the keyring.
Exit status 0 when every check passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BUILD = Path(__file__).resolve().parent
ROOT = BUILD.parent
sys.path[:0] = [str(BUILD), str(ROOT)]

from x11_window import XUnavailable, time_to_first_window, virtual_display  # noqa: E402

KEYRING_PASSWORD = "throwaway-keyring-for-the-packaging-check"
DB_ROLE, DB_NAME = "clinicdesk_app", "clinicdesk"
TIMEOUT_S = 120


class CheckFailed(Exception):
    """One check failed; the message says what was expected and what happened."""


def source_head() -> str:
    """This release's newest schema revision, read from the source tree's migrations."""
    from desktop.db.migrate import head_revision

    return head_revision()


class BundleRunner:
    """Runs the bundled `clinicdesk` with a clean environment: no venv, no PYTHONPATH, own folders."""

    def __init__(self, bundle: Path, scratch: Path) -> None:
        self.executable = bundle / "clinicdesk"
        self.scratch = scratch
        runtime = scratch / "runtime"
        runtime.mkdir(mode=0o700)
        self.base_env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(scratch / "home"),
            "LANG": "C.UTF-8",
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(scratch / "home" / ".config"),
            "XDG_DATA_HOME": str(scratch / "home" / ".local" / "share"),
            "XDG_CONFIG_DIRS": str(scratch / "etc-xdg"),  # the site configuration's folder
        }
        if os.environ.get("DISPLAY"):
            self.base_env["DISPLAY"] = os.environ["DISPLAY"]
        for name in ("XAUTHORITY",):
            if os.environ.get(name):
                self.base_env[name] = os.environ[name]

    def env(self, data: str, platform: str = "offscreen", **extra: str) -> dict[str, str]:
        data_dir = self.scratch / data
        data_dir.mkdir(exist_ok=True)
        return {
            **self.base_env,
            "QT_QPA_PLATFORM": platform,
            "CLINICDESK_DATA_DIR": str(data_dir),
            **extra,
        }

    def run(self, args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
        """Run and return stdout; CheckFailed with the output on a non-zero exit."""
        result = self.try_run(args, env, stdin)
        if result.returncode != 0:
            raise CheckFailed(
                f"`clinicdesk {' '.join(args)}` exited {result.returncode}:\n"
                f"{result.stdout}{result.stderr}".strip()
            )
        return result.stdout

    def try_run(self, args: list[str], env: dict[str, str], stdin: str | None = None):
        return subprocess.run(
            [str(self.executable), *args],
            env=env,
            cwd=self.scratch,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            start_new_session=True,  # no controlling terminal: getpass reads the piped password
        )


def expect(text: str, *parts: str) -> None:
    for part in parts:
        if part not in text:
            raise CheckFailed(f"expected {part!r} in:\n{text.strip()}")


# -- the checks ---------------------------------------------------------------------------------


def check_contents(bundle: Path) -> str:
    internal = bundle / "_internal"
    source = sorted(p.name for p in (ROOT / "desktop/db/migrations/versions").glob("*.py"))
    inside = sorted(p.name for p in (internal / "desktop/db/migrations/versions").glob("*.py"))
    if source != inside:
        raise CheckFailed(f"migrations in the bundle {inside} differ from the source {source}")
    if not (internal / "desktop/db/migrations/env.py").is_file():
        raise CheckFailed("the bundle has no desktop/db/migrations/env.py")
    entry_points = list(internal.glob("keyring-*.dist-info/entry_points.txt"))
    if not entry_points or "keyring.backends" not in entry_points[0].read_text():
        raise CheckFailed("keyring's metadata (its backends' entry points) is not in the bundle")
    for resource in ("style.qss", "icons/app.svg"):
        if (ROOT / "resources" / resource).is_file() and not (
            internal / "desktop/resources" / resource
        ).is_file():
            raise CheckFailed(f"resources/{resource} is not in the bundle")
    revisions = [name for name in inside if name != "__init__.py"]
    return f"{len(revisions)} migration(s), keyring backends' metadata, resources"


def check_version(runner: BundleRunner) -> str:
    from project import read_project

    project = read_project()
    out = runner.run(["--version"], runner.env("data-version"))
    expect(out, f"{project.app_name} {project.version}")
    return out.strip()


def check_smoke_sqlite(runner: BundleRunner, head: str, platform: str) -> str:
    # The embedded file is encrypted with a key kept in the keyring: a Secret Service is needed.
    with secret_service(runner.scratch / f"keyring-{platform}") as keyring_env:
        env = runner.env(f"data-{platform}", platform, **keyring_env)
        database = Path(env["CLINICDESK_DATA_DIR"]) / "clinicdesk.sqlite"
        out = runner.run(["--smoke"], env)
    expect(out, f"OK: database {database} at schema {head}", f"({platform})")
    try:
        sqlite3.connect(database).execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return out.strip() + " [encrypted: plain SQLite cannot read it]"
    raise CheckFailed(f"{database} can be read without its key")


def check_window(runner: BundleRunner) -> str:
    with secret_service(runner.scratch / "keyring-window") as keyring_env:
        env = runner.env("data-window", "xcb", **keyring_env)
        runner.run(["--smoke"], env)  # the database is set up; now time a plain start
        seconds = time_to_first_window(
            [str(runner.executable)], env, timeout=TIMEOUT_S, cwd=str(runner.scratch)
        )
    return f"first window after {seconds:.2f} s"


@contextmanager
def secret_service(home: Path) -> Iterator[dict[str, str]]:
    """A private D-Bus session with an unlocked GNOME Keyring (the Secret Service) on it."""
    for program in ("dbus-daemon", "gnome-keyring-daemon", "dbus-send"):
        if shutil.which(program) is None:
            raise XUnavailable(f"{program} is not installed")
    home.mkdir(parents=True, exist_ok=True)
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    daemon = None
    try:
        address = bus.stdout.readline().strip()
        env = {
            "DBUS_SESSION_BUS_ADDRESS": address,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_RUNTIME_DIR": str(runtime),
        }
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        daemon.stdin.write(KEYRING_PASSWORD.encode())
        daemon.stdin.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                 "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                 "string:org.freedesktop.secrets"],
                env={**os.environ, **env}, capture_output=True, text=True,
            )  # fmt: skip
            if "boolean true" in probe.stdout:
                break
            time.sleep(0.2)
        else:
            raise XUnavailable("the Secret Service did not come up on the session bus")
        yield env
    finally:
        for process in (daemon, bus):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def require_password(server, role: str) -> None:
    """Make the server ask `role` for its password (the test server trusts everyone otherwise)."""
    hba = server.data_dir / "pg_hba.conf"
    rule = f"host all {role} 127.0.0.1/32 scram-sha-256\n"
    hba.write_text(rule + hba.read_text())
    with server._admin() as connection:
        connection.execute("SELECT pg_reload_conf()")


def check_postgres(runner: BundleRunner, head: str, keyring_required: bool) -> str:
    from psycopg import sql

    from tests.pg_server import start_server

    password = "check-" + os.urandom(9).hex()
    server = start_server()
    try:
        with server._admin() as connection:
            connection.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}").format(
                    sql.Identifier(DB_ROLE), sql.Literal(password)
                )
            )
            connection.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DB_NAME), sql.Identifier(DB_ROLE)
                )
            )
        require_password(server, DB_ROLE)
        url = f"postgresql+psycopg://{DB_ROLE}@{server.host}:{server.port}/{DB_NAME}"
        site = runner.scratch / "etc-xdg" / "ClinicDesk"
        site.mkdir(parents=True, exist_ok=True)
        (site / "clinicdesk.toml").write_text(
            f'[database]\nurl = "{url}"\n\n[practice]\ntime_zone = "America/Toronto"\n'
        )
        try:
            with secret_service(runner.scratch / "keyring-home") as keyring_env:
                env = runner.env("data-postgres", **keyring_env)
                refused = runner.try_run(["db", "status"], env)
                if refused.returncode == 0 or "refused the sign-in" not in refused.stderr:
                    raise CheckFailed(
                        "without a stored password the server should refuse the sign-in:\n"
                        f"{refused.stdout}{refused.stderr}"
                    )
                out = runner.run(["db", "set-password"], env, stdin=password + "\n")
                expect(out, "is now in the system keyring")
                how = "password from the Secret Service keyring"
                return _upgrade_and_smoke(runner, env, head, how)
        except XUnavailable as error:
            if keyring_required:
                raise CheckFailed(f"no Secret Service for the keyring check: {error}") from None
            site.joinpath("clinicdesk.toml").write_text(
                f'[database]\nurl = "{url}"\n'.replace(f"{DB_ROLE}@", f"{DB_ROLE}:{password}@")
            )
            env = runner.env("data-postgres")
            how = f"password in the URL; keyring part SKIPPED: {error}"
            return _upgrade_and_smoke(runner, env, head, how)
    finally:
        server.stop()


def _upgrade_and_smoke(runner: BundleRunner, env: dict[str, str], head: str, how: str) -> str:
    out = runner.run(["db", "upgrade"], env)
    expect(out, f"to {head}")
    out = runner.run(["db", "upgrade"], env)
    expect(out, f"already at schema {head}")
    out = runner.run(["--smoke"], env)
    expect(out, f"/{DB_NAME} (server on this computer) at schema {head}", "(offscreen)")
    return f"{out.strip()} [{how}]"


# -- driver -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check_bundle.py", description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the bundle folder (holding `clinicdesk`)")
    parser.add_argument(
        "--require-keyring",
        action="store_true",
        help="fail, not skip, when no Secret Service can be started for the keyring check",
    )
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    if not (bundle / "clinicdesk").is_file():
        print(f"check: no bundle at {bundle}", file=sys.stderr)
        return 2
    head = source_head()
    scratch = Path(tempfile.mkdtemp(prefix="clinicdesk-bundle-check-"))
    runner = BundleRunner(bundle, scratch)
    checks: list[tuple[str, Callable[[], str]]] = [
        ("contents", lambda: check_contents(bundle)),
        ("version", lambda: check_version(runner)),
        ("smoke, fresh SQLite, offscreen", lambda: check_smoke_sqlite(runner, head, "offscreen")),
        ("smoke, fresh SQLite, X display (xcb)", lambda: check_smoke_sqlite(runner, head, "xcb")),
        ("window on the X display", lambda: check_window(runner)),
        ("PostgreSQL + keyring", lambda: check_postgres(runner, head, args.require_keyring)),
    ]
    failed = 0
    try:
        for name, check in checks:
            started = time.monotonic()
            try:
                detail = check()
            except (CheckFailed, XUnavailable, TimeoutError, subprocess.TimeoutExpired) as error:
                failed += 1
                print(f"FAIL  {name}: {error}", flush=True)
                continue
            print(f"PASS  {name} ({time.monotonic() - started:.1f} s): {detail}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"bundle: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if os.environ.get("DISPLAY"):
        raise SystemExit(main())
    with virtual_display() as display:  # no screen here: a private Xvfb
        os.environ["DISPLAY"] = display
        os.environ.pop("XAUTHORITY", None)
        raise SystemExit(main())
