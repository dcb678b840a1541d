/**
 * One captured frame, as every source (pcap, pcapng, live) yields it.
 *
 * A reader reuses one Frame object and one read buffer: `data` is a view into
 * that buffer and is valid only until the next frame is requested. Anything
 * that must outlive the call copies the bytes it needs.
 */
export interface Frame {
  /** 1-based frame number within its source. */
  number: number;
  /** Seconds since the epoch (integer part of the timestamp). */
  tsSec: number;
  /** Nanoseconds within that second (0..999_999_999), whatever the file's resolution. */
  tsNsec: number;
  /** Link-layer header type (LINKTYPE_* numbers of the pcap registry). */
  linktype: number;
  /** Bytes captured; equals data.length. */
  caplen: number;
  /** Length of the packet on the wire. */
  len: number;
  /** The captured bytes (a view, never a copy). */
  data: Uint8Array;
  /** pcapng interface id (0 for pcap and live). */
  interfaceId: number;
  /** pcapng opt_comment values on the packet block, when present (null otherwise; no allocation). */
  comments: string[] | null;
  /**
   * The read buffer `data` is a view of, and where the frame starts in it (set by the file
   * readers, whose frames make `data` only when it is first asked for). The per-packet paths
   * that read a frame without dissecting it (lint's facts, read's summary lines) read here,
   * through frameBytes(), so such a frame costs no view.
   */
  buffer?: Uint8Array;
  offset?: number;
}

/** Timestamp of a frame as floating epoch seconds (for output and timers; microsecond-exact). */
export function frameTime(f: Frame): number {
  return f.tsSec + f.tsNsec / 1e9;
}

/** Well-known LINKTYPE_* values the dissector understands. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/**
 * A file reader's Frame, reused for every packet: place() points it at the packet's
 * bytes in the read buffer, and the `data` view is made only when something asks for
 * it (a dissection, a copy). A view per frame was most of what reading a file
 * allocated, and lint and read take most packets without one.
 */
export class BufferFrame implements Frame {
  number = 0;
  tsSec = 0;
  tsNsec = 0;
  linktype = 0;
  caplen = 0;
  len = 0;
  interfaceId = 0;
  comments: string[] | null = null;
  buffer: Uint8Array;
  offset = 0;
  private view: Uint8Array | null = null;

  constructor(buffer: Uint8Array) {
    this.buffer = buffer;
  }

  /** The frame is the `caplen` bytes of `buffer` from `offset`. */
  place(buffer: Uint8Array, offset: number, caplen: number): void {
    this.buffer = buffer;
    this.offset = offset;
    this.caplen = caplen;
    this.view = null;
  }

  get data(): Uint8Array {
    let v = this.view;
    if (v === null) {
      // A view made with the constructor costs less than buffer.subarray().
      v = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset + this.offset, this.caplen);
      this.view = v;
    }
    return v;
  }
}

/**
 * Where a frame's bytes are, for reading them in place: the reader's buffer and
 * the frame's bytes in it, [base, end), or `data` from 0 for a frame made
 * otherwise. `bytes.length` says nothing about the frame. Set by locateFrame().
 */
export const frameBytes: { bytes: Uint8Array; base: number; end: number } = { bytes: new Uint8Array(0), base: 0, end: 0 };

/** Set frameBytes to `f`'s bytes (one shared object: nothing is allocated). */
export function locateFrame(f: Frame): void {
  const buffer = f.buffer;
  if (buffer === undefined) {
    const data = f.data;
    frameBytes.bytes = data;
    frameBytes.base = 0;
    frameBytes.end = data.length;
  } else {
    frameBytes.bytes = buffer;
    frameBytes.base = f.offset!;
    frameBytes.end = f.offset! + f.caplen;
  }
}
