#!/usr/bin/env python3
"""Makes the seed inputs of the c_api fuzz target: each one-op model of
tests/ops/models followed by a 64-byte program (fuzz_c_api.cpp reads the
program from the input's last 64 bytes). Programs are pseudo-random with a
fixed seed, so the seeds are reproducible.
usage: tests/fuzz/make_c_api_seeds.py OUT_DIR"""
import pathlib
import random
import sys

PROGRAM_BYTES = 64  # kProgramBytes in fuzz_c_api.cpp


def main() -> None:
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    models = pathlib.Path(__file__).resolve().parents[1] / "ops" / "models"
    rng = random.Random(1)
    for model in sorted(models.glob("*.tflite")):
        program = bytes(rng.randrange(256) for _ in range(PROGRAM_BYTES))
        (out / f"{model.stem}.bin").write_bytes(model.read_bytes() + program)


if __name__ == "__main__":
    main()
