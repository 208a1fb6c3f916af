# Common tasks; CI runs `bash .ci/run`, which installs and then runs the same test command as `just test`.

default: lint test

test *options:
    python -m pytest {{options}}

lint:
    ruff check src tests bench
    ruff format --check src tests bench
    mypy src/suanli

fix:
    ruff check --fix src tests bench
    ruff format src tests bench

gate:
    python bench/eval_retrieval.py
    python bench/eval_summary.py

serve:
    suanli serve

demo:
    suanli demo
