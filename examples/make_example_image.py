"""Rebuild examples/images/hello.oci.tar, the small image bundled for the README's first command.

It is a real OCI archive (gzip layers, correct digests) with a Debian-style package
database, Python and npm packages at versions with known advisories, a secret that a later
layer deletes, and a config that runs as root. Run: python examples/make_example_image.py
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
        .add("root/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nexample-not-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n", mode=0o600)
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
