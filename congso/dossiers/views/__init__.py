"""Staff pages of the one-stop desk (Bộ phận Một cửa), mounted at /mot-cua/.

Pages read through `congso.dossiers.selectors` and the access gate; every POST calls one service
of `congso.dossiers.services`; refusals come back as Vietnamese messages (never a 500).
"""
