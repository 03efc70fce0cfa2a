#!/usr/bin/env python
"""Django's command-line utility; `congso` (congso.cli) is the same, documented entry."""

import sys

from congso.cli import main

if __name__ == "__main__":
    sys.exit(main())
