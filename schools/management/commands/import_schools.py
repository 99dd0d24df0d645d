"""manage.py import_schools FILE.csv: create and update schools from a GIAS establishment export."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from schools import gias
from schools.services import DEFAULT_BATCH_SIZE, BadBatchSize, import_schools


class Command(BaseCommand):
    help = (
        "Create and update schools from a GIAS (Get Information About Schools) establishment CSV export, "
        "keyed on URN. Bad rows are listed by line number and skipped; the rest are imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GIAS establishment CSV (cp1252 as GIAS writes it, or UTF-8)")
        parser.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
        parser.add_argument(
            "--encoding",
            choices=gias.ENCODINGS,
            default="auto",
            help="file encoding; auto (the default) reads UTF-8 when the file is valid UTF-8, else cp1252",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows per transaction")

    def handle(self, *args, file, no_progress, encoding, batch_size, **options):
        try:
            binary = open(file, "rb")  # noqa: SIM115 - closed below, and errors opening it are reported
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        with binary:
            try:
                gias_csv = gias.read_csv(binary, encoding=encoding)
                with tqdm(
                    gias_csv.rows,
                    total=gias_csv.approximate_row_count,
                    unit=" rows",
                    file=sys.stderr,
                    disable=no_progress or not sys.stderr.isatty(),
                ) as rows:
                    result = import_schools(rows=rows, batch_size=batch_size)
            except gias.GiasFileError as error:
                raise CommandError(f"{file} {error}") from None
            except BadBatchSize as error:
                raise CommandError(f"--batch-size: {error}") from None

        for line, reason in result.problems:
            self.stdout.write(self.style.WARNING(f"Line {line}: {reason}"))
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.skipped} skipped"
            + (
                f" ({result.eligibility_changed} funding eligibility changed)"
                if result.eligibility_changed
                else ""
            )
        )
        if not result.imported:
            raise CommandError(
                f"No schools imported: every row of {file} has a problem (listed above)"
                if result.problems
                else f"No schools imported: {file} has no rows"
            )
