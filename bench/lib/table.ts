/**
 * The terminal table: one block per suite, one row per figure with its ratio, then the claims.
 * Plain text (no colour) so that it pastes into the README unchanged.
 */
import type { BenchResults, Measurement, SuiteResult } from './results.js';

/** A number: grouped when ≥ 100 (`1,234,567`), else three significant digits (`38.2`). */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 100) {
    return Math.round(value).toLocaleString('en-US');
  }
  return Number(value.toPrecision(3)).toString();
}

/** A ratio as `1.03x`, `1,234x` or `0.412x`. */
export function formatRatio(value: number): string {
  return `${formatValue(value)}x`;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => (i === 1 || i === 2 || i === 3 ? cell.padStart(widths[i] ?? 0) : cell))
    .map((cell, i) => (i === 1 || i === 2 || i === 3 ? cell : cell.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

function renderSuite(suite: SuiteResult): string[] {
  const header = `${suite.title}  [${suite.status}, ${suite.seconds.toFixed(1)} s]`;
  if (suite.status !== 'ok') {
    return [header, `  ${suite.status}: ${suite.reason ?? 'no reason given'}`];
  }

  const labels = new Map(suite.measurements.map((m) => [m.id, m.label]));
  const rows = suite.measurements.map((m: Measurement) => [
    m.label,
    `${formatValue(m.value)} ${m.unit}`,
    m.rme === undefined || (m.samples ?? 0) < 2 ? '' : `±${m.rme.toFixed(1)}%`,
    m.ratio === undefined ? '' : formatRatio(m.ratio.value),
    m.ratio === undefined ? '' : `vs ${labels.get(m.ratio.against) ?? m.ratio.against}`,
  ]);
  const all = [['figure', 'value', '±rme', 'ratio', 'against'], ...rows];
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...all.map((r) => (r[i] ?? '').length)));

  return [
    header,
    ...all.map((r) => `  ${pad(r, widths)}`),
    ...suite.notes.map((n) => `  note: ${n}`),
  ];
}

/** The whole report as lines. Who may call: bench/run.ts. */
export function renderResults(results: BenchResults): string {
  const m = results.machine;
  const lines = [
    `bhsan benchmarks (${results.mode}) — ${m.cpus} × ${m.cpuModel}, ${m.memoryMB} MB, ` +
      `Node ${m.node} on ${m.platform}, ${results.date}, ${results.seconds.toFixed(0)} s, ` +
      `load average ${m.loadAverage[0].toFixed(1)} → ${m.loadAverage[1].toFixed(1)}`,
    '',
  ];
  for (const suite of results.suites) {
    lines.push(...renderSuite(suite), '');
  }

  const claims = results.suites.flatMap((s) => s.claims);
  if (claims.length > 0) {
    lines.push('claims');
    for (const claim of claims) {
      const verdict = claim.holds === undefined ? 'n/a  ' : claim.holds ? 'HOLDS' : 'FAILS';
      lines.push(`  ${verdict}  ${claim.text} — ${claim.observed}`);
    }
  }
  return lines.join('\n');
}
