"""manage.py import_funding_flags FILE.csv: schools' pupil premium and sparsity flags from a CSV file,
as finance staff import them in admin (the same checks and the same service)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schools import funding_flags, services


class Command(BaseCommand):
    help = (
        "Import schools' pupil premium and sparsity flags from a CSV file with the columns URN, "
        "Contract period, Pupil premium uplift and Sparsity uplift (yes or no). Each row sets that "
        "school's flags for that contract period; schools not in the file keep theirs. A file with "
        "any problem imports nothing: every problem is listed by row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8 (a sample: schools/data/funding_flags_sample.csv)")
        parser.add_argument(
            "--check", action="store_true", help="only check the file and say what importing it would change"
        )

    def handle(self, *args, file, check, **options):
        path = Path(file)
        try:
            with path.open("rb") as binary:
                content = binary.read(funding_flags.MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        try:
            checked = funding_flags.check_file(content)
            if checked.problems:
                raise services.FundingFlagsFileHasProblems(checked)
            if check:
                self._summary(checked, "would be")
                return
            upload = services.save_funding_flags_upload(
                content=content, file_name=path.name, uploaded_by=None
            )
            checked = services.import_funding_flags(upload=upload, actor=services.FUNDING_FLAGS_COMMAND)
        except funding_flags.UnreadableFile as unreadable:
            raise CommandError(f"{file}: {unreadable}") from None
        except services.FundingFlagsFileHasProblems as refused:
            for problem in refused.checked.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing imported: {file} has {len(refused.checked.problems):,} problems (listed above)"
            ) from None
        self._summary(checked, "")

    def _summary(self, checked, would: str) -> None:
        verb = f"{would} " if would else ""
        for year in checked.years:
            self.stdout.write(
                f"Contract period {year.year}: {year.rows:,} rows, {year.added:,} {verb}added, "
                f"{year.changed:,} {verb}changed, {year.unchanged:,} already so; pupil premium schools "
                f"{year.pupil_premium_before:,} → {year.pupil_premium_after:,}, sparsity schools "
                f"{year.sparsity_before:,} → {year.sparsity_after:,}"
            )
        self.stdout.write(
            ("Checked: nothing imported." if would else "Imported.")
            + f" {len(checked.added):,} {verb}added, {len(checked.changed):,} {verb}changed, "
            f"{checked.unchanged:,} already so."
        )
