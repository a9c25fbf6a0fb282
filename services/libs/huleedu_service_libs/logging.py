"""Structured logging for HuleEdu processes (structlog over the standard library).

Call :func:`configure_logging` once at startup. Every log line then carries ``service``, an ISO
UTC ``timestamp``, ``level`` and whatever is bound in the current context (``correlation_id``,
``batch_id``, ``user_id``...) through :func:`bind_context`. Records of the standard ``logging``
module (aiokafka, hypercorn, SQLAlchemy...) go through the same renderer.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from huleedu_service_libs.config import LogFormat

_HANDLER_NAME = "huleedu-structlog"
_CHATTY_LIBRARIES = ("aiokafka", "asyncio", "hypercorn.access", "urllib3")


class _CurrentStdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stdout`` is at emit time, so that replacing it (pytest's
    capture, a supervisor's redirection) never leaves the handler on a closed stream."""

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class _ServiceNameAdder:
    """Adds the service name to every event without overriding an explicit one."""

    def __init__(self, service_name: str) -> None:
        self._service_name = service_name

    def __call__(self, _logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
        event.setdefault("service", self._service_name)
        return event


def _use_console(fmt: LogFormat, stream: TextIO) -> bool:
    if fmt == "auto":
        isatty = getattr(stream, "isatty", None)
        return bool(isatty and isatty())
    return fmt == "console"


def _shared_processors(service_name: str) -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _ServiceNameAdder(service_name),
        structlog.processors.StackInfoRenderer(),
    ]


def _renderer_chain(console: bool) -> list[Processor]:
    if console:
        return [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.dev.ConsoleRenderer(colors=True),
        ]
    return [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        structlog.processors.dict_tracebacks,
        structlog.processors.JSONRenderer(default=str),
    ]


def _install_root_handler(handler: logging.Handler, level: int) -> None:
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    handler.set_name(_HANDLER_NAME)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))


def configure_logging(
    service_name: str,
    level: str | int = "INFO",
    fmt: LogFormat = "auto",
    *,
    stream: TextIO | None = None,
) -> None:
    """Route structlog and stdlib logging to one handler rendering JSON or console lines.

    ``fmt="auto"`` renders for humans when the stream is a terminal and JSON otherwise. Calling
    it again replaces the previous configuration (handy in tests).
    """
    numeric_level = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(numeric_level, int):
        raise ValueError(f"unknown log level: {level!r}")
    handler: logging.StreamHandler[TextIO] = (
        logging.StreamHandler(stream) if stream is not None else _CurrentStdoutHandler()
    )
    shared = _shared_processors(service_name)
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=_renderer_chain(_use_console(fmt, handler.stream)),
    )
    handler.setFormatter(formatter)
    _install_root_handler(handler, numeric_level)

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str | None = None, **initial_values: Any) -> structlog.stdlib.BoundLogger:
    """A structured logger; ``name`` shows as ``logger`` in every line."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name, **initial_values)
    return logger


@contextmanager
def bind_context(**values: Any) -> Iterator[None]:
    """Bind values (e.g. ``correlation_id``, ``batch_id``, ``user_id``) to every log line of
    the current context for the duration of the block. ``None`` values are left out."""
    present = {key: _loggable(value) for key, value in values.items() if value is not None}
    with structlog.contextvars.bound_contextvars(**present):
        yield


def bind_context_values(**values: Any) -> MutableMapping[str, Any]:
    """Bind values until :func:`reset_context_values` is called with the returned tokens.

    For hooks that cannot wrap the work in a ``with`` block (before/after request handlers).
    """
    present = {key: _loggable(value) for key, value in values.items() if value is not None}
    return dict(structlog.contextvars.bind_contextvars(**present))


def reset_context_values(tokens: MutableMapping[str, Any]) -> None:
    """Undo a :func:`bind_context_values` call."""
    structlog.contextvars.reset_contextvars(**tokens)


def clear_context() -> None:
    """Remove every value bound in the current context."""
    structlog.contextvars.clear_contextvars()


def _loggable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)
