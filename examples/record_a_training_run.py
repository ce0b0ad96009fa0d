"""Record a training run with the SDK: a data file in, a model file out, both checksummed.

Run it from any directory: it writes ``data/customers.csv`` and ``models/scoring.pkl`` there (stand-ins
for real data and a real model) and records the run in the default store, or through the server that
holds it, or at ``LINEAGE_URL``. ``lineage verify model:scoring@3 --root .`` then checks the files.
"""

from __future__ import annotations

from pathlib import Path

import lineage


def main() -> None:
    data, model = Path("data/customers.csv"), Path("models/scoring.pkl")
    data.parent.mkdir(exist_ok=True)
    model.parent.mkdir(exist_ok=True)
    data.write_text("customer,spend\nc-1001,120.5\nc-1002,87.0\n", encoding="utf-8")
    with lineage.connect() as client, client.run("train_scoring", params={"lr": 0.05}) as run:
        customers = run.input("dataset", "customers", path=data, version="2026-04")
        model.write_bytes(b"weights")  # the training itself
        trained = run.output("model", "scoring", path=model, version="3")
    print(f"recorded {customers} -> {trained}")


if __name__ == "__main__":
    main()
