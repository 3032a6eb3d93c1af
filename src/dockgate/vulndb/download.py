"""Downloading one mirror file over http(s): streamed to disk, bounded, with timeouts and retries."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from dockgate.errors import InputError, LimitExceeded
from dockgate.progress import progress

MAX_DOWNLOAD_BYTES = 4 << 30
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class NotOnMirror(InputError):
    """The mirror answered 404 for a file."""


def download(url: str, destination: Path, timeout: float, retries: int, label: str) -> None:
    """Fetch ``url`` into ``destination``; retry transient failures ``retries`` times."""
    last_error = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(min(0.25 * 2 ** (attempt - 1), 4.0))
        try:
            _download_once(url, destination, timeout, label)
            return
        except NotOnMirror:
            raise
        except _Retryable as exc:
            last_error = str(exc)
        except httpx.TimeoutException:
            last_error = f"timed out after {timeout:g}s"
        except httpx.TransportError as exc:
            last_error = _describe_transport(exc)
    tries = "try" if retries == 0 else "tries"
    raise InputError(f"cannot download {url}: {last_error} ({retries + 1} {tries})")


class _Retryable(Exception):
    pass


def _describe_transport(exc: httpx.TransportError) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed ({text or 'refused'})"
    return text or type(exc).__name__


def _download_once(url: str, destination: Path, timeout: float, label: str) -> None:
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True) as client:
        with client.stream("GET", url) as response:
            if response.status_code == 404:
                raise NotOnMirror(f"{url} not found on the mirror (404)")
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise InputError(f"cannot download {url}: HTTP {response.status_code}")
            length = response.headers.get("content-length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > MAX_DOWNLOAD_BYTES:
                raise LimitExceeded(f"{url} is {total} bytes (limit {MAX_DOWNLOAD_BYTES})")
            received = 0
            with destination.open("wb") as handle, progress(f"downloading {label}", total) as bar:
                for chunk in response.iter_bytes(1 << 20):
                    received += len(chunk)
                    if received > MAX_DOWNLOAD_BYTES:
                        raise LimitExceeded(f"{url} exceeds {MAX_DOWNLOAD_BYTES} bytes")
                    handle.write(chunk)
                    bar.advance(len(chunk))
            if total is not None and received != total:
                raise _Retryable(f"truncated download ({received} of {total} bytes)")


def fetch_text(url: str, timeout: float, retries: int, destination: Path) -> str:
    """A small text file from the mirror (e.g. ecosystems.txt)."""
    download(url, destination, timeout, retries, destination.name)
    return destination.read_text(encoding="utf-8", errors="replace")
