/**
 * Classic libpcap files: 24-byte file header, then 16-byte record headers each followed by
 * the captured bytes. Either byte order, microsecond (a1b2c3d4) or nanosecond (a1b23c4d)
 * timestamps, and the "modified" variant (a1b2cd34) whose record headers carry 8 more bytes.
 */
import { readErrorText, type ByteSource } from './byte-source.js';
import { BufferFrame, type Frame } from './frame.js';
import { CaptureError, displayName, type CaptureInterface, type CaptureProblem, type CaptureReader } from './reader.js';

const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const MAGIC_MODIFIED = 0xa1b2cd34;
const FILE_HEADER_LEN = 24;

/** libpcap's ceiling for one record of the common link types; longer means the length field is garbage. */
export const MAX_PCAP_RECORD = 262144;
/** Ceiling even when the header declares a larger snaplen, so a corrupt header cannot demand gigabytes. */
const MAX_DECLARED_SNAPLEN = 16 * 1024 * 1024;

/** Whether the first four bytes are one of the pcap magics in either byte order. */
export function isPcapMagic(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const be = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const le = ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
  return [MAGIC_USEC, MAGIC_NSEC, MAGIC_MODIFIED].some((m) => m === be || m === le);
}

export class PcapReader implements CaptureReader {
  // Fields set in the constructor are `declare`d: a class field first defined as
  // undefined loses its type in V8, and these are read for every frame.
  declare readonly path: string;
  private declare readonly src: ByteSource;
  readonly format = 'pcap' as const;
  declare readonly interfaces: CaptureInterface[];
  readonly sectionComments: string[] = [];
  readonly problems: CaptureProblem[] = [];

  private declare readonly le: boolean;
  private declare readonly nanosecond: boolean;
  private declare readonly recordHeaderLen: number;
  private declare readonly linktype: number;
  private declare readonly snaplen: number;
  private declare readonly maxRecord: number;
  private declare readonly frame: BufferFrame;
  private delivered = 0;
  private done = false;
  private warnedOverSnaplen = false;
  frameOffset = 0;

  constructor(path: string, src: ByteSource) {
    this.path = path;
    this.src = src;
    if (!src.ensure(FILE_HEADER_LEN)) {
      src.close();
      throw new CaptureError(
        path,
        `truncated pcap file header (${src.available} of ${FILE_HEADER_LEN} bytes)`,
        'the file was cut short before any packet; capture again or check that the copy completed',
      );
    }
    const v = src.view;
    const p = src.pos;
    const magicLe = v.getUint32(p, true);
    this.le = magicLe === MAGIC_USEC || magicLe === MAGIC_NSEC || magicLe === MAGIC_MODIFIED;
    const magic = this.le ? magicLe : v.getUint32(p, false);
    this.nanosecond = magic === MAGIC_NSEC;
    this.recordHeaderLen = magic === MAGIC_MODIFIED ? 24 : 16;
    const major = v.getUint16(p + 4, this.le);
    if (major !== 2) {
      src.close();
      throw new CaptureError(
        path,
        `unsupported pcap version ${major}.${v.getUint16(p + 6, this.le)}`,
        'only pcap 2.x is defined; convert the file with editcap -F pcap',
      );
    }
    this.snaplen = v.getUint32(p + 16, this.le);
    // The upper bits of the link-type field carry FCS length and flags (libpcap LT_LINKTYPE).
    this.linktype = v.getUint32(p + 20, this.le) & 0xffff;
    this.maxRecord = Math.max(MAX_PCAP_RECORD, Math.min(this.snaplen, MAX_DECLARED_SNAPLEN));
    src.skip(FILE_HEADER_LEN);
    this.interfaces = [{ linktype: this.linktype, snaplen: this.snaplen, tsresolNs: this.nanosecond ? 1 : 1000 }];
    this.frame = new BufferFrame(src.bytes);
    this.frame.linktype = this.linktype;
  }

  next(): Frame | null {
    if (this.done) return null;
    const src = this.src;
    const hl = this.recordHeaderLen;
    if (!src.ensure(hl)) {
      if (src.available > 0 && src.readError === null) {
        this.truncated(`the file ends ${src.available} bytes into a ${hl}-byte record header`);
      } else {
        this.endOfInput();
      }
      return null;
    }
    const v = src.view;
    const p = src.pos;
    const le = this.le;
    const tsSec = v.getUint32(p, le);
    const tsFrac = v.getUint32(p + 4, le);
    const caplen = v.getUint32(p + 8, le);
    const len = v.getUint32(p + 12, le);
    if (caplen > this.maxRecord) {
      this.stop(
        `corrupt record: captured length ${caplen} exceeds the ${this.maxRecord}-byte maximum (file offset ${src.fileOffset})`,
        'the record header is damaged; frames before it are intact. Try `editcap` or a repair tool such as pcapfix to salvage the rest',
        true,
      );
      return null;
    }
    if (!src.ensure(hl + caplen)) {
      if (src.readError === null) {
        this.truncated(`the record says ${caplen} captured bytes but only ${src.available - hl} remain`);
      } else {
        this.endOfInput();
      }
      return null;
    }
    if (caplen > this.snaplen && this.snaplen !== 0 && !this.warnedOverSnaplen) {
      this.warnedOverSnaplen = true;
      this.problems.push({
        file: this.path,
        frame: this.delivered + 1,
        message: `record of ${caplen} bytes is longer than the file's snaplen ${this.snaplen}`,
        hint: 'the writer of this file is inconsistent; the frame is read as stored (reported once)',
        fatal: false,
      });
    }
    const f = this.frame;
    const start = src.pos + hl;
    f.number = ++this.delivered;
    // Writers occasionally store a fraction of a full second or more; carry it into the seconds.
    if (this.nanosecond) {
      if (tsFrac < 1_000_000_000) {
        f.tsSec = tsSec;
        f.tsNsec = tsFrac;
      } else {
        f.tsSec = tsSec + Math.floor(tsFrac / 1_000_000_000);
        f.tsNsec = tsFrac % 1_000_000_000;
      }
    } else if (tsFrac < 1_000_000) {
      f.tsSec = tsSec;
      f.tsNsec = tsFrac * 1000;
    } else {
      f.tsSec = tsSec + Math.floor(tsFrac / 1_000_000);
      f.tsNsec = (tsFrac % 1_000_000) * 1000;
    }
    f.len = len;
    f.place(src.bytes, start, caplen);
    this.frameOffset = src.fileOffset;
    src.skip(hl + caplen);
    return f;
  }

  close(): void {
    this.done = true;
    this.src.close();
  }

  private truncated(detail: string): void {
    this.stop(
      `truncated record: ${detail}`,
      'the capture was cut short (still being written, or copied incompletely); every frame before it was read',
      false,
    );
  }

  private endOfInput(): void {
    this.done = true;
    const err = this.src.readError;
    if (err !== null) {
      const { message, hint } = readErrorText(err, displayName(this.path));
      this.problems.push({ file: this.path, frame: this.delivered + 1, message, hint, fatal: true });
    }
  }

  private stop(message: string, hint: string, fatal: boolean): void {
    this.done = true;
    this.problems.push({ file: this.path, frame: this.delivered + 1, message, hint, fatal });
  }
}
