from congso.core.errors import ValidationFailed


class NotificationRejected(ValidationFailed):
    code = "notification_rejected"
