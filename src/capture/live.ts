/**
 * Live capture through libpcap (the optional `cap` binding), delivering the same Frame
 * objects as the file readers, and a pcapng recorder that can still annotate a packet
 * for a while after it was captured (timer findings arrive after their packet).
 *
 * What the binding (cap 0.2) does and does not let us do shapes this module:
 * - it always opens with snap length 65535 and promiscuous mode, so a smaller snap length
 *   is applied here and "not promiscuous" is approximated with a capture filter;
 * - its packet event carries only the captured length, never a timestamp, so frames are
 *   stamped from a monotonic clock anchored to the wall clock when the capture opened;
 * - it copies every packet into one Buffer we own, so a frame's data is a view into that
 *   buffer, valid until the next packet, exactly like the file readers.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame } from './frame.js';
import { LinkType } from './frame.js';
import { PcapngWriter, type PcapngWriterOptions } from './pcapng-writer.js';
import { CaptureError } from './reader.js';

/** The most the binding ever captures of one packet (it fixes libpcap's snap length). */
export const BINDING_MAX_SNAPLEN = 65535;
/** IPv6 (all Mobility Header signalling) plus IPv4 ESP and UDP-encapsulated ESP (RFC 3948) for IPv4 care-of addresses. */
export const DEFAULT_CAPTURE_FILTER = 'ip6 or (ip and (proto 50 or udp port 4500))';
/** Kernel buffer: large enough that a burst of a few thousand switch messages is not dropped while JS is busy. */
export const DEFAULT_BUFFER_SIZE = 8 << 20;

export interface LiveOptions {
  /** Interface name as `listInterfaces()` gives it. */
  iface: string;
  /** BPF capture filter (pcap-filter syntax); '' captures everything. Default DEFAULT_CAPTURE_FILTER. */
  filter?: string;
  /** Bytes kept of each packet; 0 or absent: as much as the binding captures (65535). */
  snaplen?: number;
  /** Default true. false keeps only frames to, from or multicast at this host (see LiveSource.promiscNote). */
  promisc?: boolean;
  /** libpcap kernel buffer in bytes. */
  bufferSize?: number;
  /** Current time as epoch seconds and nanoseconds (tests pass their own). */
  clock?: () => ClockTime;
}

export interface ClockTime {
  sec: number;
  nsec: number;
}

export interface LiveSource {
  readonly iface: string;
  /** LINKTYPE_* number of what the interface delivers. */
  readonly linktype: number;
  /** Bytes kept of each packet. */
  readonly snaplen: number;
  /** The capture filter in force (with the not-promiscuous restriction when that applies). */
  readonly filter: string;
  /** Why the capture differs from what was asked (snap length capped, promiscuous mode), or null. */
  readonly notes: readonly string[];
  /** Frames delivered so far. */
  readonly frames: number;
  /** Stop capturing; no frame is delivered after this returns. Safe to call twice. */
  close(): void;
}

export interface InterfaceInfo {
  name: string;
  description: string;
  addresses: string[];
  loopback: boolean;
}

/** Why a live capture could not start; `kind` lets callers and tests tell the cases apart. */
/** Binding handles whose open() failed, never to be collected (see openLive). */
const unopenedHandles: unknown[] = [];

export type LiveErrorKind = 'binding' | 'permission' | 'no-such-interface' | 'filter' | 'other';

export class LiveCaptureError extends CaptureError {
  constructor(readonly kind: LiveErrorKind, iface: string, message: string, hint: string) {
    super(iface, message, hint);
    this.name = 'LiveCaptureError';
  }
}

/** The parts of the binding used here (cap has no type declarations). */
interface CapInstance {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  removeAllListeners(event?: string): void;
}
interface CapModule {
  Cap: { new (): CapInstance; deviceList(): RawDevice[] };
}
interface RawDevice {
  name: string;
  description?: string | null;
  addresses?: { addr?: string }[];
  flags?: string | null;
}

const BINDING_HINT =
  'live capture needs the optional `cap` package built against libpcap: install the libpcap headers ' +
  '(Debian/Ubuntu: apt-get install libpcap-dev; Fedora: dnf install libpcap-devel; macOS: included), then run `npm rebuild cap`';

const PERMISSION_HINT =
  'capturing needs root or the CAP_NET_RAW capability; run as root (sudo) or grant it to node once: ' +
  'sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which node))';

let binding: CapModule | null = null;

/** Load the binding on first use, so commands that never capture work without it. */
function loadBinding(): CapModule {
  if (binding) return binding;
  try {
    binding = createRequire(import.meta.url)('cap') as CapModule;
    return binding;
  } catch (e) {
    throw bindingError(e);
  }
}

/** The binding is absent, was never compiled, or was compiled for another Node. */
export function bindingError(e: unknown): LiveCaptureError {
  const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  return new LiveCaptureError('binding', 'live capture', `the libpcap binding could not be loaded (${msg})`, BINDING_HINT);
}

/** The link types the binding names (it reports a string, not the number), as LINKTYPE_* numbers. */
export function linktypeFromBinding(name: string): number {
  switch (name) {
    case 'ETHERNET': return LinkType.ETHERNET;
    case 'NULL': return LinkType.NULL;
    case 'RAW': return LinkType.RAW;
    case 'LINKTYPE_LINUX_SLL':
    case 'LINUX_SLL': return LinkType.LINUX_SLL;
    case 'IEEE802_11_RADIO': return 127;
    default: {
      // Other types come back as "Unknown linktype N" with libpcap's DLT number, which equals the LINKTYPE for these.
      const m = /(\d+)\s*$/.exec(name);
      return m ? Number(m[1]) : -1;
    }
  }
}

/**
 * Turn libpcap's message for a failed open into one a person can act on. `known` is the
 * interface list (null when it could not be read), used to say which names exist.
 */
export function explainOpenError(iface: string, message: string, known: readonly InterfaceInfo[] | null): LiveCaptureError {
  const names = known ? known.map((d) => d.name) : [];
  const listing = names.length ? `interfaces here: ${names.join(', ')}` : 'mip6scope live -D lists the interfaces';
  if (/operation not permitted|permission|not permitted|EPERM|EACCES|access denied/i.test(message)) {
    const also = known && !names.includes(iface) ? ` (and there is no interface ${iface}: ${listing})` : '';
    return new LiveCaptureError('permission', iface, `no permission to capture (${message})${also}`, PERMISSION_HINT);
  }
  if (/no such device|doesn't exist|does not exist|no such interface|SIOCGIFINDEX|ENODEV|ENXIO/i.test(message)
    || (known !== null && !names.includes(iface))) {
    return new LiveCaptureError('no-such-interface', iface, 'no such interface', listing);
  }
  if (/syntax error|can't parse|illegal|unknown (host|network|protocol|port)|filter|expression/i.test(message)) {
    return new LiveCaptureError('filter', iface, `the capture filter was refused: ${message}`,
      'capture filters use pcap-filter syntax (man 7 pcap-filter), e.g. "ip6 and proto 135"');
  }
  if (/network is down|not up/i.test(message)) {
    return new LiveCaptureError('other', iface, `cannot capture: ${message}`, `bring the interface up (ip link set ${iface} up)`);
  }
  return new LiveCaptureError('other', iface, `cannot capture: ${message}`, listing);
}

/** Interfaces libpcap can open, like `tshark -D`. Throws LiveCaptureError when the binding is missing. */
export function listInterfaces(): InterfaceInfo[] {
  const { Cap } = loadBinding();
  return Cap.deviceList().map((d) => ({
    name: d.name,
    description: d.description ?? '',
    addresses: (d.addresses ?? []).map((a) => a.addr ?? '').filter((a) => a !== ''),
    loopback: (d.flags ?? '').includes('LOOPBACK'),
  }));
}

/** Wall-clock time with nanosecond steps that never go backwards (NTP may step Date.now()). */
export function monotonicClock(): () => ClockTime {
  const anchorNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  const out = { sec: 0, nsec: 0 };
  return () => {
    const ns = anchorNs + process.hrtime.bigint();
    out.sec = Number(ns / 1_000_000_000n);
    out.nsec = Number(ns % 1_000_000_000n);
    return out;
  };
}

/**
 * "Not promiscuous" on a binding that always asks for promiscuous mode: keep only what the
 * interface would have accepted anyway (its own MAC either way, multicast and broadcast).
 * Linux Ethernet-type interfaces only, where the MAC is readable; null elsewhere.
 */
export function ownTrafficFilter(iface: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): string | null {
  try {
    if (!/^[\w.:@-]+$/.test(iface)) return null;
    if (read(`/sys/class/net/${iface}/type`).trim() !== '1') return null; // ARPHRD_ETHER
    const mac = read(`/sys/class/net/${iface}/address`).trim();
    return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac) ? `ether host ${mac} or ether multicast` : null;
  } catch {
    return null;
  }
}

/**
 * Start capturing on `iface`; `onFrame` runs for every packet with one reused Frame whose
 * data is valid only during the call. Throws LiveCaptureError with the reason and the fix.
 */
export function openLive(opts: LiveOptions, onFrame: (frame: Frame) => void): LiveSource {
  const { Cap } = loadBinding();
  const notes: string[] = [];
  const asked = opts.snaplen ?? 0;
  let snaplen = asked > 0 ? asked : BINDING_MAX_SNAPLEN;
  if (snaplen > BINDING_MAX_SNAPLEN) {
    notes.push(`snap length ${asked} lowered to ${BINDING_MAX_SNAPLEN}, the most the libpcap binding captures`);
    snaplen = BINDING_MAX_SNAPLEN;
  }
  const userFilter = opts.filter ?? DEFAULT_CAPTURE_FILTER;
  let filter = userFilter;
  if (opts.promisc === false) {
    const own = ownTrafficFilter(opts.iface);
    if (own) {
      filter = userFilter.trim() ? `(${own}) and (${userFilter})` : own;
      notes.push('not promiscuous: the binding always opens in promiscuous mode, so frames for other hosts are filtered out instead');
    } else {
      notes.push('--no-promisc has no effect here: the binding always opens in promiscuous mode and this interface has no Ethernet address to filter on');
    }
  }

  // Checked before opening: libpcap's own message for a missing interface is terse, and the
  // binding prints a stray warning for it.
  let known: InterfaceInfo[] | null = null;
  try { known = listInterfaces(); } catch { /* the list only improves the message */ }
  if (known && !known.some((d) => d.name === opts.iface)) throw explainOpenError(opts.iface, 'no such device', known);

  const cap = new Cap();
  // Full-size buffer: the binding reports only how much it copied, so a buffer of exactly
  // snaplen would lose the wire length of longer packets; snaplen is applied below instead.
  const buffer = Buffer.alloc(BINDING_MAX_SNAPLEN);
  let linkName: string;
  try {
    linkName = cap.open(opts.iface, filter, opts.bufferSize ?? DEFAULT_BUFFER_SIZE, buffer);
  } catch (e) {
    // Kept from the garbage collector: the binding's destructor crashes on a handle whose open failed
    // (a segmentation fault after the message, in about one exit of three), and close() on it always does.
    unopenedHandles.push(cap);
    throw explainOpenError(opts.iface, e instanceof Error ? e.message : String(e), known);
  }
  // The binding looks up the interface's IPv4 netmask and, on an interface without IPv4 (an
  // IPv6-only home link, the usual case here), prints a warning straight to stderr that
  // capturing "may not actually work". It works: the netmask only matters to IPv4 broadcast filters.
  const self = known?.find((d) => d.name === opts.iface);
  if (self && !self.addresses.some((a) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a))) {
    notes.push(`${opts.iface} has no IPv4 address, so the libpcap binding warns that capturing "may not actually work"; it does (only IPv4 broadcast capture filters need that address)`);
  }
  const linktype = linktypeFromBinding(linkName);
  if (linktype < 0) {
    cap.close();
    throw new LiveCaptureError('other', opts.iface, `the binding reports an unknown link type (${linkName})`, 'capture on an Ethernet, loopback or cooked (any) interface');
  }

  const clock = opts.clock ?? monotonicClock();
  const frame: Frame = { number: 0, tsSec: 0, tsNsec: 0, linktype, caplen: 0, len: 0, data: buffer.subarray(0, 0), interfaceId: 0, comments: null };
  let closed = false;
  cap.on('packet', (nbytes: number) => {
    if (closed) return;
    const t = clock();
    const caplen = nbytes < snaplen ? nbytes : snaplen;
    frame.number++;
    frame.tsSec = t.sec;
    frame.tsNsec = t.nsec;
    frame.caplen = caplen;
    // A packet longer than the binding's buffer reports nbytes = 65535 (its true length is not passed on).
    frame.len = nbytes;
    frame.data = buffer.subarray(0, caplen);
    onFrame(frame);
  });

  return {
    iface: opts.iface,
    linktype,
    snaplen,
    filter,
    notes,
    get frames() { return frame.number; },
    close() {
      if (closed) return;
      closed = true;
      cap.close();
      cap.removeAllListeners('packet');
    },
  };
}

/** A frame held back by the recorder (its own copy of the bytes). */
interface HeldFrame {
  number: number;
  tsSec: number;
  tsNsec: number;
  len: number;
  data: Buffer;
  comments: string[] | null;
}

export interface RecorderOptions extends PcapngWriterOptions {
  linktype: number;
  snaplen: number;
  iface: string;
  /** Seconds a frame waits before it is written, so findings raised later can still be attached. */
  holdSeconds?: number;
  /** Bytes of frames held at most; beyond it the oldest are written early (bounded memory). */
  maxHeldBytes?: number;
  /** A ring buffer of files (-b), as dumpcap's; without it one file. */
  ring?: RingOptions;
}

/**
 * dumpcap's -b: start a new file after `filesize` bytes or `duration` seconds of
 * capture time, keeping the last `files` (0: all). Files are named as dumpcap
 * names them: PREFIX_NNNNN_YYYYMMDDhhmmss.EXT, the time that of the file's first packet (local).
 */
export interface RingOptions {
  filesize?: number;
  duration?: number;
  files?: number;
}

/** The name of ring file `n` (1-based) whose first packet is at `sec` (local time). */
export function ringFileName(path: string, n: number, sec: number): string {
  const slash = path.lastIndexOf('/') + 1;
  const dot = path.lastIndexOf('.');
  const [stem, ext] = dot > slash ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
  const d = new Date(Math.floor(sec) * 1000);
  const p2 = (x: number): string => String(x).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}`;
  return `${stem}_${String(n).padStart(5, '0')}_${stamp}${ext}`;
}

export interface Recorder {
  /** Copy a captured frame in; it is written once older than the hold time. */
  add(frame: Frame): void;
  /** Attach a comment (a finding) to a frame by number. */
  comment(frameNumber: number, text: string): void;
  /** Write frames captured before `nowSec - holdSeconds`. */
  release(nowSec: number): void;
  /**
   * Write everything, close the file. Returns the comments that found no packet to go on
   * (their frame was already written and no later frame followed).
   */
  close(): string[];
  readonly written: number;
  /** The files written (one without a ring; with one, those kept), oldest first. */
  readonly files: readonly string[];
}

/**
 * Why hold frames back: the rules that report a request "never answered" do so seconds after
 * the request, and pcapng comments live inside the packet's own block. 60 s covers the
 * longest retransmission schedule the rules wait for (MAX_BINDACK_TIMEOUT 32 s, RFC 6275 13);
 * a comment that still comes too late goes on the next packet written, naming its frame.
 */
export function createRecorder(path: string, opts: RecorderOptions): Recorder {
  const hold = opts.holdSeconds ?? 60;
  const maxBytes = opts.maxHeldBytes ?? 32 << 20;
  const ring = opts.ring;
  const open = (file: string): [PcapngWriter, number] => {
    const w = new PcapngWriter(file, { userAppl: opts.userAppl, sectionComment: opts.sectionComment });
    return [w, w.addInterface({ linktype: opts.linktype, snaplen: opts.snaplen, name: opts.iface, tsresolNs: true })];
  };
  // With a ring, files are opened as packets come (each named after its first packet's time).
  let writer: PcapngWriter | null = null;
  let ifId = 0;
  let fileStart = 0;
  let inFile = 0;
  let fileNumber = 0;
  const files: string[] = [];
  if (!ring) { [writer, ifId] = open(path); files.push(path); }
  const rotate = (sec: number): void => {
    writer?.close();
    fileNumber++;
    const name = ringFileName(path, fileNumber, sec);
    [writer, ifId] = open(name);
    files.push(name);
    // The oldest files beyond the ring's count go, as dumpcap's.
    while (ring?.files && files.length > ring.files) rmSync(files.shift()!, { force: true });
    fileStart = sec;
    inFile = 0;
  };
  // A FIFO as an array with a moving head: shift() on a long array is linear.
  let queue: HeldFrame[] = [];
  let head = 0;
  let heldBytes = 0;
  let written = 0;
  let lastWritten = 0;
  let late: string[] = [];

  const writeOne = (h: HeldFrame): void => {
    let comments = h.comments;
    if (late.length) { comments = [...late, ...(comments ?? [])]; late = []; }
    if (ring) {
      const t = h.tsSec + h.tsNsec / 1e9;
      if (writer === null || (inFile > 0 && ((ring.filesize !== undefined && writer.size >= ring.filesize)
        || (ring.duration !== undefined && t - fileStart >= ring.duration)))) rotate(t);
      inFile++;
    }
    writer!.writePacket(ifId, h.tsSec, h.tsNsec, h.data, h.len, comments ?? undefined);
    heldBytes -= h.data.length;
    written++;
    lastWritten = h.number;
  };
  const writeWhile = (pred: (h: HeldFrame) => boolean): void => {
    while (head < queue.length && pred(queue[head]!)) writeOne(queue[head++]!);
    if (head > 1024 && head * 2 > queue.length) { queue = queue.slice(head); head = 0; }
  };

  return {
    add(frame) {
      queue.push({ number: frame.number, tsSec: frame.tsSec, tsNsec: frame.tsNsec, len: frame.len, data: Buffer.from(frame.data), comments: null });
      heldBytes += frame.caplen;
      if (heldBytes > maxBytes) writeWhile(() => heldBytes > maxBytes);
    },
    comment(n, text) {
      if (n > lastWritten) {
        // Frames are held in number order, so the offset from the head finds it directly.
        const h = queue[head + (n - (queue[head]?.number ?? n))];
        if (h && h.number === n) { (h.comments ??= []).push(text); return; }
      }
      late.push(`frame ${n}: ${text}`);
    },
    release(nowSec) {
      const cutoff = nowSec - hold;
      writeWhile((h) => h.tsSec + h.tsNsec / 1e9 <= cutoff);
      writer?.flush();
    },
    close() {
      writeWhile(() => true);
      writer?.close();
      const left = late;
      late = [];
      return left;
    },
    get written() { return written; },
    get files() { return files; },
  };
}
