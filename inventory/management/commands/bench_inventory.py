"""python manage.py bench_inventory: the inventory import benchmark in the current database
(use a scratch database: it adds 50,000 solutions). `manage.py bench` runs it too."""

from django.core.management.base import BaseCommand

from inventory.bench import bench_inventory


class Command(BaseCommand):
    help = "Time importing 50,000 resources and 600,000 usage rows (use a scratch database)."

    def add_arguments(self, parser):
        parser.add_argument("--resources", type=int, default=50_000)
        parser.add_argument("--months", type=int, default=12)

    def handle(self, *args, resources, months, **options):
        bench_inventory(self.stdout, resources=resources, months=months)
