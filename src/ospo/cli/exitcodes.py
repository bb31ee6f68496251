"""Exit codes, documented in the README; CI jobs depend on them staying put."""

OK = 0
FINDINGS = 1  # policy denied something, or findings at/above --fail-on
USAGE = 2  # bad command line or unreadable configuration (Typer/Click use 2 too)
INCOMPLETE = 3  # the run finished but some files could not be parsed or read
UPLOAD_FAILED = 4  # the scan ran, but `--upload` could not store it in the service
