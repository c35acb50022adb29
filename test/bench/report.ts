import { promises as fsp } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface StepResult {
  step: string;
  seconds: number;
  /** Repository growth of the step (median). */
  stored: number;
  peakRss: number;
}

export interface ToolResult {
  tool: string;
  steps: StepResult[];
}

const DOCS = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

export function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** A markdown table, one row per step and tool, with Strata's times relative to each peer. */
export function renderTable(results: ToolResult[]): string {
  const peers = results.filter((r) => !r.tool.startsWith('strata'));
  const head = ['step', 'tool', 'median time', 'stored', 'peak RSS', ...peers.map((p) => `÷ ${p.tool}`)];
  const rows: string[][] = [];
  for (const [i, { step }] of (results[0]?.steps ?? []).entries()) {
    for (const r of results) {
      const s = r.steps[i]!;
      const ratios = peers.map((p) => (r.tool.startsWith('strata') ? `${(s.seconds / p.steps[i]!.seconds).toFixed(2)}` : ''));
      rows.push([step, r.tool, `${s.seconds.toFixed(2)} s`, mib(s.stored), mib(s.peakRss), ...ratios]);
    }
  }
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function machine(): string {
  const c = cpus();
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${c[0]?.model ?? 'unknown CPU'} × ${c.length}, Linux ${release()}, Node ${process.version}; load average at the end ${load} (the machine is shared)`;
}

/**
 * Replaces the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in
 * docs/benchmarks.md, so each harness refreshes its own figures and leaves the prose alone.
 */
export async function writeDocsSection(name: string, body: string): Promise<void> {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const text = await fsp.readFile(DOCS, 'utf8');
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) throw new Error(`docs/benchmarks.md has no ${open} … ${close} section to fill`);
  const next = `${text.slice(0, a + open.length)}\nMeasured ${machine()}.\n\n${body}\n${text.slice(b)}`;
  await fsp.writeFile(DOCS, next);
  console.error(`updated ${DOCS} (${name})`);
}
