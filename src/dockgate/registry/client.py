"""A client for the OCI distribution API (``/v2/``) of one registry host.

Pull: manifests and indexes (bounded in size, verified against their digest), blobs as a
verified stream (:class:`BlobStream`) or small blobs as bytes. Push: blobs (monolithic or
chunked, or cross-repository mount) and manifests. List tags (following ``Link`` pagination).
Referrers: the referrers API, falling back to the ``sha256-<hex>`` tag schema when the registry
does not offer it. Authentication and transport policy live in ``auth`` and ``transport``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import httpx

from dockgate.errors import InputError
from dockgate.image.digest import digest_of, new_hasher, parse_digest
from dockgate.registry.auth import Authenticator, Credentials
from dockgate.registry.blobstream import BlobStream
from dockgate.registry.descriptor import (
    MANIFEST_MEDIA_TYPES,
    OCI_INDEX,
    Descriptor,
    PulledManifest,
    parse_manifest_json,
)
from dockgate.registry.reference import Reference, check_repository, check_tag_or_digest
from dockgate.registry.transport import (
    TransportOptions,
    candidate_schemes,
    is_not_tls_peer,
    make_http_client,
    network_error,
    read_bounded,
    status_error,
)

MAX_MANIFEST_BYTES = 4 << 20
MAX_SMALL_BLOB_BYTES = 16 << 20
MAX_TAG_PAGES = 10_000
DEFAULT_CHUNK_SIZE = 5 << 20
_IDEMPOTENT = {"GET", "HEAD", "PUT", "DELETE"}
_RETRY_STATUSES = {502, 503, 504}
_LINK_NEXT_RE = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def referrers_tag(subject_digest: str) -> str:
    """The fallback tag of the referrers tag schema: ``sha256:abc`` → ``sha256-abc``."""
    return parse_digest(subject_digest, "subject").replace(":", "-")


class RegistryClient:
    """One registry host. Thread-unsafe; cheap to create; close it (or use ``with``)."""

    def __init__(
        self,
        host: str,
        options: TransportOptions | None = None,
        credentials: Credentials | None = None,
        *,
        registry_name: str | None = None,
        use_docker_config: bool = True,
    ) -> None:
        self.host = host
        self.options = options or TransportOptions()
        self._http = make_http_client(self.options, host)
        self._schemes = candidate_schemes(host, self.options)
        self._scheme: str | None = self._schemes[0] if len(self._schemes) == 1 else None
        self.auth = Authenticator(host, registry_name or host, self.options, credentials, use_docker_config)

    @classmethod
    def for_reference(
        cls, reference: Reference, options: TransportOptions | None = None, credentials: Credentials | None = None, *, use_docker_config: bool = True
    ) -> "RegistryClient":
        return cls(reference.api_host, options, credentials, registry_name=reference.registry, use_docker_config=use_docker_config)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "RegistryClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transport core

    @property
    def base_url(self) -> str:
        return f"{self._scheme or self._schemes[0]}://{self.host}"

    def _same_host(self, url: httpx.URL) -> bool:
        return url.netloc.decode("ascii", "replace") == self.host

    def _send_once(self, method: str, url: httpx.URL, scope: str, headers: dict[str, str], content: bytes | None) -> httpx.Response:
        sent_headers = dict(headers)
        authorization = self.auth.header_for(scope) if self._same_host(url) else None
        if authorization:
            sent_headers["Authorization"] = authorization
        request = self._http.build_request(method, url, headers=sent_headers, content=content)
        return self._http.send(request, stream=True)

    def _url(self, path_or_url: str, params: dict[str, str] | None, what: str) -> httpx.URL:
        try:
            if path_or_url.startswith("/"):
                url = httpx.URL(self.base_url + path_or_url)
            else:  # a Location or Link the registry sent
                url = httpx.URL(self.base_url).join(path_or_url)
        except (httpx.InvalidURL, ValueError, UnicodeError):
            raise InputError(f"{what}: registry {self.host} sent an invalid URL {path_or_url[:100]!r}") from None
        if url.scheme not in ("http", "https") or (url.scheme == "http" and self.base_url.startswith("https:")):
            raise InputError(f"{what}: registry {self.host} redirected to {str(url)[:100]!r}; refused (not HTTPS)")
        return url.copy_merge_params(params) if params else url

    def _request(
        self,
        method: str,
        path_or_url: str,
        *,
        scope: str,
        what: str,
        ok: tuple[int, ...] = (200,),
        missing_ok: bool = False,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response | None:
        """Send; authenticate on 401; retry idempotent requests on network errors and 502-504.

        Returns the (streamed, open) response for an ``ok`` status, None for 404 when
        ``missing_ok``; raises a one-line InputError otherwise.
        """
        headers = headers or {}
        attempts = 1 + (self.options.retries if method in _IDEMPOTENT else 0)
        authenticated_retry = False
        attempt = 0
        while True:
            url = self._url(path_or_url, params, what)
            try:
                response = self._send_once(method, url, scope, headers, content)
            except httpx.HTTPError as exc:
                if self._scheme is None and is_not_tls_peer(exc) and url.scheme == "https":
                    self._scheme = "http"  # loopback registry without TLS
                    continue
                attempt += 1
                if attempt < attempts and isinstance(exc, (httpx.ConnectError, httpx.TimeoutException, httpx.RemoteProtocolError)):
                    time.sleep(self.options.retry_backoff * (2 ** (attempt - 1)))
                    continue
                raise network_error(exc, self.host, what, self.options) from None
            if self._scheme is None:
                self._scheme = url.scheme
            status = response.status_code
            if status == 401 and not authenticated_retry:
                challenge = response.headers.get("www-authenticate")
                response.close()
                authenticated_retry = True
                if self.auth.answer_challenge(challenge, scope, self._http, what):
                    continue
                raise status_error(401, b"", self.host, what, self.auth.unauthorized_hint())
            if status in ok:
                return response
            if status == 404 and missing_ok:
                response.close()
                return None
            if status in _RETRY_STATUSES and attempt + 1 < attempts:
                attempt += 1
                response.close()
                time.sleep(self.options.retry_backoff * (2 ** (attempt - 1)))
                continue
            hint = self.auth.unauthorized_hint() if status == 401 else ""
            try:
                body = read_bounded(response, 65536) or b"" if method != "HEAD" else b""
            except httpx.HTTPError:
                body = b""
            finally:
                response.close()
            raise status_error(status, body, self.host, what, hint)

    def _read_all(self, response: httpx.Response, limit: int, what: str, limit_what: str) -> bytes:
        try:
            body = read_bounded(response, limit)
        except httpx.HTTPError as exc:
            raise network_error(exc, self.host, what, self.options) from None
        finally:
            response.close()
        if body is None:
            raise InputError(f"{what}: {limit_what} is larger than the {limit} byte bound")
        return body

    @staticmethod
    def _pull_scope(repository: str) -> str:
        """The token scope for reading; also where every method validates ``repository``."""
        return f"repository:{check_repository(repository)}:pull"

    @staticmethod
    def _push_scope(repository: str) -> str:
        return f"repository:{check_repository(repository)}:pull,push"

    def ping(self) -> None:
        """Check that ``/v2/`` answers (authenticating if asked)."""
        response = self._request("GET", "/v2/", scope="", what=f"{self.host}/v2/")
        assert response is not None
        response.close()

    # ------------------------------------------------------------------ manifests

    def get_manifest(
        self,
        repository: str,
        reference: str,
        *,
        accept: Iterable[str] = MANIFEST_MEDIA_TYPES,
        max_bytes: int = MAX_MANIFEST_BYTES,
        missing_ok: bool = False,
    ) -> PulledManifest | None:
        """GET a manifest or index by tag or digest; verify it; None on 404 if ``missing_ok``."""
        check_tag_or_digest(reference)
        what = f"{self.host}/{repository}:{reference}" if ":" not in reference else f"{self.host}/{repository}@{reference}"
        response = self._request(
            "GET",
            f"/v2/{repository}/manifests/{reference}",
            scope=self._pull_scope(repository),
            what=what,
            missing_ok=missing_ok,
            headers={"Accept": ", ".join(accept)},
        )
        if response is None:
            return None
        header_digest = response.headers.get("docker-content-digest")
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        content = self._read_all(response, max_bytes, what, "manifest")
        data = parse_manifest_json(content, what)
        media_type = data.get("mediaType") if isinstance(data.get("mediaType"), str) else content_type
        if media_type not in MANIFEST_MEDIA_TYPES:
            if data.get("schemaVersion") == 1:
                raise InputError(f"{what}: Docker schema 1 manifests are not supported (deprecated format)")
            raise InputError(f"{what}: unsupported manifest media type {media_type!r}")
        if reference.startswith(("sha256:", "sha512:")):
            expected = parse_digest(reference, what)
        elif header_digest and header_digest.startswith("sha256:"):
            expected = parse_digest(header_digest, f"{what}: Docker-Content-Digest")
        else:
            expected = None
        actual = digest_of(content, expected.split(":")[0] if expected else "sha256")
        if expected is not None and actual != expected:
            raise InputError(f"{what}: manifest digest mismatch: expected {expected}, got {actual} (tampered or corrupt)")
        return PulledManifest(media_type, actual, content)

    def head_manifest(self, repository: str, reference: str, *, missing_ok: bool = False) -> Descriptor | None:
        """HEAD a manifest: its media type, digest and size without the body (GET if the
        registry does not send ``Docker-Content-Digest``)."""
        check_tag_or_digest(reference)
        what = f"{self.host}/{repository}:{reference}"
        response = self._request(
            "HEAD",
            f"/v2/{repository}/manifests/{reference}",
            scope=self._pull_scope(repository),
            what=what,
            missing_ok=missing_ok,
            headers={"Accept": ", ".join(MANIFEST_MEDIA_TYPES)},
        )
        if response is None:
            return None
        response.close()
        digest = response.headers.get("docker-content-digest")
        length = response.headers.get("content-length", "")
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if digest and length.isdigit() and media_type in MANIFEST_MEDIA_TYPES:
            return Descriptor(media_type, parse_digest(digest, f"{what}: Docker-Content-Digest"), int(length))
        pulled = self.get_manifest(repository, reference, missing_ok=missing_ok)
        return pulled.descriptor if pulled else None

    def resolve(self, reference: Reference) -> str:
        """The manifest digest a reference points at (the digest itself when it carries one)."""
        if reference.digest:
            return reference.digest
        descriptor = self.head_manifest(reference.repository, reference.identifier)
        assert descriptor is not None
        return descriptor.digest

    def push_manifest(self, repository: str, reference: str, content: bytes, media_type: str) -> str:
        """PUT a manifest under a tag or its digest; return its digest (checked against the
        registry's ``Docker-Content-Digest``)."""
        check_tag_or_digest(reference)
        what = f"push manifest {self.host}/{repository}:{reference}"
        digest = digest_of(content)
        if reference.startswith("sha256:") and reference != digest:
            raise InputError(f"{what}: content digest {digest} differs from the reference")
        response = self._request(
            "PUT",
            f"/v2/{repository}/manifests/{reference}",
            scope=self._push_scope(repository),
            what=what,
            ok=(201, 200),
            headers={"Content-Type": media_type},
            content=content,
        )
        assert response is not None
        response.close()
        answered = response.headers.get("docker-content-digest")
        if answered and answered != digest:
            raise InputError(f"{what}: registry stored digest {answered}, expected {digest}")
        return digest

    def delete_manifest(self, repository: str, digest: str) -> None:
        what = f"delete {self.host}/{repository}@{digest}"
        response = self._request("DELETE", f"/v2/{repository}/manifests/{parse_digest(digest, what)}", scope=f"repository:{check_repository(repository)}:delete", what=what, ok=(202, 200))
        assert response is not None
        response.close()

    # ------------------------------------------------------------------ blobs

    def open_blob(self, repository: str, digest: str, size: int | None = None) -> BlobStream:
        """Stream a blob; the returned file object verifies size and digest when it ends."""
        what = f"blob {self.host}/{repository}@{digest}"
        parse_digest(digest, what)
        response = self._request("GET", f"/v2/{repository}/blobs/{digest}", scope=self._pull_scope(repository), what=what)
        assert response is not None
        declared = response.headers.get("content-length", "")
        if size is not None and declared.isdigit() and int(declared) != size:
            response.close()
            raise InputError(f"{what}: registry announces {declared} bytes, the descriptor says {size}")
        return BlobStream(response, digest, size, what, lambda exc: network_error(exc, self.host, what, self.options))

    def get_blob(self, repository: str, digest: str, *, max_bytes: int = MAX_SMALL_BLOB_BYTES, missing_ok: bool = False) -> bytes | None:
        """A small blob (config, signature payload) in memory, bounded and verified."""
        what = f"blob {self.host}/{repository}@{digest}"
        parse_digest(digest, what)
        response = self._request("GET", f"/v2/{repository}/blobs/{digest}", scope=self._pull_scope(repository), what=what, missing_ok=missing_ok)
        if response is None:
            return None
        content = self._read_all(response, max_bytes, what, "blob")
        actual = digest_of(content, digest.split(":")[0])
        if actual != digest:
            raise InputError(f"{what}: digest mismatch: expected {digest}, got {actual} (tampered or corrupt)")
        return content

    def blob_size(self, repository: str, digest: str) -> int | None:
        """HEAD a blob: its size, or None when the repository does not have it."""
        what = f"blob {self.host}/{repository}@{digest}"
        response = self._request("HEAD", f"/v2/{repository}/blobs/{parse_digest(digest, what)}", scope=self._pull_scope(repository), what=what, missing_ok=True)
        if response is None:
            return None
        response.close()
        length = response.headers.get("content-length", "")
        return int(length) if length.isdigit() else 0

    def _start_upload(self, repository: str, what: str, params: dict[str, str] | None = None) -> httpx.Response:
        response = self._request(
            "POST", f"/v2/{repository}/blobs/uploads/", scope=self._push_scope(repository), what=what, ok=(202, 201), params=params, content=b""
        )
        assert response is not None
        response.close()
        return response

    def _location(self, response: httpx.Response, what: str) -> str:
        location = response.headers.get("location")
        if not location:
            raise InputError(f"{what}: registry {self.host} answered without an upload Location")
        return location

    def push_blob(self, repository: str, data: bytes, media_type: str = "application/octet-stream") -> Descriptor:
        """Upload ``data`` in one PUT (POST then PUT ?digest=); skipped if the blob exists."""
        digest = digest_of(data)
        descriptor = Descriptor(media_type, digest, len(data))
        if self.blob_size(repository, digest) is not None:
            return descriptor
        what = f"push blob {self.host}/{repository}@{digest}"
        location = self._location(self._start_upload(repository, what), what)
        response = self._request(
            "PUT",
            location,
            scope=self._push_scope(repository),
            what=what,
            ok=(201,),
            params={"digest": digest},
            headers={"Content-Type": "application/octet-stream"},
            content=data,
        )
        assert response is not None
        response.close()
        return descriptor

    def push_blob_chunked(
        self,
        repository: str,
        source: BinaryIO | Iterable[bytes],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        expected_digest: str | None = None,
        media_type: str = "application/octet-stream",
    ) -> Descriptor:
        """Upload a stream in PATCH chunks, then PUT ?digest=. The digest is computed on the
        way (and must equal ``expected_digest`` when given); nothing touches the disk."""
        what = f"push blob {self.host}/{repository} (chunked)"
        hasher = new_hasher(expected_digest) if expected_digest else hashlib.sha256()
        location = self._location(self._start_upload(repository, what), what)
        offset = 0
        for chunk in _rechunk(source, chunk_size):
            hasher.update(chunk)
            response = self._request(
                "PATCH",
                location,
                scope=self._push_scope(repository),
                what=what,
                ok=(202,),
                headers={"Content-Type": "application/octet-stream", "Content-Range": f"{offset}-{offset + len(chunk) - 1}"},
                content=chunk,
            )
            assert response is not None
            response.close()
            offset += len(chunk)
            location = self._location(response, what)
        digest = f"{hasher.name}:{hasher.hexdigest()}"
        if expected_digest and digest != expected_digest:
            raise InputError(f"{what}: the uploaded stream hashes to {digest}, not {expected_digest}")
        response = self._request(
            "PUT", location, scope=self._push_scope(repository), what=what, ok=(201,), params={"digest": digest}, content=b""
        )
        assert response is not None
        response.close()
        return Descriptor(media_type, digest, offset)

    def mount_blob(self, repository: str, digest: str, from_repository: str) -> bool:
        """Cross-repository mount; False (and the opened upload cancelled) when not mounted."""
        what = f"mount blob {digest} from {from_repository} into {self.host}/{repository}"
        scope = f"{self._push_scope(repository)} {self._pull_scope(from_repository)}"
        response = self._request(
            "POST",
            f"/v2/{repository}/blobs/uploads/",
            scope=scope,
            what=what,
            ok=(201, 202),
            params={"mount": parse_digest(digest, what), "from": from_repository},
            content=b"",
        )
        assert response is not None
        response.close()
        if response.status_code == 201:
            return True
        location = response.headers.get("location")
        if location:
            cancel = self._request("DELETE", location, scope=scope, what=what, ok=(204, 200, 202), missing_ok=True)
            if cancel is not None:
                cancel.close()
        return False

    # ------------------------------------------------------------------ tags and referrers

    def list_tags(self, repository: str, *, page_size: int | None = None, max_tags: int = 1_000_000) -> list[str]:
        """All tags of a repository, following ``Link: <...>; rel="next"`` pages."""
        what = f"list tags of {self.host}/{repository}"
        path = f"/v2/{repository}/tags/list"
        params = {"n": str(page_size)} if page_size else None
        tags: list[str] = []
        for _ in range(MAX_TAG_PAGES):
            response = self._request("GET", path, scope=self._pull_scope(repository), what=what, params=params)
            assert response is not None
            link = response.headers.get("link", "")
            data = parse_manifest_json(self._read_all(response, MAX_MANIFEST_BYTES, what, "tag page"), what)
            page = data.get("tags") or []
            if not isinstance(page, list) or not all(isinstance(t, str) for t in page):
                raise InputError(f"{what}: malformed tag list")
            tags.extend(page)
            if len(tags) > max_tags:
                raise InputError(f"{what}: more than {max_tags} tags")
            match = _LINK_NEXT_RE.search(link)
            if not match:
                return tags
            path, params = match.group(1), None
        raise InputError(f"{what}: more than {MAX_TAG_PAGES} pages")

    def referrers(self, repository: str, subject_digest: str, artifact_type: str | None = None) -> list[Descriptor]:
        """Manifests whose ``subject`` is ``subject_digest``: the referrers API, or the
        ``sha256-<hex>`` fallback tag's index when the registry has no such API."""
        what = f"referrers of {self.host}/{repository}@{subject_digest}"
        tag = referrers_tag(subject_digest)
        params = {"artifactType": artifact_type} if artifact_type else None
        response = self._request(
            "GET",
            f"/v2/{repository}/referrers/{subject_digest}",
            scope=self._pull_scope(repository),
            what=what,
            missing_ok=True,
            params=params,
            headers={"Accept": OCI_INDEX},
        )
        content_type = response.headers.get("content-type", "").split(";")[0].strip() if response is not None else ""
        if response is not None and content_type in (OCI_INDEX, "application/json"):
            index = parse_manifest_json(self._read_all(response, MAX_MANIFEST_BYTES, what, "referrers index"), what)
        else:
            if response is not None:
                response.close()
            pulled = self.get_manifest(repository, tag, accept=(OCI_INDEX,), missing_ok=True)
            if pulled is None:
                return []
            index = pulled.json()
        manifests = index.get("manifests") or []
        if not isinstance(manifests, list):
            raise InputError(f"{what}: malformed referrers index")
        found = [Descriptor.from_json(item, what) for item in manifests]
        return [d for d in found if artifact_type is None or d.artifact_type == artifact_type]

    def add_referrer_to_fallback_tag(self, repository: str, subject_digest: str, referrer: Descriptor) -> str:
        """Add ``referrer`` to the ``sha256-<hex>`` fallback index (for registries without the
        referrers API); return the new index digest."""
        tag = referrers_tag(subject_digest)
        pulled = self.get_manifest(repository, tag, accept=(OCI_INDEX,), missing_ok=True)
        manifests = list(pulled.json().get("manifests") or []) if pulled else []
        if any(isinstance(m, dict) and m.get("digest") == referrer.digest for m in manifests):
            return pulled.digest if pulled else ""
        manifests.append(referrer.to_json())
        index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}, separators=(",", ":")).encode()
        return self.push_manifest(repository, tag, index, OCI_INDEX)


def _rechunk(source: BinaryIO | Iterable[bytes], chunk_size: int) -> Iterator[bytes]:
    """Chunks of exactly ``chunk_size`` bytes (the last may be shorter), from a file or iterable."""
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    pieces: Iterable[bytes]
    if hasattr(source, "read"):
        pieces = iter(lambda: source.read(chunk_size), b"")  # type: ignore[union-attr]
    else:
        pieces = source  # type: ignore[assignment]
    pending = bytearray()
    for piece in pieces:
        pending += piece
        while len(pending) >= chunk_size:
            yield bytes(pending[:chunk_size])
            del pending[:chunk_size]
    if pending:
        yield bytes(pending)
