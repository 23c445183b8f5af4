BEAT_SCHEDULE = {
    "callcenter-messages-sweep": {
        "task": "callcenter.tasks.messages_sweep_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "callcenter-hotline-quiet-check": {
        "task": "callcenter.tasks.hotline_quiet_check_task",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    "callcenter-answer-rate-report": {
        "task": "callcenter.tasks.answer_rate_report_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
}
