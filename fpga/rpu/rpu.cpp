// RPU top function and its two dataflow stages (Vitis HLS C++).
//
//   pairs_in --> count_stage (II=1 per pair) --counts_s--> stats_stage (per window) --> windows_out
//                                                                                   \-> topk_out
// count_stage: 16 counters, one record per clock, emits the 16 counts at the end of each window.
// stats_stage: z (NCT) or E_s, S (CHSH), guardian bits, pruning, top-k insertion; it needs
// about 100-200 clocks per window (54-step division, 27-step square root, or 4 x 18-step
// divisions), so windows of at least that many pairs keep the pipeline at one pair per clock.
#include "rpu.hpp"

namespace rpu {

window_word_t pack_window(const window_result& r) {
    window_word_t w = 0;
    w.range(31, 0) = r.index;
    for (int c = 0; c < N_CELLS; ++c) {
#pragma HLS UNROLL
        w.range(32 + COUNT_BITS * c + COUNT_BITS - 1, 32 + COUNT_BITS * c) = r.counts[c];
    }
    w.range(383, 352) = ap_uint<32>(r.z.range(31, 0));
    for (int s = 0; s < N_SETTINGS; ++s) {
#pragma HLS UNROLL
        w.range(384 + 18 * s + 17, 384 + 18 * s) = ap_uint<18>(r.e[s].range(17, 0));
    }
    w.range(475, 456) = ap_uint<20>(r.s.range(19, 0));
    w[476] = r.mode;
    w[477] = r.z_valid;
    w[478] = r.decision;
    w[479] = r.veto;
    w.range(483, 480) = r.e_valid;
    w[484] = r.s_valid;
    return w;
}

window_result unpack_window(const window_word_t& w) {
    window_result r;
    r.index = w.range(31, 0);
    for (int c = 0; c < N_CELLS; ++c) {
        r.counts[c] = w.range(32 + COUNT_BITS * c + COUNT_BITS - 1, 32 + COUNT_BITS * c);
    }
    r.z.range(31, 0) = ap_uint<32>(w.range(383, 352));
    r.zsq = 0;
    for (int s = 0; s < N_SETTINGS; ++s) {
        r.e[s].range(17, 0) = ap_uint<18>(w.range(384 + 18 * s + 17, 384 + 18 * s));
    }
    r.s.range(19, 0) = ap_uint<20>(w.range(475, 456));
    r.mode = w[476];
    r.z_valid = w[477];
    r.decision = w[478];
    r.veto = w[479];
    r.e_valid = w.range(483, 480);
    r.s_valid = w[484];
    r.forwarded = 1;
    return r;
}

topk_word_t pack_topk(const topk_entry& t) {
    topk_word_t w = 0;
    w.range(31, 0) = t.index;
    w.range(63, 32) = ap_uint<32>(t.z.range(31, 0));
    w.range(64 + ZSQ_BITS - 1, 64) = t.zsq;
    w[118] = t.valid;
    return w;
}

topk_entry unpack_topk(const topk_word_t& w) {
    topk_entry t;
    t.index = w.range(31, 0);
    t.z.range(31, 0) = ap_uint<32>(w.range(63, 32));
    t.zsq = w.range(64 + ZSQ_BITS - 1, 64);
    t.valid = w[118];
    return t;
}

// 4 t^2 for a Q16.16 threshold t: |z| >= t  <=>  z^2 2^34 >= 4 t_raw^2  <=>  zsq >= 4 t_raw^2
// (zsq is the floor of z^2 2^34 and 4 t_raw^2 an integer), so every comparison is exact on z.
static ap_uint<66> four_t_squared(thr_t t) {
    const ap_uint<32> raw = t.range(31, 0);
    return ap_uint<66>(raw * raw) << 2;
}

window_result window_stats(const counts_word_t& counts, ap_uint<32> index, ap_uint<1> mode,
                           thr_t k_thresh, thr_t veto_z, thr_t prune_z, ap_uint<1> prune_en) {
    window_result r;
    count_t c[N_CELLS];
#pragma HLS ARRAY_PARTITION variable=c complete
    for (int i = 0; i < N_CELLS; ++i) {
#pragma HLS UNROLL
        c[i] = counts.range(COUNT_BITS * i + COUNT_BITS - 1, COUNT_BITS * i);
        r.counts[i] = c[i];
    }
    r.index = index;
    r.mode = mode;
    r.z = 0;
    r.zsq = 0;
    r.s = 0;
    r.z_valid = 0;
    r.e_valid = 0;
    for (int s = 0; s < N_SETTINGS; ++s) {
#pragma HLS UNROLL
        r.e[s] = 0;
    }

    if (mode == MODE_NCT) {
        // Every sum below is at most W <= W_MAX, so it fits a count_t (the wider adder
        // result is narrowed without loss).
        const count_t n0 = c[0] + c[1] + c[2] + c[3];
        const count_t n1 = c[4] + c[5] + c[6] + c[7];
        const count_t m0 = c[1] + c[3];  // receiver bit b = 1: outcomes 01, 11
        const count_t m1 = c[5] + c[7];
        const count_t nn = n0 + n1;
        const count_t mm = m0 + m1;
        // D = m1 n0 - m0 n1, |D| <= n0 n1 <= N^2/4 < 2^38.
        const ap_uint<2 * COUNT_BITS> a1 = m1 * n0;
        const ap_uint<2 * COUNT_BITS> a0 = m0 * n1;
        const bool neg = a1 < a0;
        const ap_uint<38> absd = neg ? ap_uint<2 * COUNT_BITS>(a0 - a1)
                                     : ap_uint<2 * COUNT_BITS>(a1 - a0);
        // A = D^2 N < 2^96;  P = n0 n1 M (N - M) < 2^76 (each factor pair < 2^38).
        const ap_uint<76> d2 = absd * absd;
        const ap_uint<96> aa = d2 * nn;
        const ap_uint<38> n01 = n0 * n1;
        const ap_uint<38> mq = mm * count_t(nn - mm);
        const ap_uint<76> pp = n01 * mq;
        if (pp != 0) {
            r.z_valid = 1;
            // zsq = floor(A 2^34 / P) = floor(z^2 2^34) < 2^54 (precondition of divide_floor:
            // A 2^34 < P 2^54 <=> z^2 < 2^20).
            const ap_uint<96 + ZSQ_SHIFT> num = ap_uint<96 + ZSQ_SHIFT>(aa) << ZSQ_SHIFT;
            r.zsq = divide_floor<96 + ZSQ_SHIFT, 76, ZSQ_BITS>(num, pp);
            // root = floor(2^17 |z|); as a Q10.17 value it is |z| truncated to 2^-17, and the
            // AP_RND_INF conversion to Q16.16 gives |z| rounded to nearest, ties away from 0.
            ap_ufixed<ROOT_BITS, ROOT_BITS - FRAC - 1> mag;
            mag.range(ROOT_BITS - 1, 0) = isqrt_floor<ZSQ_BITS>(r.zsq);
            ap_fixed<ROOT_BITS + 1, ROOT_BITS - FRAC> t = mag;
            if (neg) t = -t;
            r.z = t;
        }
    } else {
    CHSH_SETTINGS:
        for (int s = 0; s < N_SETTINGS; ++s) {
            const count_t ns = c[4 * s] + c[4 * s + 1] + c[4 * s + 2] + c[4 * s + 3];
            const count_t same = c[4 * s] + c[4 * s + 3];      // a == b: outcomes 00, 11
            const count_t diff = c[4 * s + 1] + c[4 * s + 2];  // a != b: outcomes 01, 10
            const bool cneg = diff > same;
            const count_t absc = cneg ? count_t(diff - same) : count_t(same - diff);
            if (ns != 0) {
                // q2 = floor(|c| 2^17 / n) <= 2^17 (|c| <= n): |E| truncated to 2^-17.
                const ap_uint<COUNT_BITS + FRAC + 1> num =
                    ap_uint<COUNT_BITS + FRAC + 1>(absc) << (FRAC + 1);
                ap_ufixed<E_QBITS, 1> mag;
                mag.range(E_QBITS - 1, 0) =
                    divide_floor<COUNT_BITS + FRAC + 1, COUNT_BITS, E_QBITS>(num, ns);
                ap_fixed<E_QBITS + 1, 2> t = mag;
                if (cneg) t = -t;
                r.e[s] = t;  // AP_RND_INF: nearest 2^-16, ties away from zero
                r.e_valid[s] = 1;
            }
        }
        if (r.e_valid == 0xF) r.s = chsh_t(r.e[0]) + r.e[1] + r.e[2] - r.e[3];  // |S| <= 4: exact
    }
    r.s_valid = (r.e_valid == 0xF);
    r.veto = (!r.z_valid || r.zsq < four_t_squared(veto_z));
    r.decision = (r.z_valid && r.zsq >= four_t_squared(k_thresh) && !r.veto);
    r.forwarded = (mode == MODE_CHSH || !prune_en || (r.z_valid && r.zsq > four_t_squared(prune_z)));
    return r;
}

// Stage 1: one record per clock into 16 counters; the counts leave at the end of each window.
static void count_stage(hls::stream<pair_word_t>& in, hls::stream<counts_word_t>& out,
                        ap_uint<20> window, ap_uint<32> n_windows) {
    const ap_uint<52> total = (window == 0) ? ap_uint<52>(0) : ap_uint<52>(n_windows * window);
    count_t cnt[N_CELLS];
#pragma HLS ARRAY_PARTITION variable=cnt complete
    for (int c = 0; c < N_CELLS; ++c) {
#pragma HLS UNROLL
        cnt[c] = 0;
    }
    ap_uint<20> pos = 0;
PAIRS:
    for (ap_uint<52> p = 0; p < total; ++p) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=1048575
        const ap_uint<4> cell = in.read().range(3, 0);
        cnt[cell] += 1;  // at most W <= W_MAX increments since the last clear: no overflow
        if (pos == window - 1) {
            counts_word_t packed;
            for (int c = 0; c < N_CELLS; ++c) {
#pragma HLS UNROLL
                packed.range(COUNT_BITS * c + COUNT_BITS - 1, COUNT_BITS * c) = cnt[c];
                cnt[c] = 0;
            }
            out.write(packed);
            pos = 0;
        } else {
            ++pos;
        }
    }
}

// Insert a valid window into the table (sorted by zsq descending, equal zsq in window order).
// Rows that stay ahead of the candidate form a prefix; the rest shift down by one.
template <int K>
static void topk_insert(topk_entry table[K], const topk_entry& cand) {
    bool ahead[K];
#pragma HLS ARRAY_PARTITION variable=ahead complete
    for (int i = 0; i < K; ++i) {
#pragma HLS UNROLL
        ahead[i] = table[i].valid && table[i].zsq >= cand.zsq;
    }
    for (int i = K - 1; i >= 0; --i) {
#pragma HLS UNROLL
        if (!ahead[i]) table[i] = (i == 0 || ahead[i - 1]) ? cand : table[i - 1];
    }
}

// Stage 2: per-window statistics, guardian, pruning and top-k; then the table and counters.
template <int K>
static void stats_stage(hls::stream<counts_word_t>& in, hls::stream<window_word_t>& out,
                        hls::stream<topk_word_t>& topk_out, ap_uint<1> mode, ap_uint<20> window,
                        ap_uint<32> n_windows, thr_t k_thresh, thr_t veto_z, thr_t prune_z,
                        ap_uint<1> prune_en, ap_uint<32>* n_forwarded, ap_uint<32>* n_decisions,
                        ap_uint<32>* n_vetoes, ap_uint<32>* n_valid) {
    topk_entry table[K];
#pragma HLS ARRAY_PARTITION variable=table complete
    for (int i = 0; i < K; ++i) {
#pragma HLS UNROLL
        table[i].valid = 0;
        table[i].index = 0;
        table[i].z = 0;
        table[i].zsq = 0;
    }
    ap_uint<32> fwd = 0, dec = 0, vet = 0, val = 0;
    const ap_uint<32> nw = (window == 0) ? ap_uint<32>(0) : n_windows;
WINDOWS:
    for (ap_uint<32> w = 0; w < nw; ++w) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=1000000
        const window_result r =
            window_stats(in.read(), w, mode, k_thresh, veto_z, prune_z, prune_en);
        if (r.forwarded) {
            out.write(pack_window(r));
            ++fwd;
        }
        dec += r.decision;
        vet += r.veto;
        val += r.z_valid;
        if (r.z_valid) {
            topk_entry cand;
            cand.valid = 1;
            cand.index = w;
            cand.z = r.z;
            cand.zsq = r.zsq;
            topk_insert<K>(table, cand);
        }
    }
TOPK_OUT:
    for (int i = 0; i < K; ++i) {
#pragma HLS PIPELINE II=1
        topk_out.write(pack_topk(table[i]));
    }
    *n_forwarded = fwd;
    *n_decisions = dec;
    *n_vetoes = vet;
    *n_valid = val;
}

}  // namespace rpu

void rpu_top(hls::stream<rpu::pair_word_t>& pairs_in, hls::stream<rpu::window_word_t>& windows_out,
             hls::stream<rpu::topk_word_t>& topk_out, ap_uint<1> mode, ap_uint<20> window,
             ap_uint<32> n_windows, rpu::thr_t k_thresh, rpu::thr_t veto_z, rpu::thr_t prune_z,
             ap_uint<1> prune_en, ap_uint<32>* n_forwarded, ap_uint<32>* n_decisions,
             ap_uint<32>* n_vetoes, ap_uint<32>* n_valid) {
#pragma HLS INTERFACE axis port=pairs_in
#pragma HLS INTERFACE axis port=windows_out
#pragma HLS INTERFACE axis port=topk_out
#pragma HLS INTERFACE s_axilite port=mode bundle=control
#pragma HLS INTERFACE s_axilite port=window bundle=control
#pragma HLS INTERFACE s_axilite port=n_windows bundle=control
#pragma HLS INTERFACE s_axilite port=k_thresh bundle=control
#pragma HLS INTERFACE s_axilite port=veto_z bundle=control
#pragma HLS INTERFACE s_axilite port=prune_z bundle=control
#pragma HLS INTERFACE s_axilite port=prune_en bundle=control
#pragma HLS INTERFACE s_axilite port=n_forwarded bundle=control
#pragma HLS INTERFACE s_axilite port=n_decisions bundle=control
#pragma HLS INTERFACE s_axilite port=n_vetoes bundle=control
#pragma HLS INTERFACE s_axilite port=n_valid bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
#pragma HLS DATAFLOW
    hls::stream<rpu::counts_word_t> counts_s("counts_s");
#pragma HLS STREAM variable=counts_s depth=4
    rpu::count_stage(pairs_in, counts_s, window, n_windows);
    rpu::stats_stage<RPU_TOPK>(counts_s, windows_out, topk_out, mode, window, n_windows, k_thresh,
                               veto_z, prune_z, prune_en, n_forwarded, n_decisions, n_vetoes,
                               n_valid);
}
