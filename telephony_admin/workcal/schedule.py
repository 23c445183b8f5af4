from celery.schedules import crontab

BEAT_SCHEDULE = {
    "workcal-seed-next-year": {
        "task": "telephony_admin.workcal.tasks.calendar_seed_next_year_task",
        # Daily in December: the State Council publishes the next year's notice then.
        "schedule": crontab(minute=0, hour=6, month_of_year=12),
        "options": {"expires": 3600},
    },
}
