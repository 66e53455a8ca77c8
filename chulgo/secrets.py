"""Secrets of the channel APIs: from an environment variable, else the OS credential store (keyring: Windows
Credential Manager, macOS Keychain). Never from settings.toml, never printed or logged."""

from __future__ import annotations

import os

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from chulgo.model import ChulgoError

SERVICE = "chulgo"


def secret(env_var: str, name: str) -> str:
    """The secret in ``env_var``, else the credential store's entry ``name`` ('' when neither has it)."""
    value = os.environ.get(env_var, "") if env_var else ""
    if value:
        return value.strip()
    try:
        return keyring.get_password(SERVICE, name) or ""
    except keyring.errors.KeyringError:
        return ""


def store(name: str, value: str) -> None:
    """Keep ``value`` in the credential store (a Cafe24 refresh token: replaced on every refresh)."""
    try:
        keyring.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as e:
        raise ChulgoError(f"자격 증명 저장소에 '{name}'을(를) 저장하지 못했습니다 ({e}). Windows에서는 자격 증명 관리자가 "
                          "켜져 있는지 확인하세요.") from None


def missing_secret(what: str, env_var: str, name: str) -> ChulgoError:
    """The Korean message for a secret that is nowhere: where to put it."""
    return ChulgoError(f"{what}이(가) 없습니다. 환경변수 {env_var} 에 넣거나, 한 번만 "
                       f"'uv run python -m keyring set {SERVICE} {name}' 으로 자격 증명 저장소에 넣으세요 "
                       "(settings.toml에는 적지 마세요).")


class MemoryKeyring(KeyringBackend):
    """A credential store that lives in this process only: the demo and the tests (never a seller's run)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)
