BEAT_SCHEDULE = {
    "notifications-send-due-emails": {
        "task": "telephony_admin.core.tasks.notification_send_emails_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "exports-purge": {
        "task": "telephony_admin.core.tasks.export_jobs_purge_task",
        "schedule": 3600.0,
        "options": {"expires": 1800},
    },
}
