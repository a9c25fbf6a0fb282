"""JWT verification: valid tokens, and every way a token can be refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.api_gateway_service.domain.tokens import (
    InvalidTokenError,
    TokenVerifier,
    bearer_token,
    mint_token,
)

SECRET = "unit-test-secret-0123456789abcdefghij"


def hs256_verifier(**overrides: object) -> TokenVerifier:
    values: dict[str, object] = {
        "algorithm": "HS256",
        "issuer": "huleedu",
        "audience": "huleedu-api",
    }
    values.update(overrides)
    return TokenVerifier(SECRET, **values)  # type: ignore[arg-type]


def reason_for(verifier: TokenVerifier, token: str | None) -> str:
    with pytest.raises(InvalidTokenError) as refused:
        verifier.verify(token)
    return refused.value.reason


def test_valid_token_gives_the_user_of_sub() -> None:
    now = datetime.now(UTC)
    user = hs256_verifier().verify(mint_token("teacher-1", key=SECRET, now=now))

    assert user.user_id == "teacher-1"
    assert user.expires_at == datetime.fromtimestamp(
        int((now + timedelta(hours=12)).timestamp()), UTC
    )


@pytest.mark.parametrize(
    ("token_kwargs", "reason"),
    [
        ({"ttl": timedelta(seconds=-30)}, "token has expired"),
        ({"issuer": "someone-else"}, "token has the wrong issuer"),
        ({"audience": "another-api"}, "token has the wrong audience"),
        ({"key": "a-different-secret-0123456789abcdefgh"}, "token signature is invalid"),
    ],
)
def test_refused_tokens(token_kwargs: dict[str, object], reason: str) -> None:
    kwargs: dict[str, object] = {"key": SECRET, **token_kwargs}
    token = mint_token("teacher-1", **kwargs)  # type: ignore[arg-type]

    assert reason_for(hs256_verifier(), token) == reason


def test_leeway_accepts_a_token_that_just_expired() -> None:
    token = mint_token("teacher-1", key=SECRET, ttl=timedelta(seconds=-2))

    assert hs256_verifier(leeway_seconds=10).verify(token).user_id == "teacher-1"


@pytest.mark.parametrize("missing", ["exp", "iss", "aud", "sub"])
def test_every_required_claim_is_required(missing: str) -> None:
    claims = {"sub": "t", "iss": "huleedu", "aud": "huleedu-api", "exp": 4102444800}
    del claims[missing]
    token = jwt.encode(claims, SECRET, algorithm="HS256")

    assert reason_for(hs256_verifier(), token) == f"token lacks the {missing!r} claim"


@pytest.mark.parametrize("token", [None, "", "not.a.jwt", "abc"])
def test_missing_or_malformed(token: str | None) -> None:
    reason = reason_for(hs256_verifier(), token)

    assert reason in {"missing bearer token", "token is malformed or uses the wrong algorithm"}


def test_blank_subject_is_refused() -> None:
    claims = {"sub": " ", "iss": "huleedu", "aud": "huleedu-api", "exp": 4102444800}

    assert reason_for(hs256_verifier(), jwt.encode(claims, SECRET)) == "token has no user (sub)"


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_rs256_with_the_public_key(rsa_keys: tuple[str, str]) -> None:
    private, public = rsa_keys
    verifier = TokenVerifier(public, algorithm="RS256", issuer="huleedu", audience="huleedu-api")

    assert verifier.verify(mint_token("t-9", key=private, algorithm="RS256")).user_id == "t-9"


def test_rs256_verifier_refuses_hs256_tokens(rsa_keys: tuple[str, str]) -> None:
    # The algorithm-confusion attack: an HS256 token "signed" with the public key.
    _private, public = rsa_keys
    verifier = TokenVerifier(public, algorithm="RS256", issuer="huleedu", audience="huleedu-api")
    forged = jwt.encode(
        {"sub": "t", "iss": "huleedu", "aud": "huleedu-api", "exp": 4102444800},
        "a-secret-that-is-not-the-key-0123456789",
        algorithm="HS256",
    )

    assert reason_for(verifier, forged) == "token is malformed or uses the wrong algorithm"


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def", "abc.def"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        (None, None),
    ],
)
def test_bearer_token(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


def test_a_remembered_token_is_still_refused_once_expired() -> None:
    now = [datetime.now(UTC).timestamp()]
    verifier = TokenVerifier(
        SECRET, algorithm="HS256", issuer="huleedu", audience="huleedu-api", clock=lambda: now[0]
    )
    token = mint_token("teacher-1", key=SECRET, ttl=timedelta(seconds=60))
    assert verifier.verify(token).user_id == "teacher-1"
    assert verifier.verify(token).user_id == "teacher-1"  # from the cache

    now[0] += 61

    assert reason_for(verifier, token) == "token has expired"


def test_the_cache_is_bounded() -> None:
    verifier = TokenVerifier(
        SECRET, algorithm="HS256", issuer="huleedu", audience="huleedu-api", cache_size=2
    )
    tokens = [mint_token(f"t-{n}", key=SECRET) for n in range(3)]

    users = [verifier.verify(token).user_id for token in tokens]

    assert users == ["t-0", "t-1", "t-2"]
    assert list(verifier._verified) == tokens[1:]
