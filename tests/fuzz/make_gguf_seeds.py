#!/usr/bin/env python3
"""Makes tests/data/gguf, the gguf fuzz target's seeds, which the unit tests
parse too (a second, independent writer): small GGUF v3 files with metadata
of every value type (strings, arrays of strings and numbers, a custom
alignment) and tensors of several ggml types at aligned offsets, laid out as
ggml's docs/gguf.md describes.
usage: tests/fuzz/make_gguf_seeds.py tests/data/gguf"""
import pathlib
import struct
import sys

U32, I32, F32, BOOL, STRING, ARRAY, U64, F64 = 4, 5, 6, 7, 8, 9, 10, 12
# ggml_type id: (elements per block, bytes per block), ggml-common.h
TYPES = {"F32": (0, 1, 4), "F16": (1, 1, 2), "Q4_0": (2, 32, 18), "Q8_0": (8, 32, 34),
         "Q4_K": (12, 256, 144), "Q6_K": (14, 256, 210), "BF16": (30, 1, 2)}


def string(s: str) -> bytes:
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def value(kind: int, v) -> bytes:
    if kind == STRING:
        return string(v)
    if kind == ARRAY:
        elem, items = v
        body = b"".join(value(elem, x) for x in items)
        return struct.pack("<IQ", elem, len(items)) + body
    fmt = {U32: "<I", I32: "<i", F32: "<f", BOOL: "<B", U64: "<Q", F64: "<d"}[kind]
    return struct.pack(fmt, v)


def gguf(metadata, tensors, alignment=32) -> bytes:
    out = struct.pack("<IIQQ", 0x46554747, 3, len(tensors), len(metadata))
    for key, kind, v in metadata:
        out += string(key) + struct.pack("<I", kind) + value(kind, v)
    offset, blobs = 0, []
    for name, dims, type_name in tensors:
        type_id, block_elems, block_bytes = TYPES[type_name]
        n = 1
        for d in dims:
            n *= d
        size = n // block_elems * block_bytes
        out += string(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
        out += struct.pack("<IQ", type_id, offset)
        blobs.append((offset, bytes((i * 37 + 11) % 256 for i in range(size))))
        offset = (offset + size + alignment - 1) // alignment * alignment
    out += b"\0" * (-len(out) % alignment)
    data = bytearray(offset)
    for at, blob in blobs:
        data[at:at + len(blob)] = blob
    return out + bytes(data)


def main() -> None:
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    vocab = ["<unk>", "<s>", "</s>"] + [f"<0x{i:02X}>" for i in range(8)] + ["\u2581the", "\u2581a"]
    llama = [("general.architecture", STRING, "llama"), ("llama.block_count", U32, 1),
             ("llama.context_length", U32, 64), ("llama.embedding_length", U32, 32),
             ("llama.attention.head_count", U32, 4),
             ("llama.attention.layer_norm_rms_epsilon", F32, 1e-5),
             ("tokenizer.ggml.model", STRING, "llama"),
             ("tokenizer.ggml.tokens", ARRAY, (STRING, vocab)),
             ("tokenizer.ggml.scores", ARRAY, (F32, [float(-i) for i in range(len(vocab))])),
             ("tokenizer.ggml.token_type", ARRAY, (I32, [2, 3, 3] + [6] * 8 + [1, 1])),
             ("tokenizer.ggml.add_bos_token", BOOL, 1)]
    (out / "llama_f32.gguf").write_bytes(gguf(llama, [
        ("token_embd.weight", [32, 13], "F32"), ("output_norm.weight", [32], "F32")]))
    (out / "quant_mix.gguf").write_bytes(gguf(llama[:6], [
        ("blk.0.attn_q.weight", [32, 4], "Q8_0"), ("blk.0.attn_k.weight", [32, 2], "Q4_0"),
        ("blk.0.ffn_up.weight", [256, 1], "Q4_K"), ("blk.0.ffn_down.weight", [256, 1], "Q6_K"),
        ("blk.0.attn_norm.weight", [32], "F16"), ("blk.0.ffn_norm.weight", [32], "BF16")]))
    (out / "aligned64.gguf").write_bytes(gguf(
        [("general.alignment", U32, 64), ("big", U64, 1 << 40), ("ratio", F64, 0.25)],
        [("a", [3], "F32"), ("b", [5, 2], "F32")], alignment=64))
    (out / "metadata_only.gguf").write_bytes(gguf(llama, []))
    # Byte-level BPE: "\u0120" is GPT-2's alphabet for the space byte.
    bpe = ["a", "b", "ab", "\u0120", "\u0120a", "\u0120ab", "1", "'s", "<|end|>"]
    (out / "vocab_bpe.gguf").write_bytes(gguf([
        ("tokenizer.ggml.model", STRING, "gpt2"), ("tokenizer.ggml.pre", STRING, "llama-bpe"),
        ("tokenizer.ggml.tokens", ARRAY, (STRING, bpe)),
        ("tokenizer.ggml.token_type", ARRAY, (I32, [1] * 8 + [3])),
        ("tokenizer.ggml.merges", ARRAY, (STRING, ["a b", "\u0120 a", "\u0120a b"])),
        ("tokenizer.ggml.eos_token_id", U32, 8)], []))


if __name__ == "__main__":
    main()
