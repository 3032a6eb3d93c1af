"""Package discovery: one module per package type, each a cheap path predicate plus a parser."""
