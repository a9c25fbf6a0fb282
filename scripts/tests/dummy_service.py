"""A test-only service: `/healthz` answers 200 and `/env` returns its `DUMMY_*` settings."""

from __future__ import annotations

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ENV_PREFIX = "DUMMY_"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._reply(200, {"status": "ok"})
        elif self.path == "/env":
            settings = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
            self._reply(200, settings)
        else:
            self._reply(404, {"error": "not found"})

    def _reply(self, status: int, body: dict[str, str]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        return


def main() -> None:
    port = int(os.environ[f"{ENV_PREFIX}HTTP_PORT"])
    ThreadingHTTPServer(("127.0.0.1", port), _Handler).serve_forever()


if __name__ == "__main__":
    main()
