/**
 * Findings as text for a person: grouped by rule (most severe first) with frame,
 * file and time, an optional timeline of failover and switch events, and
 * summary tables.
 */
import type { Finding, RuleMeta, Severity } from '../analyze/types.js';
import { SEVERITY_RANK } from '../analyze/types.js';
import type { NoteSeverity } from '../dissect/tree.js';
import { colorize, type Colors } from './color.js';
import { tableClass } from '../packages.js';
import type { TimelineEvent } from './timeline.js';
import { collect, PieceWriter } from './piece-writer.js';

export interface TextOptions {
  /** Show the failover/switch timeline. */
  timeline?: boolean;
  /** Several input files: name the file of each frame. */
  multipleFiles?: boolean;
  /** Time of the first packet, so times read as offsets into the capture. */
  start?: number;
  packets?: number;
  /** Failover and switch events read from the packets (TimelineCollector), merged into the timeline with the findings. */
  events?: readonly TimelineEvent[];
  /** Colours (severities, rule headings); none by default. */
  colors?: Colors;
  /** The -Y filter the findings were selected by, to say so under them. */
  displayFilter?: string;
}

/** Findings' severities as the colour module names them. */
const NOTE_SEVERITY: Record<Severity, NoteSeverity> = { error: 'error', warning: 'warning', info: 'note' };

function when(t: number, start: number | undefined): string {
  if (start !== undefined && Number.isFinite(start)) return `+${(t - start).toFixed(3)}s`;
  return new Date(t * 1000).toISOString();
}

function where(f: { file: string; frame: number }, o: TextOptions): string {
  return `${o.multipleFiles ? `${f.file}:` : ''}#${f.frame}`;
}

/** Rules and events that make up a failover/switch story. */
const TIMELINE_RULES = /^(HAR-|VHAR-FAILOVER|VHAR-ACTIVE|HAS-|HAHA-SWITCH)/;

/** The text report, written in pieces (piece-writer.ts). */
export function writeFindingsText(findings: readonly Finding[], catalog: readonly RuleMeta[], o: TextOptions, write: (s: string) => void): void {
  const c = o.colors ?? colorize(false);
  const out = new PieceWriter(write);
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) {
    let list = byRule.get(f.rule);
    if (!list) { list = []; byRule.set(f.rule, list); }
    list.push(f);
  }
  const meta = new Map(catalog.map((m) => [m.id, m]));
  // A loop, not Math.max(...): spreading a rule's hundreds of thousands of findings as arguments overflows the stack.
  const worstOf = new Map<string, number>();
  for (const [id, list] of byRule) {
    let w = -Infinity;
    for (const f of list) if (SEVERITY_RANK[f.severity] > w) w = SEVERITY_RANK[f.severity];
    worstOf.set(id, w);
  }
  const worst = (id: string): number => worstOf.get(id)!;
  const rules = [...byRule.keys()].sort((a, b) => worst(b) - worst(a) || a.localeCompare(b));
  for (const id of rules) {
    const list = byRule.get(id)!;
    const m = meta.get(id);
    out.line(`${c.protocol(id)} (${m?.spec ?? list[0]!.spec}): ${m?.summary ?? ''}`);
    for (const f of list) {
      out.line(`  ${c.severity(NOTE_SEVERITY[f.severity], f.severity.padEnd(7))} ${where(f, o).padEnd(8)} ${when(f.time, o.start).padEnd(12)} ${f.message}${f.flow ? `  [${f.flow}]` : ''}`);
    }
    out.line('');
  }
  if (o.timeline) { for (const l of timelineLines(findings, o, c)) out.line(l); out.line(''); }
  if (o.displayFilter !== undefined) out.line(`Display filter: ${o.displayFilter} (findings on other packets are not shown)`);
  out.line(summaryTable(findings, catalog));
  out.end();
}

export function formatFindingsText(findings: readonly Finding[], catalog: readonly RuleMeta[], o: TextOptions = {}): string {
  return collect((write) => writeFindingsText(findings, catalog, o, write));
}

/**
 * The failover/switch timeline: events read from the packets (who is active, the
 * last Hello, takeover, switches, re-registrations) and the findings of the
 * failover and switch rules, in time order, each at its frame.
 */
function timelineLines(findings: readonly Finding[], o: TextOptions, c: Colors): string[] {
  type Line = { time: number; file: string; frame: number; order: number; text: string };
  const lines: Line[] = [];
  for (const e of o.events ?? []) lines.push({ time: e.time, file: e.file, frame: e.frame, order: 0, text: e.text });
  for (const f of findings) {
    if (!TIMELINE_RULES.test(f.rule)) continue;
    lines.push({ time: f.time, file: f.file, frame: f.frame, order: 1, text: `${c.severity(NOTE_SEVERITY[f.severity], f.rule)}: ${f.message}` });
  }
  // Stable: events at the same instant keep the order they were told in, findings after them.
  lines.sort((a, b) => a.time - b.time || a.order - b.order);
  const out = [c.protocol('Timeline')];
  if (lines.length === 0) out.push('  (no failover or switch events)');
  for (const l of lines) out.push(`  ${when(l.time, o.start).padEnd(12)} ${where(l, o).padEnd(8)} ${l.text}`);
  return out;
}

/** Counts per severity and per rule. */
export function summarize(findings: readonly Finding[]): { total: number; bySeverity: Record<Severity, number>; byRule: Record<string, number> } {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  }
  return { total: findings.length, bySeverity, byRule };
}

function summaryTable(findings: readonly Finding[], catalog: readonly RuleMeta[]): string {
  const s = summarize(findings);
  if (s.total === 0) return 'No findings.';
  const Table = tableClass();
  const t = new Table({ head: ['rule', 'error', 'warning', 'info', 'spec'], style: { head: [], border: [] } });
  const meta = new Map(catalog.map((m) => [m.id, m]));
  const rows = new Map<string, Record<Severity, number>>();
  for (const f of findings) {
    let r = rows.get(f.rule);
    if (!r) { r = { error: 0, warning: 0, info: 0 }; rows.set(f.rule, r); }
    r[f.severity]++;
  }
  for (const [id, r] of [...rows].sort((a, b) => a[0].localeCompare(b[0]))) t.push([id, r.error || '', r.warning || '', r.info || '', meta.get(id)?.spec ?? '']);
  t.push(['total', s.bySeverity.error, s.bySeverity.warning, s.bySeverity.info, '']);
  return t.toString();
}
