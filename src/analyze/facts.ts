/**
 * Typed facts about one dissected packet, extracted once by the engine and
 * read by every rule: message kind, addresses (as numeric keys), sequence,
 * flags, lifetime, identifiers, ESP. One Facts object is reused for every
 * packet; only the lists' contents change, so extraction allocates nothing.
 */
import type { Frame } from '../capture/frame.js';
import type { DissectContext } from '../dissect/context.js';
import type { FieldDef } from '../dissect/fields.js';
import type { Note, Tree } from '../dissect/tree.js';
import type { MhTypeKey } from '../profile/defaults.js';
import { bytesKey, isGlobalUnicast, isLinkLocal, isMulticast, type AddressInterner } from './address.js';
import type { FieldSet } from './fields.js';
import type { ReplayVerdict } from '../esp/replay.js';

/** RFC 4303 3.4.3: the receiver's anti-replay window, 64 packets (the recommended default). */
export const ESP_REPLAY_WINDOW = 64;

/** What a packet is, for dispatch: an MH message by profile key, or one of these. */
export type PacketKind = MhTypeKey | 'mhUnknown' | 'icmpv6' | 'other';

/**
 * Packet kinds by number (Facts.kindNo), the same on every thread of a run: the
 * three fixed kinds, then the profile's message keys in their order.
 */
export function packetKinds(mhTypes: Readonly<Record<string, number>>): PacketKind[] {
  return ['other', 'mhUnknown', 'icmpv6', ...(Object.keys(mhTypes) as MhTypeKey[])];
}

const KIND_OTHER = 0;
const KIND_MH_UNKNOWN = 1;
const KIND_ICMPV6 = 2;

/** The packet kinds (packetKinds) and each MH Type number's kind number, for extractFacts. */
export interface MhKinds {
  kinds: readonly PacketKind[];
  /** 256 entries; KIND_MH_UNKNOWN where the profile names no message. */
  numbers: Uint16Array;
}

export function mhKinds(mhTypes: Readonly<Record<string, number>>): MhKinds {
  const kinds = packetKinds(mhTypes);
  const numbers = new Uint16Array(256).fill(KIND_MH_UNKNOWN);
  // The profile's keys follow the three fixed kinds; a number given to two keys is the last one's, as in a lookup by number.
  kinds.forEach((k, i) => { if (i > KIND_ICMPV6) numbers[mhTypes[k]!] = i; });
  return { kinds, numbers };
}

/** The notes of a packet without any (shared, never changed). */
export const NO_NOTES: readonly Note[] = Object.freeze([]);

export class Facts {
  // Where and when.
  time = 0;
  frame = 0;
  fileIndex = 0;
  file = '';
  /** The dissector's expert notes on this packet (MH-* rules turn some into findings). */
  notes: readonly Note[] = NO_NOTES;

  // Innermost IPv6 addresses and the home address, as address ids (0: absent; AddressTable).
  src = 0;
  dst = 0;
  home = 0;
  srcLinkLocal = false;
  dstLinkLocal = false;
  dstMulticast = false;
  srcGlobal = false;

  kind: PacketKind = 'other';
  /** kind's number in packetKinds() (what crosses between threads). */
  kindNo = KIND_OTHER;
  /** Mobility Header item (-1: none; rules only ask whether it is >= 0) and its MH Type number. */
  mhItem = -1;
  mhType = -1;
  /** The Mobility Header (or ICMPv6 message) came out of an ESP payload. */
  inEsp = false;

  // ESP (RFC 4303), outermost ESP header of the packet (item -1: none; rules only ask whether it is >= 0).
  espItem = -1;
  spi = -1;
  espSeq = -1;
  /** 'good' | 'bad' | 'unchecked', '' when there is no ICV status. */
  icv = '';
  espOpened = false;
  /**
   * The receiver's anti-replay verdict on the ESP sequence number (the engine
   * keeps a window per SA, whatever rules run), '' without ESP. A 'replay' or
   * 'outside' packet is discarded by a receiver (RFC 4303 3.4.3), so the engine
   * does not analyze what it carries.
   */
  espVerdict: ReplayVerdict | '' = '';
  /** Highest sequence number the SA had accepted before this packet. */
  espHighestBefore = 0;

  // Message fields; -1 when the message has no such field.
  seq = -1;
  /** Lifetime in seconds (BU/BA units of 4 s already applied). */
  lifetime = -1;
  status = -1;
  identifier = -1;
  /** Sub-type of State Synchronization / HA Control, ICMPv6 type. */
  subtype = -1;
  group = -1;
  preference = -1;
  interval = -1;
  /** Binding Refresh Advice in seconds, -1 when absent. */
  refreshAdvice = -1;
  numAddrs = -1;
  /** Cookie of a HoTI/CoTI/HoT/CoT as a key, 0 when absent. */
  cookie = 0;
  /** BU A / Hello A (active) / RA A (active HA). */
  ack = false;
  active = false;
  /** BU H / RA H. */
  homeFlag = false;
  replyRequested = false;
  rekey = false;
  backup = false;
  /** The ICMPv6 message was decoded as a VHAR message (SPEC-NOTES 5). */
  vhar = false;
  /** SPI a VHAR SeqNo Synch is about, -1 when absent. */
  vharSpi = -1;
  /** Key of the 64-bit sequence number a VHAR SeqNo Synch carries (compared only for equality), -1 when absent. */
  vharSeq = -1;
  /** Ids of the addresses a Home Agent Switch lists (reused array). */
  readonly listed: number[] = [];
  /** Mobility option types present (reused array). */
  readonly optionTypes: number[] = [];
  /** IP Address option codes present (reused array). */
  readonly ipAddressCodes: number[] = [];

  hasOption(type: number): boolean {
    return this.optionTypes.indexOf(type) >= 0;
  }

  /**
   * What the packet is and carries back to "nothing" (kind other, every number -1 or 0,
   * every flag false, the lists empty), before extraction fills in what it finds.
   */
  clearMessage(): void {
    this.kind = 'other';
    this.kindNo = KIND_OTHER;
    this.mhItem = this.mhType = this.espItem = this.spi = this.espSeq = -1;
    this.seq = this.lifetime = this.status = this.identifier = this.subtype = this.group = this.preference = this.interval = this.refreshAdvice = this.numAddrs = -1;
    this.cookie = 0;
    this.icv = '';
    this.espVerdict = '';
    this.espHighestBefore = 0;
    this.vharSpi = this.vharSeq = -1;
    this.espOpened = this.vhar = this.inEsp = this.ack = this.active = this.homeFlag = this.replyRequested = this.rekey = this.backup = false;
    this.clearLists();
  }

  /** Empty the reused lists (with pop(): setting an array's length is a runtime call, pop() is inlined). */
  clearLists(): void {
    while (this.listed.length > 0) this.listed.pop();
    while (this.optionTypes.length > 0) this.optionTypes.pop();
    while (this.ipAddressCodes.length > 0) this.ipAddressCodes.pop();
  }
}

/**
 * Value of def's first occurrence after `root`, -1 when absent, as a small
 * integer: for fields of at most 31 bits. Facts keep such fields in small-integer
 * form (a field V8 sees a float stored into becomes a boxed double, and every
 * read of it that leaves the function allocates).
 */
function num(tree: Tree, def: FieldDef | null, root: number): number {
  return num32(tree, def, root) | 0;
}

/** The same for 32-bit unsigned fields (SPI, ESP sequence number), which may not fit a small integer. */
function num32(tree: Tree, def: FieldDef | null, root: number): number {
  if (!def) return -1;
  const i = root < 0 ? tree.first(def) : firstAfter(tree, def, root);
  return i < 0 ? -1 : tree.value[i]!;
}

/** First occurrence of def after item `root` (the message's own fields follow its item). */
function firstAfter(tree: Tree, def: FieldDef, root: number): number {
  const f = tree.first(def);
  if (f < 0 || f > root) return f;
  return tree.next(def, root);
}

/** The last occurrence of def before item `before`, -1 when none. */
function last(tree: Tree, def: FieldDef | null, before: number): number {
  if (!def) return -1;
  let i = tree.first(def);
  if (i < 0 || i >= before) return -1;
  for (let n = tree.next(def, i); n >= 0 && n < before; n = tree.next(def, n)) i = n;
  return i;
}

function idOf(tree: Tree, item: number, addresses: AddressInterner): number {
  return item < 0 ? 0 : addresses.intern(tree.bufferOf(item), tree.start[item]!);
}

/**
 * Fill `f` from the dissected packet in ctx.tree. `kinds` maps MH Type
 * numbers to profile keys and kind numbers; addresses are interned in `addresses`.
 */
export function extractFacts(
  f: Facts, ctx: DissectContext, frame: Frame, file: string, fileIndex: number, F: FieldSet, kinds: MhKinds, addresses: AddressInterner,
): void {
  const tree = ctx.tree;
  f.notes = tree.notes;
  f.time = frame.tsSec + frame.tsNsec / 1e9;
  f.frame = frame.number;
  f.file = file;
  f.fileIndex = fileIndex;
  f.clearMessage();

  // An ICMPv6 error carries the packet that caused it (RFC 4443 2.4): everything from its
  // Invoking Packet item on is that packet's, already seen (or not) on its own, not this one's.
  const quoted = F.icmpInvoking ? tree.first(F.icmpInvoking) : -1;
  const outside = quoted < 0 ? 0x7fffffff : quoted;

  // Innermost addresses: the last IPv6 header of a tunnel.
  const s = tree.lastIpv6Src;
  const d = tree.lastIpv6Dst;
  addresses.now = f.time;
  f.src = idOf(tree, s, addresses);
  f.dst = idOf(tree, d, addresses);
  const h0 = F.homeAddress ? tree.first(F.homeAddress) : -1;
  const h = h0 < outside ? h0 : -1;
  f.home = idOf(tree, h, addresses);
  if (s >= 0) {
    const b = tree.bufferOf(s);
    const o = tree.start[s]!;
    f.srcLinkLocal = isLinkLocal(b, o);
    f.srcGlobal = isGlobalUnicast(b, o);
  } else {
    f.srcLinkLocal = f.srcGlobal = false;
  }
  if (d >= 0) {
    const b = tree.bufferOf(d);
    const o = tree.start[d]!;
    f.dstLinkLocal = isLinkLocal(b, o);
    f.dstMulticast = isMulticast(b, o);
  } else {
    f.dstLinkLocal = f.dstMulticast = false;
  }

  // ESP.
  if (F.esp) {
    const e0 = tree.first(F.esp);
    const e = e0 < outside ? e0 : -1;
    f.espItem = e;
    if (e >= 0) {
      f.spi = num32(tree, F.espSpi, e);
      f.espSeq = num32(tree, F.espSeq, e);
      const st = F.espIcvStatus ? firstAfter(tree, F.espIcvStatus, e) : -1;
      f.icv = st >= 0 ? (F.espIcvStatus!.vals?.[tree.value[st]!] ?? '') : '';
      f.espOpened = num(tree, F.espDecrypted, e) === 1;
    }
  }

  // Mobility Header.
  const mh0 = F.mip6 ? tree.first(F.mip6) : -1;
  const mh = mh0 < outside ? mh0 : -1;
  if (mh >= 0) {
    f.mhItem = mh;
    f.inEsp = f.espItem >= 0 && mh > f.espItem;
    const t = num(tree, F.mhType, mh);
    f.mhType = t;
    f.kindNo = t >= 0 ? kinds.numbers[t]! : KIND_MH_UNKNOWN;
    f.kind = kinds.kinds[f.kindNo]!;
    if (F.optType) for (let i = firstAfter(tree, F.optType, mh); i >= 0; i = tree.next(F.optType, i)) f.optionTypes.push(tree.value[i]! | 0);
    if (F.ipAddressCode) for (let i = firstAfter(tree, F.ipAddressCode, mh); i >= 0; i = tree.next(F.ipAddressCode, i)) f.ipAddressCodes.push(tree.value[i]! | 0);
    const bra = num(tree, F.braInterval, mh);
    if (bra >= 0) f.refreshAdvice = bra * 4;
    switch (f.kind) {
      case 'bindingUpdate':
        f.seq = num(tree, F.buSeq, mh);
        f.ack = num(tree, F.buAck, mh) === 1;
        f.homeFlag = num(tree, F.buHome, mh) === 1;
        f.lifetime = num(tree, F.buLifetime, mh) * 4;
        break;
      case 'bindingAck':
        f.status = num(tree, F.baStatus, mh);
        f.seq = num(tree, F.baSeq, mh);
        f.lifetime = num(tree, F.baLifetime, mh) * 4;
        break;
      case 'bindingError':
        f.status = num(tree, F.beStatus, mh);
        break;
      case 'homeTestInit': case 'careOfTestInit': case 'homeTest': case 'careOfTest': {
        const def = f.kind === 'homeTestInit' ? F.hotiCookie : f.kind === 'careOfTestInit' ? F.cotiCookie : f.kind === 'homeTest' ? F.hotCookie : F.cotCookie;
        const c = def ? firstAfter(tree, def, mh) : -1;
        if (c >= 0) f.cookie = bytesKey(tree.bufferOf(c), tree.start[c]!, tree.length[c]!);
        break;
      }
      case 'homeAgentSwitch':
        f.numAddrs = num(tree, F.hasNumAddrs, mh);
        f.rekey = num(tree, F.hasRekey, mh) === 1;
        if (F.hasAddress) for (let i = firstAfter(tree, F.hasAddress, mh); i >= 0; i = tree.next(F.hasAddress, i)) f.listed.push(idOf(tree, i, addresses));
        break;
      case 'homeAgentHello':
        f.seq = num(tree, F.helloSeq, mh);
        f.group = num(tree, F.helloGroup, mh);
        f.active = num(tree, F.helloActive, mh) === 1;
        f.replyRequested = num(tree, F.helloReply, mh) === 1;
        f.preference = num(tree, F.helloPref, mh);
        f.interval = num(tree, F.helloInterval, mh);
        f.lifetime = num(tree, F.helloLifetime, mh);
        break;
      case 'stateSynchronization':
        f.subtype = num(tree, F.syncType, mh);
        f.identifier = num(tree, F.syncId, mh);
        break;
      case 'homeAgentControl':
        f.subtype = num(tree, F.ctrlType, mh);
        f.status = num(tree, F.ctrlStatus, mh);
        break;
      case 'hahaHello':
        f.seq = num(tree, F.hahaSeq, mh);
        f.preference = num(tree, F.hahaPref, mh);
        f.lifetime = num(tree, F.hahaLifetime, mh);
        f.interval = num(tree, F.hahaInterval, mh);
        break;
      case 'bindingInformationRequest':
        f.identifier = num(tree, F.hahaRequestId, mh);
        break;
      case 'bindingInformationUpdate':
        f.identifier = num(tree, F.hahaUpdateId, mh);
        break;
      case 'bindingInformationAck':
        f.identifier = num(tree, F.hahaAckId, mh);
        f.status = num(tree, F.hahaStatus, mh);
        break;
      default:
        break;
    }
    return;
  }

  // ICMPv6 (VHAR messages and Router Advertisements).
  const ty = F.icmpType ? last(tree, F.icmpType, outside) : -1;
  if (ty >= 0) {
    f.kind = 'icmpv6';
    f.kindNo = KIND_ICMPV6;
    f.subtype = tree.value[ty]! | 0;
    f.inEsp = f.espItem >= 0 && ty > f.espItem;
    if (f.subtype === 134) {
      f.homeFlag = num(tree, F.raHome, ty) === 1;
      f.active = num(tree, F.raActive, ty) === 1;
      f.backup = num(tree, F.raBackup, ty) === 1;
    } else if (f.subtype >= 161 && f.subtype <= 167) {
      f.identifier = num(tree, F.vharId, ty);
      // The 64-bit sequence number is compared only for equality: its bytes' key.
      const q = F.vharSeq ? firstAfter(tree, F.vharSeq, ty) : -1;
      f.vharSeq = q >= 0 ? bytesKey(tree.bufferOf(q), tree.start[q]!, tree.length[q]!) : -1;
      f.vharSpi = num32(tree, F.vharSpi, ty);
      f.vhar = (F.vharRoot !== null && firstAfter(tree, F.vharRoot, ty) >= 0) || f.identifier >= 0 || f.vharSpi >= 0;
    }
  }
}

/**
 * What turns dissected packets into Facts: the reused Facts object, the run's
 * address table, and the field and message lookups. The engine owns one; a
 * lint that analyzes on a second thread runs one here and ships the Facts.
 */
export class FactExtractor {
  readonly facts = new Facts();
  readonly addresses: AddressInterner;
  /** The run's packet kinds and each MH Type number's kind. */
  readonly kinds: MhKinds;

  constructor(private readonly fields: FieldSet, mhTypes: Readonly<Record<string, number>>, addresses: AddressInterner) {
    this.addresses = addresses;
    this.kinds = mhKinds(mhTypes);
  }

  /** Facts of the packet in ctx.tree (the same object every time). */
  extract(ctx: DissectContext, frame: Frame, file: string, fileIndex: number): Facts {
    extractFacts(this.facts, ctx, frame, file, fileIndex, this.fields, this.kinds, this.addresses);
    return this.facts;
  }


}
