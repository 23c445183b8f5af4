BEAT_SCHEDULE = {
    "extensions-ld-requests-mark-lapsed": {
        "task": "extensions.tasks.ld_requests_mark_lapsed_task",
        "schedule": 10 * 60.0,
        "options": {"expires": 9 * 60},
    },
    "extensions-class-changes-apply-due": {
        "task": "extensions.tasks.class_changes_apply_due_task",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
}
