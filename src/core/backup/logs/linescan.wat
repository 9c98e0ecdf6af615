;; The line scanner of the log analyzer (analyzer.ts), in WebAssembly with 128-bit SIMD.
;;
;; It walks the complete lines of a chunk 32 bytes at a time and finds, per line, whether it holds
;; one of up to four marker words in any ASCII case (the analyzer's candidate lines). For a line
;; without one it does what the analyzer's JavaScript line loop does: it counts the line's shape from
;; its first bytes and remembers the latest full-dated one. It writes a record for each candidate
;; line, and for raw lines while the caller still wants raw samples, so the JavaScript side visits
;; only those lines. linescan.ts loads the chunk and the words and reads the records; a unit test
;; compares it with the JavaScript line loop on generated and hostile input.
;;
;; Built by `node scripts/wasm.mjs` (wabt) into linescan.wasm.ts; a unit test fails when that file
;; is not this one's build.
;;
;; Memory (byte offsets; linescan.ts holds the same numbers):
;;     0  four words: 16 bytes each, lowercase, zero-padded
;;    64  four i32 lane masks, (1 << length) - 1; an unused word has 0x10000 (never matches)
;;    80  four i32 first bytes (0 for an unused word: a folded byte is never 0)
;;   112  four i32 third bytes (a word has at least three)
;;   128  out: i32 counts of lines by shape (appliance, syslog, vcbAPI, raw), not candidates
;;   144  in/out: i32 number of the last line before `start`; out: of the last line scanned
;;   148  out: i32 start and end of the latest full-dated line after the last record (-1: none)
;;   156  out: i32 number of records written
;;   160  the message memo's number of keys, 164 its arena bytes used
;;   256  out: records, 6 i32 each: kind (1 candidate, 2 raw), start, newline, line number,
;;        start and end of the latest full-dated line since the previous record (-1: none)
;; 131072 the message memo (`memo`): 16384 i32 slots (1 + key index, 0 empty),
;; 196608 8192 keys of 16 bytes (hash, kind, arena offset, length),
;; 327680 its arena of key bytes (512 KiB)
;; 1048576 the chunk (linescan.ts: `IN`), then at least 64 bytes the caller owns (zeros past the data)
(module
  (memory (export "memory") 17)

  ;; Whether one of the words starts at x (bytes folded with 0x20: a word is lowercase letters, so
  ;; this is an ASCII case-insensitive compare).
  (func $wordAt (param $x i32) (result i32)
    (local $v v128)
    (local.set $v (v128.or (v128.load (local.get $x)) (i8x16.splat (i32.const 0x20))))
    (if (i32.eq (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (v128.load (i32.const 0)))) (i32.load (i32.const 64)))
                (i32.load (i32.const 64)))
      (then (return (i32.const 1))))
    (if (i32.eq (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (v128.load (i32.const 16)))) (i32.load (i32.const 68)))
                (i32.load (i32.const 68)))
      (then (return (i32.const 1))))
    (if (i32.eq (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (v128.load (i32.const 32)))) (i32.load (i32.const 72)))
                (i32.load (i32.const 72)))
      (then (return (i32.const 1))))
    (i32.eq (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (v128.load (i32.const 48)))) (i32.load (i32.const 76)))
            (i32.load (i32.const 76))))

  ;; Whether a word starts at p + k for some bit k of m (the positions the filter let through).
  (func $anyWord (param $p i32) (param $m i32) (result i32)
    (block $none
      (loop $next
        (br_if $none (i32.eqz (local.get $m)))
        (if (call $wordAt (i32.add (local.get $p) (i32.ctz (local.get $m))))
          (then (return (i32.const 1))))
        (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
        (br $next)))
    (i32.const 0))

  ;; Scans the complete lines in [start, end) (end - 1 holds a newline). Stops after the line that
  ;; fills the records (recMax of them) and returns where the next line starts; returns end when
  ;; every line was scanned. rawLeft: raw lines still wanted as records.
  (func (export "scan") (param $start i32) (param $end i32) (param $rawLeft i32) (param $recMax i32) (result i32)
    (local $p i32) (local $ls i32) (local $hit i32) (local $n i32)
    (local $fp i32) (local $fe i32) (local $nrec i32) (local $rec i32)
    (local $app i32) (local $sys i32) (local $vcb i32) (local $raw i32)
    (local $f0 v128) (local $f1 v128) (local $f2 v128) (local $f3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $fold v128) (local $nlv v128) (local $x v128) (local $y v128) (local $a v128) (local $b v128)
    (local $nm i32) (local $cm i32) (local $m i32) (local $q i32) (local $nl i32) (local $c i32) (local $left i32)
    (local.set $n (i32.load (i32.const 144)))
    (local.set $fp (i32.const -1))
    (local.set $f0 (i8x16.splat (i32.load (i32.const 80))))
    (local.set $f1 (i8x16.splat (i32.load (i32.const 84))))
    (local.set $f2 (i8x16.splat (i32.load (i32.const 88))))
    (local.set $f3 (i8x16.splat (i32.load (i32.const 92))))
    (local.set $t0 (i8x16.splat (i32.load (i32.const 112))))
    (local.set $t1 (i8x16.splat (i32.load (i32.const 116))))
    (local.set $t2 (i8x16.splat (i32.load (i32.const 120))))
    (local.set $t3 (i8x16.splat (i32.load (i32.const 124))))
    (local.set $fold (i8x16.splat (i32.const 0x20)))
    (local.set $nlv (i8x16.splat (i32.const 10)))
    (local.set $p (local.get $start))
    (local.set $ls (local.get $start))
    (block $out
      (block $done
        (loop $block
          ;; 32 bytes at a time: bit k of the masks is byte p + k
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $x (v128.load (local.get $p)))
          (local.set $y (v128.load offset=16 (local.get $p)))
          (local.set $nm (i32.or (i8x16.bitmask (i8x16.eq (local.get $x) (local.get $nlv)))
                                 (i32.shl (i8x16.bitmask (i8x16.eq (local.get $y) (local.get $nlv))) (i32.const 16))))
          ;; the filter (bytes folded with 0x20): a word's first byte here and its third two bytes on
          (local.set $x (v128.or (local.get $x) (local.get $fold)))
          (local.set $y (v128.or (local.get $y) (local.get $fold)))
          (local.set $a (v128.or (v128.load offset=2 (local.get $p)) (local.get $fold)))
          (local.set $b (v128.or (v128.load offset=18 (local.get $p)) (local.get $fold)))
          (local.set $cm (i32.or
            (i8x16.bitmask (v128.or
              (v128.or (v128.and (i8x16.eq (local.get $x) (local.get $f0)) (i8x16.eq (local.get $a) (local.get $t0)))
                       (v128.and (i8x16.eq (local.get $x) (local.get $f1)) (i8x16.eq (local.get $a) (local.get $t1))))
              (v128.or (v128.and (i8x16.eq (local.get $x) (local.get $f2)) (i8x16.eq (local.get $a) (local.get $t2)))
                       (v128.and (i8x16.eq (local.get $x) (local.get $f3)) (i8x16.eq (local.get $a) (local.get $t3))))))
            (i32.shl (i8x16.bitmask (v128.or
              (v128.or (v128.and (i8x16.eq (local.get $y) (local.get $f0)) (i8x16.eq (local.get $b) (local.get $t0)))
                       (v128.and (i8x16.eq (local.get $y) (local.get $f1)) (i8x16.eq (local.get $b) (local.get $t1))))
              (v128.or (v128.and (i8x16.eq (local.get $y) (local.get $f2)) (i8x16.eq (local.get $b) (local.get $t2)))
                       (v128.and (i8x16.eq (local.get $y) (local.get $f3)) (i8x16.eq (local.get $b) (local.get $t3)))))) (i32.const 16))))
          (local.set $left (i32.sub (local.get $end) (local.get $p)))
          (if (i32.lt_u (local.get $left) (i32.const 32))
            (then
              (local.set $m (i32.sub (i32.shl (i32.const 1) (local.get $left)) (i32.const 1)))
              (local.set $nm (i32.and (local.get $nm) (local.get $m)))
              (local.set $cm (i32.and (local.get $cm) (local.get $m)))))
          (block $blockDone
            (loop $event
              (if (i32.eqz (local.get $nm))
                (then
                  ;; no newline left in this block: its remaining positions are the current line's
                  (if (i32.and (i32.eqz (local.get $hit)) (i32.ne (local.get $cm) (i32.const 0)))
                    (then (local.set $hit (call $anyWord (local.get $p) (local.get $cm)))))
                  (br $blockDone)))
              (local.set $q (i32.ctz (local.get $nm)))
              (if (i32.eqz (local.get $hit))
                (then
                  (local.set $m (i32.and (local.get $cm) (i32.sub (i32.shl (i32.const 1) (local.get $q)) (i32.const 1))))
                  (if (local.get $m) (then (local.set $hit (call $anyWord (local.get $p) (local.get $m)))))))
              (local.set $cm (i32.and (local.get $cm) (i32.shl (i32.const -2) (local.get $q))))
              (local.set $nl (i32.add (local.get $p) (local.get $q)))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))
              (if (local.get $hit)
                (then
                  (local.set $rec (i32.add (i32.const 256) (i32.mul (local.get $nrec) (i32.const 24))))
                  (i32.store (local.get $rec) (i32.const 1))
                  (i32.store offset=4 (local.get $rec) (local.get $ls))
                  (i32.store offset=8 (local.get $rec) (local.get $nl))
                  (i32.store offset=12 (local.get $rec) (local.get $n))
                  (i32.store offset=16 (local.get $rec) (local.get $fp))
                  (i32.store offset=20 (local.get $rec) (local.get $fe))
                  (local.set $fp (i32.const -1))
                  (local.set $nrec (i32.add (local.get $nrec) (i32.const 1))))
                (else
                  ;; the shape from the first bytes, as analyzer.ts `walkJs` reads them
                  (local.set $c (i32.load8_u (local.get $ls)))
                  (block $shaped
                    (if (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
                      (then
                        (if (i32.and (i32.eq (i32.load8_u offset=4 (local.get $ls)) (i32.const 45))
                                     (i32.eq (i32.load8_u offset=10 (local.get $ls)) (i32.const 84)))
                          (then
                            (local.set $vcb (i32.add (local.get $vcb) (i32.const 1)))
                            (local.set $fp (local.get $ls))
                            (local.set $fe (local.get $nl))
                            (br $shaped)))
                        (if (i32.or (i32.eq (i32.load8_u offset=1 (local.get $ls)) (i32.const 47))
                                    (i32.eq (i32.load8_u offset=2 (local.get $ls)) (i32.const 47)))
                          (then
                            (local.set $app (i32.add (local.get $app) (i32.const 1)))
                            (local.set $fp (local.get $ls))
                            (local.set $fe (local.get $nl))
                            (br $shaped)))))
                    (if (i32.and (i32.lt_u (i32.sub (local.get $c) (i32.const 65)) (i32.const 26))
                                 (i32.eq (i32.load8_u offset=3 (local.get $ls)) (i32.const 32)))
                      (then
                        (local.set $sys (i32.add (local.get $sys) (i32.const 1)))
                        (br $shaped)))
                    (local.set $raw (i32.add (local.get $raw) (i32.const 1)))
                    (if (i32.gt_s (local.get $rawLeft) (i32.const 0))
                      (then
                        (local.set $rawLeft (i32.sub (local.get $rawLeft) (i32.const 1)))
                        (local.set $rec (i32.add (i32.const 256) (i32.mul (local.get $nrec) (i32.const 24))))
                        (i32.store (local.get $rec) (i32.const 2))
                        (i32.store offset=4 (local.get $rec) (local.get $ls))
                        (i32.store offset=8 (local.get $rec) (local.get $nl))
                        (i32.store offset=12 (local.get $rec) (local.get $n))
                        (i32.store offset=16 (local.get $rec) (i32.const -1))
                        (i32.store offset=20 (local.get $rec) (i32.const 0))
                        (local.set $nrec (i32.add (local.get $nrec) (i32.const 1))))))))
              (local.set $hit (i32.const 0))
              (local.set $ls (i32.add (local.get $nl) (i32.const 1)))
              (br_if $out (i32.ge_u (local.get $nrec) (local.get $recMax)))
              (local.set $nm (i32.and (local.get $nm) (i32.sub (local.get $nm) (i32.const 1))))
              (br $event)))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br $block)))
      ;; every line scanned
      (local.set $ls (local.get $end)))
    (i32.store (i32.const 128) (local.get $app))
    (i32.store (i32.const 132) (local.get $sys))
    (i32.store (i32.const 136) (local.get $vcb))
    (i32.store (i32.const 140) (local.get $raw))
    (i32.store (i32.const 144) (local.get $n))
    (i32.store (i32.const 148) (local.get $fp))
    (i32.store (i32.const 152) (local.get $fe))
    (i32.store (i32.const 156) (local.get $nrec))
    (local.get $ls))
;; ---- the message memo ----------------------------------------------------------------------
  ;; Classified messages are remembered by their bytes (analyzer.ts keeps what each key means): a
  ;; bad night repeats a few messages hundreds of thousands of times. Bounded: at most 8192 keys of at
  ;; most 512 bytes, at most 64 slots looked at (crafted collisions make misses, not slow lookups),
  ;; emptied when full.

  ;; A 30-bit hash of `kind` and bytes [s, e), 8 bytes at a time (loads past e are masked off).
  (func $hash (param $kind i32) (param $s i32) (param $e i32) (result i32)
    (local $h i64) (local $p i32) (local $r i32)
    (local.set $h (i64.xor (i64.const 0x243f6a8885a308d3)
      (i64.extend_i32_u (i32.xor (i32.mul (local.get $kind) (i32.const 0x9e3779b9)) (i32.sub (local.get $e) (local.get $s))))))
    (local.set $p (local.get $s))
    (block $tail
      (loop $words
        (br_if $tail (i32.gt_s (i32.add (local.get $p) (i32.const 8)) (local.get $e)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $p))) (i64.const 0xff51afd7ed558ccd)))
        (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $words)))
    (local.set $r (i32.sub (local.get $e) (local.get $p)))
    (if (i32.gt_s (local.get $r) (i32.const 0))
      (then
        (local.set $h (i64.mul
          (i64.xor (local.get $h)
            (i64.and (i64.load (local.get $p))
              (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $r) (i32.const 3)))) (i64.const 1))))
          (i64.const 0xff51afd7ed558ccd)))
        (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))))))
    (local.set $h (i64.mul (local.get $h) (i64.const 0xc4ceb9fe1a85ec53)))
    (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29))))
    (i32.and (i32.wrap_i64 (local.get $h)) (i32.const 0x3fffffff)))

  ;; Whether bytes [a, a + n) equal [b, b + n) (16 at a time; both may be read 15 bytes past n).
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $i i32)
    (block $tail
      (loop $blocks
        (br_if $tail (i32.gt_s (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
        (if (i32.eqz (i8x16.all_true (i8x16.eq (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i))))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (if (i32.ge_s (local.get $i) (local.get $n)) (then (return (i32.const 1))))
    (i32.eq
      (i32.and
        (i8x16.bitmask (i8x16.eq (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
        (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $n) (local.get $i))) (i32.const 1)))
      (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $n) (local.get $i))) (i32.const 1))))

  ;; Empties the memo.
  (func $clear (export "memoClear")
    (memory.fill (i32.const 131072) (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 160) (i32.const 0))
    (i32.store (i32.const 164) (i32.const 0)))

  ;; The key (kind, bytes [s, e)): its index when remembered; else it is remembered and -2 - its new
  ;; index is returned (the memo may have been emptied first: indexes before are then gone), or -1
  ;; when it cannot be (longer than 512 bytes, or 64 slots taken along its probe).
  (func (export "memo") (param $kind i32) (param $s i32) (param $e i32) (result i32)
    (local $len i32) (local $h i32) (local $slot i32) (local $probes i32) (local $k i32) (local $ent i32)
    (local $n i32) (local $used i32)
    (local.set $len (i32.sub (local.get $e) (local.get $s)))
    (if (i32.gt_u (local.get $len) (i32.const 512)) (then (return (i32.const -1))))
    (local.set $h (call $hash (local.get $kind) (local.get $s) (local.get $e)))
    (local.set $slot (i32.and (local.get $h) (i32.const 16383)))
    (block $empty
      (loop $probe
        (if (i32.ge_u (local.get $probes) (i32.const 64)) (then (return (i32.const -1))))
        (local.set $k (i32.sub (i32.load offset=131072 (i32.shl (local.get $slot) (i32.const 2))) (i32.const 1)))
        (br_if $empty (i32.lt_s (local.get $k) (i32.const 0)))
        (local.set $ent (i32.add (i32.const 196608) (i32.shl (local.get $k) (i32.const 4))))
        (if (i32.and
              (i32.and (i32.eq (i32.load (local.get $ent)) (local.get $h))
                       (i32.eq (i32.load offset=4 (local.get $ent)) (local.get $kind)))
              (i32.eq (i32.load offset=12 (local.get $ent)) (local.get $len)))
          (then
            (if (call $same (i32.add (i32.const 327680) (i32.load offset=8 (local.get $ent))) (local.get $s) (local.get $len))
              (then (return (local.get $k))))))
        (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 16383)))
        (local.set $probes (i32.add (local.get $probes) (i32.const 1)))
        (br $probe)))
    (local.set $n (i32.load (i32.const 160)))
    (local.set $used (i32.load (i32.const 164)))
    (if (i32.or (i32.ge_u (local.get $n) (i32.const 8192))
                (i32.gt_u (i32.add (local.get $used) (local.get $len)) (i32.const 524288)))
      (then
        (call $clear)
        (local.set $n (i32.const 0))
        (local.set $used (i32.const 0))
        (local.set $slot (i32.and (local.get $h) (i32.const 16383)))))
    (local.set $ent (i32.add (i32.const 196608) (i32.shl (local.get $n) (i32.const 4))))
    (i32.store (local.get $ent) (local.get $h))
    (i32.store offset=4 (local.get $ent) (local.get $kind))
    (i32.store offset=8 (local.get $ent) (local.get $used))
    (i32.store offset=12 (local.get $ent) (local.get $len))
    (memory.copy (i32.add (i32.const 327680) (local.get $used)) (local.get $s) (local.get $len))
    (i32.store offset=131072 (i32.shl (local.get $slot) (i32.const 2)) (i32.add (local.get $n) (i32.const 1)))
    (i32.store (i32.const 160) (i32.add (local.get $n) (i32.const 1)))
    (i32.store (i32.const 164) (i32.add (local.get $used) (local.get $len)))
    (i32.sub (i32.const -2) (local.get $n)))
)
