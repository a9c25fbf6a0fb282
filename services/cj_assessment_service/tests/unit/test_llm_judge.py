"""The LLM judge against a local fake chat-completions server."""

from __future__ import annotations

import asyncio
import time

import pytest
from pydantic import SecretStr

from services.cj_assessment_service.domain.judging import (
    Choice,
    EssayForJudging,
    JudgeInvalidAnswerError,
    JudgeUnavailableError,
    PairContext,
)
from services.cj_assessment_service.implementations.llm_judge import LlmJudge, LlmJudgeConfig
from services.cj_assessment_service.tests.fake_llm import FakeLlm, running_fake_llm

SHORT = EssayForJudging("short", "s1", "Phones are bad. Ban them.")
LONG = EssayForJudging("long", "s2", "Phones distract students in many ways. " * 20)


def _pair(a: EssayForJudging, b: EssayForJudging) -> PairContext:
    return PairContext(a, b, "Should schools ban phones?", "en")


def _judge(fake: FakeLlm, **overrides: object) -> LlmJudge:
    values: dict[str, object] = {
        "base_url": fake.base_url,
        "model": "fake-model",
        "api_key": SecretStr("sk-test"),
        "timeout_s": 2.0,
        "retries": 2,
        "backoff_s": 0.01,
        "max_concurrency": 2,
    }
    values.update(overrides)
    return LlmJudge(LlmJudgeConfig(**values))  # type: ignore[arg-type]


async def test_the_judge_follows_the_models_answers_in_either_position() -> None:
    async with running_fake_llm() as fake:
        judge = _judge(fake)
        try:
            answers = [await judge.judge(_pair(SHORT, LONG)) for _ in range(4)]
            answers += [await judge.judge(_pair(LONG, SHORT)) for _ in range(4)]
        finally:
            await judge.close()

    assert [a.choice for a in answers] == [Choice.A] * 4 + [Choice.B] * 4  # every answer style
    assert all(a.winner_id(_pair(SHORT, LONG)) == "short" for a in answers[:4])
    assert fake.authorizations == {"Bearer sk-test"} and fake.models == {"fake-model"}
    assert judge.name == "llm:fake-model"


async def test_a_failing_server_is_retried_then_reported_unavailable() -> None:
    async with running_fake_llm(FakeLlm(mode="fail")) as fake:
        judge = _judge(fake, retries=2)
        try:
            with pytest.raises(JudgeUnavailableError, match="HTTP 500"):
                await judge.judge(_pair(SHORT, LONG))
        finally:
            await judge.close()

    assert fake.requests == 3  # the first try and two retries


async def test_a_server_that_does_not_answer_in_time_is_reported_unavailable() -> None:
    async with running_fake_llm(FakeLlm(mode="slow", delay_s=30)) as fake:
        judge = _judge(fake, timeout_s=0.2, retries=1)
        started = time.monotonic()
        try:
            with pytest.raises(JudgeUnavailableError):
                await judge.judge(_pair(SHORT, LONG))
            elapsed = time.monotonic() - started
        finally:
            await judge.close()

    assert elapsed < 5.0
    assert fake.requests == 2


async def test_answers_without_a_choice_are_retried_then_reported_invalid() -> None:
    async with running_fake_llm(FakeLlm(mode="gibberish")) as fake:
        judge = _judge(fake, retries=1)
        try:
            with pytest.raises(JudgeInvalidAnswerError):
                await judge.judge(_pair(SHORT, LONG))
        finally:
            await judge.close()

    assert fake.requests == 2


async def test_at_most_max_concurrency_calls_are_in_flight() -> None:
    in_flight = peak = 0

    def tracking(text_a: str, text_b: str) -> str:
        return "A"

    fake = FakeLlm(preference=tracking, delay_s=0.05)
    original = fake.handle

    async def counting(request):  # type: ignore[no-untyped-def]
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            return await original(request)
        finally:
            in_flight -= 1

    fake.handle = counting  # type: ignore[method-assign]
    async with running_fake_llm(fake):
        judge = _judge(fake, max_concurrency=3)
        try:
            await asyncio.gather(*(judge.judge(_pair(SHORT, LONG)) for _ in range(12)))
        finally:
            await judge.close()

    assert peak == 3 and fake.requests == 12
