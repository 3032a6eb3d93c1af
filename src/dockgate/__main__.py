"""Allow ``python -m dockgate``."""

from dockgate.cli import main

raise SystemExit(main())
