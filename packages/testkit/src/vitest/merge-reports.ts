/**
 * One report from many: the reports tests and files carried in their meta, possibly from other
 * processes or shards, become the run's combined report. Groups with the same kind, name and
 * allocation stack become one; order and `max_leaks` follow `buildReport`'s rules.
 */

import type { LeakKind } from '@bhsan/runtime';

import type { BhsanOptions } from '../options/index.js';
import {
  REPORT_SCHEMA_ID,
  type Report,
  type ReportGroup,
  type ReportObject,
  type ReportSuppression,
} from '../report/types.js';

const KIND_ORDER: Readonly<Record<LeakKind, number>> = {
  direct: 0,
  'undeleted-at-finalize': 1,
  'still-reachable': 2,
};

interface MergedGroup {
  kind: LeakKind;
  allocationKind: ReportGroup['allocationKind'];
  name: string;
  count: number;
  frames: ReportGroup['frames'];
  objects: ReportObject[];
  retainers: string[][];
  hasRetainers: boolean;
  /** Position of the group's first appearance: ties keep the order reports came in. */
  first: number;
}

/** Merges reports in the order given (test order). Any caller. */
export function mergeReports(
  reports: readonly Report[],
  sanitizer: BhsanOptions,
  pid: number = process.pid,
): Report {
  const groups = new Map<string, MergedGroup>();
  const suppressions = new Map<string, ReportSuppression>();
  let position = 0;

  for (const report of reports) {
    // omittedGroups of a part are lost: its groups were never sent (max_leaks applied there).
    for (const group of report.groups) {
      const key = JSON.stringify([group.kind, group.allocationKind, group.name, group.frames]);
      let merged = groups.get(key);
      if (merged === undefined) {
        merged = {
          kind: group.kind,
          allocationKind: group.allocationKind,
          name: group.name,
          count: 0,
          frames: group.frames,
          objects: [],
          retainers: [],
          hasRetainers: false,
          first: position++,
        };
        groups.set(key, merged);
      }
      merged.count += group.count;
      merged.objects.push(...group.objects);
      merged.hasRetainers ||= group.retainers !== undefined;
      merged.retainers.push(...group.objects.map((_, index) => group.retainers?.[index] ?? []));
    }
    for (const used of report.suppressions) {
      const key = JSON.stringify([used.pattern, used.file, used.line]);
      const seen = suppressions.get(key);
      suppressions.set(key, { ...used, count: (seen?.count ?? 0) + used.count });
    }
  }

  const ordered = [...groups.values()].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.count - a.count || a.first - b.first,
  );
  let bhs = 0;
  let timers = 0;
  for (const group of ordered) {
    if (group.allocationKind === 'bh') bhs += group.count;
    else timers += group.count;
  }
  const limit = sanitizer.max_leaks === 0 ? ordered.length : sanitizer.max_leaks;

  return {
    schema: REPORT_SCHEMA_ID,
    pid,
    groups: ordered.slice(0, limit).map((group): ReportGroup => ({
      kind: group.kind,
      allocationKind: group.allocationKind,
      name: group.name,
      count: group.count,
      frames: group.frames,
      objects: group.objects,
      ...(group.hasRetainers ? { retainers: group.retainers } : {}),
    })),
    omittedGroups: Math.max(0, ordered.length - limit),
    suppressions: [...suppressions.values()],
    summary: { bhs, timers, allocations: ordered.length },
  };
}
