"""Image reading without a daemon: sources -> verified layers -> one streaming pass -> merged view."""
