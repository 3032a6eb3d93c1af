"""Fuzz-style: thousands of random mutations of a valid signature and payload; none accepted,
and nothing raised but the expected error types."""

from __future__ import annotations

import base64
import binascii
import random
from pathlib import Path

from dockgate.errors import InputError
from dockgate.sign.cosign_layout import SIGNATURE_ANNOTATION, Layer
from dockgate.sign.dir_layout import encode_signature_file, parse_signature_file
from dockgate.sign.keys import sign_bytes
from dockgate.sign.payload import SIMPLE_SIGNING_MEDIA_TYPE
from dockgate.sign.signing import signature_layer
from dockgate.sign.verify import Rejection, VerifiedSignature, verify_entry
from sign_helpers import make_key_pair

DIGEST = "sha256:" + "ab" * 32
B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n !-_"


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    choice = rng.randrange(5)
    if choice == 0 and data:  # flip bits
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif choice == 1:  # truncate
        del data[rng.randrange(len(data) + 1) :]
    elif choice == 2:  # insert random bytes
        at = rng.randrange(len(data) + 1)
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    elif choice == 3 and data:  # overwrite a span
        at = rng.randrange(len(data))
        for i in range(at, min(len(data), at + rng.randint(1, 16))):
            data[i] = rng.randrange(256)
    else:  # duplicate a span
        at = rng.randrange(len(data) + 1)
        data[at:at] = data[at : at + rng.randint(1, 32)]
    return bytes(data)


def _mutate_text(rng: random.Random, text: str) -> str:
    chars = list(text)
    choice = rng.randrange(4)
    if choice == 0 and chars:
        chars[rng.randrange(len(chars))] = rng.choice(B64_ALPHABET)
    elif choice == 1:
        del chars[rng.randrange(len(chars) + 1) :]
    elif choice == 2:
        at = rng.randrange(len(chars) + 1)
        chars[at:at] = [rng.choice(B64_ALPHABET) for _ in range(rng.randint(1, 6))]
    else:
        return "".join(rng.choice(B64_ALPHABET) for _ in range(rng.randint(0, 120)))
    return "".join(chars)


def _decoded(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def test_mutated_signatures_and_payloads_are_never_accepted(tmp_path: Path) -> None:
    rng = random.Random(20261127)
    pair = make_key_pair(tmp_path)
    keys = [pair.public_key()]
    good = signature_layer(pair.key, "reg.example/app", DIGEST)
    good_signature = base64.b64decode(good.annotations[SIGNATURE_ANNOTATION])
    assert isinstance(verify_entry(good, keys, DIGEST), VerifiedSignature)
    tried = 0
    for _ in range(4000):
        kind = rng.randrange(4)
        payload, annotation, media_type = good.blob, good.annotations[SIGNATURE_ANNOTATION], good.media_type
        if kind == 0:
            payload = _mutate_bytes(rng, payload)
        elif kind == 1:
            annotation = _mutate_text(rng, annotation)
        elif kind == 2:
            annotation = base64.b64encode(_mutate_bytes(rng, good_signature)).decode()
        else:
            payload = _mutate_bytes(rng, payload)
            annotation = _mutate_text(rng, annotation)
        if payload == good.blob and _decoded(annotation) == good_signature and media_type == good.media_type:
            continue  # not a mutation (e.g. base64 padding bits that decode to the same bytes)
        tried += 1
        outcome = verify_entry(Layer(media_type, payload, {SIGNATURE_ANNOTATION: annotation}), keys, DIGEST)
        assert isinstance(outcome, Rejection), (payload, annotation)
    assert tried > 3500


def test_validly_signed_garbage_payloads_never_bind_another_digest(tmp_path: Path) -> None:
    """The signer signs a mutated payload: the strict parser decides; it may only accept a
    well-formed payload that binds exactly the image digest, and never raises."""
    rng = random.Random(7)
    pair = make_key_pair(tmp_path)
    keys = [pair.public_key()]
    good = signature_layer(pair.key, "reg.example/app", DIGEST)
    for _ in range(1500):
        payload = _mutate_bytes(rng, good.blob)
        layer = Layer(SIMPLE_SIGNING_MEDIA_TYPE, payload, {SIGNATURE_ANNOTATION: base64.b64encode(sign_bytes(pair.key, payload)).decode()})
        outcome = verify_entry(layer, keys, DIGEST)
        if isinstance(outcome, VerifiedSignature):
            assert outcome.manifest_digest == DIGEST
            assert DIGEST.encode() in payload and b"cosign container image signature" in payload


def test_mutated_dir_signature_files(tmp_path: Path) -> None:
    rng = random.Random(99)
    pair = make_key_pair(tmp_path)
    keys = [pair.public_key()]
    good = signature_layer(pair.key, "reg.example/app", DIGEST)
    encoded = encode_signature_file(good)
    accepted = 0
    for _ in range(2000):
        data = _mutate_bytes(rng, encoded)
        entry = parse_signature_file(data, "fuzz")
        outcome = verify_entry(entry, keys, DIGEST)
        if isinstance(outcome, VerifiedSignature):
            # only JSON-level no-ops survive: the same payload bytes and signature bytes
            assert isinstance(entry, Layer) and entry.blob == good.blob
            assert _decoded(entry.annotations[SIGNATURE_ANNOTATION]) == base64.b64decode(good.annotations[SIGNATURE_ANNOTATION])
            accepted += 1
    assert accepted < 100


def test_hostile_key_and_manifest_parsers_raise_only_input_errors(tmp_path: Path) -> None:
    from dockgate.sign.cosign_layout import build_manifest, parse_manifest_layers
    from dockgate.sign.keys import decrypt_private_key, encrypt_private_key, parse_public_key, public_key_pem

    rng = random.Random(3)
    pair = make_key_pair(tmp_path)
    private_pem = encrypt_private_key(pair.key, b"", scrypt_n=2)
    public_pem = public_key_pem(pair.key)
    manifest = build_manifest([signature_layer(pair.key, "r/a", DIGEST)]).manifest
    for _ in range(600):
        for parse in (
            lambda: decrypt_private_key(_mutate_bytes(rng, private_pem), b""),
            lambda: parse_public_key(_mutate_bytes(rng, public_pem), "fuzz"),
            lambda: parse_manifest_layers(_mutate_bytes(rng, manifest), "fuzz"),
        ):
            try:
                parse()
            except InputError:
                pass
