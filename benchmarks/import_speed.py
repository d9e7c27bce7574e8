"""Generate 10,000-contact import files and time `wt import` on them.

    python benchmarks/import_speed.py generate /tmp/wt-bench      # writes the two files
    hyperfine --runs 5 --prepare 'rm -f /tmp/wt-bench/b.db*; wt --db /tmp/wt-bench/b.db init' \\
        'wt --db /tmp/wt-bench/b.db import /tmp/wt-bench/contacts.vcf'

Without arguments it generates into a temp folder and runs both imports
itself (median of 5 fresh-database runs each), printing seconds per import.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNT = 10_000
COMPANIES = ["Northwind", "Contoso, Ltd.", "Fabrikam", "Initech", "Litware", "Tailspin Toys"]


def write_vcards(path: Path, count: int = COUNT) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for i in range(count):
            out.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:Person{i};Test;;;\r\nFN:Test Person{i}\r\n"
                f"ORG:{COMPANIES[i % len(COMPANIES)].replace(',', chr(92) + ',')}\r\n"
                f"TITLE:Buyer {i % 7}\r\nEMAIL;TYPE=WORK:person{i}@example.com\r\n"
                f"TEL;TYPE=CELL:+1 415 555 {i:04d}\r\n"
                f"NOTE:Met at event {i % 50}\\, follow up about the long\r\n"
                " folded note line\r\n"
                f"CATEGORIES:bench,group{i % 10}\r\nUID:bench-{i}\r\nEND:VCARD\r\n"
            )


def write_linkedin(path: Path, count: int = COUNT) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write('Notes:\n"When exporting your connection data, you may notice..."\n\n')
        out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
        for i in range(count):
            company = COMPANIES[i % len(COMPANIES)]
            out.write(
                f'Test,Person{i},https://www.linkedin.com/in/person{i},,"{company}",'
                f"Account Executive,{1 + i % 28:02d} Mar 2024\n"
            )


def generate(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    vcf, csv = folder / "contacts.vcf", folder / "Connections.csv"
    write_vcards(vcf)
    write_linkedin(csv)
    return vcf, csv


def time_import(folder: Path, source: Path, runs: int = 5) -> float:
    db = folder / "bench.db"
    env = dict(os.environ, WINTOGETHER_DB=str(db))
    times = []
    for _ in range(runs):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "wintogether", "init"], env=env, check=True, capture_output=True
        )
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "wintogether", "import", str(source)],
            env=env,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "generate":
        for path in generate(Path(sys.argv[2])):
            print(path)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        vcf, csv = generate(folder)
        for label, source in (("vCard", vcf), ("LinkedIn", csv)):
            print(f"{label} {COUNT:,} contacts: median {time_import(folder, source):.2f} s")


if __name__ == "__main__":
    main()
