// RPU: streaming window-statistics processor for entanglement experiments (Vitis HLS C++).
//
// Bit-exact twin of pqms_physics/rpu.py (the golden model); the formulas, formats and rounding
// are stated there and in fpga/README.md. Everything in this header is synthesizable.
//
// Record (AXI-Stream, 8 bits):  [1:0] outcome index 2*a + b, [3:2] setting / pool id,
//                               [7:4] reserved (ignored by the hardware, zero in the vectors).
// cell = 4*setting + outcome = record[3:0].
#ifndef PQMS_RPU_HPP
#define PQMS_RPU_HPP

// The Xilinx headers are included as system headers (-isystem). GCC still reports
// -Wmaybe-uninitialized false positives from ap_private after inlining at -O2 (it does not
// suppress middle-end warnings for system headers), so they are silenced for these includes only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <ap_fixed.h>
#include <ap_int.h>
#include <hls_stream.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#ifndef RPU_TOPK
#define RPU_TOPK 10  // K of the top-k table (documents: K = 10)
#endif

namespace rpu {

// ---- sizes -------------------------------------------------------------------------------
// Counters: a counter counts at most W pairs and is cleared at the end of every window, and
// W <= W_MAX = 2^20 - 1, so a 20-bit counter can never overflow (max value 2^20 - 1).
static const int COUNT_BITS = 20;
static const unsigned W_MAX = (1u << COUNT_BITS) - 1u;
static const int N_SETTINGS = 4;
static const int N_OUTCOMES = 4;
static const int N_CELLS = N_SETTINGS * N_OUTCOMES;
static const int FRAC = 16;  // fractional bits of z, E, S and the threshold registers
// zsq = floor(z^2 2^(2F+2)); z^2 is Pearson's chi-square of a 2x2 table, so z^2 <= N <= W_MAX
// < 2^20 and zsq < 2^54; its square root floor(2^(F+1)|z|) < 2^27.
static const int ZSQ_SHIFT = 2 * FRAC + 2;
static const int ZSQ_BITS = COUNT_BITS + ZSQ_SHIFT;  // 54
static const int ROOT_BITS = ZSQ_BITS / 2;           // 27
static const int E_QBITS = FRAC + 2;                 // floor(|c| 2^17 / n) < 2^18 as |c| <= n

// ---- types -------------------------------------------------------------------------------
typedef ap_uint<8> pair_word_t;                          // input record (AXI-Stream tdata)
typedef ap_uint<COUNT_BITS> count_t;                     // one counter
typedef ap_uint<N_CELLS * COUNT_BITS> counts_word_t;     // 16 counters, cell c at [20c+19:20c]
typedef ap_fixed<32, 16, AP_RND_INF, AP_SAT> z_t;        // z-score, Q16.16, ties away from 0
typedef ap_ufixed<32, 16> thr_t;                         // threshold registers, Q16.16
typedef ap_fixed<18, 2, AP_RND_INF, AP_SAT> corr_t;      // CHSH correlator E_s, Q2.16
typedef ap_fixed<20, 4> chsh_t;                          // CHSH S = sum of four corr_t, exact
typedef ap_uint<ZSQ_BITS> zsq_t;                         // floor(z^2 2^34)
typedef ap_uint<512> window_word_t;                      // per-window output (AXI-Stream)
typedef ap_uint<128> topk_word_t;                        // one top-k row (AXI-Stream)

enum { MODE_NCT = 0, MODE_CHSH = 1 };

// Statistics of one window. Packed layout of window_word_t (bit ranges, inclusive):
//   [31:0] index   [351:32] counts (cell c at 32+20c)   [383:352] z (raw Q16.16)
//   [455:384] E_s (raw Q2.16, setting s at 384+18s)   [475:456] S (raw)
//   [476] mode  [477] z_valid  [478] decision  [479] veto  [483:480] e_valid  [484] s_valid
//   [511:485] zero
struct window_result {
    ap_uint<32> index;
    count_t counts[N_CELLS];
    z_t z;
    zsq_t zsq;  // not packed; ranks the top-k
    corr_t e[N_SETTINGS];
    chsh_t s;
    ap_uint<1> mode, z_valid, decision, veto, s_valid, forwarded;  // forwarded: not packed
    ap_uint<4> e_valid;
};

// One top-k row. Packed layout of topk_word_t:
//   [31:0] window index  [63:32] z (raw Q16.16)  [117:64] zsq  [118] valid  [127:119] zero
struct topk_entry {
    ap_uint<1> valid;
    ap_uint<32> index;
    z_t z;
    zsq_t zsq;
};

// ---- arithmetic (mirrored by divide_floor / isqrt_floor in pqms_physics/rpu.py) -----------

// floor(num / den) by restoring long division, one quotient bit per step (MSB first).
// Precondition: den > 0 and num < den * 2^QW, so the remainder always fits in DW + 1 bits.
template <int NW, int DW, int QW>
ap_uint<QW> divide_floor(const ap_uint<NW>& num, const ap_uint<DW>& den) {
    ap_uint<DW + 1> rem = num >> QW;  // < den by the precondition
    ap_uint<QW> q = 0;
DIV_STEPS:
    for (int i = QW - 1; i >= 0; --i) {
#pragma HLS PIPELINE II=1
        rem = (rem << 1) | ap_uint<DW + 1>(num[i]);  // < 2 den
        if (rem >= den) {
            rem -= den;
            q[i] = 1;
        }
    }
    return q;
}

// floor(sqrt(x)) by the binary digit-by-digit method (XW even), one result bit per step.
template <int XW>
ap_uint<XW / 2> isqrt_floor(const ap_uint<XW>& x) {
    ap_uint<XW> rem = x;
    ap_uint<XW> root = 0;
    ap_uint<XW> bit = ap_uint<XW>(1) << (XW - 2);
SQRT_STEPS:
    for (int i = 0; i < XW / 2; ++i) {
#pragma HLS PIPELINE II=1
        const ap_uint<XW + 1> trial = ap_uint<XW + 1>(root) + bit;
        if (rem >= trial) {
            rem -= trial;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

// ---- packing -------------------------------------------------------------------------------
window_word_t pack_window(const window_result& r);
window_result unpack_window(const window_word_t& w);
topk_word_t pack_topk(const topk_entry& t);
topk_entry unpack_topk(const topk_word_t& w);

// Statistics of one window from its packed counters (the per-window stage of the pipeline).
window_result window_stats(const counts_word_t& counts, ap_uint<32> index, ap_uint<1> mode,
                           thr_t k_thresh, thr_t veto_z, thr_t prune_z, ap_uint<1> prune_en);

}  // namespace rpu

// Top function. Registers (s_axilite): mode (0 NCT pool bias, 1 CHSH), window W in [1, W_MAX]
// (W = 0 processes nothing), n_windows, k_thresh, veto_z, prune_z (Q16.16), prune_en.
// Reads exactly n_windows * W records; writes the forwarded windows on windows_out, then
// RPU_TOPK rows on topk_out, then the four counters.
void rpu_top(hls::stream<rpu::pair_word_t>& pairs_in, hls::stream<rpu::window_word_t>& windows_out,
             hls::stream<rpu::topk_word_t>& topk_out, ap_uint<1> mode, ap_uint<20> window,
             ap_uint<32> n_windows, rpu::thr_t k_thresh, rpu::thr_t veto_z, rpu::thr_t prune_z,
             ap_uint<1> prune_en, ap_uint<32>* n_forwarded, ap_uint<32>* n_decisions,
             ap_uint<32>* n_vetoes, ap_uint<32>* n_valid);

#endif  // PQMS_RPU_HPP
