;; UTF-8 → UTF-16 decoder for the copilot demo, over a fixed-size input buffer in linear memory.
;;
;; Memory layout, set by `configure(capacity)`:
;;   [0, capacity)                 input: the JS glue copies incoming bytes here
;;   [output, output + 2*capacity) output: UTF-16 code units, little-endian (output = capacity rounded up to 8)
;; Every input byte yields at most one code unit (a 4-byte sequence yields a surrogate pair), so the
;; output region never overflows.
;;
;; Decoding follows the WHATWG Encoding Standard's UTF-8 decoder: 1–4 byte sequences, overlongs,
;; surrogates and code points above U+10FFFF rejected, each maximal invalid subpart replaced by one U+FFFD.
;;
;; Known limitation (the demo's bug): `decode` treats each call as a complete input. The state of an
;; unfinished sequence (bytes still needed, code point so far) lives in locals, so a sequence cut at the
;; end of a flush is reported as truncated (U+FFFD) and its remaining continuation bytes at the start of
;; the next flush are stray (one U+FFFD each). A streaming decoder would keep that state in globals.
(module
  (memory (export "memory") 1)

  ;; Size of the input region, in bytes; 0 until configured.
  (global $capacity (mut i32) (i32.const 0))
  ;; Byte offset of the output region.
  (global $output (mut i32) (i32.const 0))

  ;; Sets the input capacity, growing memory to hold input and output.
  ;; Returns the output offset, or -1 when the capacity is not positive or memory cannot grow.
  (func (export "configure") (param $capacity i32) (result i32)
    (local $output i32)
    (local $pages i32)
    (if (i32.le_s (local.get $capacity) (i32.const 0))
      (then (return (i32.const -1))))
    (local.set $output
      (i32.and (i32.add (local.get $capacity) (i32.const 7)) (i32.const -8)))
    ;; pages = ceil((output + 2 * capacity) / 65536)
    (local.set $pages
      (i32.shr_u
        (i32.add
          (i32.add (local.get $output) (i32.shl (local.get $capacity) (i32.const 1)))
          (i32.const 65535))
        (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then
        (if (i32.lt_s (memory.grow (i32.sub (local.get $pages) (memory.size))) (i32.const 0))
          (then (return (i32.const -1))))))
    (global.set $capacity (local.get $capacity))
    (global.set $output (local.get $output))
    (local.get $output))

  ;; Writes one UTF-16 code unit at $at and returns the next write position.
  (func $emit (param $at i32) (param $unit i32) (result i32)
    (i32.store16 (local.get $at) (local.get $unit))
    (i32.add (local.get $at) (i32.const 2)))

  ;; Decodes input[0, length) into the output region and returns the number of code units written,
  ;; or -1 when length is negative or larger than the capacity.
  (func (export "decode") (param $length i32) (result i32)
    (local $i i32)
    (local $at i32)
    (local $byte i32)
    (local $needed i32)
    (local $seen i32)
    (local $point i32)
    (local $lower i32)
    (local $upper i32)
    (if (i32.or
          (i32.lt_s (local.get $length) (i32.const 0))
          (i32.gt_u (local.get $length) (global.get $capacity)))
      (then (return (i32.const -1))))
    (local.set $at (global.get $output))
    (local.set $lower (i32.const 0x80))
    (local.set $upper (i32.const 0xBF))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $length)))
        (local.set $byte (i32.load8_u (local.get $i)))

        (if (i32.eqz (local.get $needed))
          (then
            ;; Not inside a sequence: this byte is ASCII, a lead byte, or invalid.
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.le_u (local.get $byte) (i32.const 0x7F))
              (then
                (local.set $at (call $emit (local.get $at) (local.get $byte)))
                (br $next)))
            (if (i32.and
                  (i32.ge_u (local.get $byte) (i32.const 0xC2))
                  (i32.le_u (local.get $byte) (i32.const 0xDF)))
              (then
                (local.set $needed (i32.const 1))
                (local.set $point (i32.and (local.get $byte) (i32.const 0x1F)))
                (br $next)))
            (if (i32.and
                  (i32.ge_u (local.get $byte) (i32.const 0xE0))
                  (i32.le_u (local.get $byte) (i32.const 0xEF)))
              (then
                ;; E0 would be overlong below A0; ED would encode a surrogate from A0 on.
                (if (i32.eq (local.get $byte) (i32.const 0xE0))
                  (then (local.set $lower (i32.const 0xA0))))
                (if (i32.eq (local.get $byte) (i32.const 0xED))
                  (then (local.set $upper (i32.const 0x9F))))
                (local.set $needed (i32.const 2))
                (local.set $point (i32.and (local.get $byte) (i32.const 0x0F)))
                (br $next)))
            (if (i32.and
                  (i32.ge_u (local.get $byte) (i32.const 0xF0))
                  (i32.le_u (local.get $byte) (i32.const 0xF4)))
              (then
                ;; F0 would be overlong below 90; F4 would pass U+10FFFF from 90 on.
                (if (i32.eq (local.get $byte) (i32.const 0xF0))
                  (then (local.set $lower (i32.const 0x90))))
                (if (i32.eq (local.get $byte) (i32.const 0xF4))
                  (then (local.set $upper (i32.const 0x8F))))
                (local.set $needed (i32.const 3))
                (local.set $point (i32.and (local.get $byte) (i32.const 0x07)))
                (br $next)))
            ;; 80–C1 and F5–FF never start a sequence.
            (local.set $at (call $emit (local.get $at) (i32.const 0xFFFD)))
            (br $next)))

        ;; Inside a sequence: the byte must be a continuation byte within [lower, upper].
        (if (i32.or
              (i32.lt_u (local.get $byte) (local.get $lower))
              (i32.gt_u (local.get $byte) (local.get $upper)))
          (then
            ;; The sequence so far is one maximal invalid subpart; this byte is decoded afresh.
            (local.set $needed (i32.const 0))
            (local.set $seen (i32.const 0))
            (local.set $point (i32.const 0))
            (local.set $lower (i32.const 0x80))
            (local.set $upper (i32.const 0xBF))
            (local.set $at (call $emit (local.get $at) (i32.const 0xFFFD)))
            (br $next)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $lower (i32.const 0x80))
        (local.set $upper (i32.const 0xBF))
        (local.set $point
          (i32.or
            (i32.shl (local.get $point) (i32.const 6))
            (i32.and (local.get $byte) (i32.const 0x3F))))
        (local.set $seen (i32.add (local.get $seen) (i32.const 1)))
        (br_if $next (i32.ne (local.get $seen) (local.get $needed)))

        ;; A whole code point: one unit, or a surrogate pair above the BMP.
        (if (i32.gt_u (local.get $point) (i32.const 0xFFFF))
          (then
            (local.set $point (i32.sub (local.get $point) (i32.const 0x10000)))
            (local.set $at
              (call $emit (local.get $at)
                (i32.add (i32.const 0xD800) (i32.shr_u (local.get $point) (i32.const 10)))))
            (local.set $at
              (call $emit (local.get $at)
                (i32.add (i32.const 0xDC00) (i32.and (local.get $point) (i32.const 0x3FF))))))
          (else
            (local.set $at (call $emit (local.get $at) (local.get $point)))))
        (local.set $needed (i32.const 0))
        (local.set $seen (i32.const 0))
        (local.set $point (i32.const 0))
        (br $next)))

    ;; End of this call's input: an unfinished sequence is truncated.
    (if (local.get $needed)
      (then (local.set $at (call $emit (local.get $at) (i32.const 0xFFFD)))))
    (i32.shr_u (i32.sub (local.get $at) (global.get $output)) (i32.const 1)))
)
