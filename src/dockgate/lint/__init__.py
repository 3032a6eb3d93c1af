"""Configuration checks: Dockerfiles and Kubernetes manifests, on one rule engine."""
