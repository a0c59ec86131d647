// Verilator harness of the Verilog RPU core (fpga/rtl/rpu_core.v) against the golden vectors.
//
// Usage: rpu_rtl_sim IN.rpuin OUT.rpuout [...]
// Every case runs twice: with all handshakes always ready, and with deterministic pseudo-random
// back-pressure on all three streams plus junk in the reserved record bits [7:4] (which the
// hardware must ignore). Exit status: 0 all match, 1 mismatch or timeout, 2 malformed files.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "../../tb/rpu_vectors.hpp"
#include "Vrpu_core.h"
#include "verilated.h"

#ifndef RPU_TOPK
#define RPU_TOPK 10
#endif

namespace {

// Bits [lo, lo + width) of a Verilator wide signal (32-bit words), width <= 64.
template <typename W>
uint64_t bits(const W& words, int lo, int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
        const int b = lo + i;
        v |= static_cast<uint64_t>((words[b / 32] >> (b % 32)) & 1u) << i;
    }
    return v;
}

int32_t sext(uint64_t v, int width) {
    const uint64_t sign = 1ull << (width - 1);
    return static_cast<int32_t>(static_cast<int64_t>((v ^ sign) - sign));
}

struct Xorshift {
    uint32_t s;
    uint32_t next() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return s;
    }
};

struct Result {
    rpuvec::Output out;
    uint64_t cycles = 0;
    bool timeout = false;
};

Result run(Vrpu_core& m, const rpuvec::Input& in, bool backpressure) {
    Result r;
    Xorshift rng{0x9E3779B9u};  // fixed seed: the stall pattern is reproducible
    auto tick = [&]() {
        m.clk = 1;
        m.eval();
        m.clk = 0;
        m.eval();
        ++r.cycles;
    };
    m.clk = 0;
    m.rst = 1;
    m.start = 0;
    m.s_tvalid = 0;
    m.w_tready = 0;
    m.k_tready = 0;
    m.eval();
    tick();
    tick();
    m.rst = 0;
    m.cfg_mode = in.cfg.mode;
    m.cfg_window = in.cfg.window;
    m.cfg_n_windows = in.cfg.n_windows;
    m.cfg_k_thresh = in.cfg.k_thresh;
    m.cfg_veto_z = in.cfg.veto_z;
    m.cfg_prune_z = in.cfg.prune_z;
    m.cfg_prune_en = in.cfg.prune_en;
    m.start = 1;
    m.eval();
    tick();
    m.start = 0;
    size_t next = 0;
    // generous bound: the statistics FSM needs < 120 clocks per window
    const uint64_t limit = 100 + 4 * (in.records.size() + 200ull * in.cfg.n_windows + 100);
    while (!m.done) {
        if (r.cycles > limit) {
            r.timeout = true;
            break;
        }
        const uint32_t x = backpressure ? rng.next() : 0xFFFFFFFFu;
        const bool offer = next < in.records.size() && (x & 3u) != 0;
        m.s_tvalid = offer;
        m.s_tdata = offer ? static_cast<uint8_t>(in.records[next] | (backpressure ? (x & 0xF0u) : 0))
                          : 0;
        m.w_tready = (x >> 8) & 1u;
        m.k_tready = (x >> 9) & 1u;
        m.eval();
        if (m.s_tvalid && m.s_tready) ++next;
        if (m.w_tvalid && m.w_tready) {
            rpuvec::WindowRec w;
            w.index = static_cast<uint32_t>(bits(m.w_tdata, 0, 32));
            for (int c = 0; c < 16; ++c)
                w.counts[c] = static_cast<uint32_t>(bits(m.w_tdata, 32 + 20 * c, 20));
            w.z = sext(bits(m.w_tdata, 352, 32), 32);
            for (int s = 0; s < 4; ++s) w.e[s] = sext(bits(m.w_tdata, 384 + 18 * s, 18), 18);
            w.s = sext(bits(m.w_tdata, 456, 20), 20);
            w.mode = static_cast<int>(bits(m.w_tdata, 476, 1));
            w.z_valid = static_cast<int>(bits(m.w_tdata, 477, 1));
            w.decision = static_cast<int>(bits(m.w_tdata, 478, 1));
            w.veto = static_cast<int>(bits(m.w_tdata, 479, 1));
            w.e_valid = static_cast<int>(bits(m.w_tdata, 480, 4));
            w.s_valid = static_cast<int>(bits(m.w_tdata, 484, 1));
            if (bits(m.w_tdata, 485, 27) != 0) w.s_valid = -1;  // reserved bits must be zero
            r.out.windows.push_back(w);
        }
        if (m.k_tvalid && m.k_tready) {
            rpuvec::TopkRec t;
            t.index = static_cast<uint32_t>(bits(m.k_tdata, 0, 32));
            t.z = sext(bits(m.k_tdata, 32, 32), 32);
            t.zsq = bits(m.k_tdata, 64, 54);
            t.valid = static_cast<int>(bits(m.k_tdata, 118, 1));
            r.out.topk.push_back(t);
        }
        tick();
    }
    if (next != in.records.size()) r.timeout = true;
    r.out.summary.n_forwarded = m.n_forwarded;
    r.out.summary.n_decisions = m.n_decisions;
    r.out.summary.n_vetoes = m.n_vetoes;
    r.out.summary.n_valid = m.n_valid;
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (!a.empty() && a[0] == '+') continue;  // Verilator plusargs
        files.push_back(a);
    }
    if (files.empty() || files.size() % 2 != 0) {
        std::cerr << "usage: " << argv[0] << " IN.rpuin OUT.rpuout [...]\n";
        return 2;
    }
    Vrpu_core m;
    long total = 0;
    uint64_t pairs = 0, cycles = 0;
    for (size_t i = 0; i < files.size(); i += 2) {
        rpuvec::Input in;
        rpuvec::Output want;
        if (const int rc = rpuvec::load_case(files[i], files[i + 1], RPU_TOPK, in, want, std::cerr)) return rc;
        for (int bp = 0; bp < 2; ++bp) {
            const Result r = run(m, in, bp == 1);
            const std::string name = files[i] + (bp ? " [back-pressure]" : "");
            long mism = rpuvec::compare(want, r.out, name, std::cerr);
            if (r.timeout) {
                std::cerr << name << ": timeout or records left unread after " << r.cycles
                          << " cycles\n";
                ++mism;
            }
            total += mism;
            pairs += in.records.size();
            cycles += r.cycles;
            std::cout << (mism ? "FAIL " : "ok   ") << name << ": " << in.records.size()
                      << " pairs, " << r.cycles << " cycles, " << mism << " mismatches\n";
        }
    }
    std::cout << "total: " << pairs << " pairs, " << cycles << " cycles, " << total
              << " mismatches\n";
    m.final();
    return total ? 1 : 0;
}
