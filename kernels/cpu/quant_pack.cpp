#include "kernels/cpu/quant_pack.h"

#include <cstring>
#include <utility>

namespace odin::cpu::qmm {

void move_block(BlockFormat f, uint8_t* group_block, int r, uint8_t* gguf, bool pack) {
  const auto bytes = [&](int64_t packed_off, int64_t gguf_off, int n) {
    if (pack)
      std::memcpy(group_block + packed_off, gguf + gguf_off, static_cast<size_t>(n));
    else
      std::memcpy(gguf + gguf_off, group_block + packed_off, static_cast<size_t>(n));
  };
  // Values 8t+i and 8t+4+i (t < vectors, i < 4) of a run of 8 x vectors,
  // value e at nibble `shift` of *byte (`at` gives both) <-> byte i of word
  // (t, r): the low and the high nibble.
  const auto nibbles = [&](uint8_t* words, int vectors, auto at) {
    for (int t = 0; t < vectors; ++t)
      for (int i = 0; i < 4; ++i) {
        uint8_t& packed = words[64 * t + 4 * r + i];
        auto [a, sa] = at(8 * t + i);
        auto [b, sb] = at(8 * t + 4 + i);
        if (pack) {
          packed = static_cast<uint8_t>((*a >> sa & 15) | (*b >> sb & 15) << 4);
        } else {
          *a = static_cast<uint8_t>(*a | (packed & 15) << sa);
          *b = static_cast<uint8_t>(*b | (packed >> 4) << sb);
        }
      }
  };
  switch (f) {
    case BlockFormat::kQ8_0:
      bytes(2 * r, 0, 2);
      for (int t = 0; t < 8; ++t) bytes(32 + 64 * t + 4 * r, 2 + 4 * t, 4);
      break;
    case BlockFormat::kQ4_0:
    case BlockFormat::kM0E4: {  // Q4_0's layout, other values
      bytes(2 * r, 0, 2);
      uint8_t* qs = gguf + 2;  // value e: low nibble of qs[e], or high of qs[e - 16]
      nibbles(group_block + 32, 4,
              [&](int e) { return std::pair<uint8_t*, int>(qs + e % 16, e < 16 ? 0 : 4); });
      break;
    }
    case BlockFormat::kQ4_K: {
      bytes(2 * r, 0, 2);
      bytes(32 + 2 * r, 2, 2);
      for (int w = 0; w < 3; ++w) bytes(64 + 64 * w + 4 * r, 4 + 4 * w, 4);
      for (int sb = 0; sb < 8; ++sb) {
        // Sub-block sb: nibble sb % 2 of qs[32 (sb / 2) + e].
        uint8_t* q = gguf + 16 + 32 * (sb / 2);
        nibbles(group_block + 256 + 256 * sb, 4,
                [&](int e) { return std::pair<uint8_t*, int>(q + e, 4 * (sb % 2)); });
      }
      break;
    }
    case BlockFormat::kQ6_K: {
      bytes(2 * r, 208, 2);
      for (int sb = 0; sb < 16; ++sb) bytes(32 + 16 * sb + r, 192 + sb, 1);
      for (int sb = 0; sb < 16; ++sb) {
        // Value e of sub-block sb is value v = 16 sb + e of the block: its
        // low 4 bits are nibble (v % 128 / 64) of ql[64 (v / 128) + v % 64],
        // its top 2 bits are bits 2 (v % 128 / 32) of qh[32 (v / 128) + v % 32].
        const auto low = [&](int e) {
          const int v = 16 * sb + e;
          return std::pair<uint8_t*, int>(gguf + 64 * (v / 128) + v % 64, 4 * (v % 128 / 64));
        };
        uint8_t* words = group_block + 288 + 192 * sb;
        nibbles(words, 2, low);
        for (int i = 0; i < 4; ++i) {
          uint8_t& packed = words[128 + 4 * r + i];
          if (pack) packed = 0;
          for (int g = 0; g < 4; ++g) {
            const int v = 16 * sb + 4 * g + i;
            uint8_t& h = gguf[128 + 32 * (v / 128) + v % 32];
            const int shift = 2 * (v % 128 / 32);
            if (pack)
              packed = static_cast<uint8_t>(packed | (h >> shift & 3) << (2 * g));
            else
              h = static_cast<uint8_t>(h | (packed >> (2 * g) & 3) << shift);
          }
        }
      }
      break;
    }
    default:
      break;
  }
}

namespace {

uint64_t load_u64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store_u32(uint8_t* p, uint64_t v) {
  const auto w = static_cast<uint32_t>(v);
  std::memcpy(p, &w, sizeof w);
}

// `vectors` nibble words from quants q (natural order, values < 16 in the
// low nibble): word t of row r, byte i = q[8t + i] | q[8t + 4 + i] << 4.
void nibble_words(const uint8_t* q, uint8_t* words, int r, int vectors) {
  constexpr uint64_t kLow = 0x0F0F0F0F0F0F0F0Full;
  for (int t = 0; t < vectors; ++t) {
    const uint64_t x = load_u64(q + 8 * t) & kLow;  // bytes 0-3: q[8t..], 4-7: q[8t+4..]
    store_u32(words + 64 * t + 4 * r, x | (x >> 32) << 4);
  }
}

// Q4_0 / Q4_K quants: per run of n bytes, values 0..n-1 in the low nibbles
// and n..2n-1 in the high ones.
void spell_nibbles(const uint8_t* qs, int n, int runs, uint8_t* q) {
  for (int j = 0; j < runs; ++j, qs += n, q += 2 * n)
    for (int e = 0; e < n; ++e) {
      q[e] = qs[e] & 15;
      q[n + e] = qs[e] >> 4;
    }
}

// Q6_K's 256 values (low 4 bits from ql, top 2 from qh, as ggml lays them
// out: per half of 128, ql's two runs of 32 bytes give values l and 32 + l
// from their low nibbles and 64 + l and 96 + l from their high nibbles).
void spell_q6_k(const uint8_t* ql, const uint8_t* qh, uint8_t* q) {
  for (int h = 0; h < 2; ++h, ql += 64, qh += 32, q += 128)
    for (int l = 0; l < 32; ++l) {
      const int hi = qh[l];
      q[l] = static_cast<uint8_t>((ql[l] & 15) | (hi & 3) << 4);
      q[32 + l] = static_cast<uint8_t>((ql[32 + l] & 15) | (hi >> 2 & 3) << 4);
      q[64 + l] = static_cast<uint8_t>((ql[l] >> 4) | (hi >> 4 & 3) << 4);
      q[96 + l] = static_cast<uint8_t>((ql[32 + l] >> 4) | (hi >> 6 & 3) << 4);
    }
}

}  // namespace

void pack_row(BlockFormat f, const uint8_t* row, int64_t blocks, uint8_t* group, int r) {
  const int64_t in = block_format_info(f).block_bytes, out = packed_block_bytes(f);
  // The format's switch once per row, not per block.
  const auto each = [&](auto&& pack) {
    for (int64_t b = 0; b < blocks; ++b) pack(row + b * in, group + b * out);
  };
  alignas(64) uint8_t q[256 + 8];  // + 8: nibble_words reads 8 bytes at a time
  switch (f) {
    case BlockFormat::kQ8_0:
      each([&](const uint8_t* gguf, uint8_t* p) {
        std::memcpy(p + 2 * r, gguf, 2);
        for (int t = 0; t < 8; ++t) std::memcpy(p + 32 + 64 * t + 4 * r, gguf + 2 + 4 * t, 4);
      });
      break;
    case BlockFormat::kQ4_0:
    case BlockFormat::kM0E4:
      // nibble_words straight from the 16 bytes (values e and 16 + e):
      // qs[0..7] give words 0 (low nibbles) and 2 (high), qs[8..15] 1 and 3.
      each([&](const uint8_t* gguf, uint8_t* p) {
        constexpr uint64_t kLow = 0x0F0F0F0F0F0F0F0Full;
        std::memcpy(p + 2 * r, gguf, 2);
        uint8_t* words = p + 32 + 4 * r;
        for (int half = 0; half < 2; ++half) {
          const uint64_t x = load_u64(gguf + 2 + 8 * half);
          store_u32(words + 64 * half, (x & kLow) | ((x & kLow) >> 32) << 4);
          store_u32(words + 128 + 64 * half, (x >> 4 & kLow) | (x & ~kLow) >> 32);
        }
      });
      break;
    case BlockFormat::kQ4_K:
      each([&](const uint8_t* gguf, uint8_t* p) {
        std::memcpy(p + 2 * r, gguf, 2);
        std::memcpy(p + 32 + 2 * r, gguf + 2, 2);
        for (int w = 0; w < 3; ++w) std::memcpy(p + 64 + 64 * w + 4 * r, gguf + 4 + 4 * w, 4);
        spell_nibbles(gguf + 16, 32, 4, q);
        for (int sb = 0; sb < 8; ++sb) nibble_words(q + 32 * sb, p + 256 + 256 * sb, r, 4);
      });
      break;
    case BlockFormat::kQ6_K:
      each([&](const uint8_t* gguf, uint8_t* p) {
        std::memcpy(p + 2 * r, gguf + 208, 2);
        for (int sb = 0; sb < 16; ++sb) p[32 + 16 * sb + r] = gguf[192 + sb];
        spell_q6_k(gguf, gguf + 128, q);
        for (int sb = 0; sb < 16; ++sb) {
          uint8_t* words = p + 288 + 192 * sb;
          const uint8_t* v = q + 16 * sb;
          nibble_words(v, words, r, 2);  // the low 4 bits
          // Byte i: the top 2 bits of values i, 4 + i, 8 + i, 12 + i.
          for (int i = 0; i < 4; ++i)
            words[128 + 4 * r + i] = static_cast<uint8_t>(
                (v[i] >> 4) | (v[4 + i] >> 4) << 2 | (v[8 + i] >> 4) << 4 | (v[12 + i] >> 4) << 6);
        }
      });
      break;
    default:  // no packed layout (prepack_quant_matmul refuses it first)
      break;
  }
}

}  // namespace odin::cpu::qmm
