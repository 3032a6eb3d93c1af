"""AdmissionReview v1 documents: read a request strictly, write a response Kubernetes accepts."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import orjson

API_VERSION = "admission.k8s.io/v1"
MAX_MESSAGE = 4096
MAX_WARNING = 256
MAX_WARNINGS = 20


class ReviewError(Exception):
    """The body is not an AdmissionReview v1 we can answer (no uid to answer to): HTTP 400."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class AdmissionRequest:
    uid: str
    operation: str
    namespace: str
    name: str
    kind: str
    obj: Any  # the object as sent (dict for a well-formed request)
    dry_run: bool

    @property
    def subject(self) -> str:
        namespace = f"{self.namespace}/" if self.namespace else ""
        name = self.name
        if isinstance(self.obj, dict) and isinstance(self.obj.get("metadata"), dict):
            name = name or self.obj["metadata"].get("name") or self.obj["metadata"].get("generateName") or ""
        return f"{self.kind}/{namespace}{name or '?'}"


def parse_review(body: bytes) -> AdmissionRequest:
    try:
        review = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ReviewError(f"body is not valid JSON: {exc}") from None
    if not isinstance(review, dict):
        raise ReviewError("body is not a JSON object")
    if review.get("apiVersion") != API_VERSION or review.get("kind") != "AdmissionReview":
        raise ReviewError(f"expected apiVersion {API_VERSION} kind AdmissionReview, got {str(review.get('apiVersion'))[:64]!r} {str(review.get('kind'))[:64]!r}")
    request = review.get("request")
    if not isinstance(request, dict):
        raise ReviewError("AdmissionReview has no request")
    uid = request.get("uid")
    if not isinstance(uid, str) or not uid or len(uid) > 128:
        raise ReviewError("AdmissionReview request has no valid uid")
    kind = request.get("kind") if isinstance(request.get("kind"), dict) else {}
    obj = request.get("object")
    object_kind = obj.get("kind") if isinstance(obj, dict) else None
    return AdmissionRequest(
        uid=uid,
        operation=str(request.get("operation", ""))[:32],
        namespace=str(request.get("namespace") or "")[:253],
        name=str(request.get("name") or "")[:253],
        kind=str(object_kind or kind.get("kind") or "")[:64],
        obj=obj,
        dry_run=request.get("dryRun") is True,
    )


def response_body(
    uid: str,
    allowed: bool,
    message: str = "",
    warnings: list[str] | tuple[str, ...] = (),
    patch: list[dict[str, Any]] | None = None,
    code: int = 403,
) -> bytes:
    response: dict[str, Any] = {"uid": uid, "allowed": allowed}
    if not allowed:
        response["status"] = {"code": code, "reason": "Forbidden" if code == 403 else "InternalError", "message": _clip(message, MAX_MESSAGE)}
    if warnings:
        response["warnings"] = [_clip(w, MAX_WARNING) for w in list(warnings)[:MAX_WARNINGS]]
    if patch:
        response["patchType"] = "JSONPatch"
        response["patch"] = base64.b64encode(orjson.dumps(patch)).decode()
    return orjson.dumps({"apiVersion": API_VERSION, "kind": "AdmissionReview", "response": response})


def json_pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
