// Path-sensitive facts on top of ESLint's code path analysis.
//
// How it works: while ESLint walks the AST it tells listeners which code path segments are
// current. A rule records *events* (a bottom half created, released, an exit taken…) into every
// current segment of the function the event belongs to. When a function's code path ends, a
// forward data-flow pass runs over its segment graph to a fixed point: each segment's state on
// entry is the join of its predecessors' states on exit, and a segment's events transform it.
// Cost: events are recorded in O(1) each; the pass visits each segment once per change of its
// entry state, which is bounded by the (finite) height of the rule's state lattice.
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

type CodePath = TSESLint.CodePath;
type CodePathSegment = TSESLint.CodePathSegment;

/** One function's (or the module's) code path and the events recorded into its segments. */
export interface PathFrame<E> {
  readonly codePath: CodePath;
  /** The function (or Program) node that owns the code path. */
  readonly node: TSESTree.Node;
  /** Segments current at this point of the walk; more than one inside `finally` blocks. */
  readonly current: Set<CodePathSegment>;
  /** Events per segment id, in walk order. */
  readonly events: Map<string, E[]>;
}

/** Listener functions for ESLint's code path events, typed as ESLint calls them. */
interface CodePathListeners {
  onCodePathStart(codePath: CodePath, node: TSESTree.Node): void;
  onCodePathEnd(codePath: CodePath, node: TSESTree.Node): void;
  onCodePathSegmentStart(segment: CodePathSegment): void;
  onCodePathSegmentEnd(segment: CodePathSegment): void;
  onUnreachableCodePathSegmentStart(segment: CodePathSegment): void;
  onUnreachableCodePathSegmentEnd(segment: CodePathSegment): void;
}

/**
 * Records events into the segments of each code path. A rule creates one per file run, spreads
 * `listeners()` into its rule listener, and calls `record()` from its node handlers.
 */
export class PathRecorder<E> {
  readonly #stack: PathFrame<E>[] = [];
  readonly #byNode = new Map<TSESTree.Node, PathFrame<E>>();
  readonly #onEnd: (frame: PathFrame<E>) => void;

  /** `onEnd` runs when a code path is complete, innermost functions first. */
  constructor(onEnd: (frame: PathFrame<E>) => void) {
    this.#onEnd = onEnd;
  }

  /** The listeners to merge into the rule's listener object. */
  listeners(): TSESLint.RuleListener {
    const listeners: CodePathListeners = {
      onCodePathStart: (codePath, node) => {
        const frame: PathFrame<E> = { codePath, node, current: new Set(), events: new Map() };
        this.#stack.push(frame);
        this.#byNode.set(node, frame);
      },
      onCodePathEnd: () => {
        const frame = this.#stack.pop();
        if (frame) {
          this.#onEnd(frame);
        }
      },
      onCodePathSegmentStart: (segment) => this.#top()?.current.add(segment),
      onCodePathSegmentEnd: (segment) => this.#top()?.current.delete(segment),
      onUnreachableCodePathSegmentStart: (segment) => this.#top()?.current.add(segment),
      onUnreachableCodePathSegmentEnd: (segment) => this.#top()?.current.delete(segment),
    };
    // ESLint passes (codePath, node) to these; typescript-eslint's listener type only knows nodes.
    return listeners as unknown as TSESLint.RuleListener;
  }

  /** The innermost frame being walked. */
  get frame(): PathFrame<E> | undefined {
    return this.#top();
  }

  /** The frame owned by a function (or Program) node, while that function is being walked. */
  frameOf(node: TSESTree.Node): PathFrame<E> | undefined {
    return this.#byNode.get(node);
  }

  /** Appends `event` to every current segment of `frame` (default: the innermost one). */
  record(event: E, frame: PathFrame<E> | undefined = this.#top()): void {
    if (!frame) {
      return;
    }
    for (const segment of frame.current) {
      let list = frame.events.get(segment.id);
      if (!list) {
        list = [];
        frame.events.set(segment.id, list);
      }
      list.push(event);
    }
  }

  #top(): PathFrame<E> | undefined {
    return this.#stack[this.#stack.length - 1];
  }
}

/** A lattice and transfer function for `solveForward`. */
export interface FlowProblem<S, E> {
  /** State on entry to the function. */
  readonly initial: S;
  /** Combines the exit states of a segment's predecessors. */
  join(states: readonly S[]): S;
  equal(a: S, b: S): boolean;
  /** Applies one event. Must not mutate `state`. */
  apply(state: S, event: E): S;
}

/** The fixed-point entry and exit state of every reachable segment. */
export interface FlowResult<S> {
  readonly entry: ReadonlyMap<string, S>;
  readonly exit: ReadonlyMap<string, S>;
}

/** Runs a forward data-flow pass over `frame`'s segments. Called from a `PathRecorder`'s onEnd. */
export function solveForward<S, E>(frame: PathFrame<E>, problem: FlowProblem<S, E>): FlowResult<S> {
  const entry = new Map<string, S>();
  const exit = new Map<string, S>();
  const initial = frame.codePath.initialSegment;
  const queue: CodePathSegment[] = [initial];
  const queued = new Set<string>([initial.id]);

  while (queue.length > 0) {
    const segment = queue.shift() as CodePathSegment;
    queued.delete(segment.id);

    const incoming = segment.prevSegments
      .map((previous) => exit.get(previous.id))
      .filter((state): state is S => state !== undefined);
    const start =
      segment === initial ? problem.join([problem.initial, ...incoming]) : problem.join(incoming);
    entry.set(segment.id, start);

    let state = start;
    for (const event of frame.events.get(segment.id) ?? []) {
      state = problem.apply(state, event);
    }
    const before = exit.get(segment.id);
    if (before !== undefined && problem.equal(before, state)) {
      continue;
    }
    exit.set(segment.id, state);
    for (const next of segment.nextSegments) {
      if (!queued.has(next.id)) {
        queue.push(next);
        queued.add(next.id);
      }
    }
  }
  return { entry, exit };
}

/** Replays a segment's events from its fixed-point entry state, calling `visit` before each. */
export function replaySegment<S, E>(
  frame: PathFrame<E>,
  result: FlowResult<S>,
  problem: FlowProblem<S, E>,
  segmentId: string,
  visit: (state: S, event: E) => void,
): void {
  let state = result.entry.get(segmentId);
  if (state === undefined) {
    return;
  }
  for (const event of frame.events.get(segmentId) ?? []) {
    visit(state, event);
    state = problem.apply(state, event);
  }
}

/** Immutable string-set helpers for lattice states. */
export const StringSets = {
  union(states: readonly ReadonlySet<string>[]): ReadonlySet<string> {
    if (states.length === 1) {
      return states[0] as ReadonlySet<string>;
    }
    const out = new Set<string>();
    for (const state of states) {
      for (const item of state) {
        out.add(item);
      }
    }
    return out;
  },
  equal(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
    if (a.size !== b.size) {
      return false;
    }
    for (const item of a) {
      if (!b.has(item)) {
        return false;
      }
    }
    return true;
  },
};
