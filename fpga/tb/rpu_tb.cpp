// C-simulation testbench of the RPU (plain g++, no Xilinx install needed).
//
// Usage:  rpu_csim [--selftest] IN.rpuin OUT.rpuout [IN2.rpuin OUT2.rpuout ...]
// Runs rpu_top on each golden input (written by `python -m pqms_physics.rpu.vectors`) and
// compares every output field with the expected file, bit for bit.
// Exit status: 0 all match; 1 any mismatch (or self-test failure); 2 malformed or unreadable
// vector file, bad usage, or a vector file made for a different top-k size K.
#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "../rpu/rpu.hpp"
#include "rpu_vectors.hpp"

namespace {

int fail_count = 0;

void expect(bool ok, const std::string& what) {
    if (!ok) {
        ++fail_count;
        if (fail_count <= 20) std::cerr << "selftest: " << what << "\n";
    }
}

// Arithmetic self-test: restoring division and digit-by-digit square root against exact
// integer arithmetic, and the AP_RND_INF conversion (ties away from zero).
void selftest() {
    std::mt19937_64 rng(20240611u);  // fixed seed, chosen before the test was written
    for (int t = 0; t < 20000; ++t) {
        // divide_floor<40, 20, 20>: num < den 2^20, checked against uint64 division.
        const uint64_t den = 1 + rng() % ((1u << 20) - 1);
        const uint64_t num = rng() % (den << 20);
        const ap_uint<20> q = rpu::divide_floor<40, 20, 20>(ap_uint<40>(num), ap_uint<20>(den));
        expect(q.to_uint64() == num / den, "divide_floor<40,20,20>(" + std::to_string(num) + ", " +
                                               std::to_string(den) + ")");
        // The z-size instance: num = q den + r built exactly, q < 2^54, r < den < 2^76.
        ap_uint<76> big_den = (ap_uint<76>(rng()) << 12) ^ ap_uint<76>(rng());
        big_den >>= (rng() % 75);
        if (big_den == 0) big_den = 1;
        const ap_uint<54> big_q = ap_uint<54>(rng());
        const ap_uint<76> rem = ap_uint<76>((ap_uint<76>(rng()) << 12) ^ ap_uint<76>(rng())) %
                                big_den;
        const ap_uint<130> big_num = ap_uint<130>(big_q) * big_den + rem;
        expect(rpu::divide_floor<130, 76, 54>(big_num, big_den) == big_q,
               "divide_floor<130,76,54> on q = " + big_q.to_string(10));
        // isqrt_floor<54>: r^2 <= x < (r+1)^2.
        const ap_uint<54> x = ap_uint<54>(rng() >> (rng() % 54));
        const ap_uint<27> r = rpu::isqrt_floor<54>(x);
        const ap_uint<56> r2 = ap_uint<56>(r) * r;
        const ap_uint<56> r12 = ap_uint<56>(r + 1) * (r + 1);
        expect(r2 <= x && x < r12, "isqrt_floor<54>(" + x.to_string(10) + ")");
    }
    expect(rpu::isqrt_floor<54>(ap_uint<54>(0)) == 0, "isqrt_floor(0)");
    const ap_uint<54> xmax = ~ap_uint<54>(0);
    expect(rpu::isqrt_floor<54>(xmax) == ap_uint<27>((1u << 27) - 1), "isqrt_floor(2^54-1)");
    // Q?.17 -> Q16.16 with AP_RND_INF: v/2 rounded to nearest, ties away from zero.
    for (int v = -9; v <= 9; ++v) {
        ap_fixed<34, 17> t;
        t.range(33, 0) = ap_int<34>(v);
        const rpu::z_t z = t;
        const ap_int<32> raw = z.range(31, 0);
        const int want = (v >= 0) ? (v + 1) / 2 : -((-v + 1) / 2);
        expect(raw.to_int() == want, "AP_RND_INF of " + std::to_string(v) + "/2^17");
    }
}

rpuvec::Output run_case(const rpuvec::Input& in, std::string& err) {
    hls::stream<rpu::pair_word_t> pairs("pairs_in");
    hls::stream<rpu::window_word_t> windows("windows_out");
    hls::stream<rpu::topk_word_t> topk("topk_out");
    for (uint8_t r : in.records) pairs.write(rpu::pair_word_t(r));
    rpu::thr_t k, v, p;
    k.range(31, 0) = ap_uint<32>(in.cfg.k_thresh);
    v.range(31, 0) = ap_uint<32>(in.cfg.veto_z);
    p.range(31, 0) = ap_uint<32>(in.cfg.prune_z);
    ap_uint<32> nf = 0, nd = 0, nv = 0, nval = 0;
    rpu_top(pairs, windows, topk, in.cfg.mode, in.cfg.window, in.cfg.n_windows, k, v, p,
            in.cfg.prune_en, &nf, &nd, &nv, &nval);
    if (!pairs.empty()) err = std::to_string(pairs.size()) + " input records left unread";

    rpuvec::Output out;
    while (!windows.empty()) {
        const rpu::window_result r = rpu::unpack_window(windows.read());
        rpuvec::WindowRec w;
        w.index = r.index.to_uint();
        for (int c = 0; c < rpu::N_CELLS; ++c) w.counts[c] = r.counts[c].to_uint();
        w.z = ap_int<32>(r.z.range(31, 0)).to_int();
        for (int s = 0; s < rpu::N_SETTINGS; ++s) w.e[s] = ap_int<18>(r.e[s].range(17, 0)).to_int();
        w.s = ap_int<20>(r.s.range(19, 0)).to_int();
        w.mode = r.mode.to_int();
        w.z_valid = r.z_valid.to_int();
        w.decision = r.decision.to_int();
        w.veto = r.veto.to_int();
        w.e_valid = r.e_valid.to_int();
        w.s_valid = r.s_valid.to_int();
        out.windows.push_back(w);
    }
    while (!topk.empty()) {
        const rpu::topk_entry t = rpu::unpack_topk(topk.read());
        rpuvec::TopkRec row;
        row.valid = t.valid.to_int();
        row.index = t.index.to_uint();
        row.z = ap_int<32>(t.z.range(31, 0)).to_int();
        row.zsq = t.zsq.to_uint64();
        out.topk.push_back(row);
    }
    out.summary.n_forwarded = nf.to_uint();
    out.summary.n_decisions = nd.to_uint();
    out.summary.n_vetoes = nv.to_uint();
    out.summary.n_valid = nval.to_uint();
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> files;
    bool do_selftest = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--selftest") do_selftest = true;
        else files.push_back(a);
    }
    if ((files.empty() && !do_selftest) || files.size() % 2 != 0) {
        std::cerr << "usage: " << argv[0] << " [--selftest] IN.rpuin OUT.rpuout [...]\n";
        return 2;
    }
    if (do_selftest) {
        selftest();
        if (fail_count) {
            std::cerr << "selftest: " << fail_count << " failures\n";
            return 1;
        }
        std::cout << "selftest: arithmetic OK\n";
    }
    long total_mismatches = 0;
    uint64_t total_pairs = 0, total_windows = 0;
    for (size_t i = 0; i < files.size(); i += 2) {
        rpuvec::Input in;
        rpuvec::Output want;
        if (const int rc = rpuvec::load_case(files[i], files[i + 1], RPU_TOPK, in, want, std::cerr)) return rc;
        std::string err;
        const rpuvec::Output got = run_case(in, err);
        long mism = rpuvec::compare(want, got, files[i], std::cerr);
        if (!err.empty()) {
            std::cerr << files[i] << ": " << err << "\n";
            ++mism;
        }
        total_mismatches += mism;
        total_pairs += in.records.size();
        total_windows += in.cfg.n_windows;
        std::cout << (mism ? "FAIL " : "ok   ") << files[i] << ": " << in.records.size()
                  << " pairs, " << in.cfg.n_windows << " windows, " << got.windows.size()
                  << " forwarded, " << mism << " mismatches\n";
    }
    std::cout << "total: " << total_pairs << " pairs, " << total_windows << " windows, "
              << total_mismatches << " mismatches\n";
    return total_mismatches ? 1 : 0;
}
