// Golden-vector files of the RPU: strict parsers and a field-by-field comparison.
// Plain C++17 (no Xilinx types), shared by the HLS C-sim testbench (tb/rpu_tb.cpp) and the
// Verilator harness (rtl/tb/rpu_rtl_tb.cpp). The files are written by
// pqms_physics/fpga_vectors.py; their format is specified there and in fpga/README.md.
//
// Any deviation from the format is an error with "file:line: message"; callers exit with 2.
#ifndef PQMS_RPU_VECTORS_HPP
#define PQMS_RPU_VECTORS_HPP

#include <cstdint>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace rpuvec {

struct Config {
    int mode = 0;
    uint32_t window = 0;
    uint32_t n_windows = 0;
    uint32_t k_thresh = 0, veto_z = 0, prune_z = 0;
    int prune_en = 0;
    int topk = 0;
};

struct Input {
    Config cfg;
    std::vector<uint8_t> records;  // cell = 4*setting + outcome, one per pair
};

struct WindowRec {
    uint32_t index = 0;
    uint32_t counts[16] = {};
    int32_t z = 0;
    int32_t e[4] = {};
    int32_t s = 0;
    int mode = 0, z_valid = 0, decision = 0, veto = 0, e_valid = 0, s_valid = 0;
};

struct TopkRec {
    int valid = 0;
    uint32_t index = 0;
    int32_t z = 0;
    uint64_t zsq = 0;
};

struct Summary {
    uint32_t n_forwarded = 0, n_decisions = 0, n_vetoes = 0, n_valid = 0;
};

struct Output {
    std::vector<WindowRec> windows;
    std::vector<TopkRec> topk;
    Summary summary;
};

class FormatError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// Line reader that skips comment lines ('#') and reports "path:line: ...".
class Reader {
   public:
    explicit Reader(const std::string& path) : path_(path), in_(path) {
        if (!in_) throw FormatError(path + ": cannot open file");
    }
    // Next non-comment line split into tokens; throws at end of file.
    std::vector<std::string> next(const char* what) {
        std::string line;
        while (std::getline(in_, line)) {
            ++line_no_;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || line[0] == '#') continue;
            std::istringstream ss(line);
            std::vector<std::string> tok;
            std::string t;
            while (ss >> t) tok.push_back(t);
            if (tok.empty()) continue;
            return tok;
        }
        fail(std::string("unexpected end of file, expected ") + what);
        return {};
    }
    [[noreturn]] void fail(const std::string& msg) const {
        throw FormatError(path_ + ":" + std::to_string(line_no_) + ": " + msg);
    }
    // Parse a decimal integer in [lo, hi]; the whole token must be the number.
    int64_t integer(const std::string& tok, const char* name, int64_t lo, int64_t hi) const {
        if (tok.empty() || tok.size() > 20) fail(std::string("bad ") + name + " '" + tok + "'");
        size_t i = (tok[0] == '-') ? 1 : 0;
        if (i == tok.size()) fail(std::string("bad ") + name + " '" + tok + "'");
        for (size_t j = i; j < tok.size(); ++j)
            if (tok[j] < '0' || tok[j] > '9')
                fail(std::string(name) + " must be a decimal integer, got '" + tok + "'");
        long long v = 0;
        try {
            v = std::stoll(tok);
        } catch (const std::exception&) {
            fail(std::string(name) + " out of range, got '" + tok + "'");
        }
        if (v < lo || v > hi)
            fail(std::string(name) + " must be in [" + std::to_string(lo) + ", " +
                 std::to_string(hi) + "], got " + tok);
        return v;
    }
    // "<key> <value>" line with value in [lo, hi].
    int64_t keyed(const char* key, int64_t lo, int64_t hi) {
        const std::vector<std::string> tok = next(key);
        if (tok.size() != 2 || tok[0] != key)
            fail(std::string("expected '") + key + " <integer>', got '" + join(tok) + "'");
        return integer(tok[1], key, lo, hi);
    }
    void header(const char* magic) {
        const std::vector<std::string> tok = next(magic);
        if (tok.size() != 2 || tok[0] != magic || tok[1] != "1")
            fail(std::string("expected header '") + magic + " 1', got '" + join(tok) + "'");
    }
    void end() {
        const std::vector<std::string> tok = next("END");
        if (tok.size() != 1 || tok[0] != "END") fail("expected 'END', got '" + join(tok) + "'");
        std::string rest;
        while (std::getline(in_, rest)) {
            ++line_no_;
            if (!rest.empty() && rest != "\r") fail("content after END");
        }
    }
    static std::string join(const std::vector<std::string>& tok) {
        std::string s;
        for (size_t i = 0; i < tok.size(); ++i) s += (i ? " " : "") + tok[i];
        return s;
    }

   private:
    std::string path_;
    std::ifstream in_;
    long line_no_ = 0;
};

static const int64_t U32_MAX = 0xFFFFFFFFLL;
static const int64_t W_MAX = (1 << 20) - 1;

inline Input read_input(const std::string& path) {
    Reader rd(path);
    Input in;
    rd.header("PQMS-RPU-IN");
    Config& c = in.cfg;
    c.mode = static_cast<int>(rd.keyed("mode", 0, 1));
    c.window = static_cast<uint32_t>(rd.keyed("window", 1, W_MAX));
    c.n_windows = static_cast<uint32_t>(rd.keyed("n_windows", 0, U32_MAX));
    c.k_thresh = static_cast<uint32_t>(rd.keyed("k_thresh", 0, U32_MAX));
    c.veto_z = static_cast<uint32_t>(rd.keyed("veto_z", 0, U32_MAX));
    c.prune_z = static_cast<uint32_t>(rd.keyed("prune_z", 0, U32_MAX));
    c.prune_en = static_cast<int>(rd.keyed("prune_en", 0, 1));
    c.topk = static_cast<int>(rd.keyed("topk", 1, 1024));
    const int64_t n = rd.keyed("records", 0, 50000000);
    if (n != static_cast<int64_t>(c.window) * c.n_windows)
        rd.fail("records must equal window * n_windows = " +
                std::to_string(static_cast<int64_t>(c.window) * c.n_windows) + ", got " +
                std::to_string(n));
    in.records.reserve(static_cast<size_t>(n));
    while (static_cast<int64_t>(in.records.size()) < n) {
        const std::vector<std::string> tok = rd.next("record hex digits");
        if (tok.size() != 1 || tok[0].size() > 64)
            rd.fail("expected one run of at most 64 hex digits, got '" + Reader::join(tok) + "'");
        for (char ch : tok[0]) {
            int v;
            if (ch >= '0' && ch <= '9') v = ch - '0';
            else if (ch >= 'a' && ch <= 'f') v = ch - 'a' + 10;
            else rd.fail(std::string("record digit must be in [0-9a-f], got '") + ch + "'");
            in.records.push_back(static_cast<uint8_t>(v));
        }
        if (static_cast<int64_t>(in.records.size()) > n)
            rd.fail("more record digits than records = " + std::to_string(n));
    }
    rd.end();
    return in;
}

inline Output read_output(const std::string& path) {
    Reader rd(path);
    Output out;
    rd.header("PQMS-RPU-OUT");
    const int64_t nw = rd.keyed("windows", 0, 50000000);
    for (int64_t i = 0; i < nw; ++i) {
        const std::vector<std::string> t = rd.next("window line 'W ...'");
        if (t.size() != 30 || t[0] != "W")
            rd.fail("expected 'W' and 29 integers, got '" + Reader::join(t) + "'");
        WindowRec w;
        w.index = static_cast<uint32_t>(rd.integer(t[1], "index", 0, U32_MAX));
        for (int c = 0; c < 16; ++c)
            w.counts[c] = static_cast<uint32_t>(rd.integer(t[2 + c], "count", 0, W_MAX));
        w.z = static_cast<int32_t>(rd.integer(t[18], "z", INT32_MIN, INT32_MAX));
        for (int s = 0; s < 4; ++s)
            w.e[s] = static_cast<int32_t>(rd.integer(t[19 + s], "e", -(1 << 17), (1 << 17) - 1));
        w.s = static_cast<int32_t>(rd.integer(t[23], "s", -(1 << 19), (1 << 19) - 1));
        w.mode = static_cast<int>(rd.integer(t[24], "mode", 0, 1));
        w.z_valid = static_cast<int>(rd.integer(t[25], "z_valid", 0, 1));
        w.decision = static_cast<int>(rd.integer(t[26], "decision", 0, 1));
        w.veto = static_cast<int>(rd.integer(t[27], "veto", 0, 1));
        w.e_valid = static_cast<int>(rd.integer(t[28], "e_valid", 0, 15));
        w.s_valid = static_cast<int>(rd.integer(t[29], "s_valid", 0, 1));
        out.windows.push_back(w);
    }
    const int64_t nk = rd.keyed("topk", 1, 1024);
    for (int64_t i = 0; i < nk; ++i) {
        const std::vector<std::string> t = rd.next("top-k line 'T ...'");
        if (t.size() != 5 || t[0] != "T")
            rd.fail("expected 'T valid index z zsq', got '" + Reader::join(t) + "'");
        TopkRec k;
        k.valid = static_cast<int>(rd.integer(t[1], "valid", 0, 1));
        k.index = static_cast<uint32_t>(rd.integer(t[2], "index", 0, U32_MAX));
        k.z = static_cast<int32_t>(rd.integer(t[3], "z", INT32_MIN, INT32_MAX));
        k.zsq = static_cast<uint64_t>(rd.integer(t[4], "zsq", 0, (1LL << 54) - 1));
        out.topk.push_back(k);
    }
    const std::vector<std::string> t = rd.next("summary line");
    if (t.size() != 5 || t[0] != "summary")
        rd.fail("expected 'summary forwarded decisions vetoes valid', got '" + Reader::join(t) +
                "'");
    out.summary.n_forwarded = static_cast<uint32_t>(rd.integer(t[1], "n_forwarded", 0, U32_MAX));
    out.summary.n_decisions = static_cast<uint32_t>(rd.integer(t[2], "n_decisions", 0, U32_MAX));
    out.summary.n_vetoes = static_cast<uint32_t>(rd.integer(t[3], "n_vetoes", 0, U32_MAX));
    out.summary.n_valid = static_cast<uint32_t>(rd.integer(t[4], "n_valid", 0, U32_MAX));
    rd.end();
    return out;
}

// Compare field by field; prints up to `max_print` mismatches; returns their number.
class Comparer {
   public:
    Comparer(const std::string& name, std::ostream& os, int max_print = 20)
        : name_(name), os_(os), max_print_(max_print) {}
    template <typename T>
    void field(const std::string& where, const char* what, T want, T got) {
        if (want == got) return;
        if (++mismatches_ <= max_print_)
            os_ << name_ << ": " << where << " field " << what << ": expected " << +want
                << ", got " << +got << "\n";
    }
    long mismatches() const { return mismatches_; }

   private:
    std::string name_;
    std::ostream& os_;
    int max_print_;
    long mismatches_ = 0;
};

inline long compare(const Output& want, const Output& got, const std::string& name,
                    std::ostream& os, bool check_topk = true) {
    Comparer cmp(name, os);
    cmp.field<size_t>("output stream", "number of windows", want.windows.size(),
                      got.windows.size());
    const size_t n = want.windows.size() < got.windows.size() ? want.windows.size()
                                                              : got.windows.size();
    for (size_t i = 0; i < n; ++i) {
        const WindowRec& a = want.windows[i];
        const WindowRec& b = got.windows[i];
        const std::string where = "window record " + std::to_string(i) + " (window " +
                                  std::to_string(a.index) + ")";
        cmp.field(where, "index", a.index, b.index);
        for (int c = 0; c < 16; ++c)
            cmp.field(where, ("count[" + std::to_string(c) + "]").c_str(), a.counts[c],
                      b.counts[c]);
        cmp.field(where, "z", a.z, b.z);
        for (int s = 0; s < 4; ++s)
            cmp.field(where, ("e[" + std::to_string(s) + "]").c_str(), a.e[s], b.e[s]);
        cmp.field(where, "s", a.s, b.s);
        cmp.field(where, "mode", a.mode, b.mode);
        cmp.field(where, "z_valid", a.z_valid, b.z_valid);
        cmp.field(where, "decision", a.decision, b.decision);
        cmp.field(where, "veto", a.veto, b.veto);
        cmp.field(where, "e_valid", a.e_valid, b.e_valid);
        cmp.field(where, "s_valid", a.s_valid, b.s_valid);
    }
    if (check_topk) {
        cmp.field<size_t>("top-k", "number of rows", want.topk.size(), got.topk.size());
        for (size_t i = 0; i < want.topk.size() && i < got.topk.size(); ++i) {
            const std::string where = "top-k row " + std::to_string(i);
            cmp.field(where, "valid", want.topk[i].valid, got.topk[i].valid);
            cmp.field(where, "index", want.topk[i].index, got.topk[i].index);
            cmp.field(where, "z", want.topk[i].z, got.topk[i].z);
            cmp.field(where, "zsq", want.topk[i].zsq, got.topk[i].zsq);
        }
    }
    cmp.field("summary", "n_forwarded", want.summary.n_forwarded, got.summary.n_forwarded);
    cmp.field("summary", "n_decisions", want.summary.n_decisions, got.summary.n_decisions);
    cmp.field("summary", "n_vetoes", want.summary.n_vetoes, got.summary.n_vetoes);
    cmp.field("summary", "n_valid", want.summary.n_valid, got.summary.n_valid);
    return cmp.mismatches();
}

// Read one case (input records + expected output) for a design built with `topk` top-k rows.
// Returns 0, or 2 after printing why (malformed file, or a K the design was not built with): the exit
// status both testbenches use for unusable input.
inline int load_case(const std::string& in_path, const std::string& out_path, int topk, Input& in,
                     Output& want, std::ostream& err) {
    try {
        in = read_input(in_path);
        want = read_output(out_path);
    } catch (const FormatError& e) {
        err << "malformed vector file: " << e.what() << "\n";
        return 2;
    }
    if (in.cfg.topk != topk) {
        err << in_path << ": topk " << in.cfg.topk << " but the design under test was built with RPU_TOPK="
            << topk << "\n";
        return 2;
    }
    return 0;
}

}  // namespace rpuvec

#endif  // PQMS_RPU_VECTORS_HPP
