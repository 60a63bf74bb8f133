"""Chart text sizes measured once per machine: what a process measured, the next reads
back exactly, and a chart drawn from sizes read back is the same chart."""

import json

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib import pyplot
from matplotlib.textpath import text_to_path

from helpers import charts, textsizes
from helpers.charts import measure

MONTHS = [f"T{m}" for m in range(1, 13)]
VALUES = [28.4, 31.2, 33.9, None, 38.7, 41.05, 43.6, 45.2, 47.9, 51.35, None, None]
TITLE = "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận và giải quyết trực tuyến toàn trình năm 2023 so với 2022"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache file of our own, and a process that has measured nothing yet."""
    path = tmp_path / "cchc-text-sizes.jsonl"
    monkeypatch.setattr(textsizes, "cache_file", lambda: path)
    fresh_process(monkeypatch)
    yield path
    measure.line_metrics.cache_clear()
    pyplot.close("all")


def fresh_process(monkeypatch):
    """What a new kernel knows: nothing measured in memory, the file not read yet."""
    monkeypatch.setattr(textsizes, "_sizes", {})
    monkeypatch.setattr(textsizes, "_unsaved", [])
    monkeypatch.setattr(textsizes, "_read", {"pid": None, "offset": 0})
    measure.line_metrics.cache_clear()


def counted_measures(monkeypatch) -> list:
    measured = []
    real = text_to_path.get_text_width_height_descent
    monkeypatch.setattr(text_to_path, "get_text_width_height_descent",
                        lambda s, prop, ismath: measured.append(s) or real(s, prop, ismath))
    return measured


def trend_svg() -> str:
    return charts.svg(charts.trend_chart(MONTHS, VALUES, title=TITLE, unit="percent", target=50, year=2023))


def test_sizes_measured_once_are_read_back_exactly_and_draw_the_same_chart(cache, monkeypatch):
    measured = counted_measures(monkeypatch)
    first = trend_svg()
    assert measured and cache.is_file()
    written = {json.loads(line)[0] for line in cache.read_text(encoding="utf-8").splitlines()}
    assert set(measured) <= written and TITLE.split()[0] in " ".join(written)

    fresh_process(monkeypatch)                   # the next report's kernel
    measured.clear()
    assert trend_svg() == first                  # the same bytes, from sizes read back
    assert measured == []                        # and nothing measured again


def test_a_kernel_reads_what_earlier_kernels_added_after_its_server_read_the_file(cache, monkeypatch):
    textsizes.load()                             # the kernel server, before the run: an empty file
    other = {(TITLE, ("Be Vietnam Pro",), "normal", "bold", "normal", 11.0, None): (1.5, 2.25, 0.125)}
    with open(cache, "a", encoding="utf-8") as fh:          # an earlier kernel of the run
        for key, size in other.items():
            fh.write(json.dumps([*key, *size], ensure_ascii=False) + "\n")
    monkeypatch.setattr(textsizes, "_read", {**textsizes._read, "pid": -1})   # forked: another process
    key = next(iter(other))
    assert textsizes.get(key) == (1.5, 2.25, 0.125)


def test_damaged_lines_are_measured_again_and_a_full_file_starts_again(cache, monkeypatch):
    cache.write_text('["half a line", ["Be Vietnam\n{not json}\n', encoding="utf-8")
    measured = counted_measures(monkeypatch)
    trend_svg()
    assert measured                               # nothing usable was read: measured

    monkeypatch.setattr(textsizes, "MAX_BYTES", 10)
    size = cache.stat().st_size
    fresh_process(monkeypatch)
    measure.line_metrics("T1", ("Be Vietnam Pro",), "normal", "normal", "normal", 8.0, None)
    assert not cache.exists() or cache.stat().st_size < size     # read from the start when full: begun again


def test_a_cache_that_cannot_be_read_or_written_changes_nothing(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("", encoding="utf-8")
    monkeypatch.setattr(textsizes, "cache_file", lambda: not_a_folder / "sizes.jsonl")
    fresh_process(monkeypatch)
    try:
        expected = trend_svg()
        fresh_process(monkeypatch)
        assert trend_svg() == expected and "<svg" in expected
    finally:
        measure.line_metrics.cache_clear()


def test_the_cache_file_lies_in_the_folder_the_run_names(monkeypatch, tmp_path):
    monkeypatch.delenv(textsizes.FOLDER_VARIABLE, raising=False)
    textsizes.cache_file.cache_clear()
    try:
        assert textsizes.cache_file() is None                 # JupyterLab, plain papermill: memory only
        textsizes.add(("x",), (1.0, 2.0, 0.5))
        textsizes.save()                                      # writes nothing anywhere
        monkeypatch.setenv(textsizes.FOLDER_VARIABLE, str(tmp_path / ".cache"))
        textsizes.cache_file.cache_clear()
        name = textsizes.cache_file().name
        assert name.startswith("text-sizes-") and name.endswith(".jsonl")
        assert textsizes.cache_file().parent == tmp_path / ".cache"
    finally:
        textsizes.cache_file.cache_clear()


@pytest.mark.e2e
def test_a_run_keeps_its_text_sizes_inside_its_output_folder(tmp_path):
    """``cchc-report run`` names ``<out>/.cache`` for its kernels; nothing goes to the
    user's cache folders."""
    import subprocess
    import sys

    from conftest import ROOT
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "helpers.cli", "run", "--params", "params/2026-10.yaml",
                        "--report", "progress_report", "--formats", "html", "--out", str(out), "--quiet"],
                       cwd=ROOT, capture_output=True, text=True,
                       env={**__import__("os").environ, "MPLCONFIGDIR": str(tmp_path / "mpl"),
                            "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert r.returncode == 0, r.stdout + r.stderr
    sizes = list((out / ".cache").glob("text-sizes-*.jsonl"))
    assert len(sizes) == 1 and sizes[0].stat().st_size > 0
    assert not list(tmp_path.glob("mpl/*text-sizes*")) and not list(tmp_path.glob("xdg/**/*text-sizes*"))
