/**
 * The report as plain data (schema `bhsan-report/1`): what the text report says, for machines.
 * Built by `buildReport`, rendered by `renderReport`, saved as JSON and read back by
 * `parseReportJson`.
 */
import type { AllocationKind, LeakKind } from '@bhsan/runtime';

/** The schema id every report carries. */
export const REPORT_SCHEMA_ID = 'bhsan-report/1';

/** One frame as reports show it. */
export interface ReportFrame {
  /** Function name, `<anonymous>` when the engine gave none. */
  readonly function: string;
  /** File relative to the working directory, or as given (see `displayPath`). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One leaked object of a group. */
export interface ReportObject {
  /** The tracker's allocation id. */
  readonly id: number;
  readonly context: string;
  /** Owner label at allocation (a test's name), or null. */
  readonly owner: string | null;
}

/** Leaks of one kind, one name and one allocation stack. */
export interface ReportGroup {
  readonly kind: LeakKind;
  readonly allocationKind: AllocationKind;
  /** The BH's or timer's name. */
  readonly name: string;
  /** How many objects leaked from this stack. */
  readonly count: number;
  /** The allocation stack, runtime frames left out; empty when capture was off. */
  readonly frames: readonly ReportFrame[];
  readonly objects: readonly ReportObject[];
  /**
   * Retainer paths (heap evidence) for still-reachable leaks, when the Vitest plugin found them.
   */
  retainers?: string[][];
}

/** One suppression rule that matched at least one leak. */
export interface ReportSuppression {
  readonly pattern: string;
  readonly file: string;
  readonly line: number;
  /** Leaked objects it hid. */
  readonly count: number;
}

/** A whole report. */
export interface Report {
  readonly schema: typeof REPORT_SCHEMA_ID;
  readonly pid: number;
  /** The groups reported, direct leaks first, then larger groups first. */
  readonly groups: readonly ReportGroup[];
  /** Groups found but left out by `max_leaks`. */
  readonly omittedGroups: number;
  /** Suppression rules that matched; empty when none did. */
  readonly suppressions: readonly ReportSuppression[];
  /** Every unsuppressed leak, the omitted groups included. */
  readonly summary: {
    readonly bhs: number;
    readonly timers: number;
    /** Distinct allocation groups. */
    readonly allocations: number;
  };
}
