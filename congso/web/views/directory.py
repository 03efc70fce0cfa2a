"""The organisation directory and the province's administrative units (both public).

The agencies, their identifier codes and the administrative units are published information;
the directory API (with write access) stays staff-only.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from congso.organizations.selectors import administrative_unit_tree, agency_tree
from congso.web.tree import node_count, node_path, tree_rows


def agency_tree_page(request: HttpRequest) -> HttpResponse:
    """The whole agency tree from one selector call, rendered as nested <details>."""
    roots = agency_tree()
    return render(
        request,
        "web/agency_tree.html",
        {"rows": list(tree_rows(roots)), "total": node_count(roots)},
    )


def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    """One agency with the chain of agencies above it and the units directly below it."""
    path = node_path(agency_tree(), agency_id)
    if path is None:
        raise Http404(_("Không tìm thấy cơ quan, tổ chức."))
    agency = path[-1]
    return render(
        request,
        "web/agency_detail.html",
        {"agency": agency, "ancestors": path[:-1], "children": agency.children},
    )


def admin_units_page(request: HttpRequest) -> HttpResponse:
    """Province → districts → communes with their GSO codes (QĐ 124/2004/QĐ-TTg).

    Public: the list of administrative units and their codes is published by the state.
    """
    roots = administrative_unit_tree()
    return render(
        request,
        "web/admin_units.html",
        {"rows": list(tree_rows(roots)), "total": node_count(roots)},
    )
