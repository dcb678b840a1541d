/** `mip6scope rules`: the rule catalog; `rules ID` one rule's page; `-T json` as [{id, severity, spec, summary}]. */
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { ALL_RULES, ruleById } from '../analyze/rules/index.js';

export interface RulesOptions {
  format?: 'text' | 'json';
}

export function registerRules(program: Command, setExit: (code: number) => void = (c) => { process.exitCode = c; }): void {
  program
    .command('rules')
    .description('list the lint rules (id, severity, spec section, summary), or show one rule')
    .argument('[id]', 'a rule id, e.g. HAS-BACKOFF')
    .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((id: string | undefined, opts: RulesOptions) => {
      const r = rulesMain(id, opts);
      if (r.out) process.stdout.write(r.out);
      if (r.err) process.stderr.write(r.err);
      setExit(r.code);
    });
}

export function rulesMain(id: string | undefined, opts: RulesOptions = {}): { out: string; err: string; code: number } {
  if (id) {
    const r = ruleById(id);
    if (!r) return { out: '', err: `mip6scope: no rule ${id}\n  mip6scope rules lists them\n`, code: 2 };
    const m = r.meta;
    if (opts.format === 'json') return { out: `${JSON.stringify(m, null, 2)}\n`, err: '', code: 0 };
    return { out: `${m.id}  (${m.severity}, ${m.spec})\n\n${m.summary}\n\n${m.description}\n\nExample: ${m.example}\n`, err: '', code: 0 };
  }
  if (opts.format === 'json') {
    return { out: `${JSON.stringify(ALL_RULES.map((r) => ({ id: r.meta.id, severity: r.meta.severity, spec: r.meta.spec, summary: r.meta.summary })), null, 2)}\n`, err: '', code: 0 };
  }
  // Ids are what users type and grep for: their column fits the longest whole (cli-table3 cuts a cell that does
  // not fit its width, with an ellipsis); one space of padding on each side. The prose columns wrap.
  const idWidth = Math.max(...ALL_RULES.map((r) => r.meta.id.length)) + 2;
  const t = new Table({ head: ['id', 'severity', 'spec', 'summary'], colWidths: [idWidth, 10, 30, 70], wordWrap: true, style: { head: [], border: [] } });
  for (const r of ALL_RULES) t.push([r.meta.id, r.meta.severity, r.meta.spec, r.meta.summary]);
  return { out: `${t.toString()}\n`, err: '', code: 0 };
}
