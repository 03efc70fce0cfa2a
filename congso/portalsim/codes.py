"""Protocol constants of the simulated portal (standards.md §6.3, §6.4).

Values marked [C]/[?] in standards.md are defaults that the command line can override.
"""

from __future__ import annotations

# Auth answers an integer error_code (0 = success); service calls answer a string ("00").
AUTH_OK = 0
AUTH_FAILED = 1

OK = "00"
SESSION_INVALID = "01"  # simulator's choice [?]: the real portal's code is unknown
INVALID_DATA = "02"
UNKNOWN_SERVICE = "03"
NOT_FOUND = "04"
ALREADY_EXISTS = "05"
BAD_REQUEST = "99"

# TrangThaiHoSo (standards.md §6.4, [B]).
STATUS_NAMES: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

# Default paths (the real portal's paths are configuration in OpenCPS: adapter_url + endpoint).
AUTH_PATH = "/api/auth"
INTEGRATION_PATH = "/api/integration"
SHARE_PATH = "/api/share"

# MaHoSo (standards.md §6.1, [B]): {QCVN 102 code of the receiving agency}-{yyMMdd}-{4 digits}.
DEFAULT_MAHOSO_PATTERN = r"(?P<agency>\d{3}\.\d{2}\.\d{2}\.[A-Y]\d{2})-(?P<day>\d{6})-\d{4}"
DATE_FORMAT = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss, Asia/Ho_Chi_Minh (standards.md §6.3)
