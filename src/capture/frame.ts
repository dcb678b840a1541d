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
