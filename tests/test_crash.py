"""Crash safety: SIGKILL a bulk ingest at random points, restart, and check the store and index."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from suanli.config import Settings
from suanli.store import open_store
from suanli.store.tantivy_index import TantivyIndex
from suanli.workspace import index_path

CYCLES = 20
ACK = re.compile(r"^added ([0-9a-f]{16}) ")
FILES = 6
RECORDS_PER_FILE = 150

COMPANIES = ["寒武纪", "海光信息", "摩尔线程", "沐曦", "壁仞科技", "燧原科技", "昆仑芯", "英伟达"]
TOPICS = ["市值", "营收", "出货量", "算力", "订单", "研发投入"]


def _write_corpus(folder: Path) -> dict[str, int]:
    """jsonl files of distinct articles; returns title -> number of paragraphs."""
    rng = random.Random(7)
    expected: dict[str, int] = {}
    folder.mkdir()
    for f in range(FILES):
        lines = []
        for r in range(RECORDS_PER_FILE):
            n = rng.randint(2, 6)
            company, topic = rng.choice(COMPANIES), rng.choice(TOPICS)
            title = f"{company}{topic}观察 第{f}-{r}期"
            paragraphs = [
                f"{company}第{f}-{r}-{i}段：{topic}同比增长{rng.randint(1, 99)}.{rng.randint(0, 9)}%，"
                f"国产GPU与算力需求持续上升。"
                for i in range(n)
            ]
            expected[title] = n
            lines.append(
                json.dumps(
                    {"title": title, "source": "crash", "text": "\n\n".join(paragraphs)}, ensure_ascii=False
                )
            )
        (folder / f"batch{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected


def _start(data_dir: Path, corpus: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SUANLI_DATA_DIR": str(data_dir), "SUANLI_CONFIG": str(data_dir / "none.toml")}
    return subprocess.Popen(
        [sys.executable, "-m", "suanli", "add", "-v", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def _check(settings: Settings, expected: dict[str, int], acked: set[str]) -> set[str]:
    store = open_store(settings.resolved_db_url)
    try:
        stored = {}
        for article in store.iter_articles():
            stored[article.article_id] = article
            assert len(article.paragraphs) == expected[article.title], f"partial article {article.title}"
            assert [p.number for p in article.paragraphs] == list(range(1, expected[article.title] + 1))
        missing = acked - set(stored)
        assert not missing, f"acknowledged but not stored: {sorted(missing)[:5]}"
        indexed = TantivyIndex(index_path(settings)).all_ids()
        assert indexed <= set(stored), "index holds articles the store does not"
        return set(stored)
    finally:
        store.close()


def test_sigkill_at_random_points_loses_nothing(tmp_path: Path) -> None:
    expected = _write_corpus(tmp_path / "corpus")
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=str(data_dir))
    rng = random.Random(11)
    acked: set[str] = set()
    kills = 0
    for _ in range(CYCLES):
        proc = _start(data_dir, tmp_path / "corpus")
        assert proc.stdout is not None
        target = rng.randint(1, 40)
        seen = 0
        for line in proc.stdout:
            match = ACK.match(line)
            if match:
                acked.add(match.group(1))
                seen += 1
            if seen >= target:
                time.sleep(rng.random() * 0.05)
                break
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
        proc.stdout.close()
        _check(settings, expected, acked)
    assert kills >= CYCLES // 2, "the ingest finished too early to be interrupted"

    final = _start(data_dir, tmp_path / "corpus")
    out, _ = final.communicate(timeout=300)
    assert final.returncode == 0, out[-2000:]
    assert "failed 0" in out.splitlines()[-1]
    stored = _check(settings, expected, acked)
    assert len(stored) == len(expected)
    assert TantivyIndex(index_path(settings)).all_ids() == stored
