"""Benchmark: the embedded Chinese font, ours vs fontTools' plain subsetting, and its cost in a run.

1. Runs the demo study (examples/zhejiang_demo.toml) in English and in Chinese
   (a copy with ``lang = "zh"`` written beside it, removed afterwards), each in a
   fresh interpreter, alternating so that both see the same machine load; reports
   the user + system CPU time of each and the median of the paired differences
   (what the Chinese pages' font costs a run). With ``--reference CHECKOUT`` the
   same runs are made with that checkout's code too (the before of a change).
2. Takes the CJK characters of the Chinese run's atlas and report and subsets
   the regular Noto Sans CJK SC face to them, side by side in this process:
   fontTools' subsetter with its default options (as ``pyftsubset --flavor=woff2
   --text=...`` runs: the peer), our fontTools path, and
   ``geodisparity.maps.fonts.subset_font`` (hb-subset when uharfbuzz is installed,
   ``pip install 'geodisparity[fonts]'``; otherwise the fontTools path again), for
   each page and for the union the run embeds once in both. Reports CPU seconds,
   WOFF2 bytes and ratios.

Needs the font (scripts/install_fonts) and brotli. CPU times (not wall) because
the machine may be shared; the minimum of the repeats is the steadier figure.

    python scripts/bench/bench_fonts.py [--repeat 5] [--reference ../main] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
DEMO = HERE / "examples" / "zhejiang_demo.toml"
sys.path.insert(0, str(HERE))

from geodisparity.maps.fonts import cjk_characters, find_cjk_font, subset_font  # noqa: E402


def chinese_study() -> Path:
    """Write the demo study with ``lang = "zh"`` beside it (its paths are relative)."""
    text = DEMO.read_text(encoding="utf-8")
    if '\nlang = "en"' not in text:
        raise SystemExit(f'{DEMO} has no line lang = "en" to switch')
    handle, name = tempfile.mkstemp(prefix=".bench_fonts_", suffix=".toml", dir=DEMO.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text.replace('\nlang = "en"', '\nlang = "zh"', 1))
    return Path(name)


def one_run(study: Path, out: Path, checkout: Path) -> float:
    """Run ``study`` with ``checkout``'s code in a fresh interpreter; return its CPU seconds."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "geodisparity.cli", "run", str(study), "-o", str(out),
                    "--overwrite"], cwd=checkout, check=True, capture_output=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def runs(repeat: int, folder: Path, checkouts: dict[str, Path]) -> tuple[dict, dict[str, str]]:
    """CPU seconds of the English and Chinese demo runs per checkout, and the Chinese pages' text.

    The study files are this checkout's; only the code differs between checkouts (each
    runs in its own folder: ``python -m`` puts the working folder first on the path).
    """
    zh_study = chinese_study()
    studies = {"en": DEMO, "zh": zh_study}
    cases = [(side, lang) for side in checkouts for lang in studies]
    try:
        for side, lang in cases:  # untimed: bytecode caches, warm file cache
            one_run(studies[lang], folder / side / lang, checkouts[side])
        cpu: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
        for _ in range(repeat):
            for side, lang in cases:
                cpu[side, lang].append(one_run(studies[lang], folder / side / lang,
                                               checkouts[side]))
    finally:
        zh_study.unlink()
    pages = {kind: (folder / "this checkout" / "zh" / f"{kind}.html").read_text(encoding="utf-8")
             for kind in ("atlas", "report")}
    summary = {}
    for side in checkouts:
        en, zh = cpu[side, "en"], cpu[side, "zh"]
        differences = [b - a for a, b in zip(en, zh, strict=True)]
        for name, times in ((f"{side}: en", en), (f"{side}: zh", zh)):
            summary[name] = {"median": statistics.median(times), "min": min(times),
                             "runs": [round(t, 2) for t in times]}
        summary[f"{side}: zh - en"] = {"median": statistics.median(differences),
                                       "min": min(zh) - min(en),
                                       "runs": [round(d, 2) for d in differences]}
    return summary, {kind: cjk_characters(page) for kind, page in pages.items()}


def fonttools_plain(font, characters: str) -> bytes:
    """fontTools' subsetter with default options, WOFF2 out (the peer)."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.font_number = font.index
    with subset.load_font(str(font.path), options) as face:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(face)
        out = io.BytesIO()
        subset.save_font(face, out, options)
    return out.getvalue()


def harfbuzz() -> bool:
    """Whether uharfbuzz is installed (subset_font then uses hb-subset)."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def timed(function, repeat: int) -> tuple[float, float, int]:
    """(median, minimum) CPU seconds of ``repeat`` calls and the size of the result."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        data = function()
        times.append(time.process_time() - start)
    return statistics.median(times), min(times), len(data)


def ours_fonttools(font, characters: str) -> bytes:
    """Our subsetting through fontTools (the path without uharfbuzz), WOFF2 out."""
    from geodisparity.maps import fonts

    sfnt = fonts._fonttools_subset(font, [ord(c) for c in characters])
    return fonts.sfnt_to_woff2(sfnt, quality=fonts._BROTLI_QUALITY)


def subsets(characters: dict[str, str], repeat: int) -> dict:
    """Peer and ours (fontTools path; subset_font as installed) per page and for the union."""
    font = find_cjk_font()
    union = "".join(sorted(set(characters["atlas"]) | set(characters["report"])))
    cases = {**characters, "union (one per run)": union}
    for warm in (fonttools_plain, ours_fonttools, subset_font):  # imports, not timed
        warm(font, "浙")
    table = {}
    for case, chars in cases.items():
        table[case] = {
            "characters": len(chars),
            "fonttools": timed(lambda chars=chars: fonttools_plain(font, chars), repeat),
            "ours_fonttools": timed(lambda chars=chars: ours_fonttools(font, chars), repeat),
            "ours": timed(lambda chars=chars: subset_font(font, chars)[0], repeat),
        }
    return table


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--reference", type=Path,
                        help="another checkout (e.g. a worktree of main) whose runs to compare")
    args = parser.parse_args(argv)
    checkouts = {"this checkout": HERE}
    if args.reference is not None:
        checkouts["reference"] = args.reference.resolve()
    if find_cjk_font() is None:
        raise SystemExit("Noto Sans CJK SC is not installed (scripts/install_fonts)")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        demo, characters = runs(args.repeat, Path(folder), checkouts)
    table = subsets(characters, args.repeat)
    print(f"1-minute load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"({os.cpu_count()} CPUs)\n")
    print("## Demo run, user + system CPU seconds (fresh interpreter each)\n")
    print("| run | median | min (zh - en: min zh - min en) | runs |\n|---|---:|---:|---|")
    for name, row in demo.items():
        print(f"| {name} | {row['median']:.2f} | {row['min']:.2f} | {row['runs']} |")
    engine = "hb-subset (uharfbuzz)" if harfbuzz() else "fontTools (no uharfbuzz)"
    print("\n## Subsetting Noto Sans CJK SC to the Chinese demo's characters, CPU seconds\n")
    print(f"subset_font runs {engine}; WOFF2 bytes in brackets.\n")
    print("| characters of | n | fontTools default (median / min) | ours, fontTools path "
          "| ours, subset_font | ratio default / ours fontTools path (min) "
          "| ratio default / subset_font (min) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for case, row in table.items():
        (pm, pmin, psize), (fm, fmin, fsize), (om, omin, osize) = (
            row["fonttools"], row["ours_fonttools"], row["ours"])
        print(f"| {case} | {row['characters']} | {pm:.3f} / {pmin:.3f} [{psize:,}] "
              f"| {fm:.3f} / {fmin:.3f} [{fsize:,}] | {om:.3f} / {omin:.3f} [{osize:,}] "
              f"| {pmin / fmin:.1f} | {pmin / omin:.1f} |")
    per_page = sum(table[kind]["fonttools"][1] for kind in ("atlas", "report"))
    union = table["union (one per run)"]
    path, installed = union["ours_fonttools"][1], union["ours"][1]
    print(f"\nfont work of a Chinese run (min): fontTools default, one subset per page "
          f"{per_page:.3f} s; ours, one subset for both pages: fontTools path {path:.3f} s "
          f"(ratio {per_page / path:.1f}), subset_font {installed:.3f} s "
          f"(ratio {per_page / installed:.1f})")
    result = {"demo": demo, "subsets": table}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
