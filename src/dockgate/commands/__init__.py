"""Glue between the CLI and the packages: one module per subcommand."""
