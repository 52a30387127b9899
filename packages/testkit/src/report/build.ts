/**
 * Turns the tracker's leak facts into a report: suppressions applied, leaks grouped by kind, name
 * and allocation stack, groups ordered (direct first, then larger groups first), `max_leaks`
 * applied. The result is plain JSON-able data; `renderReport` turns it into text.
 */
import type { Leak, LeakKind } from '@bhsan/runtime';
import { defaultBhsanOptions, type BhsanOptions } from '../options/index.js';
import { findSuppression, type Suppression } from '../suppressions/index.js';
import { reportFrames } from './paths.js';
import {
  REPORT_SCHEMA_ID,
  type Report,
  type ReportFrame,
  type ReportGroup,
  type ReportObject,
} from './types.js';

/** What `buildReport` needs besides the leaks. */
export interface BuildReportOptions {
  /** BHSAN_OPTIONS in force (max_leaks, strip_path_prefix). */
  readonly options?: BhsanOptions;
  readonly suppressions?: readonly Suppression[];
  /** Directory frames are shown relative to; default `process.cwd()`. */
  readonly cwd?: string;
  /** Process id in the header; default `process.pid`. */
  readonly pid?: number;
}

const KIND_ORDER: Readonly<Record<LeakKind, number>> = {
  direct: 0,
  'undeleted-at-finalize': 1,
  'still-reachable': 2,
};

interface Building {
  group: {
    kind: LeakKind;
    allocationKind: ReportGroup['allocationKind'];
    name: string;
    count: number;
    frames: ReportFrame[];
    objects: ReportObject[];
  };
  /** Smallest allocation id in the group: ties keep the order leaks were made in. */
  firstId: number;
}

/** Builds the report of `leaks`. Any caller in Node. */
export function buildReport(leaks: readonly Leak[], options: BuildReportOptions = {}): Report {
  const settings = options.options ?? defaultBhsanOptions;
  const rules = options.suppressions ?? [];
  const cwd = options.cwd ?? process.cwd();

  const used = new Map<Suppression, number>();
  const groups = new Map<string, Building>();
  for (const leak of leaks) {
    const rule = findSuppression(rules, leak, cwd);
    if (rule !== undefined) {
      used.set(rule, (used.get(rule) ?? 0) + 1);
      continue;
    }

    const { allocation } = leak;
    const frames = reportFrames(allocation.frames, cwd, settings.strip_path_prefix);
    const key = JSON.stringify([leak.kind, allocation.kind, allocation.name, frames]);
    let building = groups.get(key);
    if (building === undefined) {
      building = {
        group: {
          kind: leak.kind,
          allocationKind: allocation.kind,
          name: allocation.name,
          count: 0,
          frames,
          objects: [],
        },
        firstId: allocation.id,
      };
      groups.set(key, building);
    }
    building.group.count++;
    building.group.objects.push({
      id: allocation.id,
      context: allocation.contextName,
      owner: allocation.owner ?? null,
    });
    building.firstId = Math.min(building.firstId, allocation.id);
  }

  const ordered = [...groups.values()]
    .sort(
      (a, b) =>
        KIND_ORDER[a.group.kind] - KIND_ORDER[b.group.kind] ||
        b.group.count - a.group.count ||
        a.firstId - b.firstId,
    )
    .map((building) => building.group);
  for (const group of ordered) group.objects.sort((a, b) => a.id - b.id);

  const limit = settings.max_leaks === 0 ? ordered.length : settings.max_leaks;
  let bhs = 0;
  let timers = 0;
  for (const group of ordered) {
    if (group.allocationKind === 'bh') bhs += group.count;
    else timers += group.count;
  }

  return {
    schema: REPORT_SCHEMA_ID,
    pid: options.pid ?? process.pid,
    groups: ordered.slice(0, limit),
    omittedGroups: Math.max(0, ordered.length - limit),
    suppressions: [...used].map(([rule, count]) => ({
      pattern: rule.pattern,
      file: rule.file,
      line: rule.line,
      count,
    })),
    summary: { bhs, timers, allocations: ordered.length },
  };
}

/** Leaked objects the report counts (suppressed ones excluded). */
export function leakedCount(report: Report): number {
  return report.summary.bhs + report.summary.timers;
}
