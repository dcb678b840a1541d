/**
 * Colour for people at a terminal: severities and the protocol tree. Off when
 * stdout is not a terminal, with --no-color, or with NO_COLOR set (no-color.org);
 * FORCE_COLOR turns it on for a pager that understands escapes (less -R).
 */
import type { NoteSeverity } from '../dissect/tree.js';

/**
 * Whether to colour. `flag` is commander's value of --color/--no-color (false
 * when --no-color was given, undefined or true otherwise); it wins over the environment.
 */
export function colorEnabled(isTTY: boolean, env: Readonly<Record<string, string | undefined>>, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTTY && env.TERM !== 'dumb';
}

const SGR = {
  red: 31, yellow: 33, cyan: 36, gray: 90, bold: 1, green: 32, magenta: 35,
} as const;
type Style = keyof typeof SGR;

const wrap = (style: Style, s: string): string => `\x1b[${SGR[style]}m${s}\x1b[${style === 'bold' ? 22 : 39}m`;

/** How each severity reads, as Wireshark's expert info colours them. */
const SEVERITY_STYLE: Record<NoteSeverity, Style> = { error: 'red', warning: 'yellow', note: 'cyan', chat: 'gray' };

export interface Colors {
  readonly enabled: boolean;
  /** Text in the colour of a severity ("error" red, "warning" yellow, "note" cyan, "chat" grey). */
  severity(sev: NoteSeverity, text: string): string;
  /** A protocol line of the tree ("Mobile IPv6"). */
  protocol(text: string): string;
  /** A field's name in a tree line, before its value. */
  fieldName(text: string): string;
  /** Computed values ([brackets] in the tree). */
  generated(text: string): string;
  /** Passing results ("good" checksum). */
  ok(text: string): string;
}

const identity = (s: string): string => s;

/** Colour functions; with `enabled` false every one returns its text unchanged. */
export function colorize(enabled: boolean): Colors {
  if (!enabled) {
    return { enabled, severity: (_s, t) => t, protocol: identity, fieldName: identity, generated: identity, ok: identity };
  }
  return {
    enabled,
    severity: (sev, t) => wrap(SEVERITY_STYLE[sev] ?? 'gray', t),
    protocol: (t) => wrap('bold', t),
    fieldName: (t) => wrap('cyan', t),
    generated: (t) => wrap('gray', t),
    ok: (t) => wrap('green', t),
  };
}

/** The usual decision for stdout in this process. */
export function colorsForStdout(flag?: boolean): Colors {
  return colorize(colorEnabled(process.stdout.isTTY === true, process.env, flag));
}

/** Remove colour codes (to measure or compare text). */
export function stripColor(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}
