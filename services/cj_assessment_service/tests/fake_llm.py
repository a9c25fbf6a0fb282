"""A small OpenAI-compatible chat-completions server for tests, on 127.0.0.1.

It reads the two essays out of the judge's prompt and answers with a scripted preference.
Modes: ``ok``; ``fail`` answers 500; ``slow`` waits ``delay_s`` before answering (longer than the
judge's timeout, it is a timeout); ``gibberish`` answers without a choice.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

Mode = Literal["ok", "fail", "slow", "gibberish"]
Preference = Callable[[str, str], str]
_ESSAY = re.compile(r"Essay ([AB]):\n<<<\n(.*?)\n>>>", re.DOTALL)
# Varied phrasings, as real models answer: the judge must read them all.
_ANSWER_STYLES = ("{letter}", "**{letter}**", "Essay {letter}.", '{{"winner": "{letter}"}}')


def prefer_shorter(text_a: str, text_b: str) -> str:
    """The opposite of what the heuristic judge prefers: the shorter essay is better."""
    return "A" if len(text_a) <= len(text_b) else "B"


@dataclass
class FakeLlm:
    preference: Preference = prefer_shorter
    mode: Mode = "ok"
    delay_s: float = 0.0
    requests: int = 0
    authorizations: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    base_url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        self.authorizations.add(request.headers.get("Authorization", ""))
        body = await request.json()
        self.models.add(body.get("model", ""))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.mode == "fail":
            return web.json_response({"error": {"message": "overloaded"}}, status=500)
        if self.mode == "gibberish":
            return _completion("I would rather not say.")
        essays = dict(_ESSAY.findall(body["messages"][-1]["content"]))
        letter = self.preference(essays["A"], essays["B"])
        style = _ANSWER_STYLES[self.requests % len(_ANSWER_STYLES)]
        return _completion(style.format(letter=letter))


def _completion(content: str) -> web.Response:
    return web.json_response(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        }
    )


@asynccontextmanager
async def running_fake_llm(fake: FakeLlm | None = None) -> AsyncIterator[FakeLlm]:
    """Serve `fake` on a free port; its `base_url` is set while it runs."""
    server = fake or FakeLlm()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", server.handle)
    # Requests still sleeping (the slow mode) must not hold up the test's teardown.
    runner = web.AppRunner(app, shutdown_timeout=0.1, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield server
    finally:
        await runner.cleanup()
