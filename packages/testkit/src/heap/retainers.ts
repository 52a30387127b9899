/**
 * Heap evidence: why is an undeleted BH still alive? One heap snapshot of the running process
 * (through memlab, loaded only here and only when called), then for each object the shortest chain
 * of strong references from a GC root to it, told as the property and variable names along the way.
 *
 * Finding the objects in the snapshot: each one is wrapped in a `BhsanRetainerProbe`, a class that
 * exists only for this, and the probe's `target` edge leads to the object's node. The search then
 * walks referrers backwards from that node (breadth first, so the path is a shortest one), never
 * through a probe, a leak record's `object` field, a weak or shortcut edge, or the stack and handle
 * roots that only exist because this very function is running. Callers therefore hand in leak
 * records and keep no other reference to the objects while the snapshot is taken.
 *
 * Cost: a snapshot of the whole heap (about a second and a few hundred MB in a Vitest worker) plus
 * one scan of its nodes; callers use it only after a leak was found.
 */

import { BhsanError } from '@bhsan/runtime';
import type { IHeapEdge, IHeapNode, IHeapSnapshot } from '@memlab/core';

/** Holds one object strongly so that the snapshot search can find it by class name. */
class BhsanRetainerProbe {
  readonly target: object;

  constructor(target: object) {
    this.target = target;
  }
}

const PROBE_CLASS = BhsanRetainerProbe.name;

/** Roots that hold objects only because a function (this one, say) is running right now. */
const TRANSIENT_ROOTS = new Set(['(Stack roots)', '(Handle scope)']);

/** One step of a retainer path: the edge's kind and its name. */
export interface RetainerStep {
  /** `property`, `element` (array index), `context` (closure variable), `internal`, `hidden`. */
  readonly type: string;
  /** Property or variable name, or the index as text. */
  readonly name: string;
  /** Class or kind of the object the edge starts from (`Object`, `system / Context`…). */
  readonly from: string;
}

/** The retainer path of one object, from a GC root to the object. */
export interface RetainerPath {
  /** Every edge from the root to the object. */
  readonly steps: readonly RetainerStep[];
  /**
   * The readable end of the path: names from the last closure variable (or the last four named
   * properties and elements) to the object, `['s', 'cleanupBh']` for `s.cleanupBh`.
   */
  readonly names: readonly string[];
}

/** Thrown when the snapshot could not be taken (memlab missing, out of memory…). */
export class RetainerPathError extends BhsanError {
  /** What memlab or V8 threw. */
  override readonly cause: unknown;

  constructor(cause: unknown) {
    super(
      'BHSAN_RETAINER_PATH',
      `Could not take a heap snapshot for retainer paths (retainers: true): ${String(cause)}`,
    );
    this.cause = cause;
  }
}

/** What the search needs of a leak record: the object, when it is still alive. */
export interface HeldObject {
  readonly object?: object;
}

/**
 * Snapshots the heap and returns, for each record in order, the retainer path of its object, or
 * undefined when it has no object or nothing strong holds it any more. Node only; any caller, after
 * a leak was found (it costs a full heap snapshot). The caller must hold the objects only through
 * these records (`Leak` from the tracker is such a record).
 */
export async function findRetainerPaths(
  records: readonly HeldObject[],
): Promise<Array<RetainerPath | undefined>> {
  const probes: Array<BhsanRetainerProbe | undefined> = records.map((record) =>
    record.object === undefined ? undefined : new BhsanRetainerProbe(record.object),
  );
  if (probes.every((probe) => probe === undefined)) return probes.map(() => undefined);

  let heap: IHeapSnapshot;
  try {
    const memlab = await loadMemlab();
    // A WeakRef read keeps its target alive until the current task ends (the tracker reads its
    // weak references during a check): let that task end so such holds are gone.
    await new Promise((resolve) => setTimeout(resolve, 0));
    memlab.config.muteConsole = true;
    heap = await memlab.takeNodeMinimalHeap();
  } catch (error) {
    throw new RetainerPathError(error);
  }

  const wanted = probes.filter((probe) => probe !== undefined).length;
  const targets = findProbeTargets(heap).slice(-wanted);
  let found = 0;
  return probes.map((probe) => {
    if (probe === undefined) return undefined;
    const target = targets[found++];
    return target === undefined ? undefined : shortestRetainerPath(target);
  });
}

/** Only the parts of memlab this module uses; the package is CommonJS. */
interface MemlabCore {
  readonly config: { muteConsole: boolean };
  takeNodeMinimalHeap(): Promise<IHeapSnapshot>;
}

async function loadMemlab(): Promise<MemlabCore> {
  const module = (await import('@memlab/core')) as unknown as { default?: MemlabCore };
  return module.default ?? (module as unknown as MemlabCore);
}

/** Probe targets in the order the probes were made (heap object ids grow with allocation). */
function findProbeTargets(heap: IHeapSnapshot): IHeapNode[] {
  const found: Array<{ probeId: number; target: IHeapNode }> = [];
  heap.nodes.forEach((node) => {
    if (node.type !== 'object' || node.name !== PROBE_CLASS) return;
    const edge = node.getReference('target', 'property');
    if (edge !== null && edge !== undefined) found.push({ probeId: node.id, target: edge.toNode });
  });
  found.sort((a, b) => a.probeId - b.probeId);
  return found.map((entry) => entry.target);
}

/** Breadth-first search from the object back to the snapshot's root; undefined if unreachable. */
function shortestRetainerPath(target: IHeapNode): RetainerPath | undefined {
  // For each node reached: the edge from it that leads one step closer to the target.
  const towardTarget = new Map<number, IHeapEdge | null>([[target.nodeIndex, null]]);
  let queue: IHeapNode[] = [target];
  let root: IHeapNode | undefined;

  while (queue.length > 0 && root === undefined) {
    const next: IHeapNode[] = [];
    for (const node of queue) {
      for (const edge of node.referrers) {
        if (edge.type === 'weak' || edge.type === 'shortcut') continue;
        const from = edge.fromNode;
        if (from.name === PROBE_CLASS || TRANSIENT_ROOTS.has(from.name)) continue;
        if (edge.name_or_index === 'object' && isLeakRecord(from)) continue;
        if (towardTarget.has(from.nodeIndex)) continue;
        towardTarget.set(from.nodeIndex, edge);
        if (from.nodeIndex === 0) {
          root = from;
          break;
        }
        next.push(from);
      }
      if (root !== undefined) break;
    }
    queue = next;
  }
  if (root === undefined) return undefined;

  const steps: RetainerStep[] = [];
  for (let edge = towardTarget.get(root.nodeIndex); edge;) {
    steps.push(describeEdge(edge));
    edge = towardTarget.get(edge.toNode.nodeIndex);
  }
  return { steps, names: readableNames(steps) };
}

/**
 * One edge as a step. V8 leaves variables of block-scope contexts unnamed (a `hidden` edge with
 * the variable's index; Vitest runs each module inside a block): their names are read from the
 * context's scope info, which lists them by the same index.
 */
function describeEdge(edge: IHeapEdge): RetainerStep {
  const from = edge.fromNode;
  const name = String(edge.name_or_index);
  if (edge.type === 'hidden' && from.name === 'system / Context' && /^\d+$/.test(name)) {
    const scopeInfo = from.getReferenceNode('scope_info', 'internal');
    const variable = scopeInfo?.getReferenceNode(Number(name), 'hidden');
    const text = variable?.isString === true ? variable.toStringNode()?.stringValue : undefined;
    if (text !== undefined) return { type: 'context', name: text, from: from.name };
  }
  return { type: edge.type, name, from: from.name };
}

/** A tracker leak record (`{ kind, allocation, object }`): it reports the object, not holds it. */
function isLeakRecord(node: IHeapNode): boolean {
  const allocation = node.getReference('allocation', 'property');
  return allocation !== null && allocation !== undefined;
}

const NAMED_STEP_TYPES = new Set(['property', 'element', 'context']);
const MAX_READABLE_STEPS = 4;

/** The end of a path a person recognizes: closure variables, properties, array indexes. */
export function readableNames(steps: readonly RetainerStep[]): string[] {
  let start = 0;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (steps[i]?.type === 'context') {
      start = i;
      break;
    }
  }
  const named = steps.slice(start).filter((step) => NAMED_STEP_TYPES.has(step.type));
  return named
    .slice(-MAX_READABLE_STEPS)
    .map((step) => (step.type === 'element' ? `[${step.name}]` : step.name));
}
