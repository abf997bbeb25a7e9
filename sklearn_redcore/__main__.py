"""``python -m sklearn_redcore benchmark ...``: see ``sklearn_redcore._benchmark._cli``."""

import sys

from ._benchmark import main

sys.exit(main())
