/**
 * Display filters compiled against the field registry into closures that test
 * one dissected tree. Compiling does all the text work (field lookup, value
 * names, address and byte parsing); matching only compares numbers to numbers
 * and bytes in the packet to bytes parsed once, so it allocates nothing.
 *
 * Repeated fields (ipv6.addr holds both ends; a Home Agent Switch lists several
 * addresses) follow Wireshark 4 (tshark 4.0 agrees, tested):
 *   ==, <, >, <=, >=, contains, in  true when ANY occurrence matches (contains also on a protocol's bytes);
 *   !=  (all_ne)                    true when the field is present and NO occurrence equals;
 *   !==, ~= (any_ne)                true when some occurrence differs;
 *   === (all_eq)                    true when the field is present and every occurrence equals.
 * A comparison with an absent field is false, whatever the operator: "!(f == 1)"
 * and "f not in {1}" hold for packets without f, "f != 1" does not.
 */
import { ipaddr } from '../packages.js';
// Field names resolve against every dissector's declarations, which happen on import.
import '../dissect/index.js';
import { allFields, type FieldDef, fieldByAbbrev, FT } from '../dissect/fields.js';
import type { Tree } from '../dissect/tree.js';
import { closeNames, FilterError } from './errors.js';
import { parse, type Arith, type FunctionName, type Node, type RelOp, type SetElement, type Slice, type Token } from './parse.js';

export interface Filter {
  /** The filter as typed. */
  readonly text: string;
  /** Whether the packet in `tree` passes. Never throws, never allocates. */
  match(tree: Tree): boolean;
}

type Pred = (tree: Tree) => boolean;
/** A test of one occurrence of a field. */
type ItemTest = (tree: Tree, item: number) => boolean;

/**
 * Compile a display filter. Throws FilterError (with the column and close names)
 * when the text is not a valid filter. Value names (mip6.mhtype == "Binding Update")
 * resolve against the names in force, so compile after the dissector for the
 * run's profile exists (createDissector fills the MH type names).
 */
export function compileFilter(text: string): Filter {
  if (text.trim() === '') throw new FilterError(text, 0, 'the filter is empty');
  const pred = compileNode(text, parse(text));
  return {
    text,
    // Every byte read is bounds-checked against the item's buffer, so this cannot throw (fuzzed in the tests).
    match: pred,
  };
}

/** Whether `text` compiles; the error when not. For option validation. */
export function checkFilter(text: string): FilterError | null {
  try {
    compileFilter(text);
    return null;
  } catch (e) {
    if (e instanceof FilterError) return e;
    throw e;
  }
}

function compileNode(text: string, n: Node): Pred {
  switch (n.kind) {
    case 'and': { const a = compileNode(text, n.a); const b = compileNode(text, n.b); return (t) => a(t) && b(t); }
    case 'or': { const a = compileNode(text, n.a); const b = compileNode(text, n.b); return (t) => a(t) || b(t); }
    case 'xor': { const a = compileNode(text, n.a); const b = compileNode(text, n.b); return (t) => a(t) !== b(t); }
    case 'not': { const a = compileNode(text, n.a); return (t) => !a(t); }
    case 'test': return compileTest(text, n);
    case 'arith': return arithmeticTest(text, n);
  }
}

function fieldNames(): string[] {
  return allFields().map((f) => f.abbrev);
}

function compileTest(text: string, n: Extract<Node, { kind: 'test' }>): Pred {
  const name = n.field.text;
  const def = fieldByAbbrev(name);
  if (!def) {
    // A name that is only the start of field names ("mip6.has" for mip6.has.*) tests whether any of them is present.
    const group = allFields().filter((f) => f.abbrev.startsWith(`${name}.`));
    if (group.length === 0) {
      throw new FilterError(text, n.field.pos, `"${name}" is not a field name`, closeNames(name, fieldNames()), n.field.len);
    }
    if (n.op !== undefined) {
      const opTok = n.opToken!;
      throw new FilterError(text, n.field.pos, `"${name}" is not a field but a group of ${group.length} fields: compare one of them, or test the group's presence alone`,
        group.slice(0, 5).map((f) => f.abbrev), opTok.pos + opTok.len - n.field.pos);
    }
    return anyPresent(group);
  }
  // A value that names a field compares the two fields (Wireshark: an unquoted field name is the field).
  if (n.op !== undefined && !n.set && n.fn === undefined && n.slice === undefined && n.value!.kind === 'word') {
    const other = fieldByAbbrev(n.value!.text);
    if (other) return fieldComparison(text, n, def, other);
  }
  if (n.fn !== undefined) return functionTest(text, n, def, n.fn);
  if (n.slice !== undefined) return sliceTest(text, n, def, n.slice);
  if (n.op === undefined) return (t) => t.first(def) >= 0;

  if (n.set) return anyItem(def, anyOf(n.set.map((e) => elementTest(text, def, e))));
  return overOccurrences(def, n.op, (op) => itemTest(text, def, op, n.value!, n.opToken!));
}

function anyOf(tests: ItemTest[]): ItemTest {
  return tests.length === 1 ? tests[0]! : (t, i) => {
    for (let k = 0; k < tests.length; k++) if (tests[k]!(t, i)) return true;
    return false;
  };
}

/**
 * `op` over a field's occurrences, with Wireshark's meaning for repeated fields
 * (see the top of this file); `test(op)` tests one occurrence.
 */
function overOccurrences(def: FieldDef, op: RelOp, test: (op: RelOp) => ItemTest): Pred {
  if (op !== 'ne' && op !== 'any_ne' && op !== 'all_eq' && op !== 'eq') return anyItem(def, test(op));
  const eq = test('eq');
  switch (op) {
    case 'ne': { const any = anyItem(def, eq); return (t) => t.first(def) >= 0 && !any(t); }
    case 'any_ne': return anyItem(def, (t, i) => !eq(t, i));
    case 'all_eq': return (t) => {
      let seen = false;
      for (let i = t.first(def); i >= 0; i = t.next(def, i)) { if (!eq(t, i)) return false; seen = true; }
      return seen;
    };
    default: return anyItem(def, eq);
  }
}

function anyPresent(defs: readonly FieldDef[]): Pred {
  return (t) => {
    for (let k = 0; k < defs.length; k++) if (t.first(defs[k]!) >= 0) return true;
    return false;
  };
}

function anyItem(def: FieldDef, test: ItemTest): Pred {
  return (t) => {
    for (let i = t.first(def); i >= 0; i = t.next(def, i)) if (test(t, i)) return true;
    return false;
  };
}

// ------------------------------------------------------------ one field against another

/** How two occurrences compare: numbers by value, addresses and bytes by their bytes; null when the types do not compare. */
function pairCompare(a: FieldDef, b: FieldDef): ((t: Tree, i: number, j: number) => number) | null {
  const numeric = (d: FieldDef): boolean => NUMERIC.has(d.type) && !isBareProtocol(d);
  if (numeric(a) && numeric(b)) return (t, i, j) => t.value[i]! - t.value[j]!;
  const kind = (d: FieldDef): number => (d.type === FT.String || d.type === FT.Bytes ? FT.Bytes : d.type);
  if (numeric(a) || numeric(b) || isBareProtocol(a) || isBareProtocol(b) || kind(a) !== kind(b)) return null;
  if (a.type === FT.IPv6Prefix) return null;
  return (t, i, j) => {
    const x = t.bufferOf(i);
    const y = t.bufferOf(j);
    const xs = t.start[i]!;
    const ys = t.start[j]!;
    return compareBytes(x, xs, Math.min(t.length[i]!, x.length - xs), y, ys, Math.min(t.length[j]!, y.length - ys));
  };
}

/**
 * field OP field: true when some occurrence of the first and some of the second
 * compare so (Wireshark's "any"); != is "no pair equal", ~= "some pair differs",
 * === "both present and every pair equal".
 */
function fieldComparison(text: string, n: Extract<Node, { kind: 'test' }>, a: FieldDef, b: FieldDef): Pred {
  const v = n.value!;
  const cmp = pairCompare(a, b);
  if (!cmp) throw new FilterError(text, v.pos, `${a.abbrev} (${typeName(a)}) and ${b.abbrev} (${typeName(b)}) do not compare`, [], v.len);
  const op = n.op!;
  if (op === 'contains' || op === 'matches') throw new FilterError(text, n.opToken!.pos, `"${text.slice(n.opToken!.pos, n.opToken!.pos + n.opToken!.len)}" takes a value, not another field`, [], n.opToken!.len);
  const anyPair = (test: (d: number) => boolean) => (t: Tree): boolean => {
    for (let i = t.first(a); i >= 0; i = t.next(a, i)) for (let j = t.first(b); j >= 0; j = t.next(b, j)) if (test(cmp(t, i, j))) return true;
    return false;
  };
  if (op === 'ne') { const eq = anyPair((d) => d === 0); return (t) => t.first(a) >= 0 && t.first(b) >= 0 && !eq(t); }
  if (op === 'all_eq') {
    const differs = anyPair((d) => d !== 0);
    return (t) => t.first(a) >= 0 && t.first(b) >= 0 && !differs(t);
  }
  return anyPair(order(op));
}

// ------------------------------------------------------------ arithmetic

/** Values one side of an arithmetic test may take at most (every occurrence, and every pair for a binary operator); the rest are left out. */
const MAX_VALUES = 1024;

/**
 * Arithmetic compiled: values(tree) writes the values the expression takes in
 * the packet into `out` and returns how many. A field gives one value per
 * occurrence; a binary operator one per pair of its operands' values (as
 * Wireshark: ipv6.opt.type + ipv6.opt.type holds 1 + 201 when both options are
 * there); a division by zero gives none. The arrays are made here, once, so
 * matching allocates nothing.
 */
interface ArithEval {
  out: Float64Array;
  values(t: Tree): number;
  /** Whether a field takes part (a side made of numbers alone is a constant). */
  hasField: boolean;
}

function compileArith(text: string, a: Arith): ArithEval {
  const out = new Float64Array(MAX_VALUES);
  switch (a.kind) {
    case 'atom': {
      const tok = a.token;
      const def = fieldByAbbrev(tok.text);
      if (!def) {
        const neg = tok.text[0] === '-';
        const x = a.fn === undefined ? wholeNumber(neg ? tok.text.slice(1) : tok.text) : null;
        if (x !== null) {
          out[0] = neg ? -x : x;
          return { out, values: () => 1, hasField: false };
        }
        throw new FilterError(text, tok.pos, `"${tok.text}" is neither a field name nor a number`, closeNames(tok.text, fieldNames()), tok.len);
      }
      if (a.fn === 'count') {
        return {
          out, hasField: true,
          values: (t) => {
            const c = countOf(t, def);
            if (c === 0) return 0;
            out[0] = c;
            return 1;
          },
        };
      }
      if (a.fn === 'len') {
        return {
          out, hasField: true,
          values: (t) => {
            let n = 0;
            for (let i = t.first(def); i >= 0 && n < MAX_VALUES; i = t.next(def, i)) out[n++] = itemLength(t, i);
            return n;
          },
        };
      }
      if (a.fn !== undefined) throw new FilterError(text, a.fnToken!.pos, `${a.fn}() gives text, which takes no part in arithmetic`, [], a.fnToken!.len);
      if (!NUMERIC.has(def.type) || isBareProtocol(def)) {
        throw new FilterError(text, tok.pos, `${def.abbrev} is ${typeName(def)}: only numbers take part in arithmetic (+ - * / %)`, [], tok.len);
      }
      return {
        out, hasField: true,
        values: (t) => {
          let n = 0;
          for (let i = t.first(def); i >= 0 && n < MAX_VALUES; i = t.next(def, i)) out[n++] = t.value[i]!;
          return n;
        },
      };
    }
    case 'neg': {
      const e = compileArith(text, a.a);
      return {
        out, hasField: e.hasField,
        values: (t) => {
          const n = e.values(t);
          for (let k = 0; k < n; k++) out[k] = -e.out[k]!;
          return n;
        },
      };
    }
    case 'binary': {
      const x = compileArith(text, a.a);
      const y = compileArith(text, a.b);
      const op = a.op;
      return {
        out, hasField: x.hasField || y.hasField,
        values: (t) => {
          const nx = x.values(t);
          if (nx === 0) return 0;
          const ny = y.values(t);
          let n = 0;
          for (let i = 0; i < nx; i++) {
            for (let j = 0; j < ny && n < MAX_VALUES; j++) {
              const u = x.out[i]!;
              const v = y.out[j]!;
              // Whole numbers, as Wireshark's integer fields: division truncates, the remainder takes the dividend's sign.
              if ((op === '/' || op === '%') && v === 0) continue;
              out[n++] = op === '+' ? u + v : op === '-' ? u - v : op === '*' ? u * v : op === '/' ? Math.trunc(u / v) : u % v;
            }
          }
          return n;
        },
      };
    }
  }
}

/**
 * A test with arithmetic on either side (Wireshark 4): every value of the left
 * side against every value of the right, with the operators' meaning for
 * repeated fields (==, <, ... some pair; != no pair equal; ~= some pair differs;
 * === every pair equal; both sides must have a value). With no comparison, the
 * test holds when the left side has a value. The left side must have a field in it.
 */
function arithmeticTest(text: string, n: Extract<Node, { kind: 'arith' }>): Pred {
  const lhs = compileArith(text, n.lhs);
  if (!lhs.hasField) {
    const tok = leftmost(n.lhs);
    throw new FilterError(text, tok.pos, 'the left side of a comparison must have a field in it (Wireshark refuses arithmetic on constants there)', [], tok.len);
  }
  if (n.op === undefined) return (t) => lhs.values(t) > 0;
  const opTok = n.opToken!;
  if (n.op === 'contains' || n.op === 'matches') {
    throw new FilterError(text, opTok.pos, `"${text.slice(opTok.pos, opTok.pos + opTok.len)}" works on bytes and text; arithmetic gives numbers`, [], opTok.len);
  }
  const rhs = compileArith(text, n.rhs!);
  const op = n.op;
  const holds = order(op === 'ne' || op === 'any_ne' || op === 'all_eq' ? 'eq' : op);
  return (t) => {
    const nl = lhs.values(t);
    if (nl === 0) return false;
    const nr = rhs.values(t);
    if (nr === 0) return false;
    let some = false;
    let every = true;
    for (let i = 0; i < nl; i++) {
      for (let j = 0; j < nr; j++) {
        if (holds(lhs.out[i]! - rhs.out[j]!)) some = true; else every = false;
      }
    }
    switch (op) {
      case 'ne': return !some;
      case 'any_ne': return !every;
      case 'all_eq': return every;
      default: return some;
    }
  };
}

/** The first token of an expression, for messages about the whole of it. */
function leftmost(a: Arith): Token {
  return a.kind === 'atom' ? a.token : a.kind === 'neg' ? a.token : leftmost(a.a);
}

// ------------------------------------------------------------ slices and functions

/** Fields whose bytes can be sliced: addresses, byte strings, text, 64-bit numbers and protocols. */
function sliceable(def: FieldDef): boolean {
  return def.type === FT.IPv6 || def.type === FT.IPv4 || def.type === FT.Ether || def.type === FT.Bytes || def.type === FT.String
    || def.type === FT.UInt64 || def.type === FT.IPv6Prefix || def.type === FT.Protocol;
}

/** Where the last located slice lies in its item's buffer (set by a locator, read at once: nothing allocated). */
let viewStart = 0;
let viewLength = 0;

/** Locate the slice in an occurrence; false when the occurrence is too short for it (that occurrence does not match). */
function locator(s: Slice): (t: Tree, i: number) => boolean {
  const { start, end, length } = s;
  return (t, i) => {
    const b = t.bufferOf(i);
    const at = t.start[i]!;
    const n = Math.min(t.length[i]!, b.length - at);
    const a = start < 0 ? n + start : start;
    const e = length !== undefined ? a + length : end === null ? n : end < 0 ? n + end : end;
    if (a < 0 || e > n || a >= e) return false;
    viewStart = at + a;
    viewLength = e - a;
    return true;
  };
}

/** field[range] op VALUE: the range's bytes compared with a byte string ("20:01", "ff", "text"). */
function sliceTest(text: string, n: Extract<Node, { kind: 'test' }>, def: FieldDef, s: Slice): Pred {
  if (!sliceable(def)) {
    throw new FilterError(text, s.token.pos, `${def.abbrev} is ${typeName(def)}: only fields with bytes (addresses, byte strings, text, protocols) can be sliced`, [], s.token.len);
  }
  const locate = locator(s);
  if (n.op === undefined) return anyItem(def, locate);
  const bytesDef = { ...def, type: FT.Bytes } as FieldDef;
  const one = (op: RelOp, v: Token): ItemTest => {
    if (op === 'matches') {
      const re = regex(text, v);
      return (t, i) => locate(t, i) && re.test(latin1Decoder.decode(t.bufferOf(i).subarray(viewStart, viewStart + viewLength)));
    }
    const want = byteString(text, bytesDef, v);
    const cmp = viewTest(op, want);
    return (t, i) => locate(t, i) && cmp(t.bufferOf(i));
  };
  if (n.set) return anyItem(def, anyOf(n.set.map((e) => inRange(e, one))));
  return overOccurrences(def, n.op, (op) => one(op, n.value!));
}

/** Compare the located view of `b` with `want` (memcmp order, then length), or search it. */
function viewTest(op: RelOp, want: Uint8Array): (b: Uint8Array) => boolean {
  if (op === 'contains') return (b) => hasBytes(b, viewStart, viewLength, want);
  const holds = order(op);
  return (b) => holds(compareBytes(b, viewStart, viewLength, want, 0, want.length));
}

/** A whole number written in decimal, 0x, 0b or 0o; null when `s` is not one. */
function wholeNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
  if (/^0b[01]+$/i.test(s)) return parseInt(s.slice(2), 2);
  if (/^0o[0-7]+$/i.test(s)) return parseInt(s.slice(2), 8);
  return null;
}

/** A plain number for len() and count(): decimal, 0x, 0b or 0o. */
function plainNumber(text: string, v: Token): number {
  const x = v.kind === 'word' ? wholeNumber(v.text) : null;
  if (x === null) throw new FilterError(text, v.pos, `"${v.text}" is not a whole number`, [], v.len);
  return x;
}

/** count(f): the field's occurrences in the packet. */
function countOf(t: Tree, def: FieldDef): number {
  let c = 0;
  for (let i = t.first(def); i >= 0; i = t.next(def, i)) c++;
  return c;
}

/** len(f) of one occurrence: the bytes the field takes in the packet, whatever its type (as Wireshark's len: 1 for an 8-bit number). */
function itemLength(t: Tree, i: number): number {
  return Math.min(t.length[i]!, t.bufferOf(i).length - t.start[i]!);
}

function compareNumber(op: RelOp, x: number, opTok: Token, text: string): (v: number) => boolean {
  if (op === 'contains' || op === 'matches') {
    throw new FilterError(text, opTok.pos, `"${text.slice(opTok.pos, opTok.pos + opTok.len)}" compares text and bytes; a count or length is a number`, [], opTok.len);
  }
  const holds = order(op);
  return (v) => holds(v - x);
}

/** A number set {1 3..5} as a test of one number. */
function numberSet(text: string, set: readonly SetElement[]): (v: number) => boolean {
  const ranges = set.map((e) => [plainNumber(text, e.lo), e.hi ? plainNumber(text, e.hi) : plainNumber(text, e.lo)] as const);
  return (v) => {
    for (let k = 0; k < ranges.length; k++) if (v >= ranges[k]![0] && v <= ranges[k]![1]) return true;
    return false;
  };
}

function functionTest(text: string, n: Extract<Node, { kind: 'test' }>, def: FieldDef, fn: FunctionName): Pred {
  const opTok = n.opToken!;
  if (fn === 'count') {
    const test = n.set ? numberSet(text, n.set) : compareNumber(n.op!, plainNumber(text, n.value!), opTok, text);
    // As in Wireshark, an absent field has no count: count(f) == 0 is never true (test its absence with !f).
    return (t) => {
      const c = countOf(t, def);
      return c > 0 && test(c);
    };
  }
  if (fn === 'len') {
    if (n.set) { const inSet = numberSet(text, n.set); return anyItem(def, (t, i) => inSet(itemLength(t, i))); }
    return overOccurrences(def, n.op!, (op) => { const c = compareNumber(op, plainNumber(text, n.value!), opTok, text); return (t, i) => c(itemLength(t, i)); });
  }
  // lower() and upper(): the text, case changed, compared as text.
  if (def.type !== FT.String) throw new FilterError(text, n.fnToken!.pos, `${fn}() changes the case of text; ${def.abbrev} is ${typeName(def)}`, [], n.fnToken!.len);
  const cased = (t: Tree, i: number): string => {
    const b = t.bufferOf(i);
    const s = t.start[i]!;
    const u = utf8Decoder.decode(b.subarray(s, Math.min(s + t.length[i]!, b.length)));
    return fn === 'lower' ? u.toLowerCase() : u.toUpperCase();
  };
  const one = (op: RelOp, v: Token): ItemTest => {
    if (op === 'matches') { const re = regex(text, v); return (t, i) => re.test(cased(t, i)); }
    const w = v.text;
    switch (op) {
      case 'contains': return (t, i) => cased(t, i).includes(w);
      case 'lt': return (t, i) => cased(t, i) < w;
      case 'gt': return (t, i) => cased(t, i) > w;
      case 'le': return (t, i) => cased(t, i) <= w;
      case 'ge': return (t, i) => cased(t, i) >= w;
      default: return (t, i) => cased(t, i) === w;
    }
  };
  if (n.set) return anyItem(def, anyOf(n.set.map((e) => inRange(e, one))));
  return overOccurrences(def, n.op!, (op) => one(op, n.value!));
}

/** A "matches" pattern, case-insensitive as Wireshark's. */
function regex(text: string, v: Token): RegExp {
  if (v.kind !== 'string') throw new FilterError(text, v.pos, 'matches takes a regular expression in double quotes, e.g. "HAS-(RATE|BACKOFF)"', [], v.len);
  try {
    return new RegExp(v.text, 'i');
  } catch (e) {
    throw new FilterError(text, v.pos, `not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`, [], v.len);
  }
}

// ------------------------------------------------------------ per field type

const NUMERIC: ReadonlySet<number> = new Set([FT.UInt, FT.Int, FT.Bool, FT.Choice, FT.Protocol]);

/** A protocol without value names (frame, ipv6, mip6...): present or absent, its bytes searchable, no value to compare. */
function isBareProtocol(def: FieldDef): boolean {
  return def.type === FT.Protocol && !def.vals;
}

function typeName(def: FieldDef): string {
  switch (def.type) {
    case FT.Protocol: return 'a protocol';
    case FT.Bool: return 'a flag';
    case FT.IPv6: return 'an IPv6 address';
    case FT.IPv4: return 'an IPv4 address';
    case FT.IPv6Prefix: return 'an IPv6 prefix';
    case FT.Ether: return 'a MAC address';
    case FT.Bytes: return 'a byte string';
    case FT.String: return 'text';
    default: return 'a number';
  }
}

function itemTest(text: string, def: FieldDef, op: RelOp, v: Token, opTok: Token): ItemTest {
  if (op === 'matches') return matchesTest(text, def, v, opTok);
  if (NUMERIC.has(def.type)) {
    if (isBareProtocol(def)) {
      // As in Wireshark, a protocol's bytes (its header and what it carries) can be searched: frame contains 20:01:0d:b8.
      if (op === 'contains') return bytesTest(op, byteString(text, def, v), 0);
      throw new FilterError(text, opTok.pos, `${def.abbrev} is a protocol: test its presence with the name alone ("${def.abbrev}"), or its bytes with contains`, [], opTok.len);
    }
    if (op === 'contains') {
      throw new FilterError(text, opTok.pos, `"contains" works on bytes and text; ${def.abbrev} is ${typeName(def)}`, [], opTok.len);
    }
    const x = numberValue(text, def, v);
    return numericTest(op, x);
  }
  if (def.type === FT.UInt64) {
    if (op === 'contains') throw new FilterError(text, opTok.pos, `"contains" works on bytes and text; ${def.abbrev} is a number`, [], opTok.len);
    return bytesTest(op, u64Bytes(text, v), 8);
  }
  if (def.type === FT.IPv6 || def.type === FT.IPv4) {
    if (op === 'contains') return bytesTest(op, byteString(text, def, v), 0);
    const a = addressValue(text, def, v);
    if (a.bits < a.bytes.length * 8) {
      if (op !== 'eq') throw new FilterError(text, opTok.pos, 'a prefix can only be tested with == or != (or in {...})', [], opTok.len);
      return prefixTest(a.bytes, a.bits);
    }
    return bytesTest(op, a.bytes, a.bytes.length);
  }
  if (def.type === FT.IPv6Prefix) {
    if (op !== 'eq') throw new FilterError(text, opTok.pos, `${def.abbrev} is a prefix: test it with == or != (or in {...})`, [], opTok.len);
    const a = addressValue(text, def, v);
    const exactLength = /\/\d+$/.test(v.text);
    const mask = prefixTest(a.bytes, a.bits);
    // With a length written ("/64") the prefix must be that prefix; without, only its address bits are compared.
    return exactLength ? (t, i) => t.value[i] === a.bits && mask(t, i) : bytesTest('eq', a.bytes, 16);
  }
  // Bytes, String, Ether: compare the bytes where they lie.
  const want = def.type === FT.Ether && v.kind === 'word' ? macValue(text, v) : byteString(text, def, v);
  return bytesTest(op, want, def.type === FT.Ether ? 6 : -1);
}

/**
 * `matches`: a regular expression (in double quotes) searched in text fields and in the bytes of byte
 * fields and protocols, case-insensitively as in Wireshark. The expression is JavaScript's dialect,
 * which agrees with Wireshark's PCRE2 on the common forms (classes, groups, alternation, anchors).
 */
function matchesTest(text: string, def: FieldDef, v: Token, opTok: Token): ItemTest {
  if (def.type !== FT.String && def.type !== FT.Bytes && !isBareProtocol(def)) {
    throw new FilterError(text, opTok.pos, `"matches" works on text and bytes; ${def.abbrev} is ${typeName(def)}`, [], opTok.len);
  }
  const re = regex(text, v);
  // Text as UTF-8; bytes one character each (latin1), so a pattern can match any byte.
  const decode = def.type === FT.String ? utf8Decoder : latin1Decoder;
  return (t, i) => {
    const b = t.bufferOf(i);
    const s = t.start[i]!;
    return re.test(decode.decode(b.subarray(s, Math.min(s + t.length[i]!, b.length))));
  };
}

const utf8Decoder = new TextDecoder('utf-8');
const latin1Decoder = new TextDecoder('latin1');

function numericTest(op: RelOp, x: number): ItemTest {
  switch (op) {
    case 'lt': return (t, i) => t.value[i]! < x;
    case 'gt': return (t, i) => t.value[i]! > x;
    case 'le': return (t, i) => t.value[i]! <= x;
    case 'ge': return (t, i) => t.value[i]! >= x;
    default: return (t, i) => t.value[i] === x;
  }
}

function elementTest(text: string, def: FieldDef, e: SetElement): ItemTest {
  const opTok = e.lo;
  if (!e.hi) return itemTest(text, def, 'eq', e.lo, opTok);
  if (NUMERIC.has(def.type) && !isBareProtocol(def)) {
    const lo = numberValue(text, def, e.lo);
    const hi = numberValue(text, def, e.hi);
    if (hi < lo) throw new FilterError(text, e.lo.pos, `the range ${e.lo.text}..${e.hi.text} is empty: put the smaller end first`, [], e.hi.pos + e.hi.len - e.lo.pos);
    return (t, i) => { const v = t.value[i]!; return v >= lo && v <= hi; };
  }
  return inRange(e, (op, v) => itemTest(text, def, op, v, opTok));
}

/** A set element as a test of one occurrence: equal to its value, or within lo..hi. */
function inRange(e: SetElement, one: (op: RelOp, v: Token) => ItemTest): ItemTest {
  if (!e.hi) return one('eq', e.lo);
  const ge = one('ge', e.lo);
  const le = one('le', e.hi);
  return (t, i) => ge(t, i) && le(t, i);
}

// ------------------------------------------------------------ literals

function numberValue(text: string, def: FieldDef, v: Token): number {
  const s = v.text;
  if (v.kind === 'word') {
    if (/^[+-]?\d+(\.\d+)?$/.test(s)) return Number(s);
    if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
    if (/^0b[01]+$/i.test(s)) return parseInt(s.slice(2), 2);
    if (/^0o[0-7]+$/i.test(s)) return parseInt(s.slice(2), 8);
    const low = s.toLowerCase();
    if (low === 'true' || low === 'false') {
      if (def.type !== FT.Bool) throw new FilterError(text, v.pos, `${def.abbrev} is ${typeName(def)}, not a flag: compare it with a number`, [], v.len);
      return low === 'true' ? 1 : 0;
    }
    if (fieldByAbbrev(s)) throw new FilterError(text, v.pos, `comparing ${def.abbrev} with another field is not supported: give a value`, [], v.len);
  }
  // A value name, quoted or bare: "Administratively prohibited", good.
  const vals = def.vals;
  if (vals) {
    const low = s.toLowerCase();
    for (const k of Object.keys(vals)) if (vals[+k]!.toLowerCase() === low) return +k;
    const names = Object.values(vals);
    throw new FilterError(text, v.pos, `"${s}" is not a value name of ${def.abbrev}`, closeNames(s, names), v.len);
  }
  throw new FilterError(text, v.pos, `${def.abbrev} is ${typeName(def)}: "${s}" is not a number (write 12, 0x0c, 0b1100${def.type === FT.Bool ? ', true or false' : ''})`, [], v.len);
}

interface AddressValue { bytes: Uint8Array; bits: number }

function addressValue(text: string, def: FieldDef, v: Token): AddressValue {
  const s = v.text;
  const v6 = def.type !== FT.IPv4;
  const slash = s.indexOf('/');
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const size = v6 ? 16 : 4;
  const bad = (msg: string): never => { throw new FilterError(text, v.pos, msg, [], v.len); };
  if (v6 ? !ipaddr().IPv6.isValid(addrText) || addrText.includes('%') : !ipaddr().IPv4.isValidFourPartDecimal(addrText)) {
    if (v.kind === 'word' && fieldByAbbrev(s)) bad(`comparing ${def.abbrev} with another field is not supported: give an address`);
    bad(`"${s}" is not an ${v6 ? 'IPv6' : 'IPv4'} address${v6 ? ' or prefix (write 2001:db8::1 or 2001:db8:1::/48)' : ''}`);
  }
  const bytes = Uint8Array.from((v6 ? ipaddr().IPv6.parse(addrText) : ipaddr().IPv4.parse(addrText)).toByteArray());
  let bits = size * 8;
  if (slash >= 0) {
    const len = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(len) || +len > size * 8) bad(`prefix length "${len}" must be 0 to ${size * 8}`);
    bits = +len;
  }
  return { bytes, bits };
}

function macValue(text: string, v: Token): Uint8Array {
  const parts = v.text.split(/[:\-.]/);
  if (parts.length === 6 && parts.every((p) => /^[0-9a-f]{1,2}$/i.test(p))) return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
  throw new FilterError(text, v.pos, `"${v.text}" is not a MAC address (write 02:00:00:00:00:a1)`, [], v.len);
}

/** A string literal as UTF-8, or a word as hex bytes (aa:bb:cc, aa-bb-cc, aabbcc). */
function byteString(text: string, def: FieldDef, v: Token): Uint8Array {
  if (v.kind === 'string') return new TextEncoder().encode(v.text);
  const s = v.text;
  const parts = /[:\-.]/.test(s) ? s.split(/[:\-.]/) : s.replace(/^0x/i, '').match(/.{1,2}/g) ?? [];
  if (parts.length > 0 && parts.every((p) => /^[0-9a-f]{2}$/i.test(p) || (parts.length > 1 && /^[0-9a-f]$/i.test(p)))) {
    return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
  }
  if (def.type === FT.String) return new TextEncoder().encode(s);
  throw new FilterError(text, v.pos, `"${s}" is not a byte string: write aa:bb:cc, or "text" in double quotes`, [], v.len);
}

function u64Bytes(text: string, v: Token): Uint8Array {
  let n: bigint;
  try {
    if (v.kind !== 'word' || !/^(0x[0-9a-f]+|\d+)$/i.test(v.text)) throw new Error();
    n = BigInt(v.text);
  } catch {
    throw new FilterError(text, v.pos, `"${v.text}" is not a whole number`, [], v.len);
  }
  if (n >= 1n << 64n) throw new FilterError(text, v.pos, `${v.text} does not fit in 64 bits`, [], v.len);
  const out = new Uint8Array(8);
  for (let k = 7; k >= 0; k--) { out[k] = Number(n & 0xffn); n >>= 8n; }
  return out;
}

// ------------------------------------------------------------ byte comparisons

/**
 * Compare the item's bytes with `want`. `width` > 0: the field has that fixed size
 * (addresses, MACs, 64-bit numbers) and a shorter item never matches;
 * -1: variable length, ordered like memcmp then by length. width 0: contains only.
 */
function bytesTest(op: RelOp, want: Uint8Array, width: number): ItemTest {
  if (op === 'contains') {
    return (t, i) => {
      const b = t.bufferOf(i);
      const s = t.start[i]!;
      return hasBytes(b, s, Math.min(t.length[i]!, b.length - s), want);
    };
  }
  const holds = order(op);
  return (t, i) => {
    const b = t.bufferOf(i);
    const s = t.start[i]!;
    let len = width > 0 ? width : t.length[i]!;
    if (width > 0 && t.length[i]! < width) return false;
    if (s + len > b.length) { if (width > 0) return false; len = b.length - s; }
    return holds(compareBytes(b, s, len, want, 0, want.length));
  };
}

/** Whether a comparison's sign satisfies `op` (ne and any_ne: it is not 0; eq and all_eq: it is). */
function order(op: RelOp): (d: number) => boolean {
  switch (op) {
    case 'lt': return (d) => d < 0;
    case 'gt': return (d) => d > 0;
    case 'le': return (d) => d <= 0;
    case 'ge': return (d) => d >= 0;
    case 'ne': case 'any_ne': return (d) => d !== 0;
    default: return (d) => d === 0;
  }
}

/** x[xs..xs+xl) against y[ys..ys+yl): byte by byte, then the shorter first (memcmp's order). */
function compareBytes(x: Uint8Array, xs: number, xl: number, y: Uint8Array, ys: number, yl: number): number {
  const m = xl < yl ? xl : yl;
  for (let k = 0; k < m; k++) {
    const d = x[xs + k]! - y[ys + k]!;
    if (d !== 0) return d;
  }
  return xl - yl;
}

/** Whether b[s..s+len) holds the bytes of `want` anywhere. */
function hasBytes(b: Uint8Array, s: number, len: number, want: Uint8Array): boolean {
  const n = want.length;
  if (n === 0) return true;
  const first = want[0]!;
  outer: for (let p = s, last = s + len - n; p <= last; p++) {
    if (b[p] !== first) continue;
    for (let k = 1; k < n; k++) if (b[p + k] !== want[k]) continue outer;
    return true;
  }
  return false;
}

/** Whether the first `bits` bits of the item's address equal those of `want`. */
function prefixTest(want: Uint8Array, bits: number): ItemTest {
  const whole = bits >>> 3;
  const rest = bits & 7;
  const mask = rest ? (0xff << (8 - rest)) & 0xff : 0;
  const size = want.length;
  return (t, i) => {
    const b = t.bufferOf(i);
    const s = t.start[i]!;
    if (t.length[i]! < size || s + size > b.length) return false;
    for (let k = 0; k < whole; k++) if (b[s + k] !== want[k]) return false;
    return rest === 0 || ((b[s + whole]! ^ want[whole]!) & mask) === 0;
  };
}
