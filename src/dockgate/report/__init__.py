"""Output formats: table, JSON, SARIF, CycloneDX, SPDX, JUnit."""
