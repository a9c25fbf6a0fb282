"""`huleedu token`: a token the stack's gateway accepts, refused in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.cli import main
from scripts.launcher.state import StackDir, StackState
from scripts.token_command import TokenCommandError, mint_stack_token
from services.api_gateway_service.domain.tokens import TokenVerifier

SECRET = "stack-jwt-secret-0123456789abcdefghijklmnop"


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    stack = StackDir("demo", tmp_path)
    stack.write_state(StackState(owner_pid=1, owner_started=None, secrets={"jwt_secret": SECRET}))
    return tmp_path


def verifier(issuer: str = "huleedu", audience: str = "huleedu-api") -> TokenVerifier:
    return TokenVerifier(SECRET, algorithm="HS256", issuer=issuer, audience=audience)


def test_cli_prints_a_token_for_the_user(
    data_root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HULEEDU_ENVIRONMENT", raising=False)
    monkeypatch.delenv("GATEWAY_ENVIRONMENT", raising=False)

    code = main(["token", "--user", "teacher-1", "--ttl", "60", "--data-root", str(data_root)])

    token = capsys.readouterr().out.strip()
    assert code == 0
    user = verifier().verify(token)
    assert user.user_id == "teacher-1"


def test_issuer_and_audience_follow_the_gateway_settings(data_root: Path) -> None:
    environ = {"GATEWAY_JWT_ISSUER": "school", "GATEWAY_JWT_AUDIENCE": "school-api"}

    token = mint_stack_token("t", data_root=data_root, environ=environ)

    assert verifier("school", "school-api").verify(token).user_id == "t"


@pytest.mark.parametrize("variable", ["HULEEDU_ENVIRONMENT", "GATEWAY_ENVIRONMENT"])
def test_refused_in_production(data_root: Path, variable: str) -> None:
    with pytest.raises(TokenCommandError, match="production"):
        mint_stack_token("t", data_root=data_root, environ={variable: "production"})


def test_cli_fails_clearly_without_a_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HULEEDU_ENVIRONMENT", raising=False)
    monkeypatch.delenv("GATEWAY_ENVIRONMENT", raising=False)

    code = main(["token", "--user", "t", "--profile", "nostack", "--data-root", str(tmp_path)])

    assert code == 1
    assert "huleedu up" in capsys.readouterr().err
