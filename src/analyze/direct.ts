/**
 * Facts straight from a frame's bytes, for the packets nearly all of an HA's
 * signalling is made of: IPv6 (with a Home Address option or a type 2 routing
 * header), ESP NULL found by the heuristic, and a well-formed Binding Update,
 * Binding Acknowledgement, Home Agent Switch or Home Agent Hello. A lint without
 * -Y or --timeline asks here first and dissects the frame only when this
 * declines (building the whole tree and then searching it for a few fields
 * took most of the reading thread's time); so does read for its summary lines
 * (output/fast-packets.ts, DirectSummary).
 *
 * It declines a packet whenever the dissector would attach an expert note to it
 * (a bad checksum, reserved bits set, a misplaced option...), and whenever the
 * packet holds anything else (another link or message type, fragments, a keyed
 * SA, ICMPv6...): so a packet it accepts gets exactly the Facts that
 * extractFacts() takes from its dissection, with no notes. The tests hold it to
 * that on every sample, on the benchmark workload and on fuzzed packets.
 *
 * Nothing is allocated, and the address table is asked only once the packet is
 * accepted (the dissecting thread's AddressRecorder keeps every address it is
 * asked, in order).
 */
import { frameBytes, locateFrame, type Frame } from '../capture/frame.js';
import { u16, u32 } from '../dissect/bytes.js';
import { ipv6UpperChecksum } from '../dissect/checksum.js';
import type { DissectContext } from '../dissect/context.js';
import { guessEspNullAt, type EspNullGuess } from '../esp/open.js';
import { isGlobalUnicast, isLinkLocal, isMulticast, type AddressInterner } from './address.js';
import { NO_NOTES, type FactExtractor, type Facts, type MhKinds } from './facts.js';

// The packet being read (offsets into the frame's buffer, frameBytes), kept here so the helpers return only a verdict.
/** The home address (Home Address option or type 2 routing header), -1 when none. */
let homeOff = -1;
/** The Mobility Header checksum's pseudo-header addresses (RFC 6275 6.1.1: home address, final destination). */
let pseudoSrc = -1;
let pseudoDst = -1;
/** The ESP heuristic met a candidate whose payload the dissector would also have tried as something other than a Mobility Header. */
let uncertain = false;
const guess: EspNullGuess = { icvLength: 0, padLength: 0, nextHeader: 0 };

/**
 * Where the last packet directFacts() accepted has its IPv6 header and its
 * Mobility Header (-1: none), as offsets into `bytes` (the frame's buffer, see
 * frameBytes): read's summary line takes what Facts do not carry from there.
 */
export const directLayout: { bytes: Uint8Array; ip: number; mh: number } = { bytes: new Uint8Array(0), ip: -1, mh: -1 };

/**
 * The ESP NULL heuristic's payload check for a Mobility Header, as the
 * dissector's (dissect/esp.ts); for the other Next Headers the dissector would
 * try, the answer is left to the dissector (the packet is declined).
 */
function mhPayload(nh: number, b: Uint8Array, off: number, end: number): boolean {
  if (nh === 135) return end - off >= 8 && b[off] === 59 && (b[off + 1]! + 1) * 8 === end - off;
  if (nh === 58 || nh === 41 || nh === 4 || nh === 17 || nh === 59) uncertain = true;
  return false;
}

/** The offset of the IPv6 header after the link layer of the frame at b[s..end), -1 when it is not plainly IPv6. */
function ipv6Start(b: Uint8Array, s: number, end: number, linktype: number): number {
  const n = end - s;
  switch (linktype) {
    case 1: { // Ethernet, with any 802.1Q / 802.1ad tags
      if (n < 14) return -1;
      let type = u16(b, s + 12);
      let o = s + 14;
      while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && end - o >= 4) {
        type = u16(b, o + 2);
        o += 4;
      }
      return type === 0x86dd ? o : -1;
    }
    case 113: return n >= 16 && u16(b, s + 14) === 0x86dd ? s + 16 : -1; // Linux cooked
    case 276: return n >= 20 && u16(b, s) === 0x86dd ? s + 20 : -1; // Linux cooked v2
    case 0: case 108: { // NULL / LOOP
      if (n < 4) return -1;
      let fam = linktype === 108 ? u32(b, s) : (b[s]! | (b[s + 1]! << 8) | (b[s + 2]! << 16) | (b[s + 3]! << 24)) >>> 0;
      if (linktype === 0 && fam > 0xffff) fam = u32(b, s);
      return fam === 10 || fam === 23 || fam === 24 || fam === 26 || fam === 28 || fam === 30 ? s + 4 : -1;
    }
    case 101: case 12: case 14: case 228: case 229: // raw IP
      return n >= 1 && b[s]! >> 4 === 6 ? s : -1;
    default:
      return -1;
  }
}

/**
 * Where the option at b[o] ends: o + 1 for Pad1 (type 0), else after its type,
 * length and data; -1 when that runs past `end`. IPv6 options (RFC 8200 4.2) and
 * mobility options (RFC 6275 6.2) are laid out alike.
 */
function optionEnd(b: Uint8Array, o: number, end: number): number {
  if (b[o] === 0) return o + 1;
  if (o + 2 > end) return -1;
  const next = o + 2 + b[o + 1]!;
  return next > end ? -1 : next;
}

/** Hop-by-hop or destination options in [off, end) (RFC 8200 4.2) with no note to them; records a Home Address option. */
function tlvOptions(b: Uint8Array, off: number, end: number): boolean {
  for (let o = off, next = off; o < end; o = next) {
    next = optionEnd(b, o, end);
    if (next < 0) return false;
    if (b[o] === 201) {
      // RFC 6275 6.3: 16 bytes at 8n+6; a second home address is left to the dissector.
      if (next - o !== 18 || (o - off + 2) % 8 !== 6 || homeOff >= 0) return false;
      homeOff = pseudoSrc = o + 2;
    }
  }
  return true;
}

/** The Mobility Header at [off, end): a message of a kind handled here, with nothing a note would be attached to. */
function mobilityHeader(f: Facts, ctx: DissectContext, kinds: MhKinds, b: Uint8Array, off: number, end: number): boolean {
  if (end - off < 6 || b[off] !== 59 || b[off + 3] !== 0) return false;
  const hlen = b[off + 1]!;
  const declared = (hlen + 1) * 8;
  if (declared > end - off) return false;
  const csum = u16(b, off + 4);
  const want = ipv6UpperChecksum(b, pseudoSrc, b, pseudoDst, 135, b, off, declared, off + 4);
  if (!(want === csum || (want === 0xffff && csum === 0) || (want === 0 && csum === 0xffff))) return false;
  const type = b[off + 2]!;
  const def = ctx.mhByType[type];
  if (def === undefined || hlen < def.minHeaderLen) return false;
  const kindNo = kinds.numbers[type]!;
  if (kinds.kinds[kindNo] !== def.key) return false;
  f.mhType = type;
  f.kindNo = kindNo;
  f.kind = def.key;
  const mhEnd = off + declared;
  let optStart: number;
  switch (def.key) {
    case 'bindingUpdate': { // RFC 6275 6.1.7
      if (declared < 12) return false;
      const flags = u16(b, off + 8);
      if ((flags & 0x3f) !== 0) return false;
      f.seq = u16(b, off + 6);
      f.ack = (flags & 0x8000) !== 0;
      f.homeFlag = (flags & 0x4000) !== 0;
      f.lifetime = u16(b, off + 10) * 4;
      optStart = off + 12;
      break;
    }
    case 'bindingAck': { // RFC 6275 6.1.8
      if (declared < 12 || (b[off + 7]! & 0x07) !== 0) return false;
      f.status = b[off + 6]!;
      f.seq = u16(b, off + 8);
      f.lifetime = u16(b, off + 10) * 4;
      optStart = off + 12;
      break;
    }
    case 'homeAgentSwitch': { // RFC 5142 3, hareliability-01 8.3
      if (declared < 8) return false;
      const count = b[off + 6]!;
      const flags = b[off + 7]!;
      if ((flags & 0x7f) !== 0 || 8 + 16 * count > declared) return false;
      f.numAddrs = count;
      f.rekey = (flags & 0x80) !== 0;
      optStart = off + 8 + 16 * count;
      break;
    }
    case 'homeAgentHello': { // hareliability-01 6.1.3
      if (declared < 16) return false;
      const flags = b[off + 15]!;
      if ((flags & 0x3f) !== 0) return false;
      f.seq = u16(b, off + 6);
      f.preference = u16(b, off + 8);
      f.lifetime = u16(b, off + 10);
      f.interval = u16(b, off + 12);
      f.group = b[off + 14]!;
      f.active = (flags & 0x80) !== 0;
      f.replyRequested = (flags & 0x40) !== 0;
      optStart = off + 16;
      break;
    }
    default:
      return false;
  }
  // Mobility options (RFC 6275 6.2), with the walker's checks (dissect/mh/header.ts).
  let auth = false;
  for (let o = optStart, next = optStart; o < mhEnd; o = next) {
    next = optionEnd(b, o, mhEnd);
    if (next < 0) return false;
    const t = b[o]!;
    if (t === 0) continue;
    const len = next - o - 2;
    if (t !== 1) {
      // RFC 6275 6.2.7: nothing but padding after Binding Authorization Data.
      if (auth) return false;
      const od = ctx.optByType[t];
      if (od === undefined) return false;
      if (od.align && (o - off) % od.align[0] !== od.align[1]) return false;
      if ((od.length !== null && len !== od.length) || len < od.minLength) return false;
      if (def.options && !def.options.includes(od.key)) return false;
      switch (od.key) {
        case 'bindingRefreshAdvice':
          if (f.refreshAdvice < 0) f.refreshAdvice = u16(b, o + 2) * 4;
          break;
        case 'bindingAuthorizationData':
          auth = true;
          break;
        case 'alternateCareOfAddress': case 'nonceIndices': case 'vendorSpecific':
          break;
        default:
          return false;
      }
    }
    f.optionTypes.push(t);
  }
  return true;
}

/**
 * Fill `f` from the frame's bytes and return true, or return false (leaving `f`
 * to extractFacts) when the frame is not one of those described above.
 * `addresses` is asked only on success.
 */
export function directFacts(
  f: Facts, ctx: DissectContext, frame: Frame, file: string, fileIndex: number, kinds: MhKinds, addresses: AddressInterner,
): boolean {
  // Read in place in the reader's buffer (no view of the frame is made).
  locateFrame(frame);
  const b = frameBytes.bytes;
  const end = frameBytes.end;
  const ip = ipv6Start(b, frameBytes.base, end, frame.linktype);
  if (ip < 0 || end - ip < 40 || b[ip]! >> 4 !== 6) return false;
  let nh = b[ip + 6]!;
  const stop = ip + 40 + u16(b, ip + 4);
  // A jumbogram (Payload Length 0 after a hop-by-hop header) and a short capture are the dissector's.
  if (stop > end || (stop === ip + 40 && nh === 0)) return false;
  homeOff = -1;
  pseudoSrc = ip + 8;
  pseudoDst = ip + 24;
  let o = ip + 40;
  for (let guard = 0; guard < 64; guard++) {
    if (nh === 0 || nh === 60) {
      if (stop - o < 8) return false;
      const len = (b[o + 1]! + 1) * 8;
      if (o + len > stop || !tlvOptions(b, o + 2, o + len)) return false;
      nh = b[o]!;
      o += len;
    } else if (nh === 43) {
      // Only a well-formed type 2 routing header (RFC 6275 6.4): 24 bytes, Segments Left 0 or 1.
      if (stop - o < 24 || b[o + 1] !== 2 || b[o + 2] !== 2 || b[o + 3]! > 1 || homeOff >= 0) return false;
      homeOff = o + 8;
      if (b[o + 3] !== 0) pseudoDst = o + 8;
      nh = b[o]!;
      o += 24;
    } else {
      break;
    }
  }

  f.clearMessage();

  if (nh === 50) {
    // ESP (RFC 4303) opened by the NULL heuristic only: a table of keys is the dissector's.
    const len = stop - o;
    if (len < 8 || !ctx.options.espNull || (ctx.saTable !== null && ctx.saTable.size > 0)) return false;
    const spi = u32(b, o);
    if (spi < 256) return false;
    uncertain = false;
    const g = guessEspNullAt(b, o, stop, ctx.espIcvCandidates, mhPayload, guess);
    if (g === null || uncertain || g.nextHeader !== 135) return false;
    f.espItem = 0;
    f.spi = spi;
    f.espSeq = u32(b, o + 4);
    f.icv = g.icvLength > 0 ? 'unchecked' : '';
    f.espOpened = true;
    f.inEsp = true;
    f.mhItem = 0;
    if (!mobilityHeader(f, ctx, kinds, b, o + 8, stop - g.icvLength - 2 - g.padLength)) return false;
  } else if (nh === 135) {
    f.mhItem = 0;
    if (!mobilityHeader(f, ctx, kinds, b, o, stop)) return false;
  } else if (nh !== 59) {
    return false;
  }

  f.notes = NO_NOTES;
  f.time = frame.tsSec + frame.tsNsec / 1e9;
  f.frame = frame.number;
  f.file = file;
  f.fileIndex = fileIndex;
  // In extractFacts' order: source, destination, home address, then the addresses a switch lists.
  addresses.now = f.time;
  f.src = addresses.intern(b, ip + 8);
  f.dst = addresses.intern(b, ip + 24);
  f.home = homeOff >= 0 ? addresses.intern(b, homeOff) : 0;
  f.srcLinkLocal = isLinkLocal(b, ip + 8);
  f.srcGlobal = isGlobalUnicast(b, ip + 8);
  f.dstLinkLocal = isLinkLocal(b, ip + 24);
  f.dstMulticast = isMulticast(b, ip + 24);
  const mh = f.mhItem < 0 ? -1 : f.inEsp ? o + 8 : o;
  if (f.numAddrs > 0) {
    for (let i = 0; i < f.numAddrs; i++) f.listed.push(addresses.intern(b, mh + 8 + 16 * i));
  }
  directLayout.bytes = b;
  directLayout.ip = ip;
  directLayout.mh = mh;
  return true;
}

/** The extractor's Facts of an undissected frame, read from its bytes; null when it needs dissecting. */
export function extractDirect(ex: FactExtractor, ctx: DissectContext, frame: Frame, file: string, fileIndex: number): Facts | null {
  return directFacts(ex.facts, ctx, frame, file, fileIndex, ex.kinds, ex.addresses) ? ex.facts : null;
}
