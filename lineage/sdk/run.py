"""A run as user code sees it: ``with client.run(name, params=...) as run:``, its inputs and outputs, and
how it ended.

The run is described once here (what it read and wrote, its environment, its outcome) and handed to a
target at the start and at the end: the local target writes the store, the server target sends
OpenLineage events. Both store the same run, with the same environment layout, so a run reads the same
wherever it was recorded.
"""

from __future__ import annotations

import contextvars
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from lineage.checksum import checksum
from lineage.errors import InvalidInput, LineageError
from lineage.model import Node, NodeKind, RunStatus, make_uid, now
from lineage.sdk.environment import Environment, capture

log = logging.getLogger("lineage.sdk")

_current: contextvars.ContextVar[Run | None] = contextvars.ContextVar("lineage_run", default=None)


def current_run() -> Run:
    """The innermost run open in this thread or task: how a function under ``@client.track`` reaches
    its run. Raises LookupError outside any run."""
    run = _current.get()
    if run is None:
        raise LookupError("no lineage run is open here: call this inside `with client.run(...)` or @track")
    return run


@dataclass(frozen=True)
class Artifact:
    """A node version a run read or wrote. ``path`` is where it was (relative to the repository root,
    else to the working directory, else absolute), ``checksum`` its content digest when it has a path."""

    kind: NodeKind
    name: str
    version: str
    namespace: str
    checksum: str | None = None
    path: str | None = None

    @property
    def uid(self) -> str:
        return make_uid(self.kind, self.name, self.version)

    @property
    def metadata(self) -> dict[str, Any]:
        return {} if self.path is None else {"path": self.path}

    def node(self) -> Node:
        return Node(
            kind=self.kind,
            name=self.name,
            version=self.version,
            checksum=self.checksum,
            source=self.namespace,
            metadata=self.metadata,
        )


class RunTarget(Protocol):
    """Where runs are recorded: told at the start of a run and at its end."""

    def start(self, run: Run) -> None: ...

    def finish(self, run: Run) -> None: ...


class Run:
    """One run of a pipeline step, open for the duration of a ``with`` block.

    Use ``input`` and ``output`` inside the block. An exception leaving the block records the run as
    FAIL (ABORT for KeyboardInterrupt and other non-``Exception`` exits) with the error's type and
    message, and goes on up.
    """

    def __init__(
        self, target: RunTarget, name: str, *, params: dict[str, Any] | None, namespace: str
    ) -> None:
        self._target = target
        self.uid = str(uuid.uuid4())
        self.name = name
        self.namespace = namespace
        self.parameters: dict[str, Any] = dict(params or {})
        self.inputs: list[Artifact] = []
        self.outputs: list[Artifact] = []
        self.environment: Environment | None = None
        self.started_at: str | None = None
        self.ended_at: str | None = None
        self.status: RunStatus | None = None
        self.error: dict[str, str] | None = None
        self._token: contextvars.Token[Run | None] | None = None

    def input(self, kind: NodeKind | str, name: str, *, path: str | os.PathLike[str] | None = None,
              version: str | None = None) -> str:  # fmt: skip
        """Record that the run read a node version; returns its uid. With ``path``, the file's or
        directory's checksum is computed now and is the version unless ``version`` is given."""
        artifact = self._artifact(kind, name, path, version)
        self.inputs.append(artifact)
        return artifact.uid

    def output(self, kind: NodeKind | str, name: str, *, path: str | os.PathLike[str] | None = None,
               version: str | None = None) -> str:  # fmt: skip
        """Record that the run produced a node version (it derives from every input); returns its uid.
        Give ``path`` once the file is written: its checksum is taken now."""
        artifact = self._artifact(kind, name, path, version)
        self.outputs.append(artifact)
        return artifact.uid

    def _artifact(
        self, kind: NodeKind | str, name: str, path: str | os.PathLike[str] | None, version: str | None
    ) -> Artifact:
        if path is None and version is None:
            raise InvalidInput(f"{kind} {name}: give its path (its checksum is the version) or a version")
        digest = location = None
        if path is not None:
            try:
                digest = checksum(Path(path))
            except FileNotFoundError as exc:
                raise InvalidInput(f"{kind} {name}: {exc}") from None
            location = self._recorded_path(Path(path))
        artifact = Artifact(
            kind=NodeKind(kind),
            name=name,
            version=version or str(digest),
            namespace=self.namespace,
            checksum=digest,
            path=location,
        )
        artifact.node()  # validates kind, name and version now, where the caller can see the mistake
        return artifact

    def _recorded_path(self, path: Path) -> str:
        absolute = path.resolve()
        git = self.environment.git if self.environment else None
        for base in (git.root.resolve() if git else None, Path.cwd().resolve()):
            if base is not None and absolute.is_relative_to(base):
                return absolute.relative_to(base).as_posix()
        return absolute.as_posix()

    def environment_record(self) -> dict[str, Any]:
        """The run's environment as stored: the keys the server derives from the run's OpenLineage
        facets (``job_namespace``, ``source_code_location``, ``processing_engine``), with the error of a
        failed run under ``processing_engine.error``."""
        assert self.environment is not None, "the run has not started"
        engine = self.environment.engine_facet()
        if self.error is not None:
            engine["error"] = self.error
        record: dict[str, Any] = {"job_namespace": self.namespace, "processing_engine": engine}
        code = self.environment.code_facet()
        if code is not None:
            record["source_code_location"] = code
        return record

    @property
    def code_version(self) -> str | None:
        git = self.environment.git if self.environment else None
        return f"git:{git.commit}" if git else None

    def __enter__(self) -> Run:
        if self.started_at is not None:
            raise InvalidInput(f"run {self.name} ({self.uid}) was already started: open a new one")
        self.environment = capture()
        self.started_at = now()
        self.status = RunStatus.START
        self._target.start(self)
        self._token = _current.set(self)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._token is not None:
            _current.reset(self._token)
        self.ended_at = now()
        if error is None:
            self.status = RunStatus.COMPLETE
        else:
            self.status = RunStatus.FAIL if isinstance(error, Exception) else RunStatus.ABORT
            self.error = {"type": _type_name(type(error)), "message": str(error)}
        try:
            self._target.finish(self)
        except LineageError:
            if error is None:
                raise
            # The block's own error is what the caller must see; the lost record is logged.
            log.exception("run %s (%s) failed and could not be recorded", self.name, self.uid)


def _type_name(kind: type[BaseException]) -> str:
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
