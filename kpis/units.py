"""The units a KPI is measured in: a vocabulary the pure modules (formatting,
the import parser) share with the models without importing them."""

from django.db import models


class Unit(models.TextChoices):
    PERCENT = "percent", "%"
    DAYS = "days", "days"
    COUNT = "count", "count"
    RATE_PER_10K = "rate_per_10k", "per 10,000"
    AVERAGE = "average", "average"
