"""Support for tests and examples: build small, real images in the standard formats."""
