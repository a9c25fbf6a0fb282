"""configure_logging / bind_context: JSON lines with service and bound context."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from huleedu_service_libs.logging import (
    bind_context,
    bind_context_values,
    clear_context,
    configure_logging,
    get_logger,
    reset_context_values,
)


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    configure_logging("logging_test_service", "DEBUG", "json", stream=buffer)
    yield buffer
    clear_context()


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_json_line_has_service_level_time_and_fields(stream: io.StringIO) -> None:
    get_logger("unit").info("batch registered", batch_id="b-1", essay_count=3)

    [line] = _lines(stream)
    assert line["event"] == "batch registered"
    assert line["service"] == "logging_test_service"
    assert line["level"] == "info"
    assert line["logger"] == "unit"
    assert line["batch_id"] == "b-1"
    assert line["essay_count"] == 3
    assert line["timestamp"].endswith("Z")


def test_bind_context_adds_values_only_inside_the_block(stream: io.StringIO) -> None:
    logger = get_logger("unit")
    with bind_context(correlation_id="c-1", batch_id="b-2", user_id=None):
        logger.info("inside")
    logger.info("outside")

    inside, outside = _lines(stream)
    assert inside["correlation_id"] == "c-1"
    assert inside["batch_id"] == "b-2"
    assert "user_id" not in inside
    assert "correlation_id" not in outside


def test_bind_context_values_until_reset(stream: io.StringIO) -> None:
    tokens = bind_context_values(user_id="u-9")
    structlog.get_logger().info("bound")
    reset_context_values(tokens)
    structlog.get_logger().info("reset")

    bound, reset = _lines(stream)
    assert bound["user_id"] == "u-9"
    assert "user_id" not in reset


def test_stdlib_records_use_the_same_renderer(stream: io.StringIO) -> None:
    with bind_context(correlation_id="c-2"):
        logging.getLogger("some.library").warning("disk %s", "full")

    [line] = _lines(stream)
    assert line["event"] == "disk full"
    assert line["level"] == "warning"
    assert line["logger"] == "some.library"
    assert line["service"] == "logging_test_service"
    assert line["correlation_id"] == "c-2"


def test_exception_is_rendered_as_json(stream: io.StringIO) -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        get_logger("unit").exception("handler failed")

    [line] = _lines(stream)
    assert line["level"] == "error"
    assert line["exception"][0]["exc_type"] == "ValueError"


def test_level_filters_lower_records() -> None:
    buffer = io.StringIO()
    configure_logging("logging_test_service", "WARNING", "json", stream=buffer)

    get_logger("unit").info("hidden")
    get_logger("unit").warning("shown")

    assert [line["event"] for line in _lines(buffer)] == ["shown"]


def test_console_format_is_not_json() -> None:
    buffer = io.StringIO()
    configure_logging("logging_test_service", "INFO", "console", stream=buffer)

    get_logger("unit").info("hello console", batch_id="b-3")

    output = buffer.getvalue()
    assert "hello console" in output
    assert "batch_id" in output
    with pytest.raises(json.JSONDecodeError):
        json.loads(output.splitlines()[0])


def test_auto_format_renders_json_when_not_a_terminal() -> None:
    buffer = io.StringIO()  # isatty() is False
    configure_logging("logging_test_service", "INFO", "auto", stream=buffer)

    get_logger("unit").info("auto")

    assert _lines(buffer)[0]["event"] == "auto"


def test_unknown_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging("x", "LOUD", "json", stream=io.StringIO())


def test_default_stream_follows_a_replaced_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    configure_logging("logging_test_service", "INFO", "json")
    replacement = io.StringIO()
    monkeypatch.setattr("sys.stdout", replacement)

    get_logger("unit").info("to the new stdout")

    assert _lines(replacement)[0]["event"] == "to the new stdout"
