"""Names of the dossiers domain: statuses, channels, outcomes, event kinds and audit actions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    """Local statuses; `PortalStatusMapping` maps them to the national portal codes 1–10
    (standards.md §6.4). `draft` has no portal code: the citizen has not submitted yet."""

    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Mới đăng ký")
    RECEIVED = "received", _("Đã tiếp nhận")
    REFUSED = "refused", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung giấy tờ")
    FEE_REQUESTED = "fee_requested", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    DONE = "done", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")


#: Default portal codes (TrangThaiHoSo), loaded into the editable mapping table by migration.
DEFAULT_PORTAL_CODES: dict[str, int] = {
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.FEE_REQUESTED: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.DONE: 9,
    DossierStatus.RETURNED: 10,
}

#: Statuses in which the legal clock runs (overdue and nearing-due lists look only at these).
CLOCK_RUNNING = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)
#: Statuses of a dossier that is still being handled (not closed in any way).
OPEN_STATUSES = (
    DossierStatus.SUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FEE_REQUESTED,
)


class Channel(models.IntegerChoices):
    """KenhThucHien of the national portal (standards.md §6.4)."""

    DIRECT = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Qua bưu chính công ích")


class ResultChannel(models.TextChoices):
    COUNTER = "counter", _("Tại Bộ phận Một cửa")
    POST = "post", _("Qua bưu chính công ích")
    ONLINE = "online", _("Trực tuyến")


class StepOutcome(models.TextChoices):
    """Mẫu 05 column "Kết quả giải quyết hồ sơ"."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class RatingLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


class QueueTicketStatus(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    CALLED = "called", _("Đã gọi")
    SKIPPED = "skipped", _("Bỏ qua")


class EventKind(models.TextChoices):
    """Kinds of `DossierEvent` (the dossier's history, one row per change)."""

    DRAFTED = "drafted", _("Tạo hồ sơ nháp")
    SUBMITTED = "submitted", _("Nộp hồ sơ")
    COUNTER_CREATED = "counter_created", _("Tiếp nhận trực tiếp tại quầy")
    RECEIVED = "received", _("Tiếp nhận hồ sơ (Mẫu 01)")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung hồ sơ (Mẫu 02)")
    SUPPLEMENTED = "supplemented", _("Bổ sung hồ sơ")
    REFUSED = "refused", _("Từ chối tiếp nhận (Mẫu 03)")
    FORWARDED = "forwarded", _("Chuyển xử lý")
    STEP_COMPLETED = "step_completed", _("Hoàn thành bước xử lý")
    SUB_DOSSIER_CREATED = "sub_dossier_created", _("Chuyển hồ sơ liên thông")
    SUB_DOSSIER_FINISHED = "sub_dossier_finished", _("Hồ sơ liên thông đã xử lý xong")
    EXTENDED = "extended", _("Gia hạn, xin lỗi (Mẫu 04)")
    FINISHED = "finished", _("Đã xử lý xong")
    RETURNED = "returned", _("Trả kết quả")
    RATED = "rated", _("Đánh giá hài lòng")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    FEE_REQUESTED = "fee_requested", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    FEE_PAID = "fee_paid", _("Đã thực hiện nghĩa vụ tài chính")
    STOPPED = "stopped", _("Dừng xử lý hồ sơ")


class DossierAction(models.TextChoices):
    """Audit actions; every entry targets the Dossier (or the queue ticket)."""

    DRAFT_CREATED = "dossiers.draft_created", _("Tạo hồ sơ nháp")
    DRAFT_UPDATED = "dossiers.draft_updated", _("Sửa hồ sơ nháp")
    FILE_ADDED = "dossiers.file_added", _("Thêm thành phần hồ sơ")
    SUBMITTED = "dossiers.submitted", _("Nộp hồ sơ trực tuyến")
    COUNTER_CREATED = "dossiers.counter_created", _("Nhận hồ sơ tại quầy")
    RECEIVED = "dossiers.received", _("Tiếp nhận hồ sơ")
    SUPPLEMENT_REQUESTED = "dossiers.supplement_requested", _("Yêu cầu bổ sung hồ sơ")
    SUPPLEMENTED = "dossiers.supplemented", _("Bổ sung hồ sơ")
    REFUSED = "dossiers.refused", _("Từ chối tiếp nhận hồ sơ")
    FORWARDED = "dossiers.forwarded", _("Chuyển xử lý hồ sơ")
    STEP_COMPLETED = "dossiers.step_completed", _("Hoàn thành bước xử lý")
    SUB_DOSSIER_FINISHED = "dossiers.sub_dossier_finished", _("Hồ sơ liên thông xử lý xong")
    EXTENDED = "dossiers.extended", _("Gia hạn giải quyết hồ sơ")
    FINISHED = "dossiers.finished", _("Hồ sơ đã xử lý xong")
    RETURNED = "dossiers.returned", _("Trả kết quả")
    RATED = "dossiers.rated", _("Đánh giá hài lòng")
    WITHDRAWN = "dossiers.withdrawn", _("Rút hồ sơ")
    FEE_REQUESTED = "dossiers.fee_requested", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    FEE_PAID = "dossiers.fee_paid", _("Đã thực hiện nghĩa vụ tài chính")
    STOPPED = "dossiers.stopped", _("Dừng xử lý hồ sơ")
    REFUSED_INPUT = "dossiers.input_refused", _("Từ chối thao tác không hợp lệ")
    QUEUE_TICKET_TAKEN = "dossiers.queue_ticket_taken", _("Lấy số thứ tự")
    QUEUE_TICKET_CALLED = "dossiers.queue_ticket_called", _("Gọi số thứ tự")
    PORTAL_MAPPING_SET = "dossiers.portal_mapping_set", _("Sửa ánh xạ trạng thái Cổng DVC")
