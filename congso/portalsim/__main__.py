"""`python -m congso.portalsim serve --port 8200 --db var/portalsim.sqlite3`."""

import sys

from congso.portalsim.server import main

sys.exit(main())
