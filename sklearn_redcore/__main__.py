"""``python -m sklearn_redcore benchmark ...``: see ``sklearn_redcore._cli``."""

import sys

from ._cli import main

sys.exit(main())
