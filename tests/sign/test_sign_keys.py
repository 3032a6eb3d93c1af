"""cosign's key formats: the cosign-generated encrypted key, what keygen writes, bad keys."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from dockgate.errors import InputError, UsageError
from dockgate.sign.keys import (
    PEM_ENCRYPTED_LABELS,
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
    load_private_key,
    parse_public_key,
    public_key_pem,
    sign_bytes,
)
from dockgate.sign.passphrase import read_passphrase


def _document(pem: bytes) -> dict:
    lines = pem.decode().strip().splitlines()
    assert lines[0] == "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"
    assert lines[-1] == "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----"
    assert all(len(line) <= 64 for line in lines[1:-1])
    return json.loads(base64.b64decode("".join(lines[1:-1])))


@pytest.mark.shared
def test_reads_the_cosign_generated_key(shared_dir: Path) -> None:
    key = load_private_key(shared_dir / "conformance/cosign/keys/cosign-generated.key", b"")
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    public = parse_public_key(public_key_pem(key), "derived")
    assert public.verify(sign_bytes(key, b"data"), b"data")
    assert not public.verify(sign_bytes(key, b"data"), b"other data")


@pytest.mark.shared
def test_cosign_generated_key_with_wrong_passphrase(shared_dir: Path) -> None:
    with pytest.raises(InputError, match="wrong passphrase"):
        load_private_key(shared_dir / "conformance/cosign/keys/cosign-generated.key", b"not-empty")


def test_written_key_has_cosigns_format() -> None:
    key = generate_private_key()
    pem = encrypt_private_key(key, b"pw")
    document = _document(pem)
    assert list(document) == ["kdf", "cipher", "ciphertext"]
    assert document["kdf"]["name"] == "scrypt"
    assert document["kdf"]["params"] == {"N": 65536, "r": 8, "p": 1}
    assert len(base64.b64decode(document["kdf"]["salt"])) == 32
    assert document["cipher"]["name"] == "nacl/secretbox"
    assert len(base64.b64decode(document["cipher"]["nonce"])) == 24
    # PKCS#8 DER of a P-256 key (138 bytes) plus the 16-byte Poly1305 tag
    assert len(base64.b64decode(document["ciphertext"])) == 138 + 16
    again = decrypt_private_key(pem, b"pw")
    assert again.private_numbers() == key.private_numbers()


def test_each_encryption_uses_fresh_salt_and_nonce() -> None:
    key = generate_private_key()
    first, second = (_document(encrypt_private_key(key, b"pw", scrypt_n=1024)) for _ in range(2))
    assert first["kdf"]["salt"] != second["kdf"]["salt"]
    assert first["cipher"]["nonce"] != second["cipher"]["nonce"]


def test_older_cosign_label_is_read() -> None:
    key = generate_private_key()
    pem = encrypt_private_key(key, b"", scrypt_n=1024).replace(b"SIGSTORE", b"COSIGN")
    assert PEM_ENCRYPTED_LABELS[1] in pem.decode()
    assert decrypt_private_key(pem, b"").private_numbers() == key.private_numbers()


def _corrupt(pem: bytes, change) -> bytes:
    lines = pem.decode().strip().splitlines()
    document = json.loads(base64.b64decode("".join(lines[1:-1])))
    change(document)
    body = base64.b64encode(json.dumps(document).encode()).decode()
    return f"{lines[0]}\n{body}\n{lines[-1]}\n".encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["kdf"].update(name="pbkdf2"), "unsupported key derivation"),
        (lambda d: d["cipher"].update(name="aes"), "unsupported cipher"),
        (lambda d: d["kdf"]["params"].update(N=1000), "invalid scrypt parameters"),
        (lambda d: d["kdf"]["params"].update(N=1 << 30), "safety bound"),
        (lambda d: d["kdf"]["params"].update(p=1 << 20), "safety bound"),
        (lambda d: d["kdf"]["params"].update(r="8"), "not a int"),
        (lambda d: d["cipher"].update(nonce="AAAA"), "nonce"),
        (lambda d: d.update(ciphertext="!!!"), "not base64"),
        (lambda d: d.pop("ciphertext"), "ciphertext"),
        (lambda d: d.update(ciphertext=d["ciphertext"][:-8] + "AAAAAAA="), "wrong passphrase"),
    ],
)
def test_corrupt_key_documents(change, message: str) -> None:
    pem = encrypt_private_key(generate_private_key(), b"pw", scrypt_n=1024)
    with pytest.raises(InputError, match=message):
        decrypt_private_key(_corrupt(pem, change), b"pw")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01binary",
        b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n",
        b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n!!!!\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
        b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGpzb24=\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
        b"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
        b"x" * 100_000,
    ],
)
def test_garbage_key_files(content: bytes) -> None:
    with pytest.raises(InputError):
        decrypt_private_key(content, b"")


def test_public_key_errors() -> None:
    with pytest.raises(InputError, match="corrupt public key"):
        parse_public_key(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "k")
    with pytest.raises(InputError, match="expected"):
        parse_public_key(encrypt_private_key(generate_private_key(), b"", scrypt_n=1024), "k")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    other = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(InputError, match="only ECDSA"):
        parse_public_key(other, "k")


def test_passphrase_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSIGN_PASSWORD", "from-cosign")
    monkeypatch.delenv("DOCKGATE_PASSWORD", raising=False)
    assert read_passphrase(confirm=False) == b"from-cosign"
    monkeypatch.setenv("DOCKGATE_PASSWORD", "")
    assert read_passphrase(confirm=True) == b""
    monkeypatch.delenv("DOCKGATE_PASSWORD")
    monkeypatch.delenv("COSIGN_PASSWORD")
    with pytest.raises(UsageError, match="DOCKGATE_PASSWORD"):
        read_passphrase(confirm=False)  # pytest's stdin is not a terminal: no hang, a clear error


def test_keygen_cli(tmp_path: Path, run_cli, password_env: str) -> None:
    prefix = tmp_path / "mykey"
    code, out, err = run_cli("keygen", "--key-prefix", prefix, "-f", "json")
    assert code == 0, err
    assert json.loads(out) == {"privateKey": f"{prefix}.key", "publicKey": f"{prefix}.pub", "algorithm": "ecdsa-p256-sha256"}
    private = Path(f"{prefix}.key")
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    key = load_private_key(private, password_env.encode())
    public = parse_public_key(Path(f"{prefix}.pub").read_bytes(), "pub")
    assert public.verify(sign_bytes(key, b"x"), b"x")
    before = private.read_bytes()
    code, _, err = run_cli("keygen", "--key-prefix", prefix)
    assert code == 2 and "already exists" in err and private.read_bytes() == before
    assert run_cli("keygen", "--key-prefix", prefix, "--force")[0] == 0
    assert private.read_bytes() != before
    code, _, err = run_cli("keygen", "--key-prefix", tmp_path / "missing-dir" / "k")
    assert code == 2 and "does not exist" in err
