"""The staff workspace, the organisation directory and the administrative units."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congso.accounts.constants import Role
from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.organizations.tests.factories import InternalUnitFactory, PositionFactory
from congso.web.tests.trees import small_admin_unit_tree, small_agency_tree


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["web:staff-home"])
def test_anonymous_visitors_are_sent_to_the_staff_login(client, url_name):
    # when
    response = client.get(reverse(url_name))
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next={reverse(url_name)}"


@pytest.mark.django_db
def test_anyone_may_browse_the_agency_directory(client):
    # given
    small_agency_tree(extra_departments=1)
    # when
    response = client.get(reverse("web:agency-tree"))
    # then
    assert response.status_code == 200
    assert "UBND" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["web:staff-home"])
def test_citizens_are_sent_back_to_the_public_home_with_a_message(client, url_name):
    # given
    client.force_login(CitizenUserFactory.create())
    # when
    response = client.get(reverse(url_name), follow=True)
    # then
    assert response.redirect_chain == [(reverse("web:public-home"), 302)]
    assert "Trang này chỉ dành cho cán bộ, công chức." in response.content.decode()


@pytest.mark.django_db
def test_staff_home_greets_the_user_with_position_agency_and_unit(client):
    # given
    staff = StaffUserFactory.create(
        full_name="Lê Thị Văn Thư", position=PositionFactory.create(name="Văn thư")
    )
    staff.unit = InternalUnitFactory.create(parent=staff.agency, name="Văn phòng Sở")
    staff.save(update_fields=["unit"])
    client.force_login(staff)
    # when
    response = client.get(reverse("web:staff-home"))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Xin chào, Lê Thị Văn Thư" in content
    assert "Văn thư" in content
    assert staff.agency is not None
    assert staff.agency.name in content
    assert "Văn phòng Sở" in content


@pytest.mark.django_db
def test_staff_home_shows_the_empty_task_list_and_the_modules(client):
    # given
    client.force_login(StaffUserFactory.create(roles=[Role.CLERK]))
    # when
    content = client.get(reverse("web:staff-home")).content.decode()
    # then
    assert "Nhiệm vụ của tôi" in content
    assert "Chưa có nhiệm vụ" in content
    assert f'href="{reverse("documents:incoming-list")}"' in content
    assert f'href="{reverse("documents:outgoing-list")}"' in content
    for module in ["Hồ sơ một cửa", "Liên thông văn bản"]:
        assert module in content
    assert content.count("sắp có") >= 2
    assert 'href="/api/docs/"' in content
    assert f'href="{reverse("web:agency-tree")}"' in content


@pytest.mark.django_db
def test_staff_home_lists_the_documents_assigned_to_me(client):
    # given
    from congso.documents.constants import AssignmentRole
    from congso.documents.models import Assignment
    from congso.documents.tests.factories import IncomingDocumentFactory

    specialist = StaffUserFactory.create(roles=[Role.SPECIALIST])
    document = IncomingDocumentFactory.create(
        agency=specialist.agency, subject="V/v kiểm tra an toàn thông tin"
    )
    Assignment.objects.create(
        document=document,
        role=AssignmentRole.LEAD,
        assignee=specialist,
        assigned_by=document.registered_by,
    )
    client.force_login(specialist)
    # when
    content = client.get(reverse("web:staff-home")).content.decode()
    # then
    assert "V/v kiểm tra an toàn thông tin" in content
    assert reverse("documents:incoming-detail", args=[document.pk]) in content
    assert "Chưa có nhiệm vụ" not in content


@pytest.mark.django_db
@pytest.mark.parametrize(("is_staff", "shows_admin"), [(True, True), (False, False)])
def test_admin_link_only_for_those_who_may_use_the_admin_site(client, is_staff, shows_admin):
    # given
    client.force_login(StaffUserFactory.create(is_staff=is_staff, roles=[Role.ADMINISTRATOR]))
    # when
    content = client.get(reverse("web:staff-home")).content.decode()
    # then
    assert (f'href="{reverse("admin:index")}"' in content) is shows_admin


@pytest.mark.django_db
def test_directory_renders_the_whole_tree_with_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    # given
    tree = small_agency_tree(extra_departments=20)
    client.force_login(StaffUserFactory.create(agency=tree.department))
    # when
    with django_assert_max_num_queries(8):
        response = client.get(reverse("web:agency-tree"))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    for agency in [tree.province, tree.department, tree.office, tree.district, tree.commune]:
        assert agency.name in content
    assert "000.00.11.H34" in content
    assert "H34.33.05" in content
    assert "mã minh họa" in content
    assert content.count("<details") == 3  # province, department (has an office), district
    assert "Sở Thử Nghiệm 19" in content


@pytest.mark.django_db
def test_directory_query_count_does_not_grow_with_the_tree(client, django_assert_max_num_queries):
    # given: the same bound as for a small tree, over a tree ten times larger
    tree = small_agency_tree(extra_departments=200)
    client.force_login(StaffUserFactory.create(agency=tree.department))
    # when
    with django_assert_max_num_queries(8):
        response = client.get(reverse("web:agency-tree"))
    # then
    assert response.context["total"] >= tree.size


@pytest.mark.django_db
def test_agency_detail_shows_ancestors_and_children(client):
    # given
    tree = small_agency_tree()
    client.force_login(StaffUserFactory.create(agency=tree.department))
    # when
    response = client.get(reverse("web:agency-detail", args=[tree.department.pk]))
    # then
    assert response.status_code == 200
    assert [node.id for node in response.context["ancestors"]] == [tree.province.pk]
    assert [node.id for node in response.context["children"]] == [tree.office.pk]
    content = response.content.decode()
    assert "<h1>Sở Thông tin và Truyền thông</h1>" in content
    assert f'href="{reverse("web:agency-detail", args=[tree.province.pk])}"' in content


@pytest.mark.django_db
def test_agency_detail_of_an_unknown_id_is_a_vietnamese_404(client):
    # given
    client.force_login(StaffUserFactory.create())
    # when
    response = client.get(reverse("web:agency-detail", args=[987654]))
    # then
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_administrative_units_list_province_districts_and_communes_with_gso_codes(client):
    # given
    small_admin_unit_tree()
    # when
    response = client.get(reverse("web:admin-units"))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    for text in ["Tỉnh Kon Tum", "Huyện Đắk Hà", "Xã Hà Mòn", "62", "615", "23521"]:
        assert text in content
