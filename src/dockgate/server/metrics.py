"""Prometheus metrics of the webhook, in their own registry (one per server)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class WebhookMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.decisions = Counter(
            "dockgate_admission_decisions", "Admission decisions by result and reason", ["result", "reason", "dry_run"], registry=r
        )
        self.latency = Histogram(
            "dockgate_webhook_latency_seconds", "Time to answer a webhook request", ["endpoint"], buckets=LATENCY_BUCKETS, registry=r
        )
        self.errors = Counter("dockgate_webhook_errors", "Requests that could not be judged normally", ["kind"], registry=r)
        self.scans = Counter("dockgate_scans", "Image scans run on a cache miss, by outcome", ["outcome"], registry=r)
        self.scan_duration = Histogram(
            "dockgate_scan_duration_seconds", "Duration of image scans", buckets=LATENCY_BUCKETS, registry=r
        )
        self.cache_lookups = Counter("dockgate_cache_lookups", "Verdict cache lookups", ["result"], registry=r)
        self.vulnerabilities = Gauge(
            "dockgate_image_vulnerabilities", "Vulnerabilities in admitted images", ["image", "severity", "fixable"], registry=r
        )
        self.database_age = Gauge(
            "dockgate_vulnerability_database_age_seconds", "Age of the vulnerability database", registry=r
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
