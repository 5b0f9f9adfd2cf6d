"""`python -m desktop` starts Clinic Desk."""

from desktop.cli import main

raise SystemExit(main())
