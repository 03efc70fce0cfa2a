"""Simulator of the legacy national public-service portal (Cổng DVC quốc gia) sync API.

A separate system on purpose: plain WSGI over the standard library (wsgiref + sqlite3), no Django
and no import of any congso domain app (.importlinter forbids it). It speaks the legacy DVCQG
protocol as OpenCPS implemented it (standards.md §6.3): an auth endpoint returning a session, an
integration endpoint (DongBoHoSoMC, CapNhatTienDoHoSoMC, TraCuuHoSo) and a share endpoint
(LayThuTuc). It validates what it receives the way a strict portal would and answers errors as
`error_code` + `message` + `field`.

Start it with `python -m congso.portalsim serve --port 8200 --db var/portalsim.sqlite3`
(or `congso portalsim serve ...`).
"""
