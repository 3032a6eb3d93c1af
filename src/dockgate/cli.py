"""Command line: parse arguments, call the package that does the work, map errors to exit codes.

Exit codes everywhere: 0 clean, 1 findings at or above the threshold, 2 usage or input error.
Each subcommand is declared by one ``_add_<name>`` function below; the work itself lives in
the concern's package and is imported lazily, so ``dockgate --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
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
        help="docker-archive:PATH, oci-archive:PATH, oci:DIR[:TAG], rootfs:DIR, or a path (type detected)",
    )
    parser.add_argument("--platform", default=None, help="os/arch[/variant] to pick from a multi-platform index (default linux/amd64)")
    parser.add_argument("--max-file-size", type=_size, default=None, metavar="BYTES", help="largest single file read from a layer (default 512M)")


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


def _add_sbom(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sbom", help="inventory every package in an image (SBOM)")
    _image_options(p)
    _common(p, ["table", "json", "cyclonedx", "spdx"], "table")
    p.set_defaults(handler=_run_sbom)


def _run_sbom(args: argparse.Namespace) -> int:
    from dockgate.commands.sbom import run_sbom

    return run_sbom(args)


# ----------------------------------------------------------------------------------------

COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_sbom,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dockgate",
        description="Container deployment security: SBOM, vulnerabilities, secrets, config checks, signing, policy.",
    )
    parser.add_argument("--version", action="version", version=f"dockgate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
