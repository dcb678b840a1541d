/** Hand-written capture bytes shared by the reader tests and the fuzz tests. */
import { hex } from './helpers.js';

/** Little-endian section: two interfaces (Ethernet/µs, IPv6/ns), an unknown block, EPBs with comments, an SPB. */
export const LE_SECTION = hex(`
  # Section Header Block
  0a 0d 0d 0a   2c 00 00 00        # type, total length 44
  4d 3c 2b 1a                      # byte-order magic as stored little-endian
  01 00 00 00                      # version 1.0
  ff ff ff ff ff ff ff ff          # section length: unknown
  01 00 05 00 "hello" 00 00 00     # opt_comment "hello", padded to 8
  00 00 00 00                      # opt_endofopt
  2c 00 00 00                      # total length again

  # IDB 0: Ethernet, snaplen 0, default resolution (microseconds)
  01 00 00 00   14 00 00 00
  01 00 00 00                      # linktype 1, reserved
  00 00 00 00                      # snaplen 0 (unlimited)
  14 00 00 00

  # IDB 1: IPv6 (229), snaplen 65535, if_tsresol 9 (ns), if_name "v6"
  01 00 00 00   28 00 00 00
  e5 00 00 00                      # linktype 229
  ff ff 00 00                      # snaplen 65535
  09 00 01 00 09 00 00 00          # if_tsresol = 10^-9
  02 00 02 00 "v6" 00 00           # if_name "v6"
  00 00 00 00                      # opt_endofopt
  28 00 00 00

  # A block type nobody defined: skipped
  ad 0b 00 00   10 00 00 00   11 22 33 44   10 00 00 00

  # EPB on interface 0: 1700000000.123456 s = 0x00060a24_18202240 µs, 4 of 60 bytes, comment "c1"
  06 00 00 00   30 00 00 00
  00 00 00 00                      # interface 0
  24 0a 06 00   40 22 20 18        # timestamp high, low
  04 00 00 00   3c 00 00 00        # captured 4, original 60
  de ad be ef
  01 00 02 00 "c1" 00 00           # opt_comment "c1"
  00 00 00 00
  30 00 00 00

  # EPB on interface 1: 1700000001.987654321 s = 0x17979cfe_aca332b1 ns, 3 bytes, no options
  06 00 00 00   24 00 00 00
  01 00 00 00
  fe 9c 97 17   b1 32 a3 ac
  03 00 00 00   03 00 00 00
  60 00 00 00                      # 3 bytes + 1 pad
  24 00 00 00

  # SPB: original length 5, no timestamp, interface 0 implied
  03 00 00 00   18 00 00 00
  05 00 00 00
  01 02 03 04 05 00 00 00          # 5 bytes + 3 pad
  18 00 00 00
`);

/**
 * Big-endian section: IDB 0 is raw IP with 2^-10 s ticks and if_tsoffset 1000 s; IDB 1 is
 * Linux cooked (113) in milliseconds. An EPB with two comments, then an obsolete Packet Block.
 */
export const BE_SECTION = hex(`
  # Section Header Block, no options
  0a 0d 0d 0a   00 00 00 1c
  1a 2b 3c 4d                      # byte-order magic as stored big-endian
  00 01 00 00                      # version 1.0
  ff ff ff ff ff ff ff ff
  00 00 00 1c

  # IDB 0: RAW (101), if_tsresol 0x8a (2^-10 s), if_tsoffset 1000 s
  00 00 00 01   00 00 00 2c
  00 65 00 00
  00 00 00 00
  00 09 00 01 8a 00 00 00          # if_tsresol, power of two
  00 0e 00 08 00 00 00 00 00 00 03 e8   # if_tsoffset = 1000
  00 00 00 00
  00 00 00 2c

  # IDB 1: LINUX_SLL (113), if_tsresol 3 (ms), if_description "sll"
  00 00 00 01   00 00 00 28
  00 71 00 00
  00 00 ff ff
  00 09 00 01 03 00 00 00
  00 03 00 03 "sll" 00
  00 00 00 00
  00 00 00 28

  # EPB on interface 0: 0x1600 ticks = 5.5 s (+1000 offset), 2 bytes, two comments; 60 bytes
  00 00 00 06   00 00 00 3c
  00 00 00 00
  00 00 00 00   00 00 16 00
  00 00 00 02   00 00 00 02
  ab cd 00 00
  00 01 00 05 "first" 00 00 00
  00 01 00 03 "2nd" 00
  00 00 00 00
  00 00 00 3c

  # Obsolete Packet Block on interface 1: 1700000000500 ms, 1 byte
  00 00 00 02   00 00 00 24
  00 01 00 00                      # interface 1 (16 bits), drops 0
  00 00 01 8b   cf e5 69 f4
  00 00 00 01   00 00 00 01
  7f 00 00 00
  00 00 00 24
`);

/** Classic pcap, little-endian, microseconds; the link-type field has FCS-length bits above the type. */
export const PCAP_LE_USEC = hex(`
  d4 c3 b2 a1                  # magic a1b2c3d4 stored little-endian: microseconds
  02 00 04 00                  # version 2.4
  00 00 00 00                  # thiszone
  00 00 00 00                  # sigfigs
  ff ff 00 00                  # snaplen 65535
  01 00 00 24                  # linktype 1 (Ethernet) plus FCS length 2 in the top nibble
  # record 1
  00 f1 53 65                  # ts_sec 1700000000
  40 e2 01 00                  # ts_usec 123456
  04 00 00 00  3c 00 00 00     # captured 4, original 60
  de ad be ef
  # record 2
  01 f1 53 65  00 00 00 00     # 1700000001.000000
  02 00 00 00  02 00 00 00
  ca fe
`);
