// RPU window-statistics core in synthesizable Verilog-2005: the same arithmetic as the HLS C++
// (fpga/rpu/rpu.hpp) and the Python golden model (pqms_physics/rpu.py), bit for bit.
//
//   s_* (8-bit records, AXI-Stream) -> 16 counters --snapshot--> statistics FSM -> w_* (512 bit)
//                                                                 \-> top-k table -> k_* (128 bit)
// Counting stage: one record per clock. At the end of a window the counts move to a snapshot
// register; the counting stage stalls (s_tready low) only when a window ends while the
// previous snapshot has not been taken yet.
// Statistics FSM, per window: NCT mode 1 + 9 (one shared 76x38 multiplier, two-cycle latency)
// + 54 (restoring division) + 27 (square root) + 1 cycles; CHSH mode 1 + 4 x 19 + 1 cycles;
// then the record waits for w_tready when the window is forwarded. Windows of >= ~95 pairs
// therefore run at one pair per clock.
// Counter widths: a counter counts at most W <= 2^20 - 1 pairs and is cleared at every window
// end, so 20 bits cannot overflow. Registers must stay constant while busy.
`default_nettype none

module rpu_core #(
    parameter integer TOPK = 10
) (
    input  wire         clk,
    input  wire         rst,            // synchronous, active high
    // registers
    input  wire         cfg_mode,       // 0 NCT pool bias, 1 CHSH
    input  wire [19:0]  cfg_window,     // W in [1, 2^20 - 1]; 0 processes no window
    input  wire [31:0]  cfg_n_windows,
    input  wire [31:0]  cfg_k_thresh,   // Q16.16
    input  wire [31:0]  cfg_veto_z,     // Q16.16
    input  wire [31:0]  cfg_prune_z,    // Q16.16
    input  wire         cfg_prune_en,
    input  wire         start,          // one-cycle pulse while idle
    output reg          busy,
    output reg          done,           // high from the end of a run to the next start
    // records in: [1:0] outcome 2a+b, [3:2] setting; [7:4] ignored
    input  wire [7:0]   s_tdata,
    input  wire         s_tvalid,
    output wire         s_tready,
    // forwarded windows out (layout as rpu::pack_window)
    output reg  [511:0] w_tdata,
    output reg          w_tvalid,
    input  wire         w_tready,
    // top-k rows out after the last window (layout as rpu::pack_topk)
    output reg  [127:0] k_tdata,
    output reg          k_tvalid,
    input  wire         k_tready,
    // run counters
    output reg  [31:0]  n_forwarded,
    output reg  [31:0]  n_decisions,
    output reg  [31:0]  n_vetoes,
    output reg  [31:0]  n_valid
);
    localparam integer KW = (TOPK > 1) ? $clog2(TOPK) : 1;
    localparam integer K_LAST_I = TOPK - 1;
    localparam [KW-1:0] K_LAST = K_LAST_I[KW-1:0];

    // ---------------------------------------------------------------- counting stage
    reg  [319:0] cnt;           // cell c at [20c +: 20]
    reg  [319:0] snap;
    reg          snap_valid;
    reg  [19:0]  pos;
    reg  [31:0]  win_in;        // windows closed by the counting stage
    wire [3:0]   rec_cell = s_tdata[3:0];
    wire         last_pair = (pos == cfg_window - 20'd1);
    wire         counting = busy && (win_in != cfg_n_windows) && (cfg_window != 20'd0);
    assign s_tready = counting && !(last_pair && snap_valid);
    wire         take = s_tvalid && s_tready;
    wire         stats_take;    // the FSM takes the snapshot

    reg  [319:0] cnt_next;
    integer ci;
    always @* begin
        cnt_next = cnt;
        for (ci = 0; ci < 16; ci = ci + 1)
            if (rec_cell == ci[3:0]) cnt_next[20 * ci +: 20] = cnt[20 * ci +: 20] + 20'd1;
    end

    always @(posedge clk) begin
        if (rst || (start && !busy)) begin
            cnt <= 320'd0;
            pos <= 20'd0;
            win_in <= 32'd0;
            snap_valid <= 1'b0;
        end else begin
            if (take) begin
                if (last_pair) begin
                    snap <= cnt_next;
                    cnt <= 320'd0;
                    pos <= 20'd0;
                    win_in <= win_in + 32'd1;
                end else begin
                    cnt <= cnt_next;
                    pos <= pos + 20'd1;
                end
            end
            // a window end needs a free snapshot (s_tready) and a take needs a full one: never both
            if (take && last_pair) snap_valid <= 1'b1;
            else if (stats_take) snap_valid <= 1'b0;
        end
    end

    // ---------------------------------------------------------------- statistics FSM
    localparam [3:0] S_IDLE = 4'd0, S_CFG = 4'd1, S_WAIT = 4'd2, S_SUM = 4'd3, S_MUL = 4'd4,
                     S_DIV = 4'd5, S_SQRT = 4'd6, S_EDIV = 4'd7, S_OUT = 4'd8, S_EMIT = 4'd9,
                     S_TOPK = 4'd10, S_DONE = 4'd11;
    reg  [3:0]   st;
    reg  [3:0]   step;
    assign stats_take = (st == S_WAIT) && snap_valid;

    // shared multiplier, registered product (two-cycle latency from issue to use)
    reg  [75:0]  mul_a;
    reg  [37:0]  mul_b;
    reg  [113:0] mul_p;
    always @(posedge clk) mul_p <= mul_a * mul_b;

    reg  [65:0]  k4, v4, p4;    // 4 t^2 of the three thresholds
    reg  [319:0] c;             // counts of the window in work
    reg  [31:0]  win;           // index of the window in work
    reg  [19:0]  n0, n1, m0, m1, nn, mm;
    reg  [39:0]  a1, a0;
    reg  [37:0]  n01;
    reg          neg;
    reg  [75:0]  pp;
    reg  [75:0]  rem;           // division remainder (< pp)
    reg  [53:0]  nsh;           // numerator bits still to enter
    reg  [53:0]  q;             // quotient: zsq
    reg  [5:0]   it;
    reg  [53:0]  srem, root, sbit;
    reg          z_valid;
    // CHSH
    reg  [19:0]  ns0, ns1, ns2, ns3, ac0, ac1, ac2, ac3;
    reg  [3:0]   cn;            // sign of c_s
    reg  [1:0]   esel;
    reg  [19:0]  erem;
    reg  [17:0]  ensh, eq;
    reg  [71:0]  e_raw;         // 4 x 18-bit signed
    reg  [3:0]   e_valid;
    // top-k table
    reg  [TOPK-1:0]    tk_valid;
    reg  [32*TOPK-1:0] tk_index;
    reg  [32*TOPK-1:0] tk_z;
    reg  [54*TOPK-1:0] tk_zsq;
    reg  [KW-1:0]      tk_out;

    // sums of the window's counts
    function [19:0] cget(input [319:0] v, input integer i);
        cget = v[20 * i +: 20];
    endfunction
    wire [19:0] s_n0 = cget(c, 0) + cget(c, 1) + cget(c, 2) + cget(c, 3);
    wire [19:0] s_n1 = cget(c, 4) + cget(c, 5) + cget(c, 6) + cget(c, 7);
    wire [19:0] s_m0 = cget(c, 1) + cget(c, 3);
    wire [19:0] s_m1 = cget(c, 5) + cget(c, 7);
    function [19:0] nsum(input [319:0] v, input integer s);
        nsum = cget(v, 4 * s) + cget(v, 4 * s + 1) + cget(v, 4 * s + 2) + cget(v, 4 * s + 3);
    endfunction
    function [20:0] corr;       // {sign, |same - diff|}
        input [319:0] v;
        input integer s;
        reg [19:0] same, diff;
        begin
            same = cget(v, 4 * s) + cget(v, 4 * s + 3);
            diff = cget(v, 4 * s + 1) + cget(v, 4 * s + 2);
            corr = (diff > same) ? {1'b1, diff - same} : {1'b0, same - diff};
        end
    endfunction
    wire [20:0] cr0 = corr(c, 0), cr1 = corr(c, 1), cr2 = corr(c, 2), cr3 = corr(c, 3);

    // division step: t = {rem, next numerator bit}; t < 2 pp
    wire [76:0] dt = {rem, nsh[53]};
    wire        dge = (dt >= {1'b0, pp});
    wire [76:0] dsub = dt - {1'b0, pp};
    // square-root step
    wire [54:0] strial = {1'b0, root} + {1'b0, sbit};
    wire        sge = ({1'b0, srem} >= strial);
    // CHSH division step
    reg  [19:0] e_ns, e_ac;
    always @* begin
        case (esel)
            2'd0: begin e_ns = ns0; e_ac = ac0; end
            2'd1: begin e_ns = ns1; e_ac = ac1; end
            2'd2: begin e_ns = ns2; e_ac = ac2; end
            default: begin e_ns = ns3; e_ac = ac3; end
        endcase
    end
    wire [20:0] et = {erem, ensh[17]};
    wire        ege = (et >= {1'b0, e_ns});
    wire [20:0] esub = et - {1'b0, e_ns};
    wire [17:0] emag = (eq + 18'd1) >> 1;   // q2 <= 2^17, so no carry out

    // results of the window (valid in S_OUT)
    wire [26:0] zmag = (root[26:0] + 27'd1) >> 1;
    wire [31:0] z_raw = neg ? (32'd0 - {5'd0, zmag}) : {5'd0, zmag};
    wire        veto = !z_valid || ({12'd0, q} < v4);
    wire        decision = z_valid && ({12'd0, q} >= k4) && !veto;
    wire        forwarded = cfg_mode || !cfg_prune_en || (z_valid && ({12'd0, q} > p4));
    wire        s_valid = (e_valid == 4'hF);
    wire [19:0] s_raw = s_valid ? ({{2{e_raw[17]}}, e_raw[17:0]} + {{2{e_raw[35]}}, e_raw[35:18]}
                                   + {{2{e_raw[53]}}, e_raw[53:36]}
                                   - {{2{e_raw[71]}}, e_raw[71:54]}) : 20'd0;
    wire [511:0] record = {27'd0, s_valid, e_valid, veto, decision, z_valid, cfg_mode, s_raw,
                           e_raw, (z_valid ? z_raw : 32'd0), c, win};

    // top-k insertion (same network as rpu::topk_insert): rows ahead of the candidate stay
    reg  [TOPK-1:0]    ahead;
    reg  [TOPK-1:0]    ins_valid;
    reg  [32*TOPK-1:0] ins_index, ins_z;
    reg  [54*TOPK-1:0] ins_zsq;
    integer ti, tp;
    always @* begin
        for (ti = 0; ti < TOPK; ti = ti + 1)
            ahead[ti] = tk_valid[ti] && (tk_zsq[54 * ti +: 54] >= q);
        ins_valid = tk_valid;
        ins_index = tk_index;
        ins_z = tk_z;
        ins_zsq = tk_zsq;
        for (ti = 0; ti < TOPK; ti = ti + 1) begin
            tp = (ti == 0) ? 0 : ti - 1;
            if (!ahead[ti]) begin
                if (ti == 0 || ahead[tp]) begin
                    ins_valid[ti] = 1'b1;
                    ins_index[32 * ti +: 32] = win;
                    ins_z[32 * ti +: 32] = z_raw;
                    ins_zsq[54 * ti +: 54] = q;
                end else begin
                    ins_valid[ti] = tk_valid[tp];
                    ins_index[32 * ti +: 32] = tk_index[32 * tp +: 32];
                    ins_z[32 * ti +: 32] = tk_z[32 * tp +: 32];
                    ins_zsq[54 * ti +: 54] = tk_zsq[54 * tp +: 54];
                end
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            st <= S_IDLE;
            busy <= 1'b0;
            done <= 1'b0;
            w_tvalid <= 1'b0;
            k_tvalid <= 1'b0;
            n_forwarded <= 32'd0;
            n_decisions <= 32'd0;
            n_vetoes <= 32'd0;
            n_valid <= 32'd0;
        end else begin
            case (st)
                S_IDLE: if (start) begin
                    busy <= 1'b1;
                    done <= 1'b0;
                    n_forwarded <= 32'd0;
                    n_decisions <= 32'd0;
                    n_vetoes <= 32'd0;
                    n_valid <= 32'd0;
                    tk_valid <= {TOPK{1'b0}};
                    tk_index <= {32 * TOPK{1'b0}};
                    tk_z <= {32 * TOPK{1'b0}};
                    tk_zsq <= {54 * TOPK{1'b0}};
                    win <= 32'd0;
                    step <= 4'd0;
                    st <= S_CFG;
                end
                S_CFG: begin   // 4 t^2 of the thresholds through the shared multiplier
                    step <= step + 4'd1;
                    case (step)
                        4'd0: begin mul_a <= {44'd0, cfg_k_thresh}; mul_b <= {6'd0, cfg_k_thresh}; end
                        4'd1: begin mul_a <= {44'd0, cfg_veto_z}; mul_b <= {6'd0, cfg_veto_z}; end
                        4'd2: begin mul_a <= {44'd0, cfg_prune_z}; mul_b <= {6'd0, cfg_prune_z};
                                    k4 <= {mul_p[63:0], 2'b00}; end
                        4'd3: v4 <= {mul_p[63:0], 2'b00};
                        default: begin
                            p4 <= {mul_p[63:0], 2'b00};
                            st <= (cfg_window == 20'd0 || cfg_n_windows == 32'd0) ? S_TOPK : S_WAIT;
                            tk_out <= {KW{1'b0}};
                        end
                    endcase
                end
                S_WAIT: if (snap_valid) begin
                    c <= snap;
                    st <= S_SUM;
                end
                S_SUM: begin
                    n0 <= s_n0; n1 <= s_n1; m0 <= s_m0; m1 <= s_m1;
                    nn <= s_n0 + s_n1; mm <= s_m0 + s_m1;
                    ns0 <= nsum(c, 0); ns1 <= nsum(c, 1); ns2 <= nsum(c, 2); ns3 <= nsum(c, 3);
                    ac0 <= cr0[19:0]; ac1 <= cr1[19:0]; ac2 <= cr2[19:0]; ac3 <= cr3[19:0];
                    cn <= {cr3[20], cr2[20], cr1[20], cr0[20]};
                    z_valid <= 1'b0;
                    q <= 54'd0;
                    root <= 54'd0;
                    neg <= 1'b0;
                    e_raw <= 72'd0;
                    e_valid <= 4'd0;
                    esel <= 2'd0;
                    step <= 4'd0;
                    st <= cfg_mode ? S_EDIV : S_MUL;
                    it <= 6'd0;
                end
                S_MUL: begin   // issue at step k, product in mul_p at step k + 2
                    step <= step + 4'd1;
                    case (step)
                        4'd0: begin mul_a <= {56'd0, m1}; mul_b <= {18'd0, n0}; end
                        4'd1: begin mul_a <= {56'd0, m0}; mul_b <= {18'd0, n1}; end
                        4'd2: begin a1 <= mul_p[39:0]; mul_a <= {56'd0, n0}; mul_b <= {18'd0, n1}; end
                        4'd3: begin a0 <= mul_p[39:0]; mul_a <= {56'd0, mm}; mul_b <= {18'd0, nn - mm}; end
                        4'd4: begin
                            n01 <= mul_p[37:0];   // n0 n1 <= N^2/4 < 2^38
                            neg <= (a1 < a0);
                            mul_a <= {38'd0, (a1 < a0) ? a0[37:0] - a1[37:0] : a1[37:0] - a0[37:0]};
                            mul_b <= (a1 < a0) ? a0[37:0] - a1[37:0] : a1[37:0] - a0[37:0];
                        end
                        4'd5: begin mul_a <= {38'd0, n01}; mul_b <= mul_p[37:0]; end       // M(N-M)
                        4'd6: begin mul_a <= mul_p[75:0]; mul_b <= {18'd0, nn}; end        // D^2 N
                        4'd7: pp <= mul_p[75:0];                                   // n0 n1 M (N-M)
                        default: begin   // mul_p = A = D^2 N
                            // zsq = floor(aa 2^34 / pp): remainder starts at aa >> 20, then
                            // the 54 numerator bits {aa[19:0], 34'b0}
                            rem <= mul_p[95:20];
                            nsh <= {mul_p[19:0], 34'd0};
                            it <= 6'd0;
                            z_valid <= (pp != 76'd0);
                            st <= (pp != 76'd0) ? S_DIV : S_OUT;
                        end
                    endcase
                end
                S_DIV: begin
                    rem <= dge ? dsub[75:0] : dt[75:0];
                    q <= {q[52:0], dge};
                    nsh <= {nsh[52:0], 1'b0};
                    it <= it + 6'd1;
                    if (it == 6'd53) begin
                        st <= S_SQRT;
                        it <= 6'd0;
                        srem <= {q[52:0], dge};
                        root <= 54'd0;
                        sbit <= 54'd1 << 52;
                    end
                end
                S_SQRT: begin
                    if (sge) begin
                        srem <= srem - strial[53:0];
                        root <= (root >> 1) + sbit;
                    end else begin
                        root <= root >> 1;
                    end
                    sbit <= sbit >> 2;
                    it <= it + 6'd1;
                    if (it == 6'd26) st <= S_OUT;
                end
                S_EDIV: begin   // E_s: q2 = floor(|c| 2^17 / n), 18 steps per setting
                    if (it == 6'd0) begin
                        // numerator |c| 2^17: remainder starts at |c| >> 1, bits {|c|[0], 17'b0}
                        erem <= {1'b0, e_ac[19:1]};
                        ensh <= {e_ac[0], 17'd0};
                        eq <= 18'd0;
                        it <= (e_ns == 20'd0) ? 6'd19 : 6'd1;
                    end else if (it <= 6'd18) begin
                        erem <= ege ? esub[19:0] : et[19:0];
                        eq <= {eq[16:0], ege};
                        ensh <= {ensh[16:0], 1'b0};
                        it <= it + 6'd1;
                    end else begin
                        if (e_ns != 20'd0) begin
                            e_raw[18 * esel +: 18] <= cn[esel] ? 18'd0 - emag : emag;
                            e_valid[esel] <= 1'b1;
                        end
                        it <= 6'd0;
                        esel <= esel + 2'd1;
                        if (esel == 2'd3) st <= S_OUT;
                    end
                end
                S_OUT: begin
                    if (z_valid) begin
                        tk_valid <= ins_valid;
                        tk_index <= ins_index;
                        tk_z <= ins_z;
                        tk_zsq <= ins_zsq;
                    end
                    n_decisions <= n_decisions + {31'd0, decision};
                    n_vetoes <= n_vetoes + {31'd0, veto};
                    n_valid <= n_valid + {31'd0, z_valid};
                    if (forwarded) begin
                        n_forwarded <= n_forwarded + 32'd1;
                        w_tdata <= record;
                        w_tvalid <= 1'b1;
                        st <= S_EMIT;
                    end else begin
                        win <= win + 32'd1;
                        st <= (win + 32'd1 == cfg_n_windows) ? S_TOPK : S_WAIT;
                    end
                end
                S_EMIT: if (w_tready) begin
                    w_tvalid <= 1'b0;
                    win <= win + 32'd1;
                    st <= (win + 32'd1 == cfg_n_windows) ? S_TOPK : S_WAIT;
                end
                S_TOPK: begin
                    if (!k_tvalid || k_tready) begin
                        if (k_tvalid && k_tready && tk_out == K_LAST) begin
                            k_tvalid <= 1'b0;
                            st <= S_DONE;
                        end else begin
                            if (k_tvalid) tk_out <= tk_out + 1'b1;
                            k_tdata <= row(k_tvalid ? tk_out + 1'b1 : tk_out);
                            k_tvalid <= 1'b1;
                        end
                    end
                end
                S_DONE: begin
                    busy <= 1'b0;
                    done <= 1'b1;
                    st <= S_IDLE;
                end
                default: st <= S_IDLE;
            endcase
        end
    end

    // Deliberately unused: reserved record bits, product bits above 96 (< 2^96 by the width
    // proofs), and the borrow bits of the two subtractors (the remainders stay below the divisors).
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, s_tdata[7:4], mul_p[113:96], dsub[76], esub[20]};
    /* verilator lint_on UNUSEDSIGNAL */

    function [127:0] row(input [KW-1:0] i);
        row = {9'd0, tk_valid[i], tk_zsq[54 * i +: 54], tk_z[32 * i +: 32], tk_index[32 * i +: 32]};
    endfunction
endmodule

`default_nettype wire
