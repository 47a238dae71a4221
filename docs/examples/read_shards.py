#!/usr/bin/env python3
"""Read reweigh shards the way a PyTorch trainer would (docs/trainers.md).

Needs only pyarrow (and numpy, which pyarrow pulls in). Usage:

    python3 docs/examples/read_shards.py OUTPUT_DIR

Weighted shards: every usable document once, with a `weight` column; draw documents with
probability proportional to it (here with numpy; torch.utils.data.WeightedRandomSampler does the
same). Resampled shards: the copies are already in the stream; read the rows in order, once.
"""
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq


def shard_sets(out: Path):
    manifest = json.loads((out / "manifest.json").read_text())
    for s in manifest["shard_sets"]:
        # the manifest lists each set's shards in order: part-00000-of-N, part-00001-of-N, ...
        paths = [sh["path"] for sh in manifest["shards"] if sh["path"].rsplit("/", 1)[0] == s["dir"]]
        yield manifest["mode"], s, [out / p for p in paths]


def main(out: Path) -> None:
    for mode, s, paths in shard_sets(out):
        table = pq.ParquetDataset(paths).read(columns=["id", "text", "weight", "n_tokens"])
        print(f"{s['dir']}: {table.num_rows} rows, {sum(table['n_tokens'].to_pylist())} tokens ({mode} mode)")
        if mode == "weighted":
            w = np.asarray(table["weight"].to_pylist())
            rng = np.random.default_rng(0)
            for i in rng.choice(len(w), size=5, replace=True, p=w / w.sum()):
                print(f"  drew {table['id'][int(i)]} (weight {w[i]:.3f})")
        else:
            # resample mode: train on the rows in shard order; `copy` numbers a document's copies
            first = pq.read_table(paths[0], columns=["id", "copy"]).slice(0, 3).to_pylist()
            print(f"  first rows: {first}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
