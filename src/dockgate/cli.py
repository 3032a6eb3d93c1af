"""Command line: parse arguments, call the package that does the work, map errors to exit codes.

Exit codes everywhere: 0 clean, 1 findings at or above the threshold, 2 usage or input error.
Each subcommand is one :class:`Command` (name, help, a ``_configure_<name>`` function that adds
its options); only the subcommand being run is configured, and the work itself lives in the
concern's package and is imported lazily, so starting any command stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Callable, Sequence

from dockgate import __version__
from dockgate.errors import DockgateError

Handler = Callable[[argparse.Namespace], int]


def _common(parser: argparse.ArgumentParser, formats: Sequence[str], default: str) -> None:
    """Options every subcommand has: --format and -o/--output."""
    parser.add_argument("-f", "--format", choices=list(formats), default=default, help=f"output format (default: {default})")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the report to PATH instead of stdout")


def _image_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "image",
        metavar="IMAGE",
        help="docker-archive:PATH, oci-archive:PATH, oci:DIR[:TAG], rootfs:DIR, registry/repo:tag, registry/repo@sha256:..., or a path (type detected)",
    )
    parser.add_argument("--platform", default=None, help="os/arch[/variant] to pick from a multi-platform index (default linux/amd64)")
    parser.add_argument("--max-file-size", type=_size, default=None, metavar="BYTES", help="largest single file read from a layer (default 512M)")
    _signing_registry_options(parser)


def _size(text: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.strip().lower().removesuffix("b").removesuffix("i")
    try:
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}") from None


# --- sbom -------------------------------------------------------------------------------


def _configure_sbom(p: argparse.ArgumentParser) -> None:
    _image_options(p)
    _common(p, ["table", "json", "cyclonedx", "spdx"], "table")
    p.set_defaults(handler=_run_sbom)


def _run_sbom(args: argparse.Namespace) -> int:
    from dockgate.commands.sbom import run_sbom

    return run_sbom(args)


# --- policy -----------------------------------------------------------------------------


def _configure_policy(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="policy_action", metavar="ACTION")
    actions.required = True
    init = actions.add_parser("init", help="write a commented starting policy with strict defaults")
    init.add_argument("--force", action="store_true", help="overwrite an existing -o file")
    _common(init, ["yaml"], "yaml")
    schema = actions.add_parser("schema", help="print the policy JSON Schema")
    _common(schema, ["json"], "json")
    check = actions.add_parser("check", help="validate a policy file (errors name the line)")
    check.add_argument("file", metavar="FILE")
    _common(check, ["text", "json"], "text")
    p.set_defaults(handler=_run_policy)


def _run_policy(args: argparse.Namespace) -> int:
    from dockgate.commands.policy import run_policy

    return run_policy(args)


# --- gate -------------------------------------------------------------------------------


def _configure_gate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", required=True, metavar="FILE", help="policy file (see `dockgate policy init`)")
    p.add_argument("--image", metavar="REF", default=None, help="image to judge (same forms as sbom, or a registry reference)")
    p.add_argument("--dockerfile", metavar="PATH", default=None, help="Dockerfile to judge")
    p.add_argument("--manifests", metavar="PATH", nargs="+", default=[], help="Kubernetes manifest files or folders")
    p.add_argument("--junit", metavar="PATH", default=None, help="also write JUnit XML here")
    p.add_argument("--sarif", metavar="PATH", default=None, help="also write SARIF here")
    p.add_argument("--json", metavar="PATH", default=None, help="also write the JSON verdict here")
    _common(p, ["text", "json", "junit", "sarif"], "text")
    p.set_defaults(handler=_run_gate)


def _run_gate(args: argparse.Namespace) -> int:
    from dockgate.commands.gate import run_gate

    return run_gate(args)


# --- serve ------------------------------------------------------------------------------


def _configure_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", required=True, metavar="FILE", help="policy file")
    p.add_argument("--listen", default="0.0.0.0:8443", metavar="HOST:PORT", help="address to listen on (default 0.0.0.0:8443)")
    p.add_argument("--tls-cert", metavar="PATH", default=None, help="PEM certificate (chain)")
    p.add_argument("--tls-key", metavar="PATH", default=None, help="PEM private key")
    p.add_argument("--dev-certs", metavar="DIR", nargs="?", const="", default=None, help="make a throwaway CA and certificate (in DIR, default a temp dir) for local use")
    p.add_argument("--cache", metavar="PATH", default=None, help="SQLite verdict cache (default ~/.cache/dockgate/admission.sqlite)")
    p.add_argument("--failure-mode", choices=["closed", "open"], default=None, help="override the policy's admission.failureMode")
    p.add_argument("--time-budget", type=float, default=None, metavar="SECONDS", help="override admission.timeBudgetSeconds")
    p.add_argument("--enable-mutate", action="store_true", help="serve POST /mutate (pin tags to digests)")
    p.add_argument("--ca-file", metavar="PEM", default=None, help="trust this CA bundle for registry HTTPS (default: the system CAs)")
    p.add_argument("--insecure-http", action="store_true", help="talk plain HTTP to registries")
    p.add_argument("--registry-timeout", type=float, default=5.0, metavar="SECONDS", help="network timeout per registry read (default 5)")
    _common(p, ["json"], "json")
    p.set_defaults(handler=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    from dockgate.commands.serve import run_serve

    return run_serve(args)


# --- keygen / sign / verify / attest / verify-attestation (cosign-compatible) -----------


def _signing_registry_options(parser: argparse.ArgumentParser) -> None:
    """The options of dockgate.registry.options.add_registry_arguments, declared here so that
    building the parser does not import the registry client (keeps --help fast)."""
    group = parser.add_argument_group("registry")
    group.add_argument("--ca-file", metavar="PEM", default=None, help="trust this CA bundle for registry HTTPS")
    group.add_argument("--insecure-http", action="store_true", help="talk plain HTTP to the registry (loopback needs no flag)")
    group.add_argument("--registry-timeout", type=float, default=60.0, metavar="SECONDS", help="network timeout per registry read (default 60)")


def _configure_keygen(keygen: argparse.ArgumentParser) -> None:
    keygen.add_argument("--key-prefix", default="cosign", metavar="PATH", help="write PATH.key and PATH.pub (default: cosign)")
    keygen.add_argument("--force", action="store_true", help="overwrite existing key files")
    _common(keygen, ["text", "json"], "text")
    keygen.set_defaults(handler=_run_signing)


def _configure_sign(sign: argparse.ArgumentParser) -> None:
    sign.add_argument("image", metavar="IMAGE", help="registry/repo:tag, registry/repo@sha256:..., oci:DIR[:TAG] or dir:PATH")
    sign.add_argument("--key", required=True, metavar="KEY", help="cosign private key (passphrase from DOCKGATE_PASSWORD or COSIGN_PASSWORD, or a prompt)")
    sign.add_argument("--reference", metavar="REF", default=None, help="docker-reference to put in the payload (default: the image's repository)")
    sign.add_argument("-a", "--annotation", action="append", default=[], metavar="KEY=VALUE", help="extra claim in the payload's optional section")
    _signing_registry_options(sign)
    _common(sign, ["text", "json"], "text")
    sign.set_defaults(handler=_run_signing)


def _configure_verify(verify: argparse.ArgumentParser) -> None:
    verify.add_argument("image", metavar="IMAGE", help="registry/repo:tag, registry/repo@sha256:..., oci:DIR[:TAG] or dir:PATH")
    verify.add_argument("--key", action="append", default=[], metavar="KEY", help="trusted public key (PEM); repeat for several keys")
    verify.add_argument("--reference", metavar="REF", default=None, help="also require the signed docker-reference to be exactly REF")
    verify.add_argument("--rekor-key", action="append", default=[], metavar="KEY", help="also require a Rekor bundle (transparency log entry) signed by this Rekor public key")
    _signing_registry_options(verify)
    _common(verify, ["text", "json"], "text")
    verify.set_defaults(handler=_run_signing)


def _configure_attest(attest: argparse.ArgumentParser) -> None:
    attest.add_argument("image", metavar="IMAGE", help="registry/repo:tag, registry/repo@sha256:... or oci:DIR[:TAG]")
    attest.add_argument("--key", required=True, metavar="KEY", help="cosign private key (passphrase from DOCKGATE_PASSWORD or COSIGN_PASSWORD, or a prompt)")
    attest.add_argument("--type", required=True, choices=["cyclonedx", "vuln"], help="predicate type")
    attest.add_argument("--predicate", required=True, metavar="FILE", help="predicate JSON (CycloneDX SBOM, or cosign vuln predicate)")
    attest.add_argument("--subject-name", metavar="NAME", default=None, help="subject name in the statement (default: the image's repository)")
    _signing_registry_options(attest)
    _common(attest, ["text", "json"], "text")
    attest.set_defaults(handler=_run_signing)


def _configure_verify_attestation(verify_att: argparse.ArgumentParser) -> None:
    verify_att.add_argument("image", metavar="IMAGE", help="registry/repo:tag, registry/repo@sha256:... or oci:DIR[:TAG]")
    verify_att.add_argument("--key", action="append", default=[], metavar="KEY", help="trusted public key (PEM); repeat for several keys")
    verify_att.add_argument("--type", choices=["cyclonedx", "vuln"], default=None, help="require this predicate type")
    _signing_registry_options(verify_att)
    _common(verify_att, ["text", "json"], "text")
    verify_att.set_defaults(handler=_run_signing)


def _run_signing(args: argparse.Namespace) -> int:
    from dockgate.commands import sign

    return getattr(sign, "run_" + args.command.replace("-", "_"))(args)


# --- k8s --------------------------------------------------------------------------------


def _configure_k8s(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", metavar="PATH", nargs="+", help="manifest files (YAML/JSON), folders (recursive) or - for stdin")
    p.add_argument("--pss-level", default="restricted", choices=["baseline", "restricted"], help="Pod Security Standards level (default restricted)")
    p.add_argument("--pss-version", default="latest", metavar="vMAJOR.MINOR", help="Pod Security admission version whose semantics apply, e.g. v1.25 (default latest)")
    p.add_argument("--select", action="append", default=None, metavar="RULES", help="run only these rule ids or prefixes (comma-separated; 'pss' = Pod Security only)")
    p.add_argument("--ignore", action="append", default=None, metavar="RULES", help="skip these rule ids or prefixes (comma-separated)")
    p.add_argument("--fail-on", default="low", metavar="SEVERITY", help="exit 1 when a finding is at or above SEVERITY (default low)")
    _common(p, ["table", "json", "sarif"], "table")
    p.set_defaults(handler=_run_k8s)


def _run_k8s(args: argparse.Namespace) -> int:
    from dockgate.commands.k8s import run_k8s

    return run_k8s(args)


# --- db / scan (vulnerabilities) -------------------------------------------------------


def _configure_db(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="db_action", metavar="ACTION")
    actions.required = True
    update = actions.add_parser("update", help="download OSV data and rebuild the database atomically")
    update.add_argument("--mirror", metavar="URL|PATH", default=None, help="http(s) base URL or local path laid out as <Ecosystem>/all.zip, a single zip, or a folder of OSV JSON (default: the public OSV bucket)")
    update.add_argument("--ecosystem", action="append", metavar="NAME", help="only this ecosystem (repeatable; default: every one the mirror lists)")
    update.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="network timeout per request (default 30)")
    update.add_argument("--retries", type=int, default=3, metavar="N", help="retries for a failed download (default 3)")
    update.add_argument("--db", metavar="PATH", default=None, help="database file (default $DOCKGATE_DB or ~/.cache/dockgate/vulndb.sqlite)")
    _common(update, ["text", "json"], "text")
    status = actions.add_parser("status", help="sources, record counts per ecosystem, build time")
    status.add_argument("--db", metavar="PATH", default=None, help="database file (default $DOCKGATE_DB or ~/.cache/dockgate/vulndb.sqlite)")
    _common(status, ["text", "json"], "text")
    p.set_defaults(handler=_run_db)


def _run_db(args: argparse.Namespace) -> int:
    from dockgate.commands.db import run_db

    return run_db(args)


def _configure_scan(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="TARGET", help="an image (same forms as sbom) or a CycloneDX/SPDX JSON SBOM file")
    p.add_argument("--platform", default=None, help="os/arch[/variant] to pick from a multi-platform index (default linux/amd64)")
    p.add_argument("--max-file-size", type=_size, default=None, metavar="BYTES", help="largest single file read from a layer (default 512M)")
    p.add_argument("--db", metavar="PATH", default=None, help="database file (default $DOCKGATE_DB or ~/.cache/dockgate/vulndb.sqlite)")
    p.add_argument("--scanners", default="vuln,secret", metavar="LIST", help="comma-separated: vuln, secret, config (default vuln,secret)")
    p.add_argument("--severity", default=None, metavar="LIST", help="only report these severities, e.g. HIGH,CRITICAL (default all)")
    p.add_argument("--ignore-unfixed", action="store_true", help="hide vulnerabilities without a fixed version")
    p.add_argument("--exit-code", type=int, default=1, metavar="N", help="exit code when reported findings remain (default 1; 0 to never fail)")
    p.add_argument("--ignorefile", metavar="PATH", default=None, help="YAML ignore file (default ./.dockgateignore when present)")
    p.add_argument("--vex", action="append", metavar="FILE", help="OpenVEX document; not_affected/fixed statements suppress findings (repeatable)")
    _signing_registry_options(p)
    _common(p, ["table", "json", "sarif", "cyclonedx"], "table")
    p.set_defaults(handler=_run_scan)


def _run_scan(args: argparse.Namespace) -> int:
    from dockgate.commands.scan import run_scan

    return run_scan(args)


# --- secrets ----------------------------------------------------------------------------


def _configure_secrets(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="directory (walked without following symlinks), file, or docker-archive:/oci-archive:/oci: image")
    p.add_argument("--max-file-size", type=_size, default=None, metavar="BYTES", help="skip files larger than this (default 10M)")
    p.add_argument("--allowlist", metavar="YAML", default=None, help="allow-list file (values, patterns, paths, rules) added to the defaults")
    p.add_argument("--no-risky-files", action="store_true", help="only secrets: skip setuid, world-writable and key-permission checks")
    p.add_argument("--severity-threshold", default="low", metavar="SEVERITY", help="exit 1 when a finding is at or above SEVERITY (default low)")
    _common(p, ["table", "json", "sarif"], "table")
    p.set_defaults(handler=_run_secrets)


def _run_secrets(args: argparse.Namespace) -> int:
    from dockgate.commands.secrets import run_secrets

    return run_secrets(args)


# --- lint (Dockerfile) / rules ----------------------------------------------------------


def _configure_lint(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Check Dockerfiles with Docker's own parser. Exit codes: 0 no finding at or above the "
        "threshold, 1 findings at or above --severity-threshold, 2 a file could not be read or parsed "
        "(the other files are still checked). Suppress one finding with a comment on the line(s) right "
        "above the instruction: '# dockgate:ignore DG-DF-012 reason'."
    )
    p.add_argument("paths", metavar="DOCKERFILE", nargs="+", help="Dockerfile(s) to check")
    p.add_argument("--select", action="append", default=None, metavar="RULES", help="run only these rule ids or prefixes (comma-separated, e.g. DG-DF-00,DG-DF-014)")
    p.add_argument("--ignore", action="append", default=None, metavar="RULES", help="skip these rule ids or prefixes (comma-separated)")
    p.add_argument("--severity-threshold", "--fail-on", dest="severity_threshold", default="low", metavar="SEVERITY", help="exit 1 when a finding is at or above SEVERITY: low, medium, high, critical (default low: any finding fails)")
    p.add_argument("--allowed-registries", action="append", default=None, metavar="HOSTS", help="comma-separated registries (or registry/path prefixes) base images may come from; docker.io is Docker Hub (default: any)")
    p.add_argument("--build-arg", action="append", default=None, metavar="NAME=VALUE", help="value for a global ARG used in FROM (repeatable)")
    p.add_argument("--target", default=None, metavar="STAGE", help="judge this stage as the final image (default: the last stage)")
    _common(p, ["table", "json", "sarif"], "table")
    p.set_defaults(handler=_run_lint)


def _run_lint(args: argparse.Namespace) -> int:
    from dockgate.commands.lint import run_lint

    return run_lint(args)


def _configure_rules(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", action="append", default=None, metavar="RULES", help="only these rule ids, prefixes or families (comma-separated)")
    p.add_argument("--ignore", action="append", default=None, metavar="RULES", help="leave out these rule ids, prefixes or families")
    _common(p, ["table", "json"], "table")
    p.set_defaults(handler=_run_rules)


def _run_rules(args: argparse.Namespace) -> int:
    from dockgate.commands.rules import run_rules

    return run_rules(args)


# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]


COMMANDS: list[Command] = [
    Command("sbom", "inventory every package in an image (SBOM)", _configure_sbom),
    Command("policy", "write, show and validate the policy file (init, schema, check)", _configure_policy),
    Command("gate", "run every check the policy asks for; one verdict, PASS or FAIL", _configure_gate),
    Command("serve", "HTTPS Kubernetes admission webhook applying the policy", _configure_serve),
    Command("keygen", "create a cosign-compatible key pair (cosign.key encrypted, cosign.pub)", _configure_keygen),
    Command("sign", "sign an image's manifest digest the way cosign does (registry, oci:DIR or dir:PATH)", _configure_sign),
    Command("verify", "verify cosign signatures; exit 0 only if one valid signature binds the image digest", _configure_verify),
    Command("attest", "attach a signed in-toto attestation (DSSE) the way cosign does", _configure_attest),
    Command("verify-attestation", "verify attestations; exit 0 only if one valid attestation binds the image digest", _configure_verify_attestation),
    Command("k8s", "check Kubernetes manifests: Pod Security Standards and best practices", _configure_k8s),
    Command("db", "vulnerability database: update from an OSV mirror, show status", _configure_db),
    Command("scan", "find known vulnerabilities in an image or an SBOM file (OSV)", _configure_scan),
    Command("secrets", "find secrets and risky files in a plain directory or file", _configure_secrets),
    Command("lint", "check Dockerfiles: base images, users, secrets, installs, multi-stage builds", _configure_lint),
    Command("rules", "list every lint rule (Dockerfile, Kubernetes, ...) with severity, rationale and fix", _configure_rules),
]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or with ``only`` one whose other subcommands are listed but not configured
    (parsing ``only``'s arguments then costs a fraction of building every subcommand)."""
    parser = argparse.ArgumentParser(
        prog="dockgate",
        description="Container deployment security: SBOM, vulnerabilities, secrets, config checks, signing, policy.",
    )
    parser.add_argument("--version", action="version", version=f"dockgate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        subparser = sub.add_parser(command.name, help=command.help)
        if only is None or command.name == only:
            command.configure(subparser)
    return parser


def _command_named(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` asks for (the first word that is not an option), if any."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if any(command.name == first for command in COMMANDS) else None


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    command = _command_named(words)
    parser = build_parser(only=command) if command is not None else build_parser()
    args = parser.parse_args(words)
    handler: Handler = args.handler
    try:
        return handler(args)
    except DockgateError as exc:
        print(f"dockgate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("dockgate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError:
        print("dockgate: error: out of memory while reading input", file=sys.stderr)
        return 2
    except Exception as exc:  # last resort: never show a traceback to the user
        if os.environ.get("DOCKGATE_DEBUG"):
            raise
        detail = " ".join(str(exc).split()) or type(exc).__name__
        print(f"dockgate: error: internal error ({type(exc).__name__}): {detail} (set DOCKGATE_DEBUG=1 for a traceback)", file=sys.stderr)
        return 2
