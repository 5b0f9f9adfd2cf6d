"""The client list at 200,000 clients: first paint, search per keystroke, against two baselines.

Run:  .venv/bin/python -m bench.client_list_bench [--clients 200000] [--providers 500]

The practice is generated once into a cache folder (by size) and reused on later runs. Printed:
time to the first painted page of All Clients and of My Clients, per-keystroke search time
(median, p95) while typing a last name letter by letter, each measured for

- ClientListModel (the app's lazy model: a page of rows and the count, more as shown),
- QSqlQueryModel (Qt's own SQL model, QSQLITE driver, the same rows, columns and search, on a
  connection with the app's page cache),
- naive (every row in a QStandardItemModel behind a QSortFilterProxyModel),

each in a table set up like the Clients screen's (no word wrap, the screen's column widths),
taking turns so a slow moment of the machine falls on all alike; and, last, the ratios of the
app's model to the two baselines. Not a test: it only prints.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import random  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

DEFAULT_CLIENTS = 200_000
DEFAULT_PROVIDERS = 500
#: "now" for the benchmark's clock: appointments after it are upcoming.
NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
TIME_ZONE = "America/Toronto"
OWNER_ID = 1
#: the provider whose "My Clients" is measured (the first provider).
PROVIDER_ID = 2
_FIRST = (
    "Amelia Noah Olivia Liam Sofia Mateo Chloe Ethan Hana Lucas Zara Omar Grace Felix Leah Arjun "
    "Nora Tomas Ivy Kenji Maya Elias Ruby Jonah Aisha Marco Clara Diego Eva Samuel Lina Theo "
    "Freya Hugo Mira Caleb Iris Ravi Naomi Owen Élodie Zoë Søren Ana Ben Carla Dmitri Esther "
    "Farah Gideon Helena Imran Julia Kofi Laila Mikael Nadia Oscar Priya Quinn Rosa Sven Tara"
).split()
_ONSETS = "b c d f g h j k l m n p r s t v w z br ch cl dr fr gr kr pr sh st tr".split()
_VOWELS = "a e i o u ai ea ie ou y".split()
_CODAS = ["", "n", "r", "s", "l", "m", "t", "rd", "nd", "ck", "ng", "x", "ll"]
_ENDINGS = ["", "son", "er", "ez", "ski", "ton", "ley", "man", "berg", "ova", "ini", "ford"]

# -- the practice -------------------------------------------------------------------------------


def _last_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        syllables = rng.choice((1, 2, 2, 3))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        word += rng.choice(_ENDINGS)
        if rng.random() < 0.04:
            word = f"{word}-{rng.choice(_ONSETS)}{rng.choice(_VOWELS)}{rng.choice(_CODAS)}"
        names.add(
            word.capitalize()
            if "-" not in word
            else "-".join(part.capitalize() for part in word.split("-"))
        )
    return sorted(names)


def _stamp(moment: datetime) -> str:
    """A UTC moment as UTCDateTime stores it in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build_practice(path: Path, clients: int, providers: int, seed: int = 7) -> None:
    """A migrated SQLite practice with `clients` clients and `providers` providers, fast:
    the schema by the app's migrations, the rows by executemany in one transaction."""
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.migrate import upgrade

    rng = random.Random(seed)
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    engine = create_database_engine(sqlite_url(partial))
    upgrade(engine)
    engine.dispose()

    db = sqlite3.connect(partial, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    # The no-double-booking triggers check each insert against the provider's other bookings;
    # the generated slots never overlap, so they are set aside during the load and put back.
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'appointments'"
    ).fetchall()
    for name, _sql in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    created = _stamp(NOW - timedelta(days=400))
    db.execute(
        "INSERT INTO practice (id, name, time_zone, created_at, version) VALUES (1, ?, ?, ?, 1)",
        ("Benchmark Group Practice", TIME_ZONE, created),
    )
    staff = [(OWNER_ID, "owner@bench.example", "Dana Owner", "x", 1, 0, created, 1)]
    roles = [(OWNER_ID, "owner")]
    profiles = []
    for number in range(providers):
        staff_id = PROVIDER_ID + number
        name = f"{rng.choice(_FIRST)} {rng.choice(_last_names(rng, 1))} {number:03d}"
        staff.append((staff_id, f"p{number}@bench.example", name, "x", 1, 0, created, 1))
        roles.append((staff_id, "provider"))
        profiles.append((staff_id, rng.choice(("group", "provider")), 1))
    db.executemany(
        "INSERT INTO staff (id, email, display_name, password_hash, active, failed_sign_ins, "
        "created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        staff,
    )
    db.executemany("INSERT INTO staff_roles (staff_id, role) VALUES (?, ?)", roles)
    db.executemany(
        "INSERT INTO provider_profiles (staff_id, records_owner, version) VALUES (?, ?, ?)",
        profiles,
    )

    last_names = _last_names(rng, max(200, clients // 60))
    client_rows = []
    for client_id in range(1, clients + 1):
        first, last = rng.choice(_FIRST), rng.choice(last_names)
        born = None
        if rng.random() > 0.03:
            born = (date(1940, 1, 1) + timedelta(days=rng.randrange(27_000))).isoformat()
        client_rows.append(
            (client_id, first, last, f"{last} {first}".lower(), born, created, created, 1)
        )
    db.executemany(
        "INSERT INTO clients (id, first_name, last_name, sort_name, date_of_birth, created_at, "
        "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        client_rows,
    )

    provider_ids = [PROVIDER_ID + n for n in range(providers)]
    links = []
    for client_id in range(1, clients + 1):
        chosen = rng.sample(provider_ids, 2 if rng.random() < 0.35 else 1)
        for provider_id in chosen:
            status = rng.choices(("active", "inactive", "discharged"), (70, 15, 15))[0]
            ended = _stamp(NOW - timedelta(days=10)) if rng.random() < 0.04 else None
            links.append((client_id, provider_id, status, 0, created, ended, 1))
    db.executemany(
        "INSERT INTO client_provider_links (client_id, provider_id, status, is_treating, "
        "created_at, ended_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
        links,
    )

    # Appointments: each provider's slots are distinct hours, so nothing overlaps (R10).
    slots: dict[int, int] = {}
    appointments = []
    for client_id, provider_id, _status, _t, _c, ended, _v in links:
        if ended is not None or rng.random() > 0.45:
            continue
        slot = slots.get(provider_id, 0)
        slots[provider_id] = slot + 1
        starts = NOW - timedelta(days=60) + timedelta(hours=slot * 7 + rng.randrange(0, 5))
        status = "cancelled" if rng.random() < 0.08 else "booked"
        appointments.append(
            (
                provider_id,
                client_id,
                _stamp(starts),
                _stamp(starts + timedelta(minutes=50)),
                "Session",
                "11",
                status,
                OWNER_ID,
                created,
                1,
            )
        )
    db.executemany(
        "INSERT INTO appointments (provider_id, client_id, starts_at, ends_at, appointment_type, "
        "pos_code, status, created_by, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        appointments,
    )

    # The index of name words, filled by the app's own code (db/name_index.py).
    from desktop.db.name_index import word_rows

    db.executemany(
        "INSERT INTO client_name_words (client_id, word, shared, sort_name) "
        "VALUES (:client_id, :word, :shared, :sort_name)",
        [word for row in client_rows for word in word_rows(row[0], row[3])],
    )

    pairs = set()
    while len(pairs) < clients // 200:
        a, b = sorted(rng.sample(range(1, clients + 1), 2))
        pairs.add((a, b))
    db.executemany(
        "INSERT INTO linked_profiles (client_id, other_client_id, relationship, created_at) "
        "VALUES (?, ?, 'Self', ?)",
        [(a, b, created) for a, b in sorted(pairs)],
    )
    for _name, sql in triggers:
        db.execute(sql)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    partial.rename(path)


def practice_file(clients: int, providers: int) -> Path:
    """The cached practice of this size and schema, generated on first use."""
    from desktop.db.migrate import head_revision

    folder = Path(tempfile.gettempdir()) / "clinicdesk-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"clients-{clients}-providers-{providers}-schema-{head_revision()}.sqlite"
    if not path.exists():
        started = time.perf_counter()
        print(f"Generating {clients:,} clients and {providers} providers into {path} …", flush=True)
        build_practice(path, clients, providers)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return path


# -- the three ways of showing the list -------------------------------------------------------

#: the same rows and columns as the app's list, for Qt's own SQL model and the naive model.
_SQL_ROWS = """
SELECT c.last_name || ', ' || c.first_name AS "Name",
       c.date_of_birth AS "Date of birth",
       (SELECT group_concat(l.status, ', ') FROM client_provider_links l
         WHERE l.client_id = c.id AND l.ended_at IS NULL) AS "Status",
       (SELECT group_concat(s.display_name, ' · ') FROM client_provider_links l
          JOIN staff s ON s.id = l.provider_id
         WHERE l.client_id = c.id AND l.ended_at IS NULL) AS "Providers",
       (SELECT min(a.starts_at) FROM appointments a
         WHERE a.client_id = c.id AND a.status = 'booked' AND a.starts_at >= :now)
         AS "Next appointment"
  FROM {source}
 ORDER BY {order}
"""
_MINE = (
    "c.id IN (SELECT client_id FROM client_provider_links "
    "WHERE provider_id = :provider AND ended_at IS NULL)"
)
#: the name search of services/client_list.py for one word, as SQL: the clients with a name
#: word starting with the text, once each, from the index of name words.
_SEARCH_FROM = (
    "client_name_words w JOIN clients c ON c.id = w.client_id "
    "WHERE w.word >= :w1 AND w.word < :w2 AND w.shared < :k"
)


def _sql_for(scope: str, search: str) -> tuple[str, dict[str, object]]:
    """The rows of the list as one SQL query, with the same conditions as the service's."""
    from desktop.db.name_index import prefix_end, search_words

    values: dict[str, object] = {"now": _stamp(NOW)}
    words = search_words(search)
    if words:
        (word,) = words
        source, order = _SEARCH_FROM, "w.sort_name, w.client_id"
        values.update(w1=word, w2=prefix_end(word), k=len(word))
    else:
        source, order = "clients c WHERE 1 = 1", "c.sort_name, c.id"
    if scope == "mine":
        source += f" AND {_MINE}"
        values["provider"] = PROVIDER_ID
    return _SQL_ROWS.format(source=source, order=order), values


class Contender:
    """One way of showing the list: `show(scope, search)` builds or updates its model."""

    name = ""

    def __init__(self, view) -> None:
        self.view = view

    def show(self, scope: str, search: str = "") -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class LazyContender(Contender):
    """The app's ClientListModel."""

    name = "ClientListModel"

    def __init__(self, view, uow, principals) -> None:
        super().__init__(view)
        from desktop.models.client_list_model import ClientListModel, ClientQuery

        self._make = lambda scope: ClientListModel(
            uow, principals[scope], TIME_ZONE, ClientQuery(scope=scope)
        )
        self.model = None

    def close(self) -> None:
        if self.model is not None:
            self.model.stop_walking()  # as the screen's list stops when it is no longer shown

    def show(self, scope: str, search: str = "") -> None:
        if self.model is None or self.model.query.scope != scope:
            self.close()
            self.model = self._make(scope)
            self.model.update_query(search=search)
            self.view.setModel(self.model)
            _fit(self.view)
        else:
            self.model.update_query(search=search)


class QSqlContender(Contender):
    """Qt's QSqlQueryModel on the QSQLITE driver, the same file, the same rows."""

    name = "QSqlQueryModel"

    def __init__(self, view, path: Path) -> None:
        super().__init__(view)
        from PySide6.QtSql import QSqlDatabase, QSqlQueryModel

        self.db = QSqlDatabase.addDatabase("QSQLITE", "bench")
        self.db.setDatabaseName(str(path))
        if not self.db.open():
            raise RuntimeError(self.db.lastError().text())
        # The page cache the app gives its own connections, so both read from memory alike.
        from PySide6.QtSql import QSqlQuery

        from desktop.db.engine import SQLITE_CACHE_KIB

        QSqlQuery(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}", self.db).exec()
        self.model = QSqlQueryModel()
        self.view.setModel(self.model)

    def show(self, scope: str, search: str = "") -> None:
        from PySide6.QtSql import QSqlQuery

        sql, values = _sql_for(scope, search)
        query = QSqlQuery(self.db)
        query.prepare(sql)
        for key, value in values.items():
            query.bindValue(f":{key}", value)
        if not query.exec():
            raise RuntimeError(query.lastError().text())
        self.model.setQuery(query)
        _fit(self.view)

    def close(self) -> None:
        from PySide6.QtSql import QSqlDatabase

        self.model.clear()
        self.db.close()
        del self.db
        QSqlDatabase.removeDatabase("bench")


class NaiveContender(Contender):
    """Every row in a QStandardItemModel behind a QSortFilterProxyModel that filters names."""

    name = "naive"

    def __init__(self, view, path: Path) -> None:
        super().__init__(view)
        self.path = path
        self.scope = None
        self.proxy = None

    def show(self, scope: str, search: str = "") -> None:
        import re

        from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel, Qt
        from PySide6.QtGui import QStandardItem, QStandardItemModel

        if scope != self.scope:
            sql, values = _sql_for(scope, "")
            with sqlite3.connect(self.path) as db:
                rows = db.execute(sql, values).fetchall()
            source = QStandardItemModel(0, 5)
            for row in rows:
                source.appendRow([QStandardItem("" if v is None else str(v)) for v in row])
            self.proxy = QSortFilterProxyModel()
            self.proxy.setSourceModel(source)
            self.proxy.setFilterKeyColumn(0)
            self.scope = scope
            self.view.setModel(self.proxy)
            _fit(self.view)
        pattern = QRegularExpression(
            rf"(^|[ ,-]){re.escape(search)}",
            QRegularExpression.PatternOption.CaseInsensitiveOption,
        )
        self.proxy.setFilterRegularExpression(pattern)
        del Qt


# -- measuring ----------------------------------------------------------------------------------


#: the widths the Clients screen gives its columns in a window this wide (name, date of birth,
#: status, providers, next appointment).
_WIDTHS = (260, 120, 150, 270, 180)


def _new_view():
    """A table set up like the Clients screen's: one line per row, no grid, fixed row height."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHeaderView, QTableView

    view = QTableView()
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    view.resize(1000, 700)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(38)
    view.horizontalHeader().setStretchLastSection(False)
    view.show()
    return view


def _fit(view) -> None:
    for column, width in enumerate(_WIDTHS):
        view.setColumnWidth(column, width)


#: whether handling pending events paints a view on this platform (the offscreen one does);
#: if not, `_painted` paints it explicitly. Set by `_probe_painting`.
_EVENTS_PAINT = False


def _probe_painting() -> None:
    """Find out whether processing events paints a changed view: count the cells asked for."""
    global _EVENTS_PAINT
    from PySide6.QtCore import QAbstractTableModel, QModelIndex
    from PySide6.QtWidgets import QApplication

    asked = []

    class Probe(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else 10

        def columnCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else 1

        def data(self, index, role=0):
            asked.append(role)
            return "x" if role == 0 else None

    view = _new_view()
    probe = Probe()
    view.setModel(probe)
    QApplication.processEvents()
    asked.clear()
    probe.beginResetModel()
    probe.endResetModel()
    QApplication.processEvents()
    _EVENTS_PAINT = bool(asked)
    view.deleteLater()
    QApplication.processEvents()


def _painted(view) -> None:
    """Lay out and paint the view once, as the screen would (every visible cell asks the model
    for its data)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    if not _EVENTS_PAINT:
        view.grab()


class Timing:
    """Times of one measurement in milliseconds: on the wall clock (what a person waits) and in
    this process's CPU (what the work costs; steadier on a machine busy with other work)."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self._started = (0.0, 0.0)

    def start(self) -> None:
        self._started = (time.perf_counter(), time.process_time())

    def stop(self) -> None:
        wall, cpu = self._started
        self.wall.append((time.perf_counter() - wall) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)

    def median(self) -> float:
        return statistics.median(self.wall)

    def p95(self) -> float:
        return _p95(self.wall)

    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def cpu_p95(self) -> float:
        return _p95(self.cpu)

    def line(self, label: str) -> str:
        return (
            f"  {label:<34} median {self.median():7.1f} ms  p95 {self.p95():7.1f} ms  "
            f"| CPU median {self.cpu_median():7.1f}  p95 {self.cpu_p95():7.1f}  (n={len(self.wall)})"
        )


def first_paint(make: Callable[[object], Contender], scope: str, timing: Timing) -> None:
    """From nothing (a new model and view) to the first page painted, once, into `timing`."""
    from PySide6.QtWidgets import QApplication

    view = _new_view()
    QApplication.processEvents()
    timing.start()
    contender = make(view)
    contender.show(scope)
    _painted(view)
    timing.stop()
    if hasattr(contender, "close"):
        view.setModel(None)
        contender.close()
    view.deleteLater()
    QApplication.processEvents()


def first_paints(
    makers: dict[str, Callable[[object], Contender]], scope: str, repeat: int, once: set[str]
) -> dict[str, Timing]:
    """`first_paint` of each contender in turn, `repeat` rounds (once for those in `once`):
    taking turns, a slow moment of the machine falls on all of them alike."""
    timings = {name: Timing() for name in makers}
    for round_ in range(repeat):
        for name, make in makers.items():
            if round_ == 0 or name not in once:
                first_paint(make, scope, timings[name])
    return timings


def keystrokes(contender: Contender, scope: str, word: str, passes: int) -> tuple[Timing, Timing]:
    """Each keystroke while typing `word` letter by letter: (text change -> model reset with the
    first page fetched, text change -> that page painted). The screen's 150 ms pause before it
    searches is not counted."""
    fetched, painted = Timing(), Timing()
    for _ in range(passes):
        contender.show(scope, "")
        _painted(contender.view)
        for end in range(1, len(word) + 1):
            fetched.start()
            painted.start()
            contender.show(scope, word[:end])
            fetched.stop()
            _painted(contender.view)
            painted.stop()
    return fetched, painted


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _search_word(path: Path) -> str:
    """A long last name of a client about a third of the way down the list, to type."""
    with sqlite3.connect(path) as db:
        total = db.execute("SELECT count(*) FROM clients").fetchone()[0]
        names = db.execute(
            "SELECT last_name FROM clients ORDER BY sort_name, id LIMIT 400 OFFSET ?",
            (total // 3,),
        ).fetchall()
    plain = [n for (n,) in names if n.isalpha() and len(n) >= 7]
    return max(plain or [n for (n,) in names], key=len)


LABELS = {"ours": "ClientListModel", "qsql": "QSqlQueryModel", "naive": "naive"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    parser.add_argument("--providers", type=int, default=DEFAULT_PROVIDERS)
    parser.add_argument("--repeat", type=int, default=15, help="first-paint repetitions")
    parser.add_argument("--passes", type=int, default=3, help="times the name is typed")
    args = parser.parse_args(argv)

    from desktop.clock import FixedClock
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.uow import UnitOfWork
    from desktop.services import client_list, client_rows
    from desktop.services.principal import Principal, Role
    from desktop.views.style import ensure_application

    path = practice_file(args.clients, args.providers)
    ensure_application()
    engine = create_database_engine(sqlite_url(path))
    clock = FixedClock(NOW)

    def uow():
        return UnitOfWork(engine, clock)

    principals = {
        "all": Principal(
            OWNER_ID, "owner@bench.example", "Dana Owner", frozenset({Role.OWNER}), "b"
        ),
        "mine": Principal(PROVIDER_ID, "p0@bench.example", "P", frozenset({Role.PROVIDER}), "b"),
    }
    word = _search_word(path)
    makers: dict[str, Callable[[object], Contender]] = {
        "ours": lambda view: LazyContender(view, uow, principals),
        "qsql": lambda view: QSqlContender(view, path),
        "naive": lambda view: NaiveContender(view, path),
    }
    with sqlite3.connect(path) as db:
        mine_total = db.execute(
            "SELECT count(DISTINCT client_id) FROM client_provider_links "
            "WHERE provider_id = ? AND ended_at IS NULL",
            (PROVIDER_ID,),
        ).fetchone()[0]
    print(
        f"Practice: {args.clients:,} clients, {args.providers} providers, "
        f"My Clients of one provider: {mine_total:,}; typing '{word}'. File: {path}"
    )
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    _probe_painting()
    print(
        "A page is painted once, " + ("as events are handled." if _EVENTS_PAINT else "by grab().")
    )
    # Warm up: imports, compiled statements, the file in the OS cache.
    for make in makers.values():
        first_paint(make, "mine", Timing())
    first_paint(makers["ours"], "all", Timing())
    first_paint(makers["qsql"], "all", Timing())

    results: dict[str, dict[str, Timing]] = {name: {} for name in makers}
    for scope in ("all", "mine"):
        print(f"\nFirst painted page, {'All' if scope == 'all' else 'My'} Clients:")
        once = {"naive"} if scope == "all" else set()
        for name, timing in first_paints(makers, scope, args.repeat, once).items():
            results[name][f"paint-{scope}"] = timing
            print(timing.line(LABELS[name]))

    print(f"\nPer keystroke, typing '{word}' in All Clients ({args.passes} passes):")
    for name, make in makers.items():
        view = _new_view()
        contender = make(view)
        passes = 1 if name == "naive" else args.passes
        fetched, painted = keystrokes(contender, "all", word, passes)
        results[name]["keys"], results[name]["keys-painted"] = fetched, painted
        print(fetched.line(f"{LABELS[name]}, page fetched"))
        print(painted.line(f"{LABELS[name]}, page painted"))
        by_letter = [statistics.median(fetched.wall[i :: len(word)]) for i in range(len(word))]
        print(
            "    page fetched, median by letter: "
            + " ".join(f"{word[i]}:{t:.0f}" for i, t in enumerate(by_letter))
        )
        if hasattr(contender, "close"):
            view.setModel(None)
            contender.close()
        view.deleteLater()

    print("\nWhere the app's time goes (services, median of 5):")
    parts = {
        "list_clients, page + total": lambda: client_list.list_clients(
            uow(), principals["all"], scope="all", limit=50
        ),
        f"list_clients, the page at row {args.clients // 2:,}": lambda: client_list.list_clients(
            uow(), principals["all"], scope="all", offset=args.clients // 2, limit=50
        ),
        "client_rows, 50 rows": lambda: client_rows.client_rows(
            uow(), principals["all"], list(range(1000, 1050))
        ),
        "client_ids, every id (All)": lambda: client_list.client_ids(
            uow(), principals["all"], "all"
        ),
        f"client_ids, search '{word[:1]}'": lambda: client_list.client_ids(
            uow(), principals["all"], "all", word[:1]
        ),
        f"client_ids, search '{word[:4]}'": lambda: client_list.client_ids(
            uow(), principals["all"], "all", word[:4]
        ),
        "client_ids, by date of birth": lambda: client_list.client_ids(
            uow(), principals["all"], "all", sort="date_of_birth"
        ),
        "client_ids, by next appointment": lambda: client_list.client_ids(
            uow(), principals["all"], "all", sort="next_appointment"
        ),
    }
    for label, call in parts.items():
        timing = Timing()
        for _ in range(5):
            timing.start()
            call()
            timing.stop()
        print(timing.line(label))

    ours, qsql, naive = results["ours"], results["qsql"], results["naive"]
    within = (
        all(ours[k].median() <= 1.5 * qsql[k].median() for k in ("paint-all", "paint-mine"))
        and ours["keys"].p95() <= 1.5 * qsql["keys"].p95()
    )
    targets = [
        ("first page All <= 150 ms", ours["paint-all"].median() <= 150),
        ("first page My <= 150 ms", ours["paint-mine"].median() <= 150),
        (
            f"keystroke p95 <= 30 ms (search {ours['keys'].p95():.1f} ms, "
            f"with the paint {ours['keys-painted'].p95():.1f} ms)",
            ours["keys"].p95() <= 30,
        ),
        ("within 1.5x of QSqlQueryModel", within),
        (
            f"faster than naive at {args.clients:,} (All Clients)",
            ours["paint-all"].median() < naive["paint-all"].median()
            and ours["keys"].p95() < naive["keys"].p95(),
        ),
    ]
    print(
        "\nTargets (wall clock): "
        + "; ".join(f"{t}: {'met' if ok else 'MISSED'}" for t, ok in targets)
    )

    def ratios(key: str, stat: str) -> str:
        mine = getattr(ours[key], stat)()
        return (
            f"{mine / getattr(qsql[key], stat)():.2f}x / {mine / getattr(naive[key], stat)():.2f}x"
        )

    print(
        "Ratios ClientListModel vs QSqlQueryModel / vs naive: "
        f"first page All {ratios('paint-all', 'median')} (CPU {ratios('paint-all', 'cpu_median')}); "
        f"first page My {ratios('paint-mine', 'median')} (CPU {ratios('paint-mine', 'cpu_median')}); "
        f"keystroke p95 {ratios('keys', 'p95')} (CPU {ratios('keys', 'cpu_p95')})"
    )


if __name__ == "__main__":
    main()
