"""manage.py seed_demo: demo data for the dev server, or England-scale data for benchmarks."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import build as demo


class Command(BaseCommand):
    help = (
        "Seed demo data. By default a small, idempotent data set (safe to run at every start); "
        "with --scale england, ~25,000 schools and ~250,000 teachers into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "england"], default="demo")
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="With --scale england: build this fraction of England (0.01 = 250 schools).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the school, provider, participant and audit tables (and what references them) first.",
        )

    def handle(self, *args, scale, fraction, reset, **options):
        if not 0 < fraction <= 1:
            raise CommandError("--fraction must be more than 0 and at most 1.")
        if scale == "demo" and fraction != 1.0:
            raise CommandError("--fraction only applies with --scale england.")
        if (reset or scale == "england") and not getattr(settings, "DEMO_DATA_ALLOWED", False):
            # --reset empties the school, provider, participant and audit tables; England scale
            # fills them with made-up schools and teachers. Neither may ever touch real data.
            what = "--reset" if reset else "--scale england"
            raise CommandError(
                f"Refusing {what}: it would {'empty' if reset else 'fill'} the school, provider, "
                "participant and audit tables, and this environment does not allow demo data "
                "(settings.DEMO_DATA_ALLOWED is not True). Use the development or test settings."
            )
        log = self.stdout.write
        if scale == "england":
            try:
                counts = demo.seed_england(fraction=fraction, reset=reset, log=log)
            except demo.AlreadySeeded as refused:
                raise CommandError(str(refused)) from refused
        else:
            counts = demo.seed_demo(reset=reset, log=log)
        width = max(len(name) for name in counts)
        log("Rows per table:")
        for name, count in counts.items():
            log(f"  {name:<{width}} {count:>10,}")
