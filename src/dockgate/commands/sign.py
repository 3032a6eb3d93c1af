"""``dockgate keygen | sign | verify | attest | verify-attestation``: glue between the command
line and :mod:`dockgate.sign` (read arguments, call the package, format, choose the exit code).

Exit codes: 0 success (verification: at least one valid signature/attestation), 1 verification
failed, 2 the command could not run (bad input, unreachable registry, wrong passphrase...).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dockgate.fsutil import atomic_write
from dockgate.errors import UsageError
from dockgate.output import write_output


def _keys(paths: list[str]) -> list[Any]:
    from dockgate.sign.keys import load_public_key

    if not paths:
        raise UsageError("give at least one --key")
    return [load_public_key(path) for path in paths]


def _load_public(path: str) -> Any:
    from dockgate.sign.keys import load_public_key

    return load_public_key(path)


def _transport(args: argparse.Namespace) -> Any:
    from dockgate.registry.options import transport_options_from_args

    return transport_options_from_args(args)


def _private_key(path: str) -> Any:
    from dockgate.sign.keys import load_private_key, read_key_file
    from dockgate.sign.passphrase import read_passphrase

    read_key_file(path)  # a missing file fails before any prompt
    return load_private_key(path, read_passphrase(confirm=False))


def _emit(args: argparse.Namespace, document: dict[str, Any], text: str) -> None:
    data = json.dumps(document, indent=2) + "\n" if args.format == "json" else text
    write_output(data, args.output)


# --- keygen -----------------------------------------------------------------------------


def run_keygen(args: argparse.Namespace) -> int:
    from dockgate.sign.keys import encrypt_private_key, generate_private_key, public_key_pem
    from dockgate.sign.passphrase import read_passphrase

    prefix = Path(args.key_prefix)
    private_path, public_path = prefix.with_name(prefix.name + ".key"), prefix.with_name(prefix.name + ".pub")
    if not prefix.parent.is_dir():
        raise UsageError(f"cannot write keys: directory {prefix.parent} does not exist")
    for path in (private_path, public_path):
        if path.exists() and not args.force:
            raise UsageError(f"{path} already exists (use --force to overwrite)")
    passphrase = read_passphrase(confirm=True)
    key = generate_private_key()
    _write_file(private_path, encrypt_private_key(key, passphrase), 0o600)
    _write_file(public_path, public_key_pem(key), 0o644)
    _emit(
        args,
        {"privateKey": str(private_path), "publicKey": str(public_path), "algorithm": "ecdsa-p256-sha256"},
        f"Private key written to {private_path}\nPublic key written to {public_path}\n",
    )
    return 0


def _write_file(path: Path, data: bytes, mode: int) -> None:
    try:
        atomic_write(path, data, mode)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


# --- sign -------------------------------------------------------------------------------


def _annotations(pairs: list[str]) -> dict[str, str] | None:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"-a {pair!r}: expected KEY=VALUE")
        out[key] = value
    return out or None


def run_sign(args: argparse.Namespace) -> int:
    from dockgate.sign.signing import signature_layer
    from dockgate.sign.target import open_target

    optional = _annotations(args.annotation)
    key = _private_key(args.key)
    with open_target(args.image, _transport(args)) as target:
        reference = args.reference or target.identity
        layer = signature_layer(key, reference, target.digest, optional)
        where = target.add_signature(layer)
    _emit(
        args,
        {"image": args.image, "manifestDigest": target.digest, "dockerReference": reference, "storedAt": where},
        f"Signed {target.digest} as {reference}\nSignature stored at {where}\n",
    )
    return 0


# --- verify -----------------------------------------------------------------------------


def run_verify(args: argparse.Namespace) -> int:
    from dockgate.sign.target import open_target
    from dockgate.sign.verify import verify_entries

    keys = _keys(args.key)
    rekor_keys = [_load_public(path) for path in args.rekor_key]
    with open_target(args.image, _transport(args)) as target:
        entries = target.signature_entries()
        result = verify_entries(args.image, target.digest, entries, keys, args.reference, rekor_keys)
    document = {
        "image": result.image,
        "manifestDigest": result.manifest_digest,
        "verified": result.ok,
        "reason": result.reason(),
        "signatures": [
            {
                "dockerReference": v.docker_reference,
                "manifestDigest": v.manifest_digest,
                "key": v.key,
                "source": v.source,
                "optional": v.optional,
                **({"rekor": {"integratedTime": v.log_entry.integrated_time, "logIndex": v.log_entry.log_index, "logID": v.log_entry.log_id}} if v.log_entry else {}),
            }
            for v in result.verified
        ],
        "rejected": [{"source": r.source, "reason": r.reason} for r in result.rejected],
    }
    lines = [f"Verified: {v.docker_reference} ({v.manifest_digest}) signed by {v.key}" for v in result.verified]
    lines += [f"Rejected: {r.source}: {r.reason}" for r in result.rejected]
    lines.append(("OK: " if result.ok else "FAILED: ") + result.reason())
    _emit(args, document, "\n".join(lines) + "\n")
    if not result.ok:
        print(f"dockgate: verification failed: {result.reason()}", file=sys.stderr)
        return 1
    return 0


# --- attest / verify-attestation ---------------------------------------------------------


def _read_predicate(path: str) -> bytes:
    from dockgate.errors import InputError
    from dockgate.sign.attest import MAX_PREDICATE_BYTES

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PREDICATE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such predicate file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read predicate ({exc.strerror})") from None
    if len(data) > MAX_PREDICATE_BYTES:
        raise InputError(f"{path}: predicate larger than {MAX_PREDICATE_BYTES} bytes")
    return data


def run_attest(args: argparse.Namespace) -> int:
    from dockgate.sign.attest import attestation_layer, make_statement, predicate_type_uri
    from dockgate.sign.target import open_target

    predicate = _read_predicate(args.predicate)
    uri = predicate_type_uri(args.type)
    key = _private_key(args.key)
    with open_target(args.image, _transport(args)) as target:
        subject = args.subject_name or target.identity
        statement = make_statement(args.type, predicate, subject, target.digest, args.predicate)
        where = target.add_attestation(attestation_layer(key, statement))
    _emit(
        args,
        {"image": args.image, "manifestDigest": target.digest, "predicateType": uri, "subject": subject, "storedAt": where},
        f"Attested {target.digest} ({uri}) as {subject}\nAttestation stored at {where}\n",
    )
    return 0


def run_verify_attestation(args: argparse.Namespace) -> int:
    from dockgate.sign.attest import VerifiedAttestation, predicate_type_uri, verify_attestation
    from dockgate.sign.target import open_target

    keys = _keys(args.key)
    wanted = predicate_type_uri(args.type) if args.type else None
    with open_target(args.image, _transport(args)) as target:
        outcomes = [verify_attestation(layer, keys, target.digest, wanted) for layer in target.attestation_entries()]
    verified = [o for o in outcomes if isinstance(o, VerifiedAttestation)]
    rejected = [o for o in outcomes if not isinstance(o, VerifiedAttestation)]
    if verified:
        reason = f"{len(verified)} valid attestation(s) for {target.digest}: " + ", ".join(sorted({v.predicate_type for v in verified}))
    elif not rejected:
        reason = f"no attestations found for {target.digest}"
    else:
        reason = f"no valid attestation for {target.digest}: {len(rejected)} rejected (" + "; ".join(sorted({r.reason for r in rejected})) + ")"
    document = {
        "image": args.image,
        "manifestDigest": target.digest,
        "verified": bool(verified),
        "reason": reason,
        "attestations": [
            {"predicateType": v.predicate_type, "subjects": v.subjects, "key": v.key, "source": v.source, "statement": v.statement} for v in verified
        ],
        "rejected": [{"source": r.source, "reason": r.reason} for r in rejected],
    }
    lines = [f"Verified: {v.predicate_type} for {', '.join(v.subjects)} signed by {v.key}" for v in verified]
    lines += [f"Rejected: {r.source}: {r.reason}" for r in rejected]
    lines.append(("OK: " if verified else "FAILED: ") + reason)
    _emit(args, document, "\n".join(lines) + "\n")
    if not verified:
        print(f"dockgate: verification failed: {reason}", file=sys.stderr)
        return 1
    return 0
