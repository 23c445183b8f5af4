BEAT_SCHEDULE = {
    "approvals-send-reminders": {
        "task": "telephony_admin.approvals.tasks.approval_send_reminders_task",
        "schedule": 15 * 60.0,
        "options": {"expires": 10 * 60},
    },
}
