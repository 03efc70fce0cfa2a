"""document_search: matching, ranking, facets and pagination (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from congso.core.errors import ValidationFailed
from congso.documents.constants import Direction, IncomingStatus, OutgoingStatus
from congso.documents.models import IncomingFile, SearchEntry, StoredFile
from congso.documents.selectors import search as search_selector
from congso.documents.selectors.search import SearchFilters, document_search
from congso.documents.services.search_index import search_entry_refresh
from congso.documents.tests.factories import document_type

pytestmark = pytest.mark.django_db


def _ids(result):
    return [hit.document_id for hit in result.hits]


def _days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def test_a_query_without_diacritics_finds_the_accented_subject(clerk, make_incoming):
    # given
    wanted = make_incoming(subject="Công văn về việc triển khai chuyển đổi số")
    make_incoming(subject="Báo cáo tình hình kinh tế xã hội")
    # when
    result = document_search(user=clerk, query="cong van ve viec")
    # then
    assert _ids(result) == [wanted.pk]
    assert result.hits[0].match == "head"


def test_an_accented_query_finds_the_same_documents(clerk, make_incoming):
    # given
    wanted = make_incoming(subject="Kế hoạch chuyển đổi số tỉnh Kon Tum")
    # when
    result = document_search(user=clerk, query="CHUYỂN ĐỔI SỐ")
    # then
    assert _ids(result) == [wanted.pk]


def test_the_last_word_may_be_the_start_of_a_word(clerk, make_incoming):
    # given
    wanted = make_incoming(subject="Hướng dẫn chuyển đổi số")
    # when
    result = document_search(user=clerk, query="chuyen do")
    # then
    assert _ids(result) == [wanted.pk]


def test_a_quoted_phrase_needs_its_words_in_order(clerk, make_incoming):
    # given
    in_order = make_incoming(subject="Về việc tổ chức hội nghị")
    make_incoming(subject="Việc tổ chức, về hội nghị")
    # when
    result = document_search(user=clerk, query='"ve viec"')
    # then
    assert _ids(result) == [in_order.pk]


def test_every_word_must_occur(clerk, make_incoming):
    # given
    make_incoming(subject="Công văn về tài chính")
    # when
    result = document_search(user=clerk, query="cong van giao duc")
    # then
    assert result.hits == []
    assert result.total == 0


def test_the_text_layer_of_the_files_is_searched(clerk, make_incoming):
    # given
    document = make_incoming(subject="Thông báo kết luận")
    stored = StoredFile.objects.create(
        sha256="a" * 64,
        size=10,
        media_type="application/pdf",
        page_count=1,
        text_content="Đề nghị các đơn vị rà soát hạ tầng mạng viễn thông.",
    )
    IncomingFile.objects.create(document=document, stored_file=stored, name="tb.pdf", role="main")
    search_entry_refresh(direction=Direction.INCOMING, document_id=document.pk)
    # when
    result = document_search(user=clerk, query="ha tang vien thong")
    # then
    assert _ids(result) == [document.pk]
    assert result.hits[0].match == "text"


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("organ_name", "Sở Tài nguyên và Môi trường", "tai nguyen moi truong"),
        ("signer_full_name", "Nguyễn Hữu Tháp", "huu thap"),
        ("description", "Bản chụp kèm theo hồ sơ đất đai", "ho so dat dai"),
        ("to_places", "Phòng Bưu chính Viễn thông", "buu chinh"),
    ],
)
def test_every_metadata_field_is_searched(clerk, make_incoming, field, value, query):
    # given
    document = make_incoming(**{field: value})
    # when
    result = document_search(user=clerk, query=query)
    # then
    assert _ids(result) == [document.pk]


def test_an_exact_number_and_notation_comes_first(clerk, make_incoming):
    # given: a reply that quotes the notation, newer than the document itself
    original = make_incoming(code_number="12", code_notation="UBND-VX", arrived_at=_days_ago(5))
    reply = make_incoming(
        code_number="40",
        code_notation="STTTT-VP",
        subject="Trả lời Công văn số 12/UBND-VX về hạ tầng",
        arrived_at=_days_ago(1),
    )
    make_incoming(code_number="120", code_notation="UBND-VX")
    # when
    result = document_search(user=clerk, query="12/UBND-VX")
    # then
    assert _ids(result) == [original.pk, reply.pk]
    assert [hit.match for hit in result.hits] == ["notation", "head"]


@pytest.mark.parametrize("query", ["05/QĐ-UBND", "5/qd-ubnd", " 05 / QD-UBND ", "Số: 05/QĐ-UBND"])
def test_notation_matching_ignores_case_diacritics_and_leading_zero(clerk, make_incoming, query):
    # given
    wanted = make_incoming(code_number="05", code_notation="QĐ-UBND")
    # when
    result = document_search(user=clerk, query=query)
    # then
    assert _ids(result)[:1] == [wanted.pk]
    assert result.hits[0].match == "notation"


def test_within_a_group_newest_comes_first(clerk, make_incoming):
    # given
    older = make_incoming(subject="Kế hoạch phòng chống thiên tai", arrived_at=_days_ago(9))
    newer = make_incoming(subject="Kế hoạch phòng chống dịch bệnh", arrived_at=_days_ago(2))
    body_only = make_incoming(
        subject="Thông báo", description="kế hoạch phòng chống", arrived_at=_days_ago(0)
    )
    # when
    result = document_search(user=clerk, query="ke hoach phong chong")
    # then: subject matches (newest first) before a match in another field
    assert _ids(result) == [newer.pk, older.pk, body_only.pk]


def test_the_subject_is_highlighted(clerk, make_incoming):
    # given
    make_incoming(subject="Công văn về việc cấp phép")
    # when
    hit = document_search(user=clerk, query="cap phep").hits[0]
    # then
    assert [s.text for s in hit.subject_segments if s.is_match] == ["cấp", "phép"]
    assert "".join(s.text for s in hit.subject_segments) == hit.subject


def test_facets_count_each_value_of_the_matching_documents(clerk, make_incoming, make_outgoing):
    # given
    make_incoming(subject="Báo cáo số liệu", organ_name="Sở Y tế", status=IncomingStatus.DONE)
    make_incoming(subject="Báo cáo tiến độ", organ_name="Sở Y tế")
    make_incoming(
        subject="Báo cáo quý",
        organ_name="Sở Tài chính",
        document_type=document_type("bao_cao"),
        arrived_at=timezone.make_aware(dt.datetime(2019, 12, 20, 9)),
    )
    make_outgoing(subject="Báo cáo chuyển đổi số", status=OutgoingStatus.DRAFT)
    make_incoming(subject="Không liên quan")
    # when
    result = document_search(user=clerk, query="bao cao")
    # then
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert result.total == 4
    assert result.total_capped is False
    assert facets["direction"] == {"incoming": 3, "outgoing": 1}
    assert facets["issuer"] == {"Sở Y tế": 2, "Sở Tài chính": 1, "Sở Thông tin và Truyền thông": 1}
    this_year = str(timezone.localdate().year)
    assert facets["year"] == {this_year: 3, "2019": 1}
    assert facets["status"] == {"accepted": 2, "done": 1, "draft": 1}
    bao_cao = str(document_type("bao_cao").pk)
    assert facets["document_type"] == {str(document_type().pk): 3, bao_cao: 1}
    labels = {v.value: v.label for v in result.facets["document_type"]}
    assert labels[bao_cao] == "Báo cáo"


def test_a_facet_filter_narrows_hits_and_keeps_the_other_values_offered(clerk, make_incoming):
    # given
    health = make_incoming(subject="Báo cáo", organ_name="Sở Y tế")
    make_incoming(subject="Báo cáo", organ_name="Sở Tài chính")
    # when
    result = document_search(
        user=clerk, query="bao cao", filters=SearchFilters(issuer=("Sở Y tế",))
    )
    # then
    assert _ids(result) == [health.pk]
    assert {v.value: v.count for v in result.facets["issuer"]} == {
        "Sở Y tế": 1,
        "Sở Tài chính": 1,
    }
    assert {v.value: v.count for v in result.facets["direction"]} == {"incoming": 1}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(direction=("outgoing",)), {"out"}),
        (SearchFilters(year=(2019,)), {"old"}),
        (SearchFilters(status=("done",)), {"done"}),
    ],
)
def test_each_filter_applies(clerk, make_incoming, make_outgoing, filters, expected):
    # given
    made = {
        "out": make_outgoing(subject="Giấy mời họp"),
        "old": make_incoming(
            subject="Giấy mời họp", arrived_at=timezone.make_aware(dt.datetime(2019, 5, 2, 8))
        ),
        "done": make_incoming(subject="Giấy mời họp", status=IncomingStatus.DONE),
    }
    # when
    result = document_search(user=clerk, query="giay moi", filters=filters)
    # then
    assert set(_ids(result)) == {made[name].pk for name in expected}


def test_document_type_filter(clerk, make_incoming):
    # given
    report = make_incoming(subject="Nội dung", document_type=document_type("bao_cao"))
    make_incoming(subject="Nội dung")
    # when
    result = document_search(
        user=clerk,
        query="noi dung",
        filters=SearchFilters(document_type=(document_type("bao_cao").pk,)),
    )
    # then
    assert _ids(result) == [report.pk]


@pytest.mark.parametrize("budget", [20_000, 2])
def test_a_rare_type_behind_newer_matches_is_found_whole(clerk, make_incoming, monkeypatch, budget):
    # given: newer matches of another type than the walk budget holds; on PostgreSQL the one
    # selected type is walked through its own index, so its older matches are still found
    monkeypatch.setattr(search_selector, "WALK_BUDGET", budget)
    report = document_type("bao_cao")
    reports = [
        make_incoming(
            subject=f"Kế hoạch đợt {days}", document_type=report, arrived_at=_days_ago(days)
        )
        for days in range(10, 13)
    ]
    for days in range(4):
        make_incoming(subject="Kế hoạch", arrived_at=_days_ago(days))
    # when
    first = document_search(
        user=clerk, query="ke hoach", filters=SearchFilters(document_type=(report.pk,)), page_size=2
    )
    second = document_search(
        user=clerk,
        query="ke hoach",
        filters=SearchFilters(document_type=(report.pk,)),
        page_size=2,
        cursor=first.next_cursor,
    )
    # then
    assert _ids(first) + _ids(second) == [d.pk for d in reports]
    assert (first.total, first.total_capped) == (3, False)
    assert {v.value: v.count for v in first.facets["document_type"]} == {
        str(report.pk): 3,
        str(document_type().pk): 4,
    }


@pytest.mark.parametrize("budget", [20_000, 2])
def test_the_cursor_walks_every_group_once(clerk, make_incoming, monkeypatch, budget):
    # given: two exact, three subject and two body matches; a budget of 2 makes PostgreSQL's
    # newest-first walk come up short, so the full-text index answers instead
    monkeypatch.setattr(search_selector, "WALK_BUDGET", budget)
    expected = []
    for days in range(2):
        expected.append(
            make_incoming(code_number="07", code_notation="KH-UBND", arrived_at=_days_ago(days)).pk
        )
    for days in range(3):
        expected.append(
            make_incoming(subject=f"Thực hiện 07/KH-UBND đợt {days}", arrived_at=_days_ago(days)).pk
        )
    for days in range(2):
        expected.append(
            make_incoming(
                subject="Thông báo", description="theo 07/KH-UBND", arrived_at=_days_ago(days)
            ).pk
        )
    # when
    seen, cursor, pages = [], None, 0
    while True:
        result = document_search(user=clerk, query="07/KH-UBND", cursor=cursor, page_size=2)
        seen.extend(_ids(result))
        pages += 1
        cursor = result.next_cursor
        if cursor is None:
            break
    # then
    assert seen == expected
    assert pages == 4


def test_a_plain_list_without_query_is_newest_first_and_paginates(clerk, make_incoming):
    # given
    documents = [make_incoming(arrived_at=_days_ago(days)) for days in range(5)]
    # when
    first = document_search(user=clerk, page_size=3)
    second = document_search(user=clerk, page_size=3, cursor=first.next_cursor)
    # then
    assert _ids(first) + _ids(second) == [d.pk for d in documents]
    assert second.next_cursor is None
    assert first.hits[0].match == "all"


@pytest.mark.parametrize("cursor", ["garbage", "eyJmIjogMX0", "%%%"])
def test_a_broken_cursor_is_refused(clerk, cursor):
    # when / then
    with pytest.raises(ValidationFailed) as error:
        document_search(user=clerk, query="abc", cursor=cursor)
    assert error.value.code == "invalid_cursor"


def test_a_cursor_of_another_query_is_refused(clerk, make_incoming):
    # given
    for _ in range(3):
        make_incoming(subject="Giấy mời")
    cursor = document_search(user=clerk, query="giay moi", page_size=1).next_cursor
    # when / then
    with pytest.raises(ValidationFailed):
        document_search(user=clerk, query="giay", cursor=cursor)


@pytest.mark.parametrize("budget", [20_000, 4])
def test_counts_stop_at_the_cap(clerk, make_incoming, monkeypatch, budget):
    # given
    monkeypatch.setattr(search_selector, "FACET_CAP", 3)
    monkeypatch.setattr(search_selector, "WALK_BUDGET", budget)
    for _ in range(5):
        make_incoming(subject="Tờ trình phê duyệt")
    # when
    result = document_search(user=clerk, query="to trinh")
    # then
    assert result.total == 3
    assert result.total_capped is True
    assert result.total_label == "3+"
    assert sum(v.count for v in result.facets["direction"]) == 3


def test_a_deleted_document_leaves_the_index(clerk, make_incoming):
    # given
    document = make_incoming(subject="Quyết định khen thưởng")
    document_id = document.pk
    document.delete()
    # when
    search_entry_refresh(direction=Direction.INCOMING, document_id=document_id)
    # then
    assert not SearchEntry.objects.filter(document_id=document_id).exists()
    assert document_search(user=clerk, query="khen thuong").hits == []


def test_an_edit_is_found_after_refresh(clerk, make_incoming):
    # given
    document = make_incoming(subject="Dự thảo cũ")
    document.subject = "Quy chế làm việc mới"
    document.save(update_fields=["subject"])
    # when
    search_entry_refresh(direction=Direction.INCOMING, document_id=document.pk)
    # then
    assert _ids(document_search(user=clerk, query="quy che lam viec")) == [document.pk]
    assert document_search(user=clerk, query="du thao cu").hits == []


def test_a_search_runs_a_bounded_number_of_queries(
    clerk, make_incoming, django_assert_max_num_queries
):
    # given
    for number in range(25):
        make_incoming(subject=f"Công văn số {number} về việc chuyển đổi số")
    # when / then
    with django_assert_max_num_queries(12):
        result = document_search(
            user=clerk, query="cong van", filters=SearchFilters(direction=("incoming",))
        )
    assert len(result.hits) == 20


def test_the_year_filter_follows_the_local_new_year(clerk, make_incoming):
    # given: 23:30 on 31/12/2019 and 00:10 on 01/01/2020, Vietnam time
    zone = timezone.get_current_timezone()
    late = make_incoming(
        subject="Báo cáo cuối năm", arrived_at=dt.datetime(2019, 12, 31, 23, 30, tzinfo=zone)
    )
    make_incoming(subject="Báo cáo đầu năm", arrived_at=dt.datetime(2020, 1, 1, 0, 10, tzinfo=zone))
    # when
    result = document_search(user=clerk, query="bao cao", filters=SearchFilters(year=(2019,)))
    # then
    assert _ids(result) == [late.pk]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(direction=("outgoing",)), {"out"}),
        (SearchFilters(year=(2019,)), {"old"}),
        (SearchFilters(year=(2019, 2018)), {"old"}),
        (SearchFilters(status=("done",)), {"done"}),
        (SearchFilters(status=("done", "accepted")), {"done", "old", "quoted", "report"}),
        (SearchFilters(issuer=("Ban Quản lý 'Khu kinh tế' \\ tỉnh",)), {"quoted"}),
        (SearchFilters(direction=("incoming",), status=("accepted",)), {"old", "quoted", "report"}),
        (SearchFilters(document_type=(-1,)), set()),
    ],
)
def test_each_filter_applies_when_the_full_text_index_answers(
    clerk, make_incoming, make_outgoing, monkeypatch, filters, expected
):
    # given: a walk budget of 1 sends every search to the full-text index, which on PostgreSQL
    # also intersects the facet selections as words of the vector (migration 0008)
    monkeypatch.setattr(search_selector, "WALK_BUDGET", 1)
    made = {
        "out": make_outgoing(subject="Giấy mời họp"),
        "old": make_incoming(
            subject="Giấy mời họp", arrived_at=timezone.make_aware(dt.datetime(2019, 5, 2, 8))
        ),
        "done": make_incoming(subject="Giấy mời họp", status=IncomingStatus.DONE),
        "quoted": make_incoming(
            subject="Giấy mời dự họp", organ_name="Ban Quản lý 'Khu kinh tế' \\ tỉnh"
        ),
        "report": make_incoming(subject="Giấy mời họp", document_type=document_type("bao_cao")),
    }
    # when
    result = document_search(user=clerk, query="giay moi", filters=filters)
    # then
    assert set(_ids(result)) == {made[name].pk for name in expected}
    assert result.total == len(expected)


def test_a_selected_type_keeps_the_other_types_counted_when_the_index_answers(
    clerk, make_incoming, monkeypatch
):
    # given
    monkeypatch.setattr(search_selector, "WALK_BUDGET", 1)
    report = document_type("bao_cao")
    make_incoming(subject="Kế hoạch năm", document_type=report)
    make_incoming(subject="Kế hoạch quý")
    make_incoming(subject="Kế hoạch tháng")
    # when
    result = document_search(
        user=clerk, query="ke hoach", filters=SearchFilters(document_type=(report.pk,))
    )
    # then
    assert len(result.hits) == 1
    assert {v.value: v.count for v in result.facets["document_type"]} == {
        str(report.pk): 1,
        str(document_type().pk): 2,
    }


def test_words_the_statistics_call_rare_go_straight_to_the_index(clerk, make_incoming, monkeypatch):
    # given: word statistics (PostgreSQL's ANALYZE) that put every word in very few rows
    from congso.documents.search import engines

    monkeypatch.setattr(engines, "_lexeme_frequencies", lambda: ({}, 0.0001, 1_000.0))
    make_incoming(subject="Giấy mời họp", arrived_at=_days_ago(2))
    newer = make_incoming(subject="Giấy mời họp giao ban", arrived_at=_days_ago(1))
    make_incoming(subject="Báo cáo")
    # when
    result = document_search(user=clerk, query='"giay moi hop"', filters=SearchFilters())
    # then
    assert _ids(result)[0] == newer.pk
    assert (result.total, result.total_capped) == (2, False)
