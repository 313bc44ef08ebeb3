"""Workers: the Celery app and the tasks that turn archived raw pages into article records."""
