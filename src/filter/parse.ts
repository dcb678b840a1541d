/**
 * Display-filter syntax (Wireshark's, the subset people type): tokens and a
 * syntax tree carrying the column of every token, so the compiler can point at
 * the exact place a field or value is wrong.
 *
 *   expr    := orExpr
 *   orExpr  := andExpr (("or" | "||" | "xor" | "^^") andExpr)*
 *   andExpr := unary (("and" | "&&") unary)*
 *   unary   := ("not" | "!") unary | "(" expr ")" | test
 *   test    := operand [ relop VALUE | "contains" VALUE | ("matches" | "~") "REGEX" | ["not"] "in" "{" element* "}" ]
 *            | sum [ relop sum ]                          (arithmetic on either side, as Wireshark 4)
 *   operand := FIELD [ "[" range "]" ] | FUNCTION "(" FIELD ")"
 *   sum     := product (("+" | "-") product)*
 *   product := factor (("*" | "/" | "%") factor)*
 *   factor  := "-" factor | "{" sum "}" | FIELD | FUNCTION "(" FIELD ")" | NUMBER
 *   range   := N ":" M | N "-" M | N | ":" M | N ":"      (offset:length, first-last, one byte; N may be negative)
 *   element := VALUE | VALUE ".." VALUE
 */
import { FilterError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'lbrace' | 'rbrace' | 'lbracket' | 'rbracket' | 'comma' | 'end';

export interface Token {
  kind: TokenKind;
  /** Words and strings: the text (strings unescaped); operators: the canonical name. */
  text: string;
  pos: number;
  /** Columns in the filter text. */
  len: number;
}

/** Comparison operators, by canonical name. */
export type RelOp = 'eq' | 'ne' | 'any_ne' | 'all_eq' | 'lt' | 'gt' | 'le' | 'ge' | 'contains' | 'matches';

const SYMBOLS: readonly [string, string][] = [
  // Longest first so "===" is not read as "==" then "=".
  ['===', 'all_eq'], ['!==', 'any_ne'], ['==', 'eq'], ['!=', 'ne'], ['~=', 'any_ne'], ['<=', 'le'], ['>=', 'ge'],
  ['&&', 'and'], ['||', 'or'], ['^^', 'xor'], ['<', 'lt'], ['>', 'gt'], ['!', 'not'], ['~', 'matches'],
  // Arithmetic; "-" and "/" are word characters (negative numbers, prefixes), so alone they are words the parser reads as operators.
  ['+', '+'], ['*', '*'], ['%', '%'],
];

const KEYWORDS: Readonly<Record<string, string>> = {
  and: 'and', or: 'or', xor: 'xor', not: 'not', in: 'in', contains: 'contains', matches: 'matches',
  eq: 'eq', ne: 'ne', lt: 'lt', gt: 'gt', le: 'le', ge: 'ge',
  any_eq: 'eq', all_ne: 'ne', any_ne: 'any_ne', all_eq: 'all_eq',
};

const RELOPS = new Set(['eq', 'ne', 'any_ne', 'all_eq', 'lt', 'gt', 'le', 'ge', 'contains', 'matches']);

// Field names, numbers, addresses (with ':' and '/'), byte strings and ranges ("1..5") are all one word.
const isWordChar = (c: string): boolean => /[A-Za-z0-9_.:/\-]/.test(c);

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const single: Partial<Record<string, TokenKind>> = { '(': 'lparen', ')': 'rparen', '{': 'lbrace', '}': 'rbrace', '[': 'lbracket', ']': 'rbracket', ',': 'comma' };
    const k = single[c];
    if (k) { out.push({ kind: k, text: c, pos: i, len: 1 }); i++; continue; }
    if (c === '"') { i = readString(text, i, out); continue; }
    if ((c === 'r' || c === 'R') && text[i + 1] === '"') { i = readRawString(text, i, out); continue; }
    const sym = SYMBOLS.find(([s]) => text.startsWith(s, i));
    if (sym) { out.push({ kind: 'op', text: sym[1], pos: i, len: sym[0].length }); i += sym[0].length; continue; }
    if (isWordChar(c)) {
      let j = i;
      while (j < text.length && isWordChar(text[j]!)) j++;
      const w = text.slice(i, j);
      const lower = w.toLowerCase();
      // Own keys only: "constructor" is a field name to look up, not Object's.
      const kw = Object.hasOwn(KEYWORDS, lower) ? KEYWORDS[lower] : undefined;
      out.push(kw ? { kind: 'op', text: kw, pos: i, len: j - i } : { kind: 'word', text: w, pos: i, len: j - i });
      i = j;
      continue;
    }
    if (c === '=') throw new FilterError(text, i, 'a single "=" is not an operator: compare with "=="');
    throw new FilterError(text, i, `unexpected character "${c}"`);
  }
  out.push({ kind: 'end', text: '', pos: text.length, len: 1 });
  return out;
}

/** The escapes a double-quoted string takes (besides \xhh), as Wireshark's. */
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '0': '\0',
};

/** r"..." (raw: a backslash is itself, for regular expressions); returns the index after the closing quote. */
function readRawString(text: string, start: number, out: Token[]): number {
  const close = text.indexOf('"', start + 2);
  if (close < 0) throw new FilterError(text, start, 'the string is not closed: add a closing "');
  out.push({ kind: 'string', text: text.slice(start + 2, close), pos: start, len: close + 1 - start });
  return close + 1;
}

function readString(text: string, start: number, out: Token[]): number {
  let i = start + 1;
  let s = '';
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\') {
      const e = text[i + 1];
      if (e === undefined) break;
      if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
        s += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
        i += 4;
        continue;
      }
      // As in Wireshark, an unknown escape is an error, not the letter: "\d" meant for a regular expression would silently be "d".
      if (!Object.hasOwn(ESCAPES, e)) {
        throw new FilterError(text, i, `unknown escape "\\${e}" in a string: write "\\\\${e}" for a backslash and ${e}, or use a raw string r"..." (as for regular expressions)`);
      }
      s += ESCAPES[e];
      i += 2;
      continue;
    }
    s += text[i];
    i++;
  }
  // Also when the text ends in a lone backslash: that escapes nothing and leaves the string open.
  if (text[i] !== '"') throw new FilterError(text, start, 'the string is not closed: add a closing "');
  out.push({ kind: 'string', text: s, pos: start, len: i + 1 - start });
  return i + 1;
}

export interface SetElement {
  lo: Token;
  /** Set for a range "lo..hi". */
  hi?: Token;
}

/**
 * A byte range of a field ("[0:2]"): from `start` (negative: from the end) up to
 * `end` exclusive (null: to the end; negative: from the end), or `length` bytes.
 */
export interface Slice {
  start: number;
  end: number | null;
  /** Set for offset:length, when the end follows from the start. */
  length?: number;
  token: Token;
}

/** The functions a test can apply to a field, as Wireshark's. */
export const FUNCTIONS = ['len', 'count', 'lower', 'upper'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export type ArithOp = '+' | '-' | '*' | '/' | '%';

/** Arithmetic (Wireshark 4): a field or a function of one (its occurrences), a number, and what + - * / % and unary minus make of them. */
export type Arith =
  | { kind: 'atom'; token: Token; fn?: FunctionName; fnToken?: Token }
  | { kind: 'neg'; a: Arith; token: Token }
  | { kind: 'binary'; op: ArithOp; a: Arith; b: Arith; token: Token };

export type Node =
  | { kind: 'or' | 'and' | 'xor'; a: Node; b: Node }
  | { kind: 'not'; a: Node }
  | { kind: 'test'; field: Token; slice?: Slice; fn?: FunctionName; fnToken?: Token; op?: RelOp; opToken?: Token; value?: Token; set?: SetElement[] }
  | { kind: 'arith'; lhs: Arith; op?: RelOp; opToken?: Token; rhs?: Arith };

export function parse(text: string): Node {
  const tokens = tokenize(text);
  let p = 0;
  const peek = (): Token => tokens[p]!;
  const take = (): Token => tokens[p++]!;
  const fail = (t: Token, msg: string): never => { throw new FilterError(text, t.pos, msg, [], t.len); };
  const isOp = (t: Token, ...names: string[]): boolean => t.kind === 'op' && names.includes(t.text);

  function orExpr(): Node {
    let a = andExpr();
    while (isOp(peek(), 'or', 'xor')) {
      const op = take().text as 'or' | 'xor';
      a = { kind: op, a, b: andExpr() };
    }
    return a;
  }
  function andExpr(): Node {
    let a = unary();
    while (isOp(peek(), 'and')) {
      take();
      a = { kind: 'and', a, b: unary() };
    }
    return a;
  }
  function unary(): Node {
    const t = peek();
    if (isOp(t, 'not')) { take(); return { kind: 'not', a: unary() }; }
    if (t.kind === 'lparen') return group('rparen', '(', ')', orExpr);
    if (t.kind === 'word' || t.kind === 'lbrace') return test();
    if (t.kind === 'end') return fail(t, 'the filter ends where a field name was expected');
    return fail(t, `expected a field name, found ${describe(t, text)}`);
  }
  /** A field with its slice, or a function of a field. */
  function operand(): { field: Token; slice?: Slice; fn?: FunctionName; fnToken?: Token } {
    const first = take();
    if (peek().kind === 'lparen') {
      const name = first.text.toLowerCase();
      if (!(FUNCTIONS as readonly string[]).includes(name)) fail(first, `"${first.text}" is not a function: the functions are ${FUNCTIONS.join(', ')}`);
      take();
      const field = peek();
      if (field.kind !== 'word') fail(field, `expected a field name in ${name}(...), found ${describe(field, text)}`);
      take();
      if (peek().kind === 'lbracket') fail(peek(), `${name}() takes a whole field, not a slice of it`);
      const close = peek();
      if (close.kind !== 'rparen') fail(close, `expected ")" to close ${name}(, found ${describe(close, text)}`);
      take();
      return { field, fn: name as FunctionName, fnToken: { ...first, len: close.pos + 1 - first.pos } };
    }
    if (peek().kind !== 'lbracket') return { field: first };
    const open = take();
    const r = peek();
    let body = '';
    if (r.kind === 'word') { body = r.text; take(); } else if (r.kind === 'op' && r.text === 'not') fail(r, 'expected a byte range such as [0:2], [0-1] or [-2:]');
    const close = peek();
    if (close.kind !== 'rbracket') fail(close, close.kind === 'end' ? 'the range is not closed: add "]"' : `expected "]" here, found ${describe(close, text)}`);
    take();
    const token: Token = { kind: 'word', text: body, pos: open.pos, len: close.pos + 1 - open.pos };
    return { field: first, slice: parseSlice(text, body, token) };
  }

  // ---- arithmetic
  /** The operator `t` stands for where an operator may follow an operand, or null. */
  function arithOp(t: Token): ArithOp | null {
    if (t.kind === 'op' && (t.text === '+' || t.text === '*' || t.text === '%')) return t.text;
    if (t.kind === 'word' && (t.text === '-' || t.text === '/')) return t.text;
    // "a -1": the tokenizer reads "-1" as a negative number; after an operand it is "minus 1".
    if (t.kind === 'word' && t.text.length > 1 && t.text[0] === '-') return '-';
    return null;
  }
  /** Whether an arithmetic operator follows the operand just read. */
  const arithFollows = (): boolean => arithOp(peek()) !== null;
  /** Split the "-" the tokenizer read into the word here off it: returns the "-" and leaves the rest to be read. */
  function splitMinus(): Token {
    const t = peek();
    tokens[p] = { kind: 'word', text: t.text.slice(1), pos: t.pos + 1, len: t.len - 1 };
    return { ...t, text: '-', len: 1 };
  }
  /** Take the operator of arithOp(); a glued "-1" leaves "1" to be read next. */
  function takeArithOp(): { op: ArithOp; token: Token } {
    const t = peek();
    const op = arithOp(t)!;
    if (t.kind === 'word' && t.text.length > 1) return { op, token: splitMinus() };
    take();
    return { op, token: t };
  }
  function sum(first?: Arith): Arith {
    let a = product(first);
    for (let o = arithOp(peek()); o === '+' || o === '-'; o = arithOp(peek())) {
      const { op, token } = takeArithOp();
      a = { kind: 'binary', op, a, b: product(), token };
    }
    return a;
  }
  function product(first?: Arith): Arith {
    let a = first ?? factor();
    for (let o = arithOp(peek()); o === '*' || o === '/' || o === '%'; o = arithOp(peek())) {
      const { op, token } = takeArithOp();
      a = { kind: 'binary', op, a, b: factor(), token };
    }
    return a;
  }
  /** What `inner` reads between the opening token here (taken) and its closing one. */
  function group<T>(closeKind: TokenKind, open: string, close: string, inner: () => T): T {
    take();
    const e = inner();
    const c = peek();
    if (c.kind !== closeKind) fail(c, c.kind === 'end' ? `missing "${close}" to close the "${open}" opened earlier` : `expected "${close}" here, found ${describe(c, text)}`);
    take();
    return e;
  }
  /** "-" alone, or a word the tokenizer read with a leading "-" that is not a negative number ("-mip6.bu.seqnr"): a unary minus. */
  const negation = (t: Token): boolean => t.kind === 'word' && t.text[0] === '-' && (t.text.length === 1 || !/^-\d/.test(t.text));
  function factor(): Arith {
    const t = peek();
    if (t.kind === 'lbrace') return group('rbrace', '{', '}', () => sum());
    if (t.kind === 'word' && t.text === '-') { take(); return { kind: 'neg', a: factor(), token: t }; }
    if (negation(t)) {
      const minus = splitMinus();
      return { kind: 'neg', a: factor(), token: minus };
    }
    if (t.kind !== 'word') return fail(t, t.kind === 'end' ? 'the filter ends where a field or number was expected' : `expected a field or a number, found ${describe(t, text)}`);
    if (tokens[p + 1]!.kind === 'lparen') {
      const { field, fn, fnToken } = operand();
      return { kind: 'atom', token: field, fn, fnToken };
    }
    take();
    if (peek().kind === 'lbracket') fail(peek(), 'a slice does not take part in arithmetic: compare it with a byte string');
    return { kind: 'atom', token: t };
  }
  /** The rest of a test whose left side is arithmetic: a comparison with a value or arithmetic, or nothing (the left side has a value). */
  function arithTest(lhs: Arith): Node {
    const t = peek();
    if (t.kind === 'op' && RELOPS.has(t.text)) {
      take();
      const v = peek();
      if (v.kind === 'end') fail(v, 'the filter ends where a value to compare with was expected');
      return { kind: 'arith', lhs, op: t.text as RelOp, opToken: t, rhs: sum() };
    }
    if (isOp(t, 'in') || (isOp(t, 'not') && isOp(tokens[p + 1]!, 'in'))) fail(t, 'arithmetic is compared with ==, !=, <, >, <=, >=, not tested with "in"');
    if (t.kind === 'word' || t.kind === 'string') fail(t, 'expected an operator (==, !=, <, >, <=, >=, + - * / %) here');
    return { kind: 'arith', lhs };
  }

  function test(): Node {
    const start = peek();
    if (start.kind === 'lbrace' || negation(start)) return arithTest(sum());
    const { field, slice, fn, fnToken } = operand();
    if (slice === undefined && arithFollows()) return arithTest(sum({ kind: 'atom', token: field, fn, fnToken }));
    const t = peek();
    if (t.kind === 'op' && RELOPS.has(t.text)) {
      take();
      const v = peek();
      if (v.kind === 'lbrace' || (v.kind === 'word' && tokens[p + 1] !== undefined && arithOp(tokens[p + 1]!) !== null && slice === undefined)) {
        // Arithmetic on the right: the left side is the field (or function) as one operand.
        return { kind: 'arith', lhs: { kind: 'atom', token: field, fn, fnToken }, op: t.text as RelOp, opToken: t, rhs: sum() };
      }
      if (v.kind !== 'word' && v.kind !== 'string') fail(v, v.kind === 'end' ? `the filter ends where a value to compare ${field.text} with was expected` : `expected a value after "${text.slice(t.pos, t.pos + t.len)}", found ${describe(v, text)}`);
      take();
      return { kind: 'test', field, slice, fn, fnToken, op: t.text as RelOp, opToken: t, value: v };
    }
    // Wireshark 4: "f not in {...}" is "not (f in {...})".
    const negated = isOp(t, 'not') && isOp(tokens[p + 1]!, 'in');
    if (negated) take();
    else if (isOp(t, 'not')) fail(tokens[p + 1]!, `expected "in" after "not": write ${field.text} not in {...}, or join tests with "and not"`);
    if (isOp(peek(), 'in')) {
      const inToken = take();
      const open = peek();
      if (open.kind !== 'lbrace') fail(open, 'expected "{" after "in": write in {1 2 3} or in {1..5}');
      take();
      const set: SetElement[] = [];
      for (;;) {
        const e = peek();
        if (e.kind === 'rbrace') { take(); break; }
        if (e.kind === 'comma') { take(); continue; }
        if (e.kind === 'end') fail(open, 'the set is not closed: add "}"');
        if (e.kind !== 'word' && e.kind !== 'string') fail(e, `expected a value in the set, found ${describe(e, text)}`);
        take();
        set.push(splitRange(e));
      }
      if (set.length === 0) fail(open, 'the set is empty: list at least one value');
      const member: Node = { kind: 'test', field, slice, fn, fnToken, op: 'eq', opToken: inToken, set };
      return negated ? { kind: 'not', a: member } : member;
    }
    if (t.kind === 'word' || t.kind === 'string') fail(t, `expected an operator (==, !=, <, >, contains, matches, in, not in, and, or) after ${field.text}`);
    if (fn) fail(fnToken!, `compare ${fn}(${field.text}) with a value, e.g. ${fn}(${field.text}) ${fn === 'lower' || fn === 'upper' ? 'contains "text"' : '> 1'}`);
    return { kind: 'test', field, slice };
  }

  const root = orExpr();
  const rest = peek();
  if (rest.kind !== 'end') fail(rest, rest.kind === 'rparen' ? 'this ")" has no matching "("' : `unexpected ${describe(rest, text)}: join tests with "and" or "or"`);
  return root;
}

/** The inside of [...]: n:m (offset and length), n-m (first and last), n, :m, n: (n may be negative). */
function parseSlice(text: string, body: string, token: Token): Slice {
  const bad = (): never => { throw new FilterError(text, token.pos, `"[${body}]" is not a byte range: write [offset:length], [first-last], [offset], [:length] or [offset:]`, [], token.len); };
  const int = (s: string): number => { if (!/^-?\d{1,9}$/.test(s)) bad(); return Number(s); };
  let m = /^(-?\d+)?:(\d+)?$/.exec(body);
  if (m) {
    if (m[1] === undefined && m[2] === undefined) bad();
    const start = m[1] === undefined ? 0 : int(m[1]);
    if (m[2] === undefined) return { start, end: null, token };
    const length = int(m[2]);
    if (length === 0) throw new FilterError(text, token.pos, `"[${body}]" is empty: a range of 0 bytes`, [], token.len);
    return { start, end: null, length, token };
  }
  m = /^(-?\d+)-(-?\d+)$/.exec(body);
  if (m) {
    const first = int(m[1]!);
    const last = int(m[2]!);
    if ((first >= 0) === (last >= 0) && last < first) throw new FilterError(text, token.pos, `"[${body}]" is empty: put the first byte before the last`, [], token.len);
    return { start: first, end: last === -1 ? null : last + 1, token };
  }
  if (/^-?\d+$/.test(body)) {
    const at = int(body);
    return { start: at, end: at === -1 ? null : at + 1, token };
  }
  return bad();
}

/** "1..5" is one word to the tokenizer; a set element splits it into its ends. */
function splitRange(t: Token): SetElement {
  if (t.kind !== 'word') return { lo: t };
  const k = t.text.indexOf('..');
  if (k <= 0 || k + 2 >= t.text.length) return { lo: t };
  return {
    lo: { kind: 'word', text: t.text.slice(0, k), pos: t.pos, len: k },
    hi: { kind: 'word', text: t.text.slice(k + 2), pos: t.pos + k + 2, len: t.text.length - k - 2 },
  };
}

/** A token as a message names it: an operator as typed (its text is the canonical name: "==" is "eq"). */
function describe(t: Token, filter: string): string {
  switch (t.kind) {
    case 'end': return 'the end of the filter';
    case 'string': return `the string "${t.text}"`;
    case 'op': return `"${filter.slice(t.pos, t.pos + t.len)}"`;
    default: return `"${t.text}"`;
  }
}
