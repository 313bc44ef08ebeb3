"""The Celery app. Other systems send tasks to it by name (see README, "Tasks")."""

from celery import Celery

app = Celery("newsarchive", include=["workers.tasks"])
app.config_from_object("workers.celeryconfig")
