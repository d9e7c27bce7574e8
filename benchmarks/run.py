"""Benchmark wintogether against its floors and write benchmarks/RESULTS.md.

Every command in ``BENCHES`` runs against a small and a large generated
database (benchmarks/generate.py) under hyperfine, in ONE hyperfine run with
the floors: ``python -c pass``, a bare Typer app shaped like ``wt log``
(benchmarks/bare_typer.py), ``wt --version`` and, when installed, jrnl adding
an entry. The machine is usually shared, so every target is a ratio against a
floor measured in the same run, and the table reports medians.

A command whose subcommand the installed ``wt`` does not have is skipped with
a printed note; adding a command to the benchmark is one line in ``BENCHES``.

Usage::

    python benchmarks/run.py                      # generate if needed, run, write RESULTS.md
    python benchmarks/run.py --runs 5 --warmup 1  # quicker, noisier
    python benchmarks/run.py --jrnl /path/to/jrnl

Databases are kept in --workdir (default /tmp/wt-bench) and regenerated only
when missing, since the large one takes a while to build.

What is timed is an ordinary install, as a user gets it: the project is built
into a wheel, installed (not editable) into a fresh virtual environment in the
workdir, and every module of that environment is compiled to bytecode
(``python -m compileall``) before anything runs; the report says so, and checks
that the modules `wt` imports really have their bytecode cached. ``--wt PATH``
times another `wt` instead, and the report says whether that one is editable.

Besides the generated databases, the "day-one" database is a seller's first
day: 10,000 LinkedIn connections (benchmarks/import_speed.py) imported into a
new database, and the reads that follow an import (``DAY_ONE``) run on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
HYPERFINE = "/usr/bin/hyperfine"
TIME = "/usr/bin/time"  # GNU time, for peak memory (%M)
MIB = 1024 * 1024


@dataclass(frozen=True)
class Bench:
    """One benchmarked command: ``wt --db DB <argv>``.

    ``kind`` picks the target: ``write`` (≤ 1.2x the bare Typer floor, on a copy
    of the database since it mutates), ``read`` (≤ 1.5x ``wt --version`` at
    large scale and ≤ 2x its own small-scale time), ``import`` (< 5 s into an
    empty database, recreated before every run), ``export`` (< 15 s) and
    ``check`` (`wt doctor`'s quick check: < 5 s on the large database).
    ``sync-first``: the first ``wt sync`` of 1,000 contacts and 1,000 promises
    into an empty vdir (< 5 s, database and vdir reset before every run);
    ``sync-unchanged``: the next ``wt sync``, with nothing to do (≤ 2x
    ``wt --version``, in the same run as the floors). Both use their own
    database (benchmarks/sync_speed.py).
    Placeholders: {star} (the busiest contact), {word} (a common word),
    {company} (the star's company: the big account, 200 people at large scale),
    {deal} (the busiest contact's open deal),
    {vcards}/{linkedin} (10,000-entry import files), {out} (an output file),
    {vdir} (the sync folder).
    """

    name: str
    argv: tuple[str, ...]
    kind: str


#: The benchmarked commands. One line per command.
BENCHES: tuple[Bench, ...] = (
    Bench("log", ("log", "{star}", "Quick call: renewal moves to Q2, wants a proposal"), "write"),
    Bench(
        "follow-up", ("follow-up", "{star}", "Send the SOC2 report", "--due", "2026-12-04"), "write"
    ),
    Bench("today", ("today",), "read"),
    Bench("show", ("show", "{star}"), "read"),
    Bench("neglected", ("neglected",), "read"),
    Bench("followups", ("followups",), "read"),
    # The same reads without the terminal renderer: what the data work costs.
    Bench("today --json", ("today", "--json"), "read"),
    Bench("neglected --json", ("neglected", "--json"), "read"),
    Bench("show --json", ("show", "{star}", "--json"), "read"),
    Bench("search", ("search", "{word}"), "read"),
    Bench("summary", ("summary", "--week"), "read"),
    Bench("summary --month", ("summary", "--month"), "read"),
    Bench("history", ("history", "--since", "last week"), "read"),
    Bench("balance", ("balance",), "read"),
    Bench("contacts", ("contacts",), "read"),
    Bench("contacts --sort attention", ("contacts", "--sort", "attention"), "read"),
    Bench("dupes", ("dupes",), "read"),
    Bench("company", ("company", "{company}"), "read"),
    Bench("company --json", ("company", "{company}", "--json"), "read"),
    Bench("path", ("path", "{company}"), "read"),
    Bench("path --json", ("path", "{company}", "--json"), "read"),
    Bench("companies", ("companies",), "read"),
    Bench("deals", ("deals",), "read"),
    Bench("deals --json", ("deals", "--json"), "read"),
    Bench("deal show", ("deal", "show", "{deal}"), "read"),
    Bench("plan", ("plan", "{deal}"), "read"),
    # The plan sent to the buyer, as iCalendar (written without the icalendar library).
    Bench("plan --format ics", ("plan", "{deal}", "--format", "ics"), "read"),
    Bench("doctor", ("doctor",), "check"),
    Bench("import vCard 10k", ("import", "{vcards}", "--from", "vcard"), "import"),
    Bench("import LinkedIn 10k", ("import", "{linkedin}", "--from", "linkedin"), "import"),
    Bench("export json", ("export", "--format", "json", "-o", "{out}"), "export"),
    Bench("sync first 1k+1k", ("sync", "{vdir}"), "sync-first"),
    Bench("sync unchanged 1k+1k", ("sync", "{vdir}"), "sync-unchanged"),
)

#: The reads timed on the day-one database (10,000 LinkedIn rows just imported).
DAY_ONE: tuple[str, ...] = ("today", "contacts", "contacts --sort attention", "dupes", "doctor")
#: Of those, the ones too slow for 20 runs: timed with the imports.
DAY_ONE_SLOW: tuple[str, ...] = ("dupes",)

WRITE_RATIO = 1.2  # x bare Typer, same run
READ_RATIO = 1.5  # x `wt --version` at large scale, same run
#: Reads with a target of their own (x `wt --version`): a month's summary is
#: four weeks of what `summary --week` reads.
READ_RATIOS = {"summary --month": 2.0}
GROWTH_RATIO = 2.0  # large ÷ small, same command
IMPORT_SECONDS = 5.0
EXPORT_SECONDS = 15.0
CHECK_SECONDS = 5.0  # `wt doctor` (the quick check) on the large database
SYNC_FIRST_SECONDS = 5.0
SYNC_UNCHANGED_RATIO = 2.0  # x `wt --version`, same run
SYNC_SIZE = 1_000  # contacts, and one promise each
MEMORY_MIB = 80.0
IMPORT_SIZE = 10_000


# -- helpers -------------------------------------------------------------------


def has_subcommand(wt: Path, name: str, env: dict[str, str]) -> bool:
    """Whether the installed `wt` has this subcommand (``wt NAME --help`` succeeds)."""
    done = subprocess.run(
        [str(wt), name, "--help"], env=env, capture_output=True, text=True, check=False
    )
    return done.returncode == 0


def peak_rss_mib(argv: list[str], env: dict[str, str], prepare: list[str] | None = None) -> float:
    """Max resident set size of one run of ``argv``, measured by GNU time.

    (getrusage/wait4 on a child started from this process would also count
    the moments before exec, when the child is still a copy of this Python.)
    """
    if prepare:
        subprocess.run(prepare, env=env, check=True)
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        done = subprocess.run(
            [TIME, "-f", "%M", "-o", out.name, *argv],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"{shlex.join(argv)} failed (exit {done.returncode}): {done.stderr}")
        kib = int(out.read().strip().splitlines()[-1])
    return kib * 1024 / MIB


def install(workdir: Path) -> Path:
    """Build a wheel of this checkout, install it (not editable) into a fresh
    virtual environment in ``workdir``, and compile every module to bytecode.

    The dependencies come from the package index pip is configured with, held
    to the versions installed where this script runs (so both measure the same
    Typer and Rich). Returns the environment's ``bin`` folder.
    """
    root = HERE.parent
    # Nothing from the checkout on the path: pip would take it for an install.
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    wheels = workdir / "wheel"
    shutil.rmtree(wheels, ignore_errors=True)
    print("Building a wheel …", flush=True)
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-q", "-w", str(wheels), str(root)], check=True, env=clean
    )
    wheel = next(wheels.glob("wintogether-*.whl"))
    venv = workdir / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    print(f"Installing {wheel.name} into {venv} …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=clean)
    frozen = subprocess.run(
        [*pip, "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
        env=clean,
    ).stdout
    constraints = workdir / "constraints.txt"
    constraints.write_text(
        "".join(
            line + "\n"
            for line in frozen.splitlines()
            if "==" in line and not line.startswith("wintogether==")
        ),
        encoding="utf-8",
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-c", str(constraints), str(wheel)],
        check=True,
        env=clean,
    )
    subprocess.run(
        [str(python), "-m", "compileall", "-q", "-j", "0", str(venv / "lib")],
        check=True,
        env=clean,
    )
    return venv / "bin"


#: Run by the measured interpreter: is `wt` installed editable, and which of the
#: modules a table-drawing command imports have no up-to-date bytecode.
_PROBE = """
import importlib.metadata, importlib.util, json, os, sys
import wintogether.cli.app, wintogether.domain.today, wintogether.render.today, sqlite_utils
dist = importlib.metadata.distribution("wintogether")
direct = dist.read_text("direct_url.json")
editable = bool(direct and json.loads(direct).get("dir_info", {}).get("editable"))
files = [m.__file__ for m in list(sys.modules.values())
         if getattr(m, "__file__", None) and m.__file__.endswith(".py")]
stale = [f for f in files
         if not os.path.exists(importlib.util.cache_from_source(f))
         or os.path.getmtime(importlib.util.cache_from_source(f)) < os.path.getmtime(f)]
print(json.dumps({"editable": editable, "version": dist.version,
                  "location": os.path.dirname(wintogether.__file__),
                  "modules": len(files), "stale": stale[:5], "stale_count": len(stale)}))
"""


def probe(python: Path, env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [str(python), "-c", _PROBE], env=env, capture_output=True, text=True, check=True
    )
    found: dict[str, object] = json.loads(done.stdout)
    return found


def day_one_db(workdir: Path, wt: str, env: dict[str, str]) -> Path:
    """A new database with the 10,000 LinkedIn connections of import_speed.py."""
    import import_speed

    db = workdir / "day-one.db"
    if not db.exists():
        print("Importing 10,000 LinkedIn connections for the day-one database (once) …")
        source = workdir / "day-one-Connections.csv"
        import_speed.write_linkedin(source)
        partial = workdir / "day-one.partial.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        subprocess.run([wt, "--db", str(partial), "init"], env=env, check=True, capture_output=True)
        subprocess.run(
            [wt, "--db", str(partial), "import", str(source)],
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [wt, "--db", str(partial), "doctor"], env=env, check=True, capture_output=True
        )
        partial.rename(db)
    return db


def ensure_db(workdir: Path, scale: str) -> dict[str, object]:
    db = workdir / f"{scale}.db"
    meta = db.with_name(db.name + ".json")
    if not db.exists() or not meta.exists():
        print(f"Generating the {scale} database (once) …", flush=True)
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(db), "--scale", scale, "--force"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    data: dict[str, object] = json.loads(meta.read_text(encoding="utf-8"))
    return data


def write_import_files(workdir: Path) -> tuple[Path, Path]:
    """10,000 vCards and 10,000 LinkedIn rows, deterministic."""
    import random

    from generate import COMPANY_A, COMPANY_B, COMPANY_C, FIRST, LAST

    rng = random.Random(10_000)
    vcf, csv_path = workdir / "import-10k.vcf", workdir / "import-10k-linkedin.csv"
    people = []
    for index in range(IMPORT_SIZE):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = f"{rng.choice(COMPANY_A)}{rng.choice(COMPANY_B)} {rng.choice(COMPANY_C)}"
        email = f"{first}.{last}.{index}@example.com".lower().replace("'", "")
        people.append((first, last, company, email, index))
    with vcf.open("w", encoding="utf-8", newline="") as out:
        for first, last, company, email, index in people:
            out.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:{last};{first};;;\r\nFN:{first} {last}\r\nORG:{company}\r\n"
                f"EMAIL;TYPE=WORK:{email}\r\nTEL;TYPE=CELL:+1 555 {index % 900 + 100} {index:04d}\r\n"
                "END:VCARD\r\n"
            )
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        out.write("Notes:\n\n")
        out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
        for first, last, company, email, index in people:
            out.write(
                f'{first},"{last}",https://www.linkedin.com/in/{first.lower()}-{index},'
                f"{email},{company},Buyer,12 Mar 2024\n"
            )
    return vcf, csv_path


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    hyperfine = subprocess.run(
        [HYPERFINE, "--version"], capture_output=True, text=True, check=False
    )
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "hyperfine": hyperfine.stdout.strip(),
        "Load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def jrnl_setup(jrnl: str | None, workdir: Path) -> list[str] | None:
    """jrnl adding an entry, with a private temporary config and journal."""
    path = jrnl or shutil.which("jrnl")
    if not path:
        return None
    home = workdir / "jrnl"
    home.mkdir(exist_ok=True)
    config = home / "jrnl.yaml"
    config.write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        f"indent_character: '|'\njournals:\n  default:\n    journal: {home / 'journal.txt'}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\nversion: v4.0\n",
        encoding="utf-8",
    )
    return [path, "--config-file", str(config), "Quick call: renewal moves to Q2, wants a proposal"]


# -- running -------------------------------------------------------------------


def hyperfine(
    commands: list[tuple[str, list[str]]],
    env: dict[str, str],
    export: Path,
    *,
    runs: int,
    warmup: int,
    rounds: int = 1,
    prepare: dict[str, list[str]] | None = None,
) -> dict[str, dict[str, float]]:
    """Run hyperfine (no shell) over ``commands``; return name -> {median, stddev, ...}.

    With ``rounds`` > 1 the whole list runs that many times with ``runs / rounds``
    runs each and the times are pooled: a burst of load from another process
    then lands on every command instead of on whichever was running.
    """
    per_round = max(1, -(-runs // rounds))
    pooled: dict[str, list[float]] = {}
    for index in range(rounds):
        argv = [HYPERFINE, "-N", "--style", "basic", "--warmup", str(warmup)]
        argv += [
            "--runs",
            str(per_round),
            "--export-json",
            str(export.with_suffix(f".{index}.json")),
        ]
        if prepare:
            # hyperfine pairs --prepare with commands in order: one per command.
            for name, _ in commands:
                argv += ["--prepare", shlex.join(prepare.get(name, ["true"]))]
        for name, command in commands:
            argv += ["-n", name, shlex.join(command)]
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        data = json.loads(export.with_suffix(f".{index}.json").read_text(encoding="utf-8"))
        for result in data["results"]:
            pooled.setdefault(result["command"], []).extend(result["times"])
    export.write_text(json.dumps(pooled, indent=1), encoding="utf-8")
    return {
        name: {
            "median": statistics.median(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
            "min": min(times),
            "runs": float(len(times)),
        }
        for name, times in pooled.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/wt-bench"))
    parser.add_argument(
        "--wt",
        type=Path,
        default=None,
        help="time this `wt` (default: build a wheel and install it in the workdir)",
    )
    parser.add_argument("--jrnl", help="jrnl executable (default: on PATH)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2, help="warm-up runs per round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="split --runs over this many passes over all commands (pooled)",
    )
    parser.add_argument("--slow-runs", type=int, default=5, help="runs for import/export")
    parser.add_argument("--scales", default="small,large")
    parser.add_argument(
        "--no-day-one", action="store_true", help="skip the day-one (LinkedIn import) database"
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    for tool in (HYPERFINE, TIME):
        if not Path(tool).exists():
            raise SystemExit(f"{tool} is needed")
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    sys.path.insert(0, str(HERE))
    # The databases are made by the sources being measured (generate.py and
    # sync_speed.py import wintogether), whatever this interpreter has installed.
    sources = str(HERE.parent / "src")
    sys.path.insert(0, sources)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (sources, os.environ.get("PYTHONPATH", "")) if p
    )
    info = machine()

    metas = {scale: ensure_db(workdir, scale) for scale in scales}
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    first = metas[scales[0]]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "WINTOGETHER_NOW": str(first["now"]),
        "WINTOGETHER_CONFIG": str(first["config"]),
    }
    # Not PYTHONDONTWRITEBYTECODE: bytecode is what an installed program runs from.
    bindir = install(workdir) if args.wt is None else args.wt.parent
    args.wt = bindir / "wt" if args.wt is None else args.wt
    python = bindir / "python"
    if not python.exists():
        python = Path(sys.executable)
    wt = str(args.wt)
    installed = probe(python, env)
    installed["wheel"] = args.wt.parent.parent == workdir / "venv"
    installed["python"] = str(python)
    print(
        f"Measuring {wt}: {'editable' if installed['editable'] else 'not editable'},"
        f" {installed['stale_count']} of {installed['modules']} modules without cached bytecode",
        flush=True,
    )

    # Which commands exist in this `wt`.
    present: list[Bench] = []
    for bench in BENCHES:
        if has_subcommand(args.wt, bench.argv[0], env):
            present.append(bench)
        else:
            print(f"note: skipping '{bench.name}': `wt {bench.argv[0]}` does not exist in {wt}")

    vcards = linkedin = None
    if any(b.kind == "import" for b in present):
        vcards, linkedin = write_import_files(workdir)

    def expand(bench: Bench, scale: str, db: Path) -> list[str]:
        meta = metas[scale]
        values = {
            "star": str(meta["star"]),
            "word": str(meta["search_word"]),
            "company": str(meta.get("star_company", "Northwind Traders")),
            "deal": str(meta.get("deal") or "1"),
            "vcards": str(vcards),
            "linkedin": str(linkedin),
            "out": str(workdir / f"export-{scale}.json"),
            "vdir": str(workdir / f"vdir-{bench.kind}"),
        }
        return [wt, "--db", str(db), *(part.format(**values) for part in bench.argv)]

    # -- sync: its own database of SYNC_SIZE contacts and promises -------------
    sync_base: Path | None = None
    if any(b.kind.startswith("sync-") for b in present):
        import sync_speed

        sync_base = workdir / "sync" / "base.db"
        if not sync_base.exists():
            sync_speed.generate(sync_base.parent, SYNC_SIZE)

    def sync_copy(bench: Bench) -> Path:
        assert sync_base is not None
        db = workdir / f"sync-{bench.kind}.db"
        shutil.rmtree(workdir / f"vdir-{bench.kind}", ignore_errors=True)
        shutil.copyfile(sync_base, db)
        for suffix in ("-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        return db

    # -- the fast commands and the floors, in one hyperfine run --------------
    floors: list[tuple[str, list[str]]] = [
        ("python -c pass", [str(python), "-c", "pass"]),
        (
            "bare Typer (wt log shape)",
            [
                str(python),
                str(HERE / "bare_typer.py"),
                "--db",
                "x.db",
                "log",
                "Dana Reyes",
                "note",
            ],
        ),
        ("wt --version", [wt, "--version"]),
        # What any command that draws a table pays before drawing anything.
        (
            "import Rich (tables)",
            [str(python), "-c", "import rich.console, rich.table, rich.panel, rich.text"],
        ),
    ]
    jrnl = jrnl_setup(args.jrnl, workdir)
    if jrnl:
        floors.append(("jrnl (add an entry)", jrnl))
    else:
        print("note: jrnl is not installed: no jrnl comparison (pass --jrnl PATH)")

    fast: list[tuple[str, list[str]]] = list(floors)
    memory_runs: list[tuple[str, list[str], list[str] | None]] = []
    labels: dict[tuple[str, str], str] = {}
    for scale in scales:
        source = Path(str(metas[scale]["db"]))
        for bench in present:
            if bench.kind not in ("read", "write"):
                continue
            db = source
            if bench.kind == "write":
                db = workdir / f"{scale}-{bench.name}.db"
                shutil.copyfile(source, db)
                for suffix in ("-wal", "-shm"):
                    Path(str(db) + suffix).unlink(missing_ok=True)
            label = f"{bench.name} [{scale}]"
            labels[(bench.name, scale)] = label
            command = expand(bench, scale, db)
            check = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if check.returncode != 0:
                raise SystemExit(
                    f"{label} failed (exit {check.returncode}): {check.stderr.strip()}"
                )
            fast.append((label, command))
            memory_runs.append((label, command, None))
    day_one: Path | None = None
    if not args.no_day_one:
        day_one = day_one_db(workdir, wt, env)
        for bench in present:
            if bench.name not in DAY_ONE or bench.name in DAY_ONE_SLOW or bench.kind != "read":
                continue
            label = f"{bench.name} [day-one]"
            labels[(bench.name, "day-one")] = label
            command = [wt, "--db", str(day_one), *bench.argv]
            fast.append((label, command))
            memory_runs.append((label, command, None))
    for bench in present:
        if bench.kind != "sync-unchanged":
            continue
        command = expand(bench, scales[-1], sync_copy(bench))
        subprocess.run(command, env=env, check=True, capture_output=True)  # the first sync
        labels[(bench.name, "-")] = bench.name
        fast.append((bench.name, command))
        memory_runs.append((bench.name, command, None))
    # The copies for the write commands are hundreds of MiB of dirty page
    # cache: flush them now, or the first commits would pay for the writeback.
    os.sync()
    print(f"Timing {len(fast)} commands x {args.runs} runs …", flush=True)
    results = hyperfine(
        fast,
        env,
        workdir / "hyperfine-fast.json",
        runs=args.runs,
        warmup=args.warmup,
        rounds=args.rounds,
    )

    # -- import and export: seconds each, fewer runs ----------------------------
    slow: list[tuple[str, list[str]]] = []
    prepare: dict[str, list[str]] = {}
    if any(b.kind == "import" for b in present):
        template = workdir / "empty.db"
        if not template.exists():
            subprocess.run(
                [wt, "--db", str(template), "init"], env=env, check=True, capture_output=True
            )
        for bench in present:
            if bench.kind != "import":
                continue
            target = workdir / f"import-{bench.name.replace(' ', '-')}.db"
            label = bench.name
            labels[(bench.name, "-")] = label
            slow.append((label, expand(bench, scales[-1], target)))
            prepare[label] = ["cp", "-f", str(template), str(target)]
            memory_runs.append((label, expand(bench, scales[-1], target), prepare[label]))
    for bench in present:
        if bench.kind != "export":
            continue
        for scale in scales:
            label = f"{bench.name} [{scale}]"
            labels[(bench.name, scale)] = label
            out = workdir / f"export-{scale}.json"
            command = expand(bench, scale, Path(str(metas[scale]["db"])))
            slow.append((label, command))
            prepare[label] = ["rm", "-f", str(out)]
            memory_runs.append((label, command, prepare[label]))
    for bench in present:
        if bench.kind != "check":
            continue
        for scale in scales:
            label = f"{bench.name} [{scale}]"
            labels[(bench.name, scale)] = label
            command = expand(bench, scale, Path(str(metas[scale]["db"])))
            slow.append((label, command))
            memory_runs.append((label, command, None))
    if day_one is not None:
        for bench in present:
            if bench.name in DAY_ONE and (bench.kind == "check" or bench.name in DAY_ONE_SLOW):
                label = f"{bench.name} [day-one]"
                labels[(bench.name, "day-one")] = label
                command = [wt, "--db", str(day_one), *bench.argv]
                slow.append((label, command))
                memory_runs.append((label, command, None))
    for bench in present:
        if bench.kind != "sync-first":
            continue
        db = sync_copy(bench)
        label = bench.name
        labels[(bench.name, "-")] = label
        slow.append((label, expand(bench, scales[-1], db)))
        vdir = workdir / f"vdir-{bench.kind}"
        prepare[label] = [
            "sh",
            "-c",
            f"rm -rf {shlex.quote(str(vdir))}; cp -f"
            f" {shlex.quote(str(sync_base))} {shlex.quote(str(db))};"
            f" rm -f {shlex.quote(str(db))}-wal {shlex.quote(str(db))}-shm",
        ]
        memory_runs.append((label, expand(bench, scales[-1], db), prepare[label]))
    if slow:
        print(f"Timing {len(slow)} import/export commands x {args.slow_runs} runs …", flush=True)
        results.update(
            hyperfine(
                slow,
                env,
                workdir / "hyperfine-slow.json",
                runs=args.slow_runs,
                warmup=1,
                prepare=prepare,
            )
        )

    # -- peak memory: one run of each, that child's max RSS ----------------------
    print("Measuring peak memory …", flush=True)
    memory = {label: peak_rss_mib(cmd, env, prep) for label, cmd, prep in memory_runs}
    for name, command in floors:
        memory[name] = peak_rss_mib(command, env)

    info["Measured `wt`"] = (
        f"{installed['location']} ({'a wheel built from this checkout, ' if installed['wheel'] else ''}"
        f"{'EDITABLE install' if installed['editable'] else 'not editable'})"
    )
    info["Bytecode"] = (
        "cached: every one of the"
        f" {installed['modules']} modules a table-drawing command imports has up-to-date bytecode"
        " (compileall after install; PYTHONDONTWRITEBYTECODE unset)"
        if not installed["stale_count"]
        else f"NOT cached for {installed['stale_count']} of {installed['modules']} modules,"
        f" e.g. {', '.join(str(x) for x in installed['stale'])}"  # type: ignore[attr-defined]
    )
    report = render(
        info,
        metas,
        scales,
        present,
        [b for b in BENCHES if b not in present],
        results,
        memory,
        labels,
        floors,
        args,
    )
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print(f"Wrote {args.out}")
    return 0


# -- the report ------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.2f} s"


def verdict(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def render(
    info: dict[str, str],
    metas: dict[str, dict[str, object]],
    scales: list[str],
    present: list[Bench],
    skipped: list[Bench],
    results: dict[str, dict[str, float]],
    memory: dict[str, float],
    labels: dict[tuple[str, str], str],
    floors: list[tuple[str, list[str]]],
    args: argparse.Namespace,
) -> str:
    def median(label: str) -> float:
        return results[label]["median"]

    lines = [
        "# Benchmark results",
        "",
        f"Generated by `python benchmarks/run.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" ({args.runs} timed runs of every command with hyperfine `-N`, in {args.rounds} rounds"
        f" over the whole list, {args.warmup} warm-up runs per round; import/export"
        f" `--runs {args.slow_runs}`). Medians of the pooled runs. Every ratio compares"
        " numbers from the same rounds, so load on a shared machine affects both sides.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in info.items()),
        "",
        "## Databases",
        "",
        "| scale | contacts | conversations | participants | promises (open) | ledger | size | busiest contact |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for scale in scales:
        m = metas[scale]
        lines.append(
            f"| {scale} | {m['contacts']:,} | {m['conversations']:,} | {m['participants']:,} |"
            f" {m['promises']:,} ({m['open_promises']:,}) | {m['ledger']:,} |"
            f" {int(str(m['bytes'])) / MIB:.0f} MiB | {m['star']} ({m['star_conversations']:,} conversations) |"
        )
    lines += [
        "",
        "## Floors (same run)",
        "",
        "| floor | median | ± stddev | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for name, _ in floors:
        r = results[name]
        lines.append(
            f"| `{name}` | {ms(r['median'])} | {ms(r['stddev'])} | {memory[name]:.1f} MiB |"
        )

    typer_floor = median("bare Typer (wt log shape)")
    version_floor = median("wt --version")
    jrnl = median("jrnl (add an entry)") if "jrnl (add an entry)" in results else None

    def fastest(label: str) -> float:
        return results[label].get("min", results[label]["median"])

    lines += [
        "",
        "## Commands against their targets",
        "",
        "| command | scale | median | ± stddev | target | ratio of medians | met"
        " | ratio of fastest runs | peak memory (< 80 MiB) |",
        "|---|---|---:|---:|---|---:|---|---:|---:|",
    ]
    failures = []
    for bench in present:
        rows = scales if bench.kind in ("read", "write", "export", "check") else ["-"]
        if bench.kind in ("read", "check"):
            rows = [*rows, "day-one"]
        for scale in rows:
            label = labels.get((bench.name, scale))
            if label is None or label not in results:
                continue
            r = results[label]
            mem = memory[label]
            mem_cell = f"{mem:.1f} MiB" + ("" if mem < MEMORY_MIB else " **NO**")
            if mem >= MEMORY_MIB:
                failures.append(f"{label}: peak memory {mem:.1f} MiB")
            targets: list[tuple[str, float, bool]] = []
            # The same ratio between the fastest runs: load only ever adds time,
            # so on a busy machine this is the steadier of the two.
            quickest: list[float | None] = []
            if bench.kind == "write":
                ratio = r["median"] / typer_floor
                targets.append((f"≤ {WRITE_RATIO}x bare Typer", ratio, ratio <= WRITE_RATIO))
                quickest.append(fastest(label) / fastest("bare Typer (wt log shape)"))
                if jrnl:
                    targets.append(("< jrnl", r["median"] / jrnl, r["median"] < jrnl))
                    quickest.append(fastest(label) / fastest("jrnl (add an entry)"))
            elif bench.kind == "read":
                if scale in ("large", "day-one") or len(scales) == 1:
                    ratio = r["median"] / version_floor
                    limit = READ_RATIOS.get(bench.name, READ_RATIO)
                    targets.append((f"≤ {limit}x `wt --version`", ratio, ratio <= limit))
                    quickest.append(fastest(label) / fastest("wt --version"))
                if scale == "large" and (bench.name, "small") in labels:
                    small = results[labels[(bench.name, "small")]]["median"]
                    ratio = r["median"] / small
                    targets.append((f"≤ {GROWTH_RATIO}x small", ratio, ratio <= GROWTH_RATIO))
                    quickest.append(fastest(label) / fastest(labels[(bench.name, "small")]))
                if not targets:
                    ratio = r["median"] / version_floor
                    targets.append(("(vs `wt --version`)", ratio, True))
                    quickest.append(fastest(label) / fastest("wt --version"))
            elif bench.kind == "import":
                targets.append(
                    (
                        f"< {IMPORT_SECONDS:g} s",
                        r["median"] / IMPORT_SECONDS,
                        r["median"] < IMPORT_SECONDS,
                    )
                )
            elif bench.kind == "sync-first":
                targets.append(
                    (
                        f"< {SYNC_FIRST_SECONDS:g} s",
                        r["median"] / SYNC_FIRST_SECONDS,
                        r["median"] < SYNC_FIRST_SECONDS,
                    )
                )
            elif bench.kind == "sync-unchanged":
                ratio = r["median"] / version_floor
                targets.append(
                    (f"≤ {SYNC_UNCHANGED_RATIO:g}x `wt --version`", ratio,
                     ratio <= SYNC_UNCHANGED_RATIO)
                )  # fmt: skip
                quickest.append(fastest(label) / fastest("wt --version"))
            elif bench.kind == "check":
                if scale in ("large", "day-one"):
                    targets.append(
                        (
                            f"< {CHECK_SECONDS:g} s",
                            r["median"] / CHECK_SECONDS,
                            r["median"] < CHECK_SECONDS,
                        )
                    )
                else:
                    targets.append(("(large only)", r["median"] / CHECK_SECONDS, True))
            elif bench.kind == "export":
                if scale == "large":
                    targets.append(
                        (
                            f"< {EXPORT_SECONDS:g} s",
                            r["median"] / EXPORT_SECONDS,
                            r["median"] < EXPORT_SECONDS,
                        )
                    )
                else:
                    targets.append(("(large only)", r["median"] / EXPORT_SECONDS, True))
            for index, (target, ratio, ok) in enumerate(targets):
                title = f"`wt {bench.argv[0]}`" + (
                    f" ({bench.name})" if bench.name != bench.argv[0] else ""
                )
                head = (
                    f"| {title} | {scale} | {ms(r['median'])} | {ms(r['stddev'])} |"
                    if index == 0
                    else "| | | | |"
                )
                quick = quickest[index] if index < len(quickest) else None
                quick_cell = f"{quick:.2f}x" if quick is not None else ""
                lines.append(
                    f"{head} {target} | {ratio:.2f}x | {verdict(ok)} | {quick_cell}"
                    f" | {mem_cell if index == 0 else ''} |"
                )
                if not ok:
                    failures.append(f"{label}: {target}: {ratio:.2f}x")
    lines += ["", "## Commands not measured", ""]
    if skipped:
        lines += [
            f"- `wt {' '.join(b.argv)}` ({b.name}): the installed `wt` has no `{b.argv[0]}` command yet."
            for b in skipped
        ]
    else:
        lines.append("None: every command in `BENCHES` was measured.")
    if jrnl is None:
        lines.append("- jrnl is not installed, so there is no jrnl comparison.")
    lines += ["", "## Summary", ""]
    lines += (
        [f"- Target missed: {f}" for f in failures]
        if failures
        else ["Every measured target is met."]
    )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
