"""The signature library: signing, keys, trust and validation on top of pyHanko.

Nothing here imports Django or a congso model: the app around it (`congso.signatures`) passes
settings in as plain values, so the library runs the same from a management command, a worker,
the benchmark or a test.
"""

from congso.signatures.lib import certreuse as _certreuse
from congso.signatures.lib import cmsmemo as _cmsmemo
from congso.signatures.lib import hexstrings as _hexstrings
from congso.signatures.lib import nameprep as _nameprep
from congso.signatures.lib import numberarrays as _numberarrays
from congso.signatures.lib import pdfdicts as _pdfdicts
from congso.signatures.lib import pdfhistory as _pdfhistory

_certreuse.install()
_hexstrings.install()
_nameprep.install()
_numberarrays.install()
_pdfdicts.install()
_pdfhistory.install()
_cmsmemo.install()
