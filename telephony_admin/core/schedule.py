BEAT_SCHEDULE = {
    "notifications-send-due-emails": {
        "task": "telephony_admin.core.tasks.notification_send_emails_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
}
