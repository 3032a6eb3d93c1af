"""cosign-compatible keys, signatures and attestations.

- :mod:`keys`: ECDSA P-256 keys; cosign's encrypted private key format; PEM public keys.
- :mod:`payload`: the simple-signing payload (write exactly as cosign, read strictly).
- :mod:`cosign_layout`: ``sha256-<hex>.sig``/``.att`` manifests, media types, annotations.
- :mod:`store`: the :class:`SignatureStore` seam, with :mod:`oci_store` (OCI layout) and
  :mod:`registry_store` (registry repository) behind it; :mod:`dir_layout` for ``dir:``.
- :mod:`target`: IMAGE text → digest + signature location; :mod:`signing`, :mod:`verify`;
  :mod:`rekor` (offline check of the Rekor bundle cosign attaches); :mod:`passphrase`.
- :mod:`dsse`, :mod:`attest`: in-toto statements in DSSE envelopes, stored as cosign does.
"""
