/**
 * Findings as SARIF 2.1.0 for code-scanning dashboards: the rule catalog is
 * tool.driver.rules, each finding a result located at its capture file with
 * the frame number as a logical location.
 */
import type { Finding, RuleMeta, Severity } from '../analyze/types.js';
import { MARK_PLACE, writeJsonWithArray } from './json-stream.js';
import { collect } from './piece-writer.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** The SARIF document, `results` standing where the results go. */
function sarifDocument(catalog: readonly RuleMeta[], version: string, results: unknown): Record<string, unknown> {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'mip6scope',
          version,
          informationUri: 'https://www.rfc-editor.org/rfc/rfc5142',
          rules: catalog.map((m) => ({
            id: m.id,
            name: m.id.toLowerCase().replace(/-(.)/g, (_x, c: string) => c.toUpperCase()),
            shortDescription: { text: m.summary },
            fullDescription: { text: m.description },
            help: { text: `${m.description}\nExample: ${m.example}\nSpec: ${m.spec}` },
            defaultConfiguration: { level: LEVEL[m.severity] },
            properties: { spec: m.spec },
          })),
        },
      },
      results,
    }],
  };
}

function sarifResult(f: Finding, index: ReadonlyMap<string, number>): Record<string, unknown> {
  return {
    ruleId: f.rule,
    ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
    level: LEVEL[f.severity],
    message: { text: f.flow ? `${f.message} [${f.flow}]` : f.message },
    locations: [{
      physicalLocation: { artifactLocation: { uri: f.file } },
      logicalLocations: [{ name: `frame ${f.frame}`, kind: 'member', fullyQualifiedName: `${f.file}#${f.frame}` }],
    }],
    properties: { frame: f.frame, time: f.time, spec: f.spec, flow: f.flow },
  };
}

/** The SARIF text (pretty-printed JSON and a newline), written in pieces (json-stream.ts). */
export function writeSarif(findings: readonly Finding[], catalog: readonly RuleMeta[], version: string, write: (s: string) => void): void {
  const index = new Map(catalog.map((m, i) => [m.id, i]));
  writeJsonWithArray(sarifDocument(catalog, version, MARK_PLACE), findings.length, (i) => sarifResult(findings[i]!, index), write);
}

export function formatSarif(findings: readonly Finding[], catalog: readonly RuleMeta[], version: string): string {
  return collect((write) => writeSarif(findings, catalog, version, write));
}
