/**
 * Dissection context: the reusable tree, the active profile, the dispatch
 * tables (Wireshark's dissector tables, keyed by number) and the addressing
 * state the current IPv6 layer hands to upper layers (pseudo-header source and
 * destination after the Home Address option and type 2 routing header).
 */
import type { Profile } from '../profile/profile.js';
import { getDefaultProfile } from '../profile/profile.js';
import type { MhOptionKey, MhTypeKey } from '../profile/defaults.js';
import { Tree, type InfoFormatter } from './tree.js';
import type { SaTable } from '../esp/sa.js';

/**
 * A dissector reads tree.buffers[buf][off..end) and adds items under `parent`.
 * It never throws for malformed input: it adds what it can and attaches notes.
 */
export type Dissector = (ctx: DissectContext, buf: number, off: number, end: number, parent: number) => void;

/** A Mobility Header message (RFC 6275 6.1 and later documents). */
export interface MhMessageDef {
  key: MhTypeKey;
  /** Full name ("Binding Update"). */
  name: string;
  /** Short name for the Info column ("BU"). */
  short: string;
  /** Smallest valid Header Len (8-octet units), RFC 6275 9.2; -1 when no minimum is defined. */
  minHeaderLen: number;
  /**
   * Dissect the message data that follows the 6-byte common header (mh+6 .. end), adding
   * items under `item`. Returns the absolute offset where mobility options begin (end when none).
   */
  body(ctx: DissectContext, buf: number, mh: number, end: number, item: number): number;
  /** Options allowed in this message besides Pad1/PadN; null = not restricted. */
  options: readonly MhOptionKey[] | null;
  /** One-line Info text. */
  info: InfoFormatter;
}

/** A mobility option (RFC 6275 6.2). */
export interface MhOptionDef {
  key: MhOptionKey;
  name: string;
  /** Alignment requirement xn+y (RFC 6275 6.2.1); null = none. */
  align: readonly [number, number] | null;
  /** Exact Length value required; null when variable. */
  length: number | null;
  /** Smallest Length value when variable. */
  minLength: number;
  /** Dissect the option data (off .. off+len) under `item`. */
  body(ctx: DissectContext, buf: number, off: number, len: number, item: number, messageKey: MhTypeKey | null): void;
}

export interface DissectOptions {
  /** Try NULL-encryption ESP heuristically when no SA opens the packet (on by default). */
  espNull: boolean;
  /** Reassemble IPv6 fragments (on by default). */
  reassemble: boolean;
}

const mhMessages = new Map<MhTypeKey, MhMessageDef>();
const mhOptions = new Map<MhOptionKey, MhOptionDef>();
const ipProtocols: (Dissector | undefined)[] = new Array(256);
const icmpv6Types: (Dissector | undefined)[] = new Array(256);

/** Register a Mobility Header message dissector under its profile key. */
export function registerMhMessage(def: MhMessageDef): void {
  mhMessages.set(def.key, def);
}
export function registerMhOption(def: MhOptionDef): void {
  mhOptions.set(def.key, def);
}
/** Register an upper-layer protocol by IPv6 Next Header / IPv4 protocol number. */
export function registerIpProtocol(n: number, d: Dissector): void {
  ipProtocols[n] = d;
}
/** Register an ICMPv6 message type's body dissector (called with off = start of the ICMPv6 message). */
export function registerIcmpv6Type(n: number, d: Dissector): void {
  icmpv6Types[n] = d;
}
export function registeredMhMessages(): ReadonlyMap<MhTypeKey, MhMessageDef> {
  return mhMessages;
}
export function registeredMhOptions(): ReadonlyMap<MhOptionKey, MhOptionDef> {
  return mhOptions;
}

/** A pending set of IPv6 fragments (RFC 8200 4.5), keyed by source, destination and identification. */
export interface FragmentSet {
  parts: { offset: number; data: Uint8Array; frame: number }[];
  /** Total length once the last fragment (M = 0) is seen, else -1. */
  total: number;
  firstSeen: number;
  /** Unfragmentable part (IPv6 header + extension headers before the Fragment header) of the first fragment. */
  nextHeader: number;
}

export class DissectContext {
  declare readonly tree: Tree;
  declare readonly profile: Profile;
  declare readonly options: DissectOptions;
  /** MH type number → message (built from the profile). */
  readonly mhByType: (MhMessageDef | undefined)[] = new Array(256);
  readonly optByType: (MhOptionDef | undefined)[] = new Array(256);
  readonly ipProto = ipProtocols;
  readonly icmpv6 = icmpv6Types;
  /** SA table for ESP with keys (null: none loaded). */
  saTable: SaTable | null = null;
  /** ICV lengths to try for ESP NULL (SA table's first, then the defaults). */
  espIcvCandidates: readonly number[] = [12, 16, 24, 32, 8];

  // Addressing state of the innermost IPv6 header being dissected.
  /** Buffer/offset of the IPv6 source and destination fields. */
  ipSrcBuf = 0; ipSrcOff = -1; ipDstBuf = 0; ipDstOff = -1;
  /** Pseudo-header source/destination for upper-layer checksums (home address, final destination). */
  pseudoSrcBuf = 0; pseudoSrcOff = -1; pseudoDstBuf = 0; pseudoDstOff = -1;
  /** Home address from a Home Address option or type 2 routing header (-1: none). */
  homeAddrBuf = 0; homeAddrOff = -1;
  /** Whether the IPv6 header in force is IPv4 (for ESP over IPv4). */
  ipVersion = 6;
  /** Tunnel depth (IPv6-in-IPv6 nesting). */
  depth = 0;
  /** Whether the current payload arrived inside ESP (and whether the ESP was opened). */
  inEsp = false;
  /** Current frame number and time (for reassembly and notes). */
  frameNumber = 0;
  frameTime = 0;
  /** Pending fragment sets, keyed by a string made only for fragmented packets. */
  readonly fragments = new Map<string, FragmentSet>();

  constructor(profile: Profile = getDefaultProfile(), options: Partial<DissectOptions> = {}, tree = new Tree()) {
    this.tree = tree;
    this.profile = profile;
    this.options = { espNull: true, reassemble: true, ...options };
    for (const [key, n] of Object.entries(profile.mhTypes)) {
      const def = mhMessages.get(key as MhTypeKey);
      if (def) this.mhByType[n] = def;
    }
    for (const [key, n] of Object.entries(profile.mhOptions)) {
      const def = mhOptions.get(key as MhOptionKey);
      if (def) this.optByType[n] = def;
    }
  }

  /** Reset per-packet addressing state. */
  beginPacket(frameNumber: number, time: number): void {
    this.frameNumber = frameNumber;
    this.frameTime = time;
    this.ipSrcOff = this.ipDstOff = this.pseudoSrcOff = this.pseudoDstOff = this.homeAddrOff = -1;
    this.depth = 0;
    this.inEsp = false;
    this.ipVersion = 6;
  }
}
