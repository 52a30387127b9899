/**
 * The JSON Schema of `bhsan-report/1`, and a parser that checks saved reports against it.
 *
 * The validator understands exactly the keywords this schema uses (type, const, enum, minimum,
 * properties, required, additionalProperties, items), so the schema object is the one source of
 * truth for both tools and `parseReportJson`.
 */
import { BhsanError } from '@bhsan/runtime';
import { REPORT_SCHEMA_ID, type Report } from './types.js';

/** A JSON Schema node, limited to the keywords used here. */
export interface JsonSchema {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'boolean' | 'null';
  readonly const?: string;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly properties?: { readonly [key: string]: JsonSchema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
}

const count: JsonSchema = { type: 'integer', minimum: 0 };

const frame: JsonSchema = {
  type: 'object',
  required: ['function', 'file', 'line', 'column'],
  additionalProperties: false,
  properties: {
    function: { type: 'string' },
    file: { type: 'string' },
    line: count,
    column: count,
  },
};

/** The JSON Schema (draft 2020-12) of a saved report. */
export const reportSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://bhsan.dev/schemas/bhsan-report-1.json',
  title: 'bhsan leak report',
  description: 'The facts of a BHSanitizer leak report, grouped by allocation stack.',
  type: 'object',
  required: ['schema', 'pid', 'groups', 'omittedGroups', 'suppressions', 'summary'],
  additionalProperties: false,
  properties: {
    schema: { const: REPORT_SCHEMA_ID },
    pid: count,
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'allocationKind', 'name', 'count', 'frames', 'objects'],
        additionalProperties: false,
        properties: {
          kind: { enum: ['direct', 'undeleted-at-finalize', 'still-reachable'] },
          allocationKind: { enum: ['bh', 'timer'] },
          name: { type: 'string' },
          count: { type: 'integer', minimum: 1 },
          frames: { type: 'array', items: frame },
          objects: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'context', 'owner'],
              additionalProperties: false,
              properties: {
                id: count,
                context: { type: 'string' },
                owner: { anyOf: [{ type: 'string' }, { type: 'null' }] },
              },
            },
          },
          retainers: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
    omittedGroups: count,
    suppressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pattern', 'file', 'line', 'count'],
        additionalProperties: false,
        properties: { pattern: { type: 'string' }, file: { type: 'string' }, line: count, count },
      },
    },
    summary: {
      type: 'object',
      required: ['bhs', 'timers', 'allocations'],
      additionalProperties: false,
      properties: { bhs: count, timers: count, allocations: count },
    },
  },
};

/** A saved report that is not JSON or does not follow `bhsan-report/1`. */
export class ReportFormatError extends BhsanError {
  /** JSON path of the offending value (`$.groups[0].count`), `$` for the whole text. */
  readonly path: string;
  /** Where the text came from (a file name), as given to `parseReportJson`. */
  readonly source: string;

  constructor(source: string, path: string, problem: string) {
    super('BHSAN_BAD_REPORT', `${source}: ${path} ${problem} (schema ${REPORT_SCHEMA_ID})`);
    this.path = path;
    this.source = source;
  }
}

/** Why `value` does not follow `schema`, or undefined when it does. Exported for tests. */
export function schemaProblem(
  schema: JsonSchema,
  value: unknown,
  path = '$',
): { path: string; problem: string } | undefined {
  const fail = (problem: string): { path: string; problem: string } => ({ path, problem });

  if (schema.anyOf !== undefined) {
    const fits = schema.anyOf.some((option) => schemaProblem(option, value, path) === undefined);
    return fits ? undefined : fail('matches none of the allowed forms');
  }
  if (schema.const !== undefined && value !== schema.const) {
    return fail(`must be ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string)) {
    return fail(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }

  switch (schema.type) {
    case undefined:
      return undefined;
    case 'null':
      return value === null ? undefined : fail('must be null');
    case 'string':
    case 'boolean':
      return typeof value === schema.type ? undefined : fail(`must be a ${schema.type}`);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail('must be an integer');
      if (schema.minimum !== undefined && value < schema.minimum) {
        return fail(`must be >= ${schema.minimum}`);
      }
      return undefined;
    case 'array': {
      if (!Array.isArray(value)) return fail('must be an array');
      if (schema.items === undefined) return undefined;
      for (let i = 0; i < value.length; i++) {
        const found = schemaProblem(schema.items, value[i], `${path}[${i}]`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return fail('must be an object');
      }
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (!Object.hasOwn(record, key)) return fail(`lacks the required field '${key}'`);
      }
      for (const [key, field] of Object.entries(record)) {
        const fieldSchema = schema.properties?.[key];
        if (fieldSchema === undefined) {
          if (schema.additionalProperties === false) return fail(`has an unknown field '${key}'`);
          continue;
        }
        const found = schemaProblem(fieldSchema, field, `${path}.${key}`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
  }
}

/** Parses a saved JSON report and checks it against `reportSchema`. Any caller. */
export function parseReportJson(text: string, source = 'report'): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReportFormatError(source, '$', `is not JSON: ${reason}`);
  }
  const found = schemaProblem(reportSchema, value) ?? summaryProblem(value as Report);
  if (found !== undefined) throw new ReportFormatError(source, found.path, found.problem);
  return value as Report;
}

/**
 * Where a schema-valid report's summary contradicts its groups: the summary counts every group,
 * so it equals the groups' sums when none was omitted (`max_leaks`), and is at least them if some
 * were.
 */
function summaryProblem(report: Report): { path: string; problem: string } | undefined {
  const { summary, groups, omittedGroups } = report;
  const allocations = groups.length + omittedGroups;
  if (summary.allocations !== allocations) {
    return {
      path: '$.summary.allocations',
      problem: `is ${summary.allocations} but the report has ${allocations} group(s)`,
    };
  }
  for (const field of ['bhs', 'timers'] as const) {
    const kind = field === 'bhs' ? 'bh' : 'timer';
    const counted = groups
      .filter((group) => group.allocationKind === kind)
      .reduce((sum, group) => sum + group.count, 0);
    const fits = omittedGroups === 0 ? summary[field] === counted : summary[field] >= counted;
    if (!fits) {
      return {
        path: `$.summary.${field}`,
        problem: `is ${summary[field]} but the groups count ${counted}`,
      };
    }
  }
  return undefined;
}
