// Rule `no-use-after-delete`: once a bottom half is deleted on a path, that path must not schedule,
// cancel or delete it again (the runtime throws `UseAfterDeleteError` when it does).
//
// Locals and fields (`this.bh`, `s.bh`) are followed through the function's code paths. A new
// assignment, a check of `.deleted`, or a call that may reach the owner object ends what the rule
// knows about a field, so it stays quiet there. Binding a name again (`q = other`, or a `const q`
// declared in a loop, which is a new binding on each pass) ends what it knows about `q` and `q.*`.
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import {
  declaratorBinds,
  fieldKey,
  innermostValue,
  objectKey,
  propertyName,
  writtenTargets,
} from '../util/ast.js';
import {
  BhApi,
  type BhApiOptions,
  type BhOperation,
  bhApiSchemaProperties,
} from '../util/bh-api.js';
import {
  type FlowProblem,
  type PathFrame,
  PathRecorder,
  replaySegment,
  solveForward,
  StringSets,
} from '../util/code-path.js';
import { createRule } from '../util/create-rule.js';

/** Options of `no-use-after-delete`. */
export type NoUseAfterDeleteOptions = Omit<BhApiOptions, 'creators'>;

export type Options = [NoUseAfterDeleteOptions];

export type MessageIds = 'useAfterDelete';

const USED_AS: Readonly<Record<BhOperation, string>> = {
  schedule: 'scheduled',
  scheduleIdle: 'scheduled as idle work',
  cancel: 'cancelled',
  delete: 'deleted again',
};

export default createRule<Options, MessageIds>({
  name: 'no-use-after-delete',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow scheduling, cancelling or deleting a bottom half after it was deleted',
    },
    messages: {
      useAfterDelete:
        '`{{name}}` is {{usedAs}} here after it was deleted {{where}}. Remove this call, ' +
        'or assign a new bottom half to `{{name}}` before using it again.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: useAfterDeleteSchemaProperties(),
      },
    ],
  },
  defaultOptions: [{}],
  create(context, [options]) {
    const api = new BhApi(context, options);
    const sourceCode = context.sourceCode;
    const variableIds = new Map<TSESLint.Scope.Variable, number>();
    const deletions = new Map<string, Deletion>();
    const reported = new Set<number>();
    const recorder = new PathRecorder<UseEvent>(analyse);

    /** The tracking key of a receiver (`l:3` for a local, `f:this.bh` for a field). */
    function keyOf(node: TSESTree.Node): { key: string; name: string } | undefined {
      const inner = innermostValue(node);
      if (inner.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(inner), inner);
        if (!variable) {
          return undefined;
        }
        let id = variableIds.get(variable);
        if (id === undefined) {
          id = variableIds.size;
          variableIds.set(variable, id);
        }
        return { key: `l:${id}`, name: inner.name };
      }
      if (inner.type === AST_NODE_TYPES.MemberExpression) {
        const field = fieldKey(inner);
        return field === undefined ? undefined : { key: `f:${field}`, name: field };
      }
      return undefined;
    }

    function onCall(call: TSESTree.CallExpression): void {
      const method = api.methodOperationOf(call);
      const callee = innermostValue(call.callee);
      if (method !== undefined && callee.type === AST_NODE_TYPES.MemberExpression) {
        onOperation(call, callee.object, method);
        return;
      }
      const qemu = api.qemuOperationOf(call);
      const first = call.arguments[0];
      if (qemu !== undefined && first) {
        onOperation(call, first, qemu);
        return;
      }
      if (api.releasesArgument(call)) {
        for (const argument of call.arguments) {
          onOperation(call, argument, 'dispose');
        }
        return;
      }

      // Any other call on or with an object may replace that object's fields.
      if (callee.type === AST_NODE_TYPES.MemberExpression) {
        const object = objectKey(callee.object);
        if (object !== undefined) {
          recorder.record({ kind: 'resetObject', prefix: `f:${object}.` });
        }
      }
      for (const argument of call.arguments) {
        const inner = innermostValue(argument);
        if (inner.type === AST_NODE_TYPES.ThisExpression) {
          recorder.record({ kind: 'resetObject', prefix: 'f:this.' });
        } else if (inner.type === AST_NODE_TYPES.Identifier) {
          recorder.record({ kind: 'resetObject', prefix: `f:${inner.name}.` });
        }
      }
    }

    function onOperation(
      call: TSESTree.CallExpression,
      receiver: TSESTree.Node,
      operation: BhOperation | 'dispose',
    ): void {
      const target = keyOf(receiver);
      if (!target) {
        return;
      }
      if (operation !== 'dispose') {
        recorder.record({ kind: 'use', key: target.key, node: call, operation });
      }
      if (operation === 'delete' || operation === 'dispose') {
        const token = `${target.key}|${call.range[0]}`;
        deletions.set(token, { name: target.name, node: call });
        recorder.record({ kind: 'delete', key: target.key, token });
      }
    }

    /**
     * Forgets what is known about a target that is bound again, and about every field reached
     * through it: after `q = other` (or a new `const q` on the next loop pass), `q.bh` is another
     * bottom half. Called from the listeners for declarations, assignments and loop heads.
     */
    function rebind(target: TSESTree.Node): void {
      for (const written of writtenTargets(target)) {
        const key = keyOf(written);
        if (key) {
          recorder.record({ kind: 'reset', key: key.key });
        }
        const object = objectKey(written);
        if (object !== undefined) {
          recorder.record({ kind: 'resetObject', prefix: `f:${object}.` });
        }
      }
    }

    function analyse(frame: PathFrame<UseEvent>): void {
      if (frame.events.size === 0) {
        return;
      }
      const problem: FlowProblem<ReadonlySet<string>, UseEvent> = {
        initial: new Set(),
        join: (states) => StringSets.union(states),
        equal: StringSets.equal,
        apply: applyUse,
      };
      const result = solveForward(frame, problem);
      for (const segmentId of result.entry.keys()) {
        replaySegment(frame, result, problem, segmentId, (state, event) => {
          if (event.kind !== 'use' || reported.has(event.node.range[0])) {
            return;
          }
          const token = [...state].find((item) => item.startsWith(`${event.key}|`));
          const deletion = token === undefined ? undefined : deletions.get(token);
          if (!deletion) {
            return;
          }
          reported.add(event.node.range[0]);
          context.report({
            node: event.node,
            messageId: 'useAfterDelete',
            data: {
              name: deletion.name,
              usedAs: USED_AS[event.operation],
              where: whereDeleted(deletion.node, event.node),
            },
          });
        });
      }
    }

    const listeners: TSESLint.RuleListener = {
      CallExpression: onCall,
      'AssignmentExpression:exit'(node: TSESTree.AssignmentExpression) {
        rebind(node.left);
      },
      VariableDeclarator(node) {
        // In a loop body or loop head this runs on each pass.
        if (declaratorBinds(node)) {
          rebind(node.id);
        }
      },
      'ForInStatement > .left, ForOfStatement > .left'(node: TSESTree.Node) {
        // `for (q of qs)`: each pass assigns `q` afresh.
        if (node.type !== AST_NODE_TYPES.VariableDeclaration) {
          rebind(node);
        }
      },
      MemberExpression(node) {
        // `if (!bh.deleted) bh.schedule()`: the code checks for itself.
        if (propertyName(node) !== 'deleted') {
          return;
        }
        const target = keyOf(node.object);
        if (target) {
          recorder.record({ kind: 'reset', key: target.key });
        }
      },
    };
    return { ...recorder.listeners(), ...listeners };
  },
});

/** Where a bottom half was deleted, for the report. */
interface Deletion {
  readonly name: string;
  readonly node: TSESTree.Node;
}

/**
 * Where the deletion that a use comes after is, as the message says it: the call itself on an
 * earlier loop pass, the column when it shares the use's line, else the line.
 */
function whereDeleted(deletion: TSESTree.Node, use: TSESTree.Node): string {
  if (deletion === use) {
    return 'on an earlier pass of the loop';
  }
  const { line, column } = deletion.loc.start;
  return line === use.loc.start.line ? `on line ${line}, column ${column + 1}` : `on line ${line}`;
}

/** What the rule records on a path. */
type UseEvent =
  | { kind: 'delete'; key: string; token: string }
  | { kind: 'use'; key: string; node: TSESTree.Node; operation: BhOperation }
  | { kind: 'reset'; key: string }
  | { kind: 'resetObject'; prefix: string };

/** Deleted-on-some-path facts: a set of `key|deletion` tokens. */
function applyUse(state: ReadonlySet<string>, event: UseEvent): ReadonlySet<string> {
  switch (event.kind) {
    case 'delete': {
      const next = withoutKey(state, (item) => item.startsWith(`${event.key}|`));
      next.add(event.token);
      return next;
    }
    case 'reset':
      return withoutKey(state, (item) => item.startsWith(`${event.key}|`));
    case 'resetObject':
      return withoutKey(state, (item) => item.startsWith(event.prefix));
    default:
      return state;
  }
}

function withoutKey(state: ReadonlySet<string>, drop: (item: string) => boolean): Set<string> {
  const next = new Set<string>();
  for (const item of state) {
    if (!drop(item)) {
      next.add(item);
    }
  }
  return next;
}

/** The shared option schema without `creators`, which this rule has no use for. */
function useAfterDeleteSchemaProperties(): ReturnType<typeof bhApiSchemaProperties> {
  const { creators: _creators, ...rest } = bhApiSchemaProperties();
  return rest;
}
