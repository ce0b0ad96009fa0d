"""A real, throwaway Neo4j 5 Community server for the test suite.

The tests talk to an actual Neo4j over Bolt instead of a mock, because the
behaviour under test (Cypher semantics, constraints, transactions) lives in the
database. The server is Neo4j's own test harness (``org.neo4j.test:neo4j-harness``
from Maven Central) run in-process by the tiny Java launcher in
``tests/neo4j_launcher``; this module builds that launcher once, starts it as a
child JVM and hands back its Bolt URI.

Usage::

    with start_neo4j(tmp_path) as neo4j:
        driver = GraphDatabase.driver(neo4j.uri)

The server runs with auth disabled and listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j_launcher"
_POM = LAUNCHER_DIR / "pom.xml"
_SOURCE = LAUNCHER_DIR / "src" / "main" / "java" / "lineage" / "Neo4jLauncher.java"
_TARGET = LAUNCHER_DIR / "target"
_CLASSES = _TARGET / "classes"
_CLASSPATH_FILE = _TARGET / "classpath.txt"
# Written only after a successful build: Maven leaves classpath.txt untouched
# when its content is unchanged, so that file's mtime can't tell freshness.
_STAMP = _TARGET / "launcher.stamp"
_MAIN_CLASS = "lineage.Neo4jLauncher"
_URI_PREFIX = "BOLT_URI="
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")

# Small heap by default: the machine has 2 cores and tests hold little data;
# setting -Xms also silences Neo4j's "initial heap not configured" warning.
_DEFAULT_HEAP_MIB = 1024
_JVM_FLAGS = (
    "-Xms256m",
    # Neo4j reaches into JDK internals for its page cache (java.nio) and for
    # native file hints on transaction logs (java.io, sun.nio.ch). Without these
    # it still runs on JDK 17, but in a slower fallback mode that logs warnings.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


class Neo4jUnavailable(Exception):
    """Neo4j could not be started here; the message says why, for a skip or a failure."""


class RunningNeo4j:
    """A started Neo4j child process; ``stop()`` (or leaving the ``with``) ends it."""

    def __init__(self, process: subprocess.Popen[str], uri: str, log_path: Path) -> None:
        self._process = process
        self.uri = uri
        #: The JVM's process id (benchmarks read its peak memory from /proc).
        self.pid = process.pid
        #: The JVM's stderr, kept so a failing test can point at it.
        self.log_path = log_path

    def stop(self, timeout: float = 30.0) -> None:
        """Shut the server down: close its stdin (the launcher's stop signal), then escalate.

        Closing stdin lets Neo4j shut down cleanly; SIGTERM and SIGKILL are only
        fallbacks for a JVM that hangs. Safe to call more than once.
        """
        process = self._process
        if process.stdin is not None and not process.stdin.closed:
            # A broken pipe only means the JVM is already gone.
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> RunningNeo4j:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_neo4j(
    workdir: Path,
    timeout: float = 300.0,
    *,
    heap_mib: int = _DEFAULT_HEAP_MIB,
    page_cache_mib: int | None = None,
    port: int = 0,
) -> RunningNeo4j:
    """Build the launcher if needed, start Neo4j with its data under ``workdir``, return it.

    ``timeout`` covers the whole start: the first run downloads the harness
    (about 200 MB) through Maven, later runs skip Maven and take a few seconds.
    ``heap_mib`` is the JVM's maximum heap; ``page_cache_mib`` Neo4j's page cache
    (the launcher's 256 MiB when None). Benchmarks on large graphs raise both.
    ``port`` is the Bolt port (0: any free one); the fault tests start a server again on the port a
    stopped one had, so that clients configured with its address find it back. The data does not
    survive a restart: the harness gives every start a fresh database under ``workdir``.
    Raises Neo4jUnavailable with a human-readable reason when that fails.
    """
    deadline = time.monotonic() + timeout
    java = shutil.which("java")
    if java is None:
        raise Neo4jUnavailable("java not found on PATH (Neo4j 5.26 needs JDK 17 or 21)")
    classpath = _ensure_launcher_built(deadline)

    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    # Stderr goes to a file, not a pipe: nobody drains it while tests run, and a
    # full pipe would stall the JVM.
    log_fd, log_name = tempfile.mkstemp(prefix="neo4j-launcher-", suffix=".log", dir=workdir)
    log_path = Path(log_name)
    launcher_args = [str(workdir / "server"), str(port)]
    if page_cache_mib is not None:
        launcher_args.append(str(page_cache_mib))
    with os.fdopen(log_fd, "w") as log:
        process = subprocess.Popen(
            [java, f"-Xmx{heap_mib}m", *_JVM_FLAGS, "-cp", classpath, _MAIN_CLASS, *launcher_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        uri = _await_uri(process, deadline, timeout, log_path)
    except BaseException:
        # Covers Ctrl-C too: never leave a half-started JVM behind.
        _discard(process)
        raise
    return RunningNeo4j(process, uri, log_path)


def _await_uri(process: subprocess.Popen[str], deadline: float, timeout: float, log_path: Path) -> str:
    """Wait for the launcher's ``BOLT_URI=`` line; raise Neo4jUnavailable if it dies or stalls."""
    assert process.stdout is not None
    lines = _read_lines_in_background(process.stdout)
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise Neo4jUnavailable(
                f"Neo4j did not report a Bolt URI within {timeout:.0f}s; stderr tail:\n{_tail(log_path)}"
            ) from None
        if line is None:
            raise Neo4jUnavailable(
                f"Neo4j launcher exited with code {process.wait()} before it was ready; "
                f"stderr tail:\n{_tail(log_path)}"
            )
        if line.startswith(_URI_PREFIX):
            return line[len(_URI_PREFIX) :].strip()


def _ensure_launcher_built(deadline: float) -> str:
    """Return the launcher's Java classpath, running Maven only when the build is stale."""
    _TARGET.mkdir(exist_ok=True)
    # Parallel test workers may all start here; one builds, the others wait and reuse it.
    with open(_TARGET / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        classpath = _fresh_classpath()
        if classpath is None:
            _run_maven(deadline)
            _STAMP.touch()
            classpath = _fresh_classpath()
            if classpath is None:
                raise Neo4jUnavailable(
                    f"Maven build of the Neo4j launcher produced no usable {_CLASSPATH_FILE}"
                )
    return classpath


def _fresh_classpath() -> str | None:
    """The full classpath if the last build is newer than its inputs and its jars still exist."""
    try:
        built_at = _STAMP.stat().st_mtime
        if built_at <= max(_POM.stat().st_mtime, _SOURCE.stat().st_mtime):
            return None
        jars = _CLASSPATH_FILE.read_text().strip()
    except FileNotFoundError:
        return None
    # A wiped ~/.m2 leaves a stale classpath behind that would fail at run time.
    if not jars or not all(os.path.exists(jar) for jar in jars.split(os.pathsep)):
        return None
    if not (_CLASSES / "lineage" / "Neo4jLauncher.class").exists():
        return None
    return os.pathsep.join([str(_CLASSES), jars])


def _run_maven(deadline: float) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jUnavailable("mvn not found on PATH (needed once to fetch neo4j-harness)")
    command = [
        mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(_POM),
        "compile", "dependency:build-classpath", f"-Dmdep.outputFile={_CLASSPATH_FILE}",
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command,
            cwd=LAUNCHER_DIR,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=max(1.0, deadline - time.monotonic()),
        )
    except subprocess.TimeoutExpired:
        raise Neo4jUnavailable("Maven build of the Neo4j launcher timed out") from None
    if result.returncode != 0:
        # Debian's Maven colours its output even in batch mode; keep the reason readable.
        output = _ANSI_ESCAPE.sub("", result.stdout + result.stderr).strip().splitlines()
        raise Neo4jUnavailable("Maven build of the Neo4j launcher failed:\n" + "\n".join(output[-25:]))


def _read_lines_in_background(stream: IO[str]) -> queue.Queue[str | None]:
    """Feed stdout lines into a queue (None at EOF) so the caller can wait with a timeout."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        # The pump owns the stream: it keeps draining (so the JVM can never block
        # on a full pipe) and closes it at EOF, i.e. once the JVM has exited.
        with stream:
            for line in stream:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="neo4j-stdout", daemon=True).start()
    return lines


def _discard(process: subprocess.Popen[str]) -> None:
    """Kill a launcher that never became ready, closing our end of its stdin too."""
    process.kill()
    process.wait()
    if process.stdin is not None:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()


def _tail(path: Path, lines: int = 30) -> str:
    try:
        tail = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError as error:
        return f"(could not read {path}: {error})"
    return "\n".join(tail) if tail else "(empty)"
