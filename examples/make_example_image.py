"""Rebuild examples/images/hello.oci.tar, the small image bundled for the README's first command.

It is a real OCI archive (gzip layers, correct digests) with a Debian-style package
database, Python and npm packages at versions with known advisories, fake credentials (a
file of AWS keys, and a private key that a later layer deletes: still in the image), and a
config that runs as root. Every secret is a throwaway made for this example.
Run: python examples/make_example_image.py
"""

from __future__ import annotations

import json
from pathlib import Path

from dockgate.testing.imagebuilder import Layer, build, write_oci_archive

HERE = Path(__file__).resolve().parent

DPKG_STATUS = """\
Package: base-files
Status: install ok installed
Priority: required
Architecture: amd64
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files

Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u3
Description: GNU C Library: Shared libraries

Package: libssl3
Status: install ok installed
Priority: optional
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - shared libraries

Package: zlib1g
Status: install ok installed
Priority: optional
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Description: compression library - runtime
"""


def _throwaway_key() -> str:
    """A real Ed25519 private key from fixed bytes (so the archive is reproducible); it protects nothing."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(7, 39)))
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def dist_info(name: str, version: str) -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nLicense: Apache-2.0\n"


def main(out: Path = HERE / "images" / "hello.oci.tar") -> Path:
    base = (
        Layer(created_by="ADD rootfs.tar /")
        .dir("etc")
        .add("usr/lib/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n')
        .symlink("etc/os-release", "../usr/lib/os-release")
        .add("etc/debian_version", "12.5\n")
        .add("var/lib/dpkg/status", DPKG_STATUS)
    )
    site = "usr/local/lib/python3.11/site-packages"
    app = (
        Layer(created_by="COPY app/ /app # buildkit")
        .add(f"{site}/requests-2.19.0.dist-info/METADATA", dist_info("requests", "2.19.0"))
        .add(f"{site}/urllib3-1.24.1.dist-info/METADATA", dist_info("urllib3", "1.24.1"))
        .add(f"{site}/Jinja2-2.10.dist-info/METADATA", dist_info("Jinja2", "2.10"))
        .add("app/package.json", json.dumps({"name": "hello", "version": "1.0.0", "dependencies": {"lodash": "^4.17.15", "minimist": "^1.2.0"}}))
        .add("app/node_modules/lodash/package.json", json.dumps({"name": "lodash", "version": "4.17.15", "license": "MIT"}))
        .add("app/node_modules/minimist/package.json", json.dumps({"name": "minimist", "version": "1.2.0", "license": "MIT"}))
        .add("app/server.py", "print('hello')\n", mode=0o755)
        .add("root/.ssh/id_ed25519", _throwaway_key(), mode=0o600)
        .add("app/.env", "APP_ENV=prod\nAWS_ACCESS_KEY_ID=AKIA4QWERTY7ZXCVB2NM\nAWS_SECRET_ACCESS_KEY=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\n")
    )
    cleanup = Layer(created_by="RUN rm /root/.ssh/id_ed25519 # buildkit").whiteout("root/.ssh/id_ed25519")
    config = {"config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "Cmd": ["python3", "/app/server.py"], "ExposedPorts": {"8080/tcp": {}}}}
    image = build([base, app, cleanup], config_extra=config)
    write_oci_archive(out, [image], tag="hello:1.0")
    print(f"wrote {out} ({out.stat().st_size} bytes), manifest {image.manifest_digest}")
    return out


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1])) if len(sys.argv) > 1 else main()
