/**
 * pcapng files: a sequence of blocks (type, total length, body, total length again) grouped
 * into sections, each opened by a Section Header Block that fixes the byte order and
 * resets the interface list. Packets come from Enhanced, Simple and (obsolete) Packet Blocks;
 * every other block type is skipped.
 */
import { readErrorText, type ByteSource } from './byte-source.js';
import { BufferFrame, type Frame } from './frame.js';
import { CaptureError, displayName, type CaptureInterface, type CaptureProblem, type CaptureReader } from './reader.js';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_PB = 0x00000002;
const BT_SPB = 0x00000003;
const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const OPT_IF_NAME = 2;
const OPT_IF_DESCRIPTION = 3;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Larger than any real block; a bigger length field is damage, not data. */
export const MAX_PCAPNG_BLOCK = 16 * 1024 * 1024;

/** Divisors up to this size keep the 16-bit-limb long divisions below exact in doubles. */
const MAX_EXACT_DIVISOR = 2 ** 36;

/** How one interface's 64-bit tick counts turn into seconds and nanoseconds. */
interface IfaceTiming {
  linktype: number;
  snaplen: number;
  ticksPerSec: number;
  /** Nanoseconds per tick when that is a whole number (the divisor divides 10^9); else 0. */
  nsPerTick: number;
  /** Ticks per nanosecond when that is a whole number (finer than 1 ns); else 0. */
  ticksPerNs: number;
  /** Exact divisor for resolutions too fine for double arithmetic; else null. */
  ticksPerSecBig: bigint | null;
  /** if_tsoffset: seconds to add to every timestamp. */
  offsetSec: number;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function timing(linktype: number, snaplen: number, ticksPerSec: number, big: bigint | null, offsetSec: number): IfaceTiming {
  const nsPerTick = 1e9 % ticksPerSec === 0 ? 1e9 / ticksPerSec : 0;
  const ticksPerNs = nsPerTick === 0 && ticksPerSec % 1e9 === 0 ? ticksPerSec / 1e9 : 0;
  return { linktype, snaplen, ticksPerSec, nsPerTick, ticksPerNs, ticksPerSecBig: big, offsetSec };
}

/** Sets f.tsSec/f.tsNsec from a 64-bit tick count given as two unsigned 32-bit halves. */
function setTimestamp(t: IfaceTiming, hi: number, lo: number, f: Frame): void {
  const d = t.ticksPerSec;
  let sec: number;
  let rem: number;
  if (hi < 0x100000 && t.ticksPerSecBig === null) {
    // Below 2^52 ticks (microsecond stamps until the year 2112) doubles are exact:
    // divide directly and correct the quotient by one if the division rounded.
    const ticks = hi * 4294967296 + lo;
    sec = Math.floor(ticks / d);
    rem = ticks - sec * d;
    if (rem < 0) {
      sec--;
      rem += d;
    } else if (rem >= d) {
      sec++;
      rem -= d;
    }
  } else if (t.ticksPerSecBig === null) {
    // Long division in 16-bit limbs: every intermediate stays below d * 2^16 <= 2^52.
    let cur = hi >>> 16;
    let q = Math.floor(cur / d);
    let r = cur - q * d;
    cur = r * 65536 + (hi & 0xffff);
    let qd = Math.floor(cur / d);
    r = cur - qd * d;
    q = q * 65536 + qd;
    cur = r * 65536 + (lo >>> 16);
    qd = Math.floor(cur / d);
    r = cur - qd * d;
    q = q * 65536 + qd;
    cur = r * 65536 + (lo & 0xffff);
    qd = Math.floor(cur / d);
    r = cur - qd * d;
    sec = q * 65536 + qd;
    rem = r;
  } else {
    // Resolutions finer than 2^-36 s (picoseconds and beyond): rare enough to afford BigInt.
    const ticks = (BigInt(hi) << 32n) | BigInt(lo);
    const big = t.ticksPerSecBig;
    sec = Number(ticks / big);
    f.tsSec = sec + t.offsetSec;
    f.tsNsec = Number(((ticks % big) * 1_000_000_000n) / big);
    return;
  }
  f.tsSec = sec + t.offsetSec;
  if (t.nsPerTick !== 0) f.tsNsec = rem * t.nsPerTick;
  else if (t.ticksPerNs !== 0) f.tsNsec = Math.floor(rem / t.ticksPerNs);
  else f.tsNsec = scaleToNs(rem, d);
}

/** floor(rem * 10^9 / d) for rem < d <= 2^36, split so no intermediate exceeds 2^53. */
function scaleToNs(rem: number, d: number): number {
  const rh = Math.floor(rem / 65536);
  const rl = rem - rh * 65536;
  const a = rh * 1e9;
  const q1 = Math.floor(a / d);
  const b = (a - q1 * d) * 65536 + rl * 1e9;
  return q1 * 65536 + Math.floor(b / d);
}

export function isPcapngMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x0a && b[1] === 0x0d && b[2] === 0x0d && b[3] === 0x0a;
}

export class PcapngReader implements CaptureReader {
  // Fields set in the constructor are `declare`d: a class field first defined as
  // undefined loses its type in V8, and these are read for every frame.
  declare readonly path: string;
  private declare readonly src: ByteSource;
  readonly format = 'pcapng' as const;
  /** Interfaces of the current section (a new Section Header Block starts a new list). */
  interfaces: CaptureInterface[] = [];
  readonly sectionComments: string[] = [];
  readonly problems: CaptureProblem[] = [];

  private ifs: IfaceTiming[] = [];
  private le = true;
  private sections = 0;
  private declare readonly frame: BufferFrame;
  private delivered = 0;
  private done = false;
  frameOffset = 0;
  /** Type of a packet block already validated and waiting at src.pos, or -1. */
  private pendingType = -1;
  private pendingLen = 0;

  constructor(path: string, src: ByteSource) {
    this.path = path;
    this.src = src;
    this.frame = new BufferFrame(src.bytes);
    // Read up to the first packet so `interfaces` and `sectionComments` are known before next().
    // Until the first section header is accepted, problems throw (the file is unusable).
    try {
      this.pendingType = this.advance();
    } catch (e) {
      src.close();
      throw e;
    }
  }

  next(): Frame | null {
    if (this.done) return null;
    try {
      const type = this.pendingType >= 0 ? this.pendingType : this.advance();
      this.pendingType = -1;
      if (type < 0) return null;
      return this.packet(type, this.pendingLen);
    } catch (e) {
      // A reader must never take the caller down; an unforeseen failure ends the file like damage would.
      this.stop(`internal error while reading: ${(e as Error).message}`, 'please report this file', true);
      return null;
    }
  }

  close(): void {
    this.done = true;
    this.src.close();
  }

  /**
   * Walks blocks until a complete, length-checked packet block sits at src.pos and returns
   * its type; -1 when the input ended or a fatal problem stopped it.
   */
  private advance(): number {
    const src = this.src;
    for (;;) {
      if (!src.ensure(8)) {
        if (src.available > 0 && src.readError === null) {
          this.truncated(`the file ends ${src.available} bytes into a block header`);
        } else {
          this.endOfInput();
        }
        return -1;
      }
      let v = src.view;
      let p = src.pos;
      // The section header type reads the same in both byte orders; its byte-order magic decides.
      const type = v.getUint32(p, this.le);
      if (type === BT_SHB) {
        if (!src.ensure(12)) {
          this.truncated(`the file ends ${src.available} bytes into a section header block`);
          return -1;
        }
        v = src.view;
        p = src.pos;
        const bom = v.getUint32(p + 8, true);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (bom === BYTE_ORDER_MAGIC_SWAPPED) this.le = false;
        else {
          this.corrupt(`section header block has an invalid byte-order magic 0x${bom.toString(16).padStart(8, '0')}`);
          return -1;
        }
      } else if (this.sections === 0) {
        this.corrupt('the file does not start with a section header block');
        return -1;
      }
      const len = v.getUint32(p + 4, this.le);
      if (len < 12 || (len & 3) !== 0 || len > MAX_PCAPNG_BLOCK) {
        this.corrupt(`block of type 0x${type.toString(16)} has an invalid total length ${len} (file offset ${src.fileOffset})`);
        return -1;
      }
      if (!src.ensure(len)) {
        if (src.readError === null) {
          this.truncated(`a ${len}-byte block but only ${src.available} bytes remain`);
        } else {
          this.endOfInput();
        }
        return -1;
      }
      v = src.view;
      p = src.pos;
      const trailer = v.getUint32(p + len - 4, this.le);
      if (trailer !== len) {
        this.corrupt(
          `block of type 0x${type.toString(16)} at file offset ${src.fileOffset} says ${len} bytes but its trailing length says ${trailer}`,
        );
        return -1;
      }
      switch (type) {
        case BT_SHB:
          if (!this.section(p, len)) return -1;
          break;
        case BT_IDB:
          if (!this.interfaceDescription(p, len)) return -1;
          break;
        case BT_EPB:
        case BT_SPB:
        case BT_PB:
          this.pendingLen = len;
          return type;
        default:
          // Name resolution, statistics, secrets, custom blocks: nothing the dissector reads.
          break;
      }
      src.skip(len);
    }
  }

  private section(p: number, len: number): boolean {
    const v = this.src.view;
    if (len < 28) {
      this.corrupt(`section header block of ${len} bytes is shorter than the 28-byte minimum`);
      return false;
    }
    const major = v.getUint16(p + 12, this.le);
    const minor = v.getUint16(p + 14, this.le);
    if (major !== 1) {
      this.stopOrThrow(
        `unsupported pcapng version ${major}.${minor}`,
        'only pcapng 1.x is defined; re-save the file with Wireshark or editcap',
        true,
      );
      return false;
    }
    this.sections++;
    this.interfaces = [];
    this.ifs = [];
    const ok = this.walkOptions(p + 24, p + len - 4, (code, at, n) => {
      if (code === OPT_COMMENT) this.sectionComments.push(this.text(at, n));
    });
    if (!ok) this.optionProblem('section header');
    return true;
  }

  private interfaceDescription(p: number, len: number): boolean {
    const v = this.src.view;
    if (len < 20) {
      this.corrupt(`interface description block of ${len} bytes is shorter than the 20-byte minimum`);
      return false;
    }
    const linktype = v.getUint16(p + 8, this.le);
    const snaplen = v.getUint32(p + 12, this.le);
    const info: CaptureInterface = { linktype, snaplen, tsresolNs: 1000 };
    let ticksPerSec = 1e6;
    let big: bigint | null = null;
    let offsetSec = 0;
    let badResolution = -1;
    const ok = this.walkOptions(p + 16, p + len - 4, (code, at, n) => {
      if (code === OPT_IF_NAME) info.name = this.text(at, n);
      else if (code === OPT_IF_DESCRIPTION) info.description = this.text(at, n);
      else if (code === OPT_IF_TSRESOL && n >= 1) {
        const r = this.src.buf[at]!;
        const exp = r & 0x7f;
        // High bit set: the resolution is 2^-exp seconds; clear: 10^-exp.
        const powerOf2 = (r & 0x80) !== 0;
        if (exp > (powerOf2 ? 63 : 18)) {
          badResolution = r;
          return;
        }
        ticksPerSec = powerOf2 ? 2 ** exp : 10 ** exp;
        big = ticksPerSec > MAX_EXACT_DIVISOR ? (powerOf2 ? 1n << BigInt(exp) : 10n ** BigInt(exp)) : null;
      } else if (code === OPT_IF_TSOFFSET && n >= 8) {
        const lo = this.src.view.getUint32(at + (this.le ? 0 : 4), this.le);
        const hi = this.src.view.getInt32(at + (this.le ? 4 : 0), this.le);
        offsetSec = hi * 4294967296 + lo;
      }
    });
    if (!ok) this.optionProblem('interface description');
    if (badResolution >= 0) {
      this.problems.push({
        file: this.path,
        frame: this.delivered + 1,
        message: `interface ${this.ifs.length} has an impossible if_tsresol 0x${badResolution.toString(16)}`,
        hint: 'timestamps on that interface are read as microseconds and may be wrong',
        fatal: false,
      });
    }
    info.tsresolNs = 1e9 / ticksPerSec;
    this.interfaces.push(info);
    this.ifs.push(timing(linktype, snaplen, ticksPerSec, big, offsetSec));
    return true;
  }

  /** Fills the shared Frame from the validated packet block at src.pos. */
  private packet(type: number, len: number): Frame | null {
    const src = this.src;
    const v = src.view;
    const p = src.pos;
    const le = this.le;
    const body = p + len - 4;
    let ifId: number;
    let caplen: number;
    let origLen: number;
    let dataOff: number;
    if (type === BT_SPB) {
      if (len < 16) return this.corrupt(`simple packet block of ${len} bytes is shorter than the 16-byte minimum`);
      ifId = 0;
      origLen = v.getUint32(p + 8, le);
      dataOff = p + 12;
      // No captured-length field: the packet is what fits, cut at the interface's snaplen.
      caplen = Math.min(origLen, len - 16);
    } else {
      if (len < 32) return this.corrupt(`packet block of ${len} bytes is shorter than the 32-byte minimum`);
      ifId = type === BT_EPB ? v.getUint32(p + 8, le) : v.getUint16(p + 8, le);
      caplen = v.getUint32(p + 20, le);
      origLen = v.getUint32(p + 24, le);
      dataOff = p + 28;
      if (caplen > body - dataOff) {
        return this.corrupt(`packet block says ${caplen} captured bytes but a ${len}-byte block holds at most ${body - dataOff}`);
      }
    }
    const t = this.ifs[ifId];
    if (t === undefined) {
      return this.corrupt(`packet block refers to interface ${ifId} but the section declares ${this.ifs.length}`);
    }
    const f = this.frame;
    if (type === BT_SPB) {
      if (t.snaplen !== 0 && caplen > t.snaplen) caplen = t.snaplen;
      f.tsSec = 0;
      f.tsNsec = 0;
      f.comments = null;
    } else {
      setTimestamp(t, v.getUint32(p + 12, le), v.getUint32(p + 16, le), f);
      const optStart = dataOff + pad4(caplen);
      f.comments = optStart < body ? this.comments(optStart, body) : null;
    }
    f.number = ++this.delivered;
    f.linktype = t.linktype;
    f.len = origLen;
    f.place(src.bytes, dataOff, caplen);
    f.interfaceId = ifId;
    this.frameOffset = src.fileOffset;
    src.skip(len);
    return f;
  }

  /** opt_comment values of a packet block, or null; allocates only when comments exist. */
  private comments(start: number, end: number): string[] | null {
    const v = this.src.view;
    let out: string[] | null = null;
    let at = start;
    while (at + 4 <= end) {
      const code = v.getUint16(at, this.le);
      const n = v.getUint16(at + 2, this.le);
      if (code === OPT_ENDOFOPT || at + 4 + n > end) break;
      if (code === OPT_COMMENT) (out ??= []).push(this.text(at + 4, n));
      at += 4 + pad4(n);
    }
    return out;
  }

  /** Visits each option in [start, end); false when an option overruns the block. */
  private walkOptions(start: number, end: number, visit: (code: number, at: number, n: number) => void): boolean {
    const v = this.src.view;
    let at = start;
    while (at + 4 <= end) {
      const code = v.getUint16(at, this.le);
      const n = v.getUint16(at + 2, this.le);
      if (code === OPT_ENDOFOPT) return true;
      if (at + 4 + n > end) return false;
      visit(code, at + 4, n);
      at += 4 + pad4(n);
    }
    return true;
  }

  private text(at: number, n: number): string {
    let e = at + n;
    // Some writers count a C string terminator in the option length.
    while (e > at && this.src.buf[e - 1] === 0) e--;
    return this.src.buf.toString('utf8', at, e);
  }

  private optionProblem(block: string): void {
    this.problems.push({
      file: this.path,
      frame: this.delivered + 1,
      message: `malformed options in a ${block} block (an option runs past the block end)`,
      hint: 'the options after the damaged one were ignored; packets are still read',
      fatal: false,
    });
  }

  private truncated(detail: string): void {
    this.stopOrThrow(
      `truncated record: ${detail}`,
      'the capture was cut short (still being written, or copied incompletely); every frame before it was read',
      false,
    );
  }

  private corrupt(message: string): null {
    this.stopOrThrow(
      `corrupt block: ${message}`,
      'the file is damaged at this point; frames before it are intact. Re-save what Wireshark can read with editcap, or try pcapngfix/pcapfix',
      true,
    );
    return null;
  }

  private endOfInput(): void {
    this.done = true;
    const err = this.src.readError;
    if (err !== null) {
      const { message, hint } = readErrorText(err, displayName(this.path));
      this.stopOrThrow(message, hint, true);
    }
  }

  /** Before the first section header is accepted nothing is usable: throw instead of reporting. */
  private stopOrThrow(message: string, hint: string, fatal: boolean): void {
    if (this.sections === 0) throw new CaptureError(this.path, message, hint);
    this.stop(message, hint, fatal);
  }

  private stop(message: string, hint: string, fatal: boolean): void {
    this.done = true;
    this.problems.push({ file: this.path, frame: this.delivered + 1, message, hint, fatal });
  }
}
