from django.db import models


class AuditAction(models.TextChoices):
    AGENCY_CREATED = "agency.created", "Tạo cơ quan"
    AGENCY_UPDATED = "agency.updated", "Cập nhật cơ quan"
    ADMIN_UNIT_CREATED = "admin_unit.created", "Tạo đơn vị hành chính"
    USER_CREATED = "user.created", "Tạo tài khoản"
    USER_UPDATED = "user.updated", "Cập nhật tài khoản"
    USER_ROLES_CHANGED = "user.roles_changed", "Thay đổi vai trò"
    USER_LOGIN = "user.login", "Đăng nhập"
    USER_LOGIN_FAILED = "user.login_failed", "Đăng nhập thất bại"
    USER_LOCKED = "user.locked", "Khóa tài khoản"
    USER_UNLOCKED = "user.unlocked", "Mở khóa tài khoản"
    USER_TOTP_ENABLED = "user.totp_enabled", "Bật xác thực hai lớp"
    USER_TOTP_DISABLED = "user.totp_disabled", "Tắt xác thực hai lớp"
    DELEGATION_GRANTED = "delegation.granted", "Ủy quyền"
    DELEGATION_REVOKED = "delegation.revoked", "Thu hồi ủy quyền"
    CALENDAR_DECISION_SET = "calendar.decision_set", "Đặt ngày làm việc/nghỉ"
    CALENDAR_DECISION_REMOVED = "calendar.decision_removed", "Xóa quyết định lịch"
    CATALOGUE_CHANGED = "catalogue.changed", "Thay đổi danh mục"
    DEMO_DATA_LOADED = "demo.loaded", "Nạp dữ liệu mẫu"
