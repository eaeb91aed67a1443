#!/usr/bin/env python3
"""Fault and load battery for Gazette (`make soak`): minutes, not part of `make test`.

Runs the release binary as separate processes and does nasty things to it:

  kill          SIGKILL the server while editors create, update and publish articles
                through the API (SQLite, and PostgreSQL with --pg), then restart it and
                check that every acknowledged write survived whole; also SIGKILL
                `gazette import --publish` of 300 files (all or nothing).
  graceful      SIGTERM while readers are mid-request: exit 0 within 10 s, and no
                request sent before the signal gets a 5xx or a reset (except one
                sent so shortly before that it was still queued: ACCEPT_GRACE).
  locked        another process holds SQLite's write lock for 8 s: saves answer 503
                (never 500), reads keep answering, saves work again afterwards.
  full-disk     SQLite on a 64 MB tmpfs filled to the last byte: saves answer 503 (never
                500), reads go on, integrity_check ok, saves work again once space is
                freed (needs root to mount the tmpfs).
  pg-terminate  pg_terminate_backend on every connection of the site's database during
                load: 503s, never 500s, and 200s again within 5 s (needs --pg).
  pg-restart    the PostgreSQL server restarted during load: the same, within 10 s of
                it being back (needs --pg and --restart-pg CMD: opt-in, as every
                database on that server goes down with it).
  load          two instances on one PostgreSQL database under 64 reader connections
                while two editors publish every second: latency, errors, and how long
                each new article takes to be visible on both instances (needs --pg).
  copy          `gazette copy` of a generated SQLite site into PostgreSQL at two sizes
                (2,000 and 20,000 articles): peak memory of each (the copy streams, so it
                should stay flat), time, and every row arrived (needs --pg).
  memory        rounds of 256 reader connections on one article (needs wrk): the
                server's memory after each; it must stop growing after the second.

Each check prints what it ran and what it saw; a table of figures closes the run, and
the exit status is 1 if any check failed. Standard library only.

    python3 tests/soak/soak.py --bin target/release/gazette [--pg URL] [--only NAME] [--quick]
                               [--restart-pg 'pg_ctlcluster 15 main restart']
"""

import argparse
import asyncio
import atexit
import collections
import contextlib
import dataclasses
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

PASSWORD = "correct horse battery"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
SEED_ARTICLE = os.path.join(ROOT, "fixtures/seed-article.txt")
IMPORT_FILES = 300
# A request sent this shortly before SIGTERM may still sit in the listen backlog, unread,
# when the server stops accepting: a reset then is the stop, not a dropped request.
ACCEPT_GRACE = 0.005
# Errors meaning the server did not answer: refused, reset, closed, timed out.
NO_ANSWER = (OSError, http.client.HTTPException)

# Every process started here, killed at exit whatever happens.
_children = set()


@atexit.register
def _kill_children():
    for proc in list(_children):
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    """Nearest-rank percentile (q in 0..1); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def say(text):
    print(f"  {text}", flush=True)


def request(port, method, path, body=None, headers=None, timeout=30):
    """One request on a new connection: (status, headers, body). Raises NO_ANSWER."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, res.getheaders(), res.read()
    finally:
        conn.close()


def psql(url, sql):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {sql}: {out.stderr.strip()}")
    return out.stdout.strip()


def draft(marker):
    """An article whose every part carries `marker`, so a torn write shows."""
    return {
        "title": f"Harbour soak {marker}",
        "dek": f"Dek {marker}",
        "body": f"Body {marker} about the harbour.\n\nSecond paragraph {marker}.",
        "takeaways": [f"Takeaway {i} {marker}" for i in (1, 2, 3)],
        "analysis": f"Analysis {marker}.",
        "faq": [{"question": f"Question {i} {marker}?", "answer": f"Answer {i} {marker}."} for i in (1, 2)],
        "disclosure": {"level": "none", "statement": "Reported by our staff.", "tool": None, "reviewer": None},
        "tags": ["Harbour"],
        "slug": "",
        "bylines": [],
        "lead_image": None,
    }


def torn_parts(article):
    """(marker, parts that don't match it) for an article written by `draft`."""
    m = re.fullmatch(r"Harbour soak (\S+)", article["title"])
    if not m:
        return None, ["title"]
    want = draft(m.group(1))
    seen = {
        "dek": article["dek"],
        "body": article["body"]["markdown"],
        "analysis": article["analysis"]["markdown"],
        "takeaways": article["takeaways"],
        "faq": [{"question": f["question"], "answer": f["answer"]["markdown"]} for f in article["faq"]],
        "tags": [t["name"] for t in article["tags"]],
    }
    return m.group(1), [part for part, value in seen.items() if value != want[part]]


class Context:
    """Command-line settings, the scratch folder, and the databases made for checks."""

    def __init__(self, args):
        self.bin = os.path.abspath(args.bin)
        self.site_root = os.path.abspath(args.site_root)
        self.pg = args.pg
        self.quick = args.quick
        self.restart_pg = args.restart_pg
        self.tmp = tempfile.mkdtemp(prefix="gazette-soak-")
        self.databases = []
        self.serial = 0
        with open(SEED_ARTICLE, encoding="utf-8") as f:
            self.seed_lines = f.read().split("\n")
        if not self.seed_lines[2].strip() or self.seed_lines[1].strip():
            raise RuntimeError(f"{SEED_ARTICLE}: expected the headline on the third line")

    def scale(self, full, quick):
        return quick if self.quick else full

    def backends(self):
        return ["sqlite", "postgres"] if self.pg else ["sqlite"]

    def env(self, database_url, **extra):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GAZETTE_", "LEPTOS_")) and k != "DATABASE_URL"}
        env.update(DATABASE_URL=database_url, LEPTOS_SITE_ROOT=self.site_root,
                   GAZETTE_SCHEDULE_INTERVAL_MS="500", **extra)
        return env

    def cli(self, db, *args, stdin=None, timeout=300):
        out = subprocess.run([self.bin, *args], env=self.env(db.url), cwd=self.tmp, input=stdin,
                             capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"gazette {' '.join(args[:3])} failed: {out.stderr.strip()[-2000:]}")
        return out.stdout

    def database(self, kind, label):
        self.serial += 1
        db = Database(self, kind, f"{label}_{self.serial}")
        self.databases.append(db)
        self.cli(db, "migrate")
        return db

    def article_file(self, folder, headline):
        """A plain-text article: the bundled sample with `headline`, tagged Harbour."""
        lines = list(self.seed_lines)
        lines[0], lines[2] = ", , , Harbour", headline
        path = os.path.join(folder, re.sub(r"\W+", "-", headline.lower()) + ".txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        return path

    def site(self, kind, label, editors):
        """A database with one published article tagged Harbour and `editors` editor
        accounts: (database, the article's slug, the editors' emails)."""
        db = self.database(kind, label)
        folder = os.path.join(self.tmp, f"{label}-{self.serial}")
        os.makedirs(folder)
        out = self.cli(db, "import", "--publish", self.article_file(folder, f"Harbour soak reference {label}"))
        slug = re.search(r"-> /articles/(\S+)", out).group(1)
        return db, slug, self.add_editors(db, label, editors)

    def add_editors(self, db, label, count):
        emails = []
        for i in range(count):
            email = f"soak-{label}-{i}@example.com"
            self.cli(db, "user", "add", "--email", email, "--name", f"Soak {label} {i}",
                     "--role", "editor", "--password-stdin", stdin=PASSWORD)
            emails.append(email)
        return emails

    def close(self, keep):
        _kill_children()
        for db in self.databases:
            db.drop()
        if keep:
            print(f"\nlogs and databases kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


class Database:
    """A fresh SQLite file or PostgreSQL database."""

    def __init__(self, ctx, kind, label):
        self.kind, self.ctx = kind, ctx
        if kind == "sqlite":
            self.path = os.path.join(ctx.tmp, f"{label}.db")
            self.url = f"sqlite://{self.path}"
        else:
            self.name = f"gazette_soak_{os.getpid()}_{label}".lower()
            psql(ctx.pg, f"CREATE DATABASE {self.name}")
            self.url = urllib.parse.urlsplit(ctx.pg)._replace(path="/" + self.name).geturl()
        self.dropped = False

    def scalar(self, sql):
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as conn:
                return conn.execute(sql).fetchone()[0]
        return int(psql(self.url, sql))

    def integrity(self):
        """SQLite's `PRAGMA integrity_check` ("ok" when sound)."""
        with contextlib.closing(sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=30)) as conn:
            return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))

    def drop(self):
        if self.kind == "postgres" and not self.dropped:
            self.dropped = True
            try:
                psql(self.ctx.pg, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print(f"warning: {e}", file=sys.stderr)


class Server:
    """`gazette` serving `db` on a port of its own, logging to a file."""

    def __init__(self, ctx, db, label):
        self.ctx, self.db, self.label = ctx, db, label
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(ctx.tmp, f"server-{label}-{self.port}.log")
        self.proc = None

    def start(self, timeout=60):
        """Starts the server; returns the seconds until /healthz answered 200."""
        env = self.ctx.env(self.db.url, LEPTOS_SITE_ADDR=f"127.0.0.1:{self.port}",
                           GAZETTE_PUBLIC_URL=self.origin)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([self.ctx.bin], env=env, cwd=self.ctx.tmp,
                                         stdout=log, stderr=subprocess.STDOUT)
        _children.add(self.proc)
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server {self.label} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if request(self.port, "GET", "/healthz", timeout=2)[0] == 200:
                    return time.monotonic() - started
            except NO_ANSWER:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server {self.label} not healthy after {timeout} s:\n{self.log_tail()}")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout=None):
        code = self.proc.wait(timeout)
        _children.discard(self.proc)
        return code

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.wait()

    def log_tail(self, lines=30):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])


class Editor:
    """A logged-in editor calling server functions on one server."""

    def __init__(self, server, email):
        self.server, self.email = server, email
        body = urllib.parse.urlencode({"email": email, "password": PASSWORD})
        status, headers, _ = request(server.port, "POST", "/admin/login", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": server.origin})
        cookies = [v.split(";")[0] for k, v in headers
                   if k.lower() == "set-cookie" and re.match(r"(__Host-)?gazette_session=[^;]", v)]
        location = dict((k.lower(), v) for k, v in headers).get("location", "")
        if status != 303 or not cookies or "error=" in location:
            raise RuntimeError(f"login as {email} failed: {status} {location}")
        self.cookie = cookies[0]

    def call(self, name, payload, timeout=30):
        """POST /api/NAME: (status, decoded JSON or text). Raises NO_ANSWER."""
        status, _, body = request(self.server.port, "POST", f"/api/{name}", json.dumps(payload), {
            "Content-Type": "application/json", "Accept": "application/json",
            "Cookie": self.cookie, "Origin": self.server.origin}, timeout)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body.decode("utf-8", "replace")[:200]

    def ok(self, name, payload):
        """The JSON of a 200 answer; anything else raises Rejected (or NO_ANSWER)."""
        status, data = self.call(name, payload)
        if status != 200:
            raise Rejected(f"{name} answered {status}: {data}")
        return data

    def create(self, marker):
        return self.ok("save_article", {"id": None, "base_version": None, "draft": draft(marker)})


class Rejected(Exception):
    """A live server refused a request that should have worked."""


@dataclasses.dataclass
class Row:
    check: str
    backend: str
    ok: bool | None  # None: skipped
    figures: str


# ---------------------------------------------------------------------------------------
# 1. kill during writes, kill during import


@dataclasses.dataclass
class Tracked:
    """An article as acknowledged to its writer."""
    id: int
    version: int
    marker: str                                  # content of the last acknowledged save
    unanswered: set = dataclasses.field(default_factory=set)  # saves sent since, no answer
    published: bool = False


class Ledger:
    """Every write the writers sent and what the server acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.articles = {}
        self.unanswered_creates = set()
        self.acks = 0
        self.unanswered = 0
        self.refused = []

    def write(self, editor, prefix, stop):
        """One writer: create, update twice, publish; again, until the server dies."""
        serial = 0
        marker = None
        tracked = None
        try:
            while not stop.is_set():
                serial += 1
                marker = f"{prefix}n{serial}"
                tracked = None
                saved = editor.create(marker)
                tracked = Tracked(saved["id"], saved["version"], marker)
                with self.lock:
                    self.articles[tracked.id] = tracked
                    self.acks += 1
                for _ in range(2):
                    serial += 1
                    marker = f"{prefix}n{serial}"
                    tracked.unanswered.add(marker)
                    saved = editor.ok("save_article", {"id": tracked.id, "base_version": tracked.version,
                                                       "draft": draft(marker)})
                    with self.lock:
                        tracked.version, tracked.marker = saved["version"], marker
                        tracked.unanswered.clear()
                        self.acks += 1
                saved = editor.ok("publish_article", {"id": tracked.id, "version": tracked.version})
                with self.lock:
                    tracked.version, tracked.published = saved["version"], True
                    self.acks += 1
        except NO_ANSWER:
            with self.lock:
                self.unanswered += 1
                if tracked is None:
                    self.unanswered_creates.add(marker)
        except Rejected as e:
            with self.lock:
                self.refused.append(str(e))

    def verify(self, editor, baseline):
        """Problems found reading every article back: (problems, articles read)."""
        problems = []
        listed = {s["id"] for s in editor.ok("list_articles", {})} - baseline
        for t in self.articles.values():
            if t.id not in listed:
                problems.append(f"article {t.id} (acknowledged v{t.version}) is missing")
        for article_id in sorted(listed):
            a = editor.ok("get_article", {"id": article_id})
            marker, torn = torn_parts(a)
            if torn:
                problems.append(f"article {article_id} '{a['title']}' has parts from another save: {torn}")
                continue
            t = self.articles.get(article_id)
            if t is None:
                if marker not in self.unanswered_creates:
                    problems.append(f"article {article_id} '{a['title']}' was never written")
                continue
            if a["version"] < t.version:
                problems.append(f"article {article_id} is at v{a['version']}, v{t.version} was acknowledged")
            if marker != t.marker and marker not in t.unanswered:
                problems.append(f"article {article_id} holds '{marker}', acknowledged '{t.marker}'")
            elif marker in t.unanswered and a["version"] <= t.version:
                problems.append(f"article {article_id} holds unacknowledged '{marker}' at v{a['version']}")
            if t.published and a["status"] != "published":
                problems.append(f"article {article_id} is {a['status']}, its publishing was acknowledged")
        return problems, len(listed)


def kill_during_writes(ctx, kind):
    rounds, writers = ctx.scale(20, 4), 3
    db = ctx.database(kind, "kill")
    emails = ctx.add_editors(db, "kill", writers)
    server = Server(ctx, db, f"kill-{kind}")
    server.start()
    editors = [Editor(server, email) for email in emails]
    baseline = {s["id"] for s in editors[0].ok("list_articles", {})}
    ledger = Ledger()
    problems, restarts, read = [], [], 0
    say(f"{kind}: {rounds} rounds of {writers} writers (create, update ×2, publish), SIGKILL at a random moment")
    try:
        for r in range(rounds):
            stop = threading.Event()
            threads = [threading.Thread(target=ledger.write, args=(e, f"{kind[0]}r{r}w{i}", stop))
                       for i, e in enumerate(editors)]
            acks_before = ledger.acks
            for t in threads:
                t.start()
            delay = random.uniform(0.2, 2.0)
            time.sleep(delay)
            server.kill()
            stop.set()
            for t in threads:
                t.join()
            integrity = db.integrity() if kind == "sqlite" else "n/a"
            if integrity not in ("ok", "n/a"):
                problems.append(f"round {r}: integrity_check: {integrity}")
            restarts.append(server.start())
            found, read = ledger.verify(editors[0], baseline)
            problems += [f"round {r}: {p}" for p in found]
            say(f"round {r + 1:2}: killed after {delay:.2f} s, {ledger.acks - acks_before} writes acknowledged, "
                f"integrity {integrity}, restart {ms(restarts[-1])}, {read} articles read back, "
                f"{len(found)} problems")
    finally:
        server.kill()
    problems += ledger.refused
    for p in problems[:20]:
        say(f"PROBLEM {p}")
    kept = read - len(ledger.articles)
    figures = (f"{rounds} kills; {ledger.acks} writes acked, {ledger.unanswered} unanswered "
               f"({kept} unacked creates kept); {read} articles checked; {len(ledger.refused)} refused; "
               f"restart max {ms(max(restarts))}; {len(problems)} problems")
    return Row("kill: writes", kind, not problems, figures)


def kill_during_import(ctx, kind):
    rounds = ctx.scale(10, 3)
    folder = os.path.join(ctx.tmp, "import-files")
    if not os.path.isdir(folder):
        os.makedirs(folder)
        for i in range(IMPORT_FILES):
            ctx.article_file(folder, f"Harbour soak import {i:03}")
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder))
    command = [ctx.bin, "import", "--publish", *files]

    db = ctx.database(kind, "import")
    started = time.monotonic()
    ctx.cli(db, *command[1:])
    full = time.monotonic() - started
    complete = db.scalar("SELECT count(*) FROM articles")
    db.drop()
    say(f"{kind}: an uninterrupted import of {IMPORT_FILES} files took {full:.2f} s and stored {complete}")
    problems = [] if complete == IMPORT_FILES else [f"the uninterrupted import stored {complete}"]
    outcomes = collections.Counter()
    for r in range(rounds):
        db = ctx.database(kind, "import")
        proc = subprocess.Popen(command, env=ctx.env(db.url), cwd=ctx.tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _children.add(proc)
        delay = full * (r + random.random()) / rounds  # a random moment in each slice of the run
        time.sleep(delay)
        proc.kill()
        proc.wait()
        _children.discard(proc)
        counts = [db.scalar(f"SELECT count(*) FROM {t}") for t in ("articles", "takeaways", "faq_items")]
        integrity = db.integrity() if kind == "sqlite" else "n/a"
        db.drop()
        whole = counts in ([0, 0, 0], [IMPORT_FILES, 3 * IMPORT_FILES, 2 * IMPORT_FILES])
        outcomes[counts[0] if whole else "partial"] += 1
        if not whole or integrity not in ("ok", "n/a"):
            problems.append(f"round {r}: killed after {delay:.2f} s: articles/takeaways/faq = {counts}, "
                            f"integrity {integrity}")
        say(f"round {r + 1:2}: killed after {delay:.2f} s: articles {counts[0]}, takeaways {counts[1]}, "
            f"faq {counts[2]}, integrity {integrity}")
    for p in problems:
        say(f"PROBLEM {p}")
    figures = (f"{rounds} kills of a {IMPORT_FILES}-file import ({full:.2f} s whole): "
               f"{outcomes[0]} × 0, {outcomes[IMPORT_FILES]} × {IMPORT_FILES}, {outcomes['partial']} × partial")
    return Row("kill: import", kind, not problems, figures)


def check_kill(ctx):
    """1. SIGKILL during API writes and during an import, on every backend."""
    rows = [kill_during_writes(ctx, kind) for kind in ctx.backends()]
    rows += [kill_during_import(ctx, kind) for kind in ctx.backends()]
    return rows


# ---------------------------------------------------------------------------------------
# 2. graceful stop


@dataclasses.dataclass
class Sent:
    """One request: when it started, was fully sent and ended, and its outcome."""
    start: float
    sent: float | None
    end: float
    status: int | None
    error: str | None


def outcome(s):
    return s.status or s.error


def read_until(port, paths, stop, out):
    """GETs `paths` in turn, each on a new connection, until `stop`; appends Sent records.
    `{n}` in a path becomes a random number, so the page cache can't answer it."""
    i = random.randrange(len(paths))
    while not stop.is_set():
        i += 1
        path = paths[i % len(paths)].replace("{n}", str(random.getrandbits(32)))
        start, sent, status, error = time.monotonic(), None, None, None
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.connect()
            conn.request("GET", path)
            sent = time.monotonic()
            res = conn.getresponse()
            res.read()
            status = res.status
        except NO_ANSWER as e:
            error = type(e).__name__
            time.sleep(0.005)
        finally:
            conn.close()
        out.append(Sent(start, sent, time.monotonic(), status, error))


def timed(out, editor, name, payload):
    """editor.call(name, payload) recorded as a Sent in `out`: (status, data), with
    status None when the server did not answer."""
    start = time.monotonic()
    try:
        status, data = editor.call(name, payload)
        error = None
    except NO_ANSWER as e:
        status, data, error = None, None, type(e).__name__
    out.append(Sent(start, start, time.monotonic(), status, error))
    return status, data


def check_graceful_stop(ctx):
    """2. SIGTERM under readers: exit 0 within 10 s; requests sent before it all answered."""
    rounds, readers = ctx.scale(3, 1), 8
    db, slug, _ = ctx.site("sqlite", "graceful", 0)
    paths = ["/", f"/articles/{slug}"]
    problems, figures = [], []
    say(f"{rounds} rounds: {readers} readers (new connection per GET of / and the article), SIGTERM after 1.5 s")
    for r in range(rounds):
        server = Server(ctx, db, "graceful")
        server.start()
        stop, records = threading.Event(), []
        threads = [threading.Thread(target=read_until, args=(server.port, paths, stop, records))
                   for _ in range(readers)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        signalled = time.monotonic()
        server.signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
            server.kill()
        exited = time.monotonic() - signalled
        stop.set()
        for t in threads:
            t.join()
        before = [s for s in records if s.sent is not None and s.sent < signalled]
        after = [s for s in records if s.sent is None or s.sent >= signalled]
        in_flight = [s for s in before if s.end > signalled]
        bad = [s for s in before if s.status is None or s.status >= 500]
        queued = [s for s in bad if s.status is None and s.sent > signalled - ACCEPT_GRACE]
        dropped = [s for s in bad if s not in queued]
        fives_after = [s for s in after if s.status and s.status >= 500]
        if code != 0 or dropped or fives_after:
            problems.append(f"round {r}")
        say(f"round {r + 1}: exit code {code} after {ms(exited)}; sent before SIGTERM {len(before)} "
            f"({len(in_flight)} in flight: {dict(collections.Counter(map(outcome, in_flight)))}); "
            f"5xx or unanswered {len(dropped)}, plus {len(queued)} reset that were sent under "
            f"{ms(ACCEPT_GRACE)} before SIGTERM; after SIGTERM {dict(collections.Counter(map(outcome, after)))}")
        figures.append(f"exit {code} in {ms(exited)}, {len(before)} sent before ({len(in_flight)} in flight), "
                       f"{len(dropped)} 5xx/unanswered (+{len(queued)} reset < {ms(ACCEPT_GRACE)} before), "
                       f"{len(fives_after)} 5xx after")
    return [Row("graceful stop", "sqlite", not problems, "; ".join(figures))]


# ---------------------------------------------------------------------------------------
# 3. SQLite write lock held by another process


def check_sqlite_locked(ctx):
    """3. Another connection holds the write lock 8 s: saves 503 (never 500), reads 200,
    saves work again after it lets go."""
    hold = 8.0
    db, slug, emails = ctx.site("sqlite", "locked", 1)
    server = Server(ctx, db, "locked")
    server.start()
    stop, released, reads, saves, after = threading.Event(), threading.Event(), [], [], []
    try:
        editor = Editor(server, emails[0])
        drafts = [editor.create(f"lock{i}") for i in range(2)]

        def save_until_released(saved):
            version, n = saved["version"], 0
            while not released.is_set():
                n += 1
                status, data = timed(saves, editor, "save_article", {
                    "id": saved["id"], "base_version": version, "draft": draft(f"lock{saved['id']}x{n}")})
                if status == 200:
                    version = data["version"]

        paths = ["/", f"/articles/{slug}", "/search?q=harbour+{n}"]
        reader = threading.Thread(target=read_until, args=(server.port, paths, stop, reads))
        reader.start()
        lock = sqlite3.connect(db.path, timeout=10, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        locked_at = time.monotonic()
        savers = [threading.Thread(target=save_until_released, args=(d,)) for d in drafts]
        for t in savers:
            t.start()
        time.sleep(hold)
        lock.execute("ROLLBACK")
        lock.close()
        unlocked_at = time.monotonic()
        released.set()
        for t in savers:
            t.join()
        current = editor.ok("get_article", {"id": drafts[0]["id"]})
        timed(after, editor, "save_article", {"id": current["id"], "base_version": current["version"],
                                              "draft": draft("lockafter")})
        stop.set()
        reader.join()
    finally:
        stop.set()
        server.kill()
    while_locked = [s for s in saves if s.end < unlocked_at]
    locked_statuses = dict(collections.Counter(map(outcome, while_locked)))
    took = [s.end - s.start for s in while_locked]
    waited = f" answered after {min(took):.2f}–{max(took):.2f} s" if took else ""
    locked_reads = [r for r in reads if r.start >= locked_at and r.end <= unlocked_at]
    read_statuses = dict(collections.Counter(map(outcome, locked_reads)))
    all_statuses = dict(collections.Counter(map(outcome, saves + after)))
    say(f"lock held {hold:.0f} s by python sqlite3 BEGIN IMMEDIATE; 2 savers, 1 reader of {paths}")
    say(f"saves finished while locked: {locked_statuses}{waited}; all saves {all_statuses}")
    say(f"reads while locked: {read_statuses}")
    say(f"save after release: {outcome(after[0])} in {ms(after[0].end - after[0].start)}")
    ok = (500 not in all_statuses and set(locked_statuses) == {503}
          and set(read_statuses) == {200} and after[0].status == 200)
    figures = (f"saves while locked {locked_statuses}{waited}; reads while locked {read_statuses}; "
               f"save after release {outcome(after[0])} in {ms(after[0].end - after[0].start)}")
    return [Row("sqlite locked", "sqlite", bool(ok), figures)]


def check_full_disk(ctx):
    """3b. SQLite on a full disk (a 64 MB tmpfs filled up): saves refused with 503 (never
    500), reads go on, the file stays sound, saves work again once space is freed."""
    mnt = os.path.join(ctx.tmp, "small-disk")
    os.makedirs(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt],
                      capture_output=True).returncode != 0:
        return [Row("full disk", "sqlite", None, "skipped: mounting a tmpfs needs root")]
    server = None
    try:
        db = Database(ctx, "sqlite", "fulldisk")
        db.path = os.path.join(mnt, "site.db")
        db.url = f"sqlite://{db.path}"
        ctx.databases.append(db)
        ctx.cli(db, "migrate")
        folder = os.path.join(ctx.tmp, "fulldisk-import")
        os.makedirs(folder)
        out = ctx.cli(db, "import", "--publish", ctx.article_file(folder, "Harbour soak full disk"))
        slug = re.search(r"-> /articles/(\S+)", out).group(1)
        email = ctx.add_editors(db, "fulldisk", 1)[0]
        server = Server(ctx, db, "fulldisk")
        server.start()
        editor = Editor(server, email)
        saved = editor.create("disk0")
        filler, chunk = os.path.join(mnt, "filler"), b"\0" * (1 << 20)
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(chunk)
                    f.flush()
            except OSError:
                pass
        full_saves, full_reads = collections.Counter(), collections.Counter()
        version = saved["version"]
        for n in range(20):
            status, data = editor.call("save_article", {
                "id": saved["id"], "base_version": version, "draft": draft(f"disk{n}")})
            full_saves[status] += 1
            if status == 200:
                version = data["version"]
            status, _, _ = request(server.port, "GET", f"/articles/{slug}")
            full_reads[status] += 1
        os.remove(filler)
        current = editor.ok("get_article", {"id": saved["id"]})
        after, data = editor.call("save_article", {
            "id": saved["id"], "base_version": current["version"], "draft": draft("diskafter")})
        server.kill()
        server = None
        sound = db.integrity()
        articles = db.scalar("SELECT COUNT(*) FROM articles")
    finally:
        if server:
            server.kill()
        subprocess.run(["umount", "-l", mnt], capture_output=True)
    say(f"64 MB tmpfs filled; 20 saves and 20 reads while full: saves {dict(full_saves)}, "
        f"reads {dict(full_reads)}; space freed, next save {after}; integrity_check {sound}; "
        f"{articles} articles")
    ok = (500 not in full_saves and 503 in full_saves and set(full_reads) == {200}
          and after == 200 and sound == "ok" and articles == 2)
    figures = (f"saves while full {dict(full_saves)}, reads {dict(full_reads)}; save after freeing "
               f"space {after}; integrity_check {sound}")
    return [Row("full disk", "sqlite", bool(ok), figures)]


# ---------------------------------------------------------------------------------------
# 4. PostgreSQL connections terminated mid-load


def pg_disruption(ctx, label, disrupt, recovery_limit):
    """Readers and a writer on a PostgreSQL-backed site while `disrupt(db)` does its
    damage (returning a description and the time it ended): no 500s, and 200s again
    within `recovery_limit` seconds of the end."""
    db, slug, emails = ctx.site("postgres", label.replace(" ", "_"), 1)
    server = Server(ctx, db, label.replace(" ", "-"))
    server.start()
    stop, reads, writes, threads = threading.Event(), [], [], []
    try:
        editor = Editor(server, emails[0])
        saved = editor.create("term0")

        def write():
            version, n = saved["version"], 0
            while not stop.is_set():
                n += 1
                status, data = timed(writes, editor, "save_article", {
                    "id": saved["id"], "base_version": version, "draft": draft(f"term{n}")})
                if status == 200:
                    version = data["version"]
                else:  # the save may have been written all the same: read the version
                    status, data = timed(writes, editor, "get_article", {"id": saved["id"]})
                    version = data["version"] if status == 200 else version
                time.sleep(0.05)

        paths = ["/", f"/articles/{slug}", "/tags/harbour", "/search?q=harbour+{n}"]
        threads += [threading.Thread(target=read_until, args=(server.port, paths, stop, reads))
                    for _ in range(4)]
        threads.append(threading.Thread(target=write))
        for t in threads:
            t.start()
        time.sleep(2)
        what, last = disrupt(db)
        time.sleep(max(0.0, last + recovery_limit + 2 - time.monotonic()))
    finally:
        stop.set()
        for t in threads:
            t.join()
        server.kill()
    lines, ok = [], True
    for name, records in (("readers", reads), ("writer", writes)):
        statuses = collections.Counter(map(outcome, records))
        after = [r for r in records if r.start > last]
        recovery = max((r.end - last for r in after if r.status != 200), default=0.0)
        still_ok = any(r.status == 200 and r.start > last + recovery_limit for r in after)
        ok = ok and statuses[500] == 0 and recovery <= recovery_limit and still_ok
        lines.append(f"{name} {dict(statuses)}, last failure {recovery:.2f} s after {what} ended")
    say(f"{what}; 4 readers of {paths}, 1 writer saving a draft every 50 ms")
    for line in lines:
        say(line)
    return [Row(label, "postgres", ok, "; ".join(lines))]


def check_pg_terminate(ctx):
    """4. pg_terminate_backend on every connection of the site's database, several times,
    under readers and a writer: 503s but no 500s, and 200s again within 5 s."""
    if not ctx.pg:
        return [Row("pg terminate", "postgres", None, "skipped: needs --pg")]

    def terminate(db):
        killed = []
        for _ in range(3):
            killed.append(int(psql(ctx.pg, (
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                f"WHERE datname = '{db.name}' AND pid <> pg_backend_pid()"))))
            last = time.monotonic()
            time.sleep(1.5)
        return f"3 × pg_terminate_backend on {db.name} ({killed} connections)", last

    return pg_disruption(ctx, "pg terminate", terminate, 5.0)


def check_pg_restart(ctx):
    """4b. the PostgreSQL server itself restarted (--restart-pg CMD, e.g. `pg_ctlcluster
    15 main restart`) under readers and a writer: 503s while it is down, never 500s, and
    200s again within 10 s of it being back."""
    if not (ctx.pg and ctx.restart_pg):
        return [Row("pg restart", "postgres", None, "skipped: needs --pg and --restart-pg CMD")]

    def restart(_db):
        began = time.monotonic()
        subprocess.run(ctx.restart_pg, shell=True, check=True, timeout=120)
        ended = time.monotonic()
        return f"`{ctx.restart_pg}` ({ended - began:.1f} s)", ended

    return pg_disruption(ctx, "pg restart", restart, 10.0)


# ---------------------------------------------------------------------------------------
# 5. load while publishing, two instances


async def read_response(reader):
    """Reads one HTTP/1.1 response off `reader`: (status, whether the connection stays open)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = dict((k.strip().lower(), v.strip().lower()) for k, v in (h.split(":", 1) for h in head[1:] if h))
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        size = -1
        while size != 0:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection") != "close"


def read_keepalive(port, paths, connections, stop, latencies, outcomes):
    """`connections` kept-alive connections to `port`, each GETting `paths` in turn until
    `stop`: one thread, one event loop, so the client costs little next to the servers."""

    async def one_connection():
        reader = writer = None
        i = random.randrange(len(paths))
        while not stop.is_set():
            i += 1
            start = time.monotonic()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(f"GET {paths[i % len(paths)]} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                             "Accept-Encoding: br, gzip\r\n\r\n".encode())
                status, open_ = await asyncio.wait_for(read_response(reader), 30)
                latencies.append(time.monotonic() - start)
                outcomes[status] += 1
            except (OSError, EOFError, asyncio.TimeoutError, ValueError) as e:
                outcomes[type(e).__name__] += 1
                open_ = False
            if not open_ and writer is not None:
                writer.close()
                writer = None

    async def run():
        await asyncio.gather(*(one_connection() for _ in range(connections)))

    asyncio.run(run())


def watch_visible(servers, slug, acked, out):
    """Seconds from `acked` until /articles/SLUG answers 200 anonymously on every server."""
    waiting, seen = {s.port for s in servers}, {}
    while waiting and time.monotonic() - acked < 10:
        for port in list(waiting):
            try:
                if request(port, "GET", f"/articles/{slug}", timeout=5)[0] == 200:
                    seen[port] = time.monotonic() - acked
                    waiting.discard(port)
            except NO_ANSWER:
                pass
        time.sleep(0.01)
    out.append(None if waiting else max(seen.values()))


def check_load(ctx):
    """5. Two instances on one PostgreSQL database: 64 reader connections while two
    editors publish every second; latency, errors, lost writes, time to visibility."""
    if not ctx.pg:
        return [Row("load + publish", "postgres", None, "skipped: needs --pg")]
    duration, connections = ctx.scale(60, 15), 64
    db, slug, emails = ctx.site("postgres", "load", 2)
    servers = [Server(ctx, db, "load-a"), Server(ctx, db, "load-b")]
    stop, latencies, outcomes = threading.Event(), [], collections.Counter()
    published, failed, visible, watchers = [], [], [], []
    try:
        for s in servers:
            s.start()
        editors = [Editor(s, e) for s, e in zip(servers, emails)]
        paths = ["/", f"/articles/{slug}", "/tags/harbour", "/search?q=harbour", "/feed.xml"]

        def publish_every_second(editor, name):
            n, due = 0, time.monotonic()
            while not stop.is_set():
                n += 1
                try:
                    saved = editor.create(f"load{name}n{n}")
                    saved = editor.ok("publish_article", {"id": saved["id"], "version": saved["version"]})
                    published.append(saved)
                    w = threading.Thread(target=watch_visible,
                                         args=(servers, saved["slug"], time.monotonic(), visible))
                    w.start()
                    watchers.append(w)
                except (Rejected, *NO_ANSWER) as e:
                    failed.append(f"{name}: {e!r}")
                due += 1.0
                stop.wait(max(0.0, due - time.monotonic()))

        threads = [threading.Thread(target=read_keepalive, args=(
            s.port, paths, connections // len(servers), stop, latencies, outcomes)) for s in servers]
        threads += [threading.Thread(target=publish_every_second, args=(e, n)) for e, n in zip(editors, "ab")]
        started = time.monotonic()
        for t in threads:
            t.start()
        stop.wait(duration)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        for w in watchers:
            w.join()
        lost = []
        for saved in published:
            a = editors[0].ok("get_article", {"id": saved["id"]})
            if a["status"] != "published" or a["version"] < saved["version"]:
                lost.append(f"{saved['slug']}: {a['status']} v{a['version']}")
    finally:
        stop.set()
        for s in servers:
            s.kill()
    requests = sum(outcomes.values())
    errors = sum(n for k, n in outcomes.items() if k != 200)
    fives = sum(n for k, n in outcomes.items() if isinstance(k, int) and k >= 500)
    shown = [v for v in visible if v is not None]
    never = len(visible) - len(shown)
    vis_max, vis_p99 = max(shown, default=float("nan")), percentile(shown, 0.99)
    say(f"{duration} s, 2 instances, {connections} kept-alive reader connections (half on each) over {paths}")
    say(f"readers: {requests} requests ({requests / elapsed:.0f}/s), outcomes {dict(outcomes)}, "
        f"p50 {ms(percentile(latencies, 0.5))}, p99 {ms(percentile(latencies, 0.99))}")
    say(f"editors: {len(published)} published, {len(failed)} failed, {len(lost)} lost")
    for p in (failed + lost)[:10]:
        say(f"PROBLEM {p}")
    say(f"visible on both instances after publish: max {ms(vis_max)}, p99 {ms(vis_p99)}, "
        f"p50 {ms(percentile(shown, 0.5))}, never (10 s) {never}; target ≤ 1000 ms")
    ok = (errors == 0 and not failed and not lost and never == 0 and shown and vis_max <= 1.0)
    figures = (f"{requests} reads ({requests / elapsed:.0f}/s), {errors} errors, {fives} 5xx, "
               f"p50 {ms(percentile(latencies, 0.5))}, p99 {ms(percentile(latencies, 0.99))}; "
               f"{len(published)} published, {len(failed)} failed, {len(lost)} lost; "
               f"visible on both: max {ms(vis_max)}, p99 {ms(vis_p99)}, never {never}")
    return [Row("load + publish", "postgres", bool(ok), figures)]


def copy_once(ctx, articles):
    """Generates `articles` articles into a new SQLite site, copies it into a new
    PostgreSQL database with `gazette copy`, and returns (peak RSS MiB, seconds, rows
    missing or extra)."""
    source = ctx.database("sqlite", f"copy_src_{articles}")
    folder = os.path.join(ctx.tmp, f"copy-{articles}")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench/generate.py"), str(articles), folder],
                   check=True, stdout=subprocess.DEVNULL)
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".txt"))
    for start in range(0, len(files), 5000):
        ctx.cli(source, "import", "--publish", *files[start:start + 5000], timeout=1800)
    shutil.rmtree(folder)
    target = ctx.database("postgres", f"copy_dst_{articles}")
    log = open(os.path.join(ctx.tmp, f"copy-{articles}.log"), "w")
    began = time.monotonic()
    proc = subprocess.Popen([ctx.bin, "copy", "--from", source.url, "--to", target.url],
                            env=ctx.env(source.url), cwd=ctx.tmp, stdout=log, stderr=log)
    _children.add(proc)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    took = time.monotonic() - began
    log.close()
    if proc.returncode != 0:
        with open(log.name, encoding="utf-8") as f:
            raise RuntimeError(f"gazette copy failed: {f.read()[-2000:]}")
    differences = 0
    for table in ["users", "articles", "revisions", "takeaways", "faq_items", "article_tags",
                  "tags", "corrections", "bylines", "article_bylines"]:
        a, b = source.scalar(f"SELECT COUNT(*) FROM {table}"), target.scalar(f"SELECT COUNT(*) FROM {table}")
        if a != b:
            say(f"{table}: {a} in the source, {b} copied")
            differences += abs(a - b)
    peak = usage.ru_maxrss / 1024
    say(f"{articles} articles: peak RSS {peak:.0f} MiB, {took:.1f} s, {differences} rows differ")
    source.drop()
    target.drop()
    return peak, took, differences


def check_copy(ctx):
    """copy: gazette copy SQLite -> PostgreSQL streams: flat memory, nothing lost"""
    if not ctx.pg:
        return [Row("copy", "postgres", None, "needs --pg")]
    small, large = ctx.scale(2000, 200), ctx.scale(20000, 2000)
    small_peak, _, small_diff = copy_once(ctx, small)
    large_peak, large_took, large_diff = copy_once(ctx, large)
    ok = small_diff == 0 and large_diff == 0 and large_peak < 2 * small_peak + 32
    figures = (f"peak RSS {small_peak:.0f} MiB at {small:,} articles, {large_peak:.0f} MiB at {large:,}; "
               f"{large:,} copied in {large_took:.0f} s ({large / large_took:.0f}/s); rows differing: {small_diff + large_diff}")
    return [Row("copy", "sqlite>pg", ok, figures)]


# ---------------------------------------------------------------------------------------
# memory


def rss_mib(pid):
    """A process's resident memory in MiB, from /proc."""
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def check_memory(ctx):
    """memory: rounds of 256 reader connections on one article (wrk): the server's
    memory stays flat once its buffers have grown (it grew 12 MiB a round while the
    metrics recorder kept every latency sample)."""
    if not shutil.which("wrk"):
        return [Row("memory", "sqlite", None, "skipped: needs wrk (apt-get install wrk)")]
    rounds, secs = ctx.scale(6, 3), ctx.scale(10, 3)
    db, slug, _ = ctx.site("sqlite", "memory", 0)
    server = Server(ctx, db, "memory")
    seen = []
    try:
        server.start()
        idle = rss_mib(server.proc.pid)
        url = f"{server.origin}/articles/{slug}"
        for n in range(rounds):
            subprocess.run(["wrk", "-t2", "-c256", f"-d{secs}s", "-H", "Accept-Encoding: br", url],
                           check=True, capture_output=True, timeout=secs + 60)
            seen.append(rss_mib(server.proc.pid))
            say(f"round {n + 1}: RSS {seen[-1]} MiB")
    finally:
        server.kill()
    growth = seen[-1] - seen[1]
    figures = (f"RSS idle {idle} MiB, after each {secs} s round: {', '.join(map(str, seen))} MiB; "
               f"{growth:+d} MiB after the second round")
    return [Row("memory", "sqlite", growth <= 8, figures)]


# ---------------------------------------------------------------------------------------

CHECKS = {
    "kill": check_kill,
    "graceful": check_graceful_stop,
    "locked": check_sqlite_locked,
    "full-disk": check_full_disk,
    "pg-terminate": check_pg_terminate,
    "pg-restart": check_pg_restart,
    "load": check_load,
    "copy": check_copy,
    "memory": check_memory,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True, help="the release gazette binary")
    parser.add_argument("--pg", help="PostgreSQL server URL (a database is made per check)")
    parser.add_argument("--site-root", default="target/site", help="LEPTOS_SITE_ROOT (default target/site)")
    parser.add_argument("--only", choices=CHECKS, help="run this check only")
    parser.add_argument("--quick", action="store_true", help="lower counts and durations: a smoke run")
    parser.add_argument("--restart-pg", metavar="CMD",
                        help="command that restarts the PostgreSQL server, for the pg-restart check "
                             "(it restarts the server every database on it shares, so it is opt-in)")
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        parser.error(f"{args.bin} is not an executable; run 'make build' first")
    if args.pg and not shutil.which("psql"):
        parser.error("--pg needs psql on the PATH")
    # SIGTERM unwinds like Ctrl-C, so servers are killed and databases dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ctx = Context(args)
    rows = []
    try:
        for name, check in CHECKS.items():
            if args.only and name != args.only:
                continue
            print(f"\n== {name}: {' '.join(check.__doc__.split()[1:])}", flush=True)
            started = time.monotonic()
            try:
                rows += check(ctx)
            except Exception as e:  # a crashed check is a failed check; the others still run
                traceback.print_exc()
                rows.append(Row(name, "-", False, f"crashed: {e!r}"[:300]))
            say(f"({time.monotonic() - started:.0f} s)")
    finally:
        ctx.close(keep=any(r.ok is False for r in rows))
    width = max(len(r.check) for r in rows) if rows else 10
    print(f"\n{'check':<{width}}  {'backend':<8}  {'result':<6}  figures")
    for r in rows:
        result = {True: "PASS", False: "FAIL", None: "SKIP"}[r.ok]
        print(f"{r.check:<{width}}  {r.backend:<8}  {result:<6}  {r.figures}")
    return 1 if any(r.ok is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
