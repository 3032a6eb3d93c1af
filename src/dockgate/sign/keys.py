"""Signing keys in cosign's formats.

Private keys: PEM block ``ENCRYPTED SIGSTORE PRIVATE KEY`` (older cosign: ``ENCRYPTED COSIGN
PRIVATE KEY``) whose body is the JSON document of go-securesystemslib's ``encrypted`` package::

    {"kdf": {"name": "scrypt", "params": {"N": .., "r": .., "p": ..}, "salt": B64},
     "cipher": {"name": "nacl/secretbox", "nonce": B64},
     "ciphertext": B64}

The secretbox key is scrypt(passphrase, salt, N, r, p, 32 bytes); the plaintext is the PKCS#8
DER encoding of the private key. Public keys are PEM ``PUBLIC KEY`` (PKIX SubjectPublicKeyInfo).
Signatures are ECDSA with SHA-256, DER-encoded (ASN.1), as cosign makes them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from dockgate.errors import InputError

PEM_ENCRYPTED_LABELS = ("ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY")
PEM_PUBLIC_LABEL = "PUBLIC KEY"
WRITE_LABEL = PEM_ENCRYPTED_LABELS[0]

SCRYPT_N = 65536  # what current cosign writes (the conformance key uses it too)
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 32
NONCE_BYTES = SecretBox.NONCE_SIZE  # 24
KEY_BYTES = SecretBox.KEY_SIZE  # 32

# bounds on what a key file may ask of us (a hostile file must not exhaust memory or CPU)
MAX_KEY_FILE_BYTES = 64 << 10
MAX_SCRYPT_MEMORY = 512 << 20  # 128 * N * r bytes
MAX_SCRYPT_WORK = 1 << 24  # N * r * p


@dataclass(frozen=True)
class PublicKey:
    """A verification key and where it came from (for reports)."""

    key: ec.EllipticCurvePublicKey
    source: str

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` (DER ECDSA) verifies over ``data`` with SHA-256."""
        try:
            self.key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    """A new ECDSA P-256 key (cosign's default)."""
    return ec.generate_private_key(ec.SECP256R1())


def sign_bytes(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """ECDSA-SHA256 over ``data``, DER-encoded."""
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def public_key_pem(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> bytes:
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _pem(label: str, body: bytes) -> bytes:
    text = _b64(body)
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return (f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n").encode("ascii")


def _scrypt(passphrase: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(passphrase, salt=salt, n=n, r=r, p=p, maxmem=128 * n * r + (4 << 20), dklen=KEY_BYTES)


def encrypt_private_key(key: ec.EllipticCurvePrivateKey, passphrase: bytes, *, scrypt_n: int = SCRYPT_N) -> bytes:
    """The PEM text cosign writes to ``cosign.key``."""
    plaintext = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    secret = _scrypt(passphrase, salt, scrypt_n, SCRYPT_R, SCRYPT_P)
    ciphertext = SecretBox(secret).encrypt(plaintext, nonce).ciphertext
    document = {
        "kdf": {"name": "scrypt", "params": {"N": scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P}, "salt": _b64(salt)},
        "cipher": {"name": "nacl/secretbox", "nonce": _b64(nonce)},
        "ciphertext": _b64(ciphertext),
    }
    return _pem(WRITE_LABEL, json.dumps(document, separators=(",", ":")).encode())


def _pem_body(text: bytes, labels: tuple[str, ...], what: str) -> tuple[str, bytes]:
    """The label and base64-decoded body of the first PEM block whose label is in ``labels``."""
    try:
        lines = text.decode("ascii").strip().splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{what}: not a PEM file (binary content)") from None
    for start, line in enumerate(lines):
        line = line.strip()
        if line.startswith("-----BEGIN ") and line.endswith("-----"):
            label = line[len("-----BEGIN ") : -5]
            end_marker = f"-----END {label}-----"
            try:
                end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == end_marker)
            except StopIteration:
                raise InputError(f"{what}: PEM block {label!r} has no END line (truncated?)") from None
            if label not in labels:
                raise InputError(f"{what}: PEM block is {label!r}, expected {' or '.join(repr(x) for x in labels)}")
            body = "".join(l.strip() for l in lines[start + 1 : end] if ":" not in l)
            try:
                return label, base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError):
                raise InputError(f"{what}: PEM body is not valid base64") from None
    raise InputError(f"{what}: no PEM block found (expected {labels[0]!r})")


def _field(mapping: object, key: str, kind: type, what: str) -> object:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"{what}: corrupt encrypted key: field {key!r} missing or not a {kind.__name__}")
    return value


def _b64_field(mapping: object, key: str, what: str) -> bytes:
    try:
        return base64.b64decode(str(_field(mapping, key, str, what)), validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{what}: corrupt encrypted key: field {key!r} is not base64") from None


def decrypt_private_key(pem: bytes, passphrase: bytes, what: str = "private key") -> ec.EllipticCurvePrivateKey:
    """Read cosign's encrypted private key; wrong passphrase and corrupt files raise InputError."""
    if len(pem) > MAX_KEY_FILE_BYTES:
        raise InputError(f"{what}: key file larger than {MAX_KEY_FILE_BYTES} bytes; not a cosign key")
    _, body = _pem_body(pem, PEM_ENCRYPTED_LABELS, what)
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InputError(f"{what}: corrupt encrypted key: the PEM body is not JSON") from None
    kdf = _field(document, "kdf", dict, what)
    cipher = _field(document, "cipher", dict, what)
    if kdf.get("name") != "scrypt":  # type: ignore[union-attr]
        raise InputError(f"{what}: unsupported key derivation {kdf.get('name')!r} (expected scrypt)")  # type: ignore[union-attr]
    if cipher.get("name") != "nacl/secretbox":  # type: ignore[union-attr]
        raise InputError(f"{what}: unsupported cipher {cipher.get('name')!r} (expected nacl/secretbox)")  # type: ignore[union-attr]
    params = _field(kdf, "params", dict, what)
    n, r, p = (int(_field(params, name, int, what)) for name in ("N", "r", "p"))  # type: ignore[call-overload]
    if n < 2 or n & (n - 1) or r < 1 or p < 1:
        raise InputError(f"{what}: corrupt encrypted key: invalid scrypt parameters N={n} r={r} p={p}")
    if 128 * n * r > MAX_SCRYPT_MEMORY or n * r * p > MAX_SCRYPT_WORK:
        raise InputError(f"{what}: scrypt parameters N={n} r={r} p={p} exceed the safety bound; refusing")
    salt = _b64_field(kdf, "salt", what)
    nonce = _b64_field(cipher, "nonce", what)
    ciphertext = _b64_field(document, "ciphertext", what)
    if len(nonce) != NONCE_BYTES:
        raise InputError(f"{what}: corrupt encrypted key: nonce is {len(nonce)} bytes, expected {NONCE_BYTES}")
    secret = _scrypt(passphrase, salt, n, r, p)
    try:
        plaintext = SecretBox(secret).decrypt(ciphertext, nonce)
    except CryptoError:
        raise InputError(f"{what}: wrong passphrase (or the key file is corrupt): decryption failed") from None
    try:
        key = serialization.load_der_private_key(plaintext, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InputError(f"{what}: decrypted key is not a PKCS#8 private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise InputError(f"{what}: only ECDSA keys are supported (found {type(key).__name__})")
    return key


def load_private_key(path: str | Path, passphrase: bytes) -> ec.EllipticCurvePrivateKey:
    return decrypt_private_key(read_key_file(path), passphrase, str(path))


def read_key_file(path: str | Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such key file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a key file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read key ({exc.strerror})") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise InputError(f"{path}: key file larger than {MAX_KEY_FILE_BYTES} bytes; not a key")
    return data


def parse_public_key(pem: bytes, what: str) -> PublicKey:
    """A PEM ``PUBLIC KEY`` (ECDSA)."""
    _, body = _pem_body(pem, (PEM_PUBLIC_LABEL,), what)
    try:
        key = serialization.load_der_public_key(body)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InputError(f"{what}: corrupt public key (not a DER SubjectPublicKeyInfo)") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise InputError(f"{what}: only ECDSA public keys are supported (found {type(key).__name__})")
    return PublicKey(key, what)


def load_public_key(path: str | Path) -> PublicKey:
    return parse_public_key(read_key_file(path), str(path))
