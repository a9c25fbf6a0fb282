"""A judge that asks an OpenAI-compatible chat-completions API which essay is better.

Each call has a timeout; connection errors, timeouts, HTTP 5xx/429 and answers without a
recognisable choice are retried (tenacity, exponential backoff) a bounded number of times; at
most ``max_concurrency`` calls are in flight at once. After the retries the judge raises
`JudgeUnavailableError` (or `JudgeInvalidAnswerError`), which fails the assessment: a broken
judge never makes it hang.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog
from pydantic import SecretStr
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from services.cj_assessment_service.domain.answer_parsing import parse_choice
from services.cj_assessment_service.domain.judging import (
    Choice,
    JudgeInvalidAnswerError,
    Judgement,
    JudgeUnavailableError,
    PairContext,
)

logger = structlog.get_logger(__name__)

SYSTEM_PROMPT = (
    "You are an experienced teacher assessing student essays by comparative judgement. "
    "You are shown two essays written for the same task and decide which one is the better "
    "piece of writing overall: how well it answers the task, its content and argument, its "
    "structure, and its language. Answer with a single letter: A or B."
)
_LANGUAGES = {"en": "English", "sv": "Swedish"}


@dataclass(frozen=True, slots=True)
class LlmJudgeConfig:
    base_url: str
    model: str
    api_key: SecretStr
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 0.5
    max_concurrency: int = 4
    max_essay_chars: int = 12_000
    max_tokens: int = 16


class _HttpFailure(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status

    @property
    def retriable(self) -> bool:
        return self.status >= 500 or self.status in (408, 429)


class _UnreadableAnswer(Exception):
    pass


def _retriable(exc: BaseException) -> bool:
    if isinstance(exc, _HttpFailure):
        return exc.retriable
    return isinstance(exc, aiohttp.ClientError | TimeoutError | _UnreadableAnswer)


class LlmJudge:
    """Create with `LlmJudge(config)`; `close()` releases its HTTP session."""

    def __init__(self, config: LlmJudgeConfig) -> None:
        self._config = config
        self._url = f"{config.base_url.rstrip('/')}/chat/completions"
        self._semaphore = asyncio.Semaphore(config.max_concurrency)
        self._session: aiohttp.ClientSession | None = None

    @property
    def name(self) -> str:
        return f"llm:{self._config.model}"

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def judge(self, pair: PairContext) -> Judgement:
        async with self._semaphore:
            choice = await self._ask_with_retries(self._request_body(pair))
        return Judgement(choice=choice)

    async def _ask_with_retries(self, body: dict[str, Any]) -> Choice:
        config = self._config
        retrying = AsyncRetrying(
            stop=stop_after_attempt(config.retries + 1),
            wait=wait_exponential(multiplier=config.backoff_s, max=max(config.backoff_s * 8, 0)),
            retry=retry_if_exception(_retriable),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._ask_once(body)
        except _UnreadableAnswer as exc:
            raise JudgeInvalidAnswerError(f"{self.name} gave no usable answer: {exc}") from exc
        except (_HttpFailure, aiohttp.ClientError, TimeoutError) as exc:
            detail = str(exc) or type(exc).__name__
            raise JudgeUnavailableError(f"{self.name} at {self._url}: {detail}") from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _ask_once(self, body: dict[str, Any]) -> Choice:
        timeout = aiohttp.ClientTimeout(total=self._config.timeout_s)
        headers = {"Authorization": f"Bearer {self._config.api_key.get_secret_value()}"}
        async with self._get_session().post(
            self._url, json=body, headers=headers, timeout=timeout
        ) as response:
            text = await response.text()
            if response.status >= 400:
                logger.warning("llm_judge_http_error", status=response.status)
                raise _HttpFailure(response.status, text)
        answer = _message_content(text)
        choice = parse_choice(answer)
        if choice is None:
            logger.warning("llm_judge_unreadable_answer", answer=answer[:200])
            raise _UnreadableAnswer(repr(answer[:100]))
        return choice

    def _request_body(self, pair: PairContext) -> dict[str, Any]:
        return {
            "model": self._config.model,
            "temperature": 0,
            "max_tokens": self._config.max_tokens,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": self._user_prompt(pair)},
            ],
        }

    def _user_prompt(self, pair: PairContext) -> str:
        limit = self._config.max_essay_chars
        language = _LANGUAGES.get(pair.language, pair.language)
        return (
            f"The essays are written in {language}.\n\n"
            f"Task given to the students:\n{pair.essay_instructions}\n\n"
            f"Essay A:\n<<<\n{pair.essay_a.text[:limit]}\n>>>\n\n"
            f"Essay B:\n<<<\n{pair.essay_b.text[:limit]}\n>>>\n\n"
            "Which essay is better? Answer with exactly one letter: A or B."
        )

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session


def _message_content(body: str) -> str:
    """The first choice's message text of a chat-completions response."""
    try:
        payload = json.loads(body)
        content = payload["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise _UnreadableAnswer(f"not a chat-completions response: {body[:100]!r}") from exc
    if not isinstance(content, str):
        raise _UnreadableAnswer("the message has no text content")
    return content
