"""Static files as production serves them: WhiteNoise's compressed files named by their hash, with
each file's URL worked out once per process.

Every page names six files in its layout; finding each one's hashed name (cleaning the name,
looking it up in the manifest, joining it to STATIC_URL) took a tenth of a registration page's
template time in issue 19's rush. The manifest cannot change while a process runs: collectstatic
writes it before the workers start."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:  # collectstatic's own lookups while it writes the manifest
            return super().url(name, force)
        if name not in self._urls:
            self._urls[name] = super().url(name)
        return self._urls[name]
