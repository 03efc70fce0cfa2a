"""E-mail and SMS to citizens and staff, queued in the database and sent after commit by Celery."""
