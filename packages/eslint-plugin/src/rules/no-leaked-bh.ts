// Rule `no-leaked-bh`: a bottom half that is created must be deleted, or handed to someone who
// will.
//
// Four shapes are reported: (1) a created bottom half whose value is discarded; (2) a local that is
// neither released nor handed on along some path to where its scope ends, reported at that exit;
// (3) a field that is stored to but never released anywhere in its owner; (4) a store into a field
// that may still hold a live bottom half (the store runs outside the constructor and nothing on the
// path releases or checks the field first). Ownership moves, and the rule goes quiet, when the
// bottom half is returned, stored, put in a container, or passed to a call that takes it.
// In case 4 a release covers only the same object: binding `s` again ends it, and so does a new
// `const s` on each loop pass.
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import {
  classOfThis,
  declaratorBinds,
  enclosingFunction,
  fieldKey,
  functionNameNode,
  innermostValue,
  isConstructor,
  isDisposeMember,
  isFunction,
  isInside,
  isTestPosition,
  objectKey,
  outermostValue,
  propertyName,
  writtenTargets,
} from '../util/ast.js';
import {
  BhApi,
  type BhApiOptions,
  bhApiSchemaProperties,
  type Creation,
  oneLine,
  specifierListSchema,
  type TypeOrValueSpecifier,
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

/** Options of `no-leaked-bh`. */
export interface NoLeakedBhOptions extends BhApiOptions {
  /** Functions that only use a bottom half passed to them; the caller still owns it. */
  readonly borrowingFunctions?: TypeOrValueSpecifier[];
  /** Functions that take ownership of a bottom half passed to them. */
  readonly owningFunctions?: TypeOrValueSpecifier[];
  /** Whether a call the rule does not know takes ownership of its bottom-half arguments. */
  readonly unknownCallsTakeOwnership?: boolean;
  /** Functions besides constructors that initialise an owner, where a field store is first. */
  readonly initFunctions?: TypeOrValueSpecifier[];
}

export type Options = [NoLeakedBhOptions];

export type MessageIds =
  | 'discarded'
  | 'discardedScheduled'
  | 'lostAtExit'
  | 'overwritten'
  | 'fieldNeverReleased'
  | 'fieldOverwritten'
  | 'suggestUsing'
  | 'suggestOneshot';

export default createRule<Options, MessageIds>({
  name: 'no-leaked-bh',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every bottom half that is created to be deleted or handed on',
    },
    hasSuggestions: true,
    messages: {
      discarded:
        'The bottom half created by `{{callee}}` on {{where}} is discarded, so nothing can ' +
        'ever delete it. Keep it in a variable or field and delete it when it is no longer needed.',
      discardedScheduled:
        'The bottom half created by `{{callee}}` on {{where}} is scheduled and then ' +
        'discarded, so it is never deleted. Use `{{oneshot}}`, which deletes itself after it runs.',
      lostAtExit:
        'The bottom half `{{name}}` created on {{where}} is neither deleted nor handed on ' +
        'before {{exit}}. Delete it on this path{{remedy}}.',
      overwritten:
        '`{{name}}` still holds the bottom half created on {{where}} when it is overwritten ' +
        'here. Delete that bottom half before assigning to `{{name}}` again.',
      fieldNeverReleased:
        'The bottom half stored in `{{field}}` on {{where}} is never deleted: nothing in ' +
        '{{owner}} deletes `{{field}}` or hands it on. Delete it where its owner is torn down.',
      fieldOverwritten:
        'This store into `{{field}}` on {{where}} may overwrite a bottom half that is still ' +
        'live, which then leaks. Delete the old one, or check that `{{field}}` is empty, before ' +
        'storing.',
      suggestUsing: 'Declare `{{name}}` with `using` so that it is deleted when its block ends.',
      suggestOneshot: 'Replace with `{{replacement}}`, which creates nothing to delete.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...bhApiSchemaProperties(),
          borrowingFunctions: specifierListSchema(
            'Functions that only use a bottom half passed to them; the caller still owns it.',
          ),
          owningFunctions: specifierListSchema(
            'Functions that take ownership of a bottom half passed to them.',
          ),
          unknownCallsTakeOwnership: {
            type: 'boolean',
            description:
              'Whether passing a bottom half to a function the rule does not know hands it on ' +
              '(default `true`, so the rule stays quiet when it cannot tell).',
          },
          initFunctions: specifierListSchema(
            'Functions besides constructors that initialise an owner; a field store there ' +
              'cannot overwrite an earlier bottom half.',
          ),
        },
      },
    ],
  },
  defaultOptions: [{}],
  create(context, [options]) {
    const api = new BhApi(context, options);
    const sourceCode = context.sourceCode;
    const tracked = new Map<TSESLint.Scope.Variable, TrackedLocal>();
    const readRefs = new Map<TSESTree.Node, TrackedLocal>();
    const writeRefs = new Map<TSESTree.Node, TrackedLocal>();
    const scopeBlocks = new Set<TSESTree.Node>();
    const fieldStores: FieldStore[] = [];
    const membersByName = new Map<string, TSESTree.MemberExpression[]>();
    /** Branches where a checked field is known to hold something: its check does not cover it. */
    const uncoverAt = new Map<TSESTree.Node, string[]>();
    const classes: (TSESTree.ClassDeclaration | TSESTree.ClassExpression)[] = [];
    const exits: ExitInfo[] = [];
    const reported = new Set<string>();
    const recorder = new PathRecorder<LeakEvent>((frame) => {
      analyseFrame(frame);
      if (frame.node.type === AST_NODE_TYPES.Program) {
        checkFieldsReleased();
        flushReports();
      }
    });
    // Reports wait for the end of the file, when every creation is known, so that a message can
    // name the column of a creation that shares its line with another.
    const deferred: (() => TSESLint.ReportDescriptor<MessageIds>)[] = [];
    const creationsPerLine = new Map<number, number>();
    const typeScriptFile = /\.(ts|tsx|mts|cts)$/.test(context.filename);

    /** Queues a report; `describe` runs when the file is done. */
    function report(describe: () => TSESLint.ReportDescriptor<MessageIds>): void {
      deferred.push(describe);
    }

    function flushReports(): void {
      for (const describe of deferred) {
        context.report(describe());
      }
      deferred.length = 0;
    }

    /** Where a creation is, for a message: its line, and its column when the line has two. */
    function where(creation: Creation): string {
      return (creationsPerLine.get(creation.line) ?? 0) > 1
        ? `line ${creation.line}, column ${creation.column}`
        : `line ${creation.line}`;
    }

    /** How a read of a bottom-half value affects its ownership. */
    function classifyUse(node: TSESTree.Node): 'release' | 'borrow' | 'escape' {
      const outer = outermostValue(node);
      const parent = outer.parent;
      if (!parent) {
        return 'escape';
      }
      switch (parent.type) {
        case AST_NODE_TYPES.MemberExpression: {
          if (parent.object !== outer) {
            return 'borrow';
          }
          const call = parent.parent;
          if (call.type === AST_NODE_TYPES.CallExpression && call.callee === parent) {
            const releases =
              isDisposeMember(parent) ||
              (propertyName(parent) === 'delete' &&
                !parent.computed &&
                call.arguments.length === 0);
            return releases ? 'release' : 'borrow';
          }
          return 'borrow';
        }
        case AST_NODE_TYPES.CallExpression:
        case AST_NODE_TYPES.NewExpression:
          if (parent.callee === outer) {
            return 'borrow';
          }
          return classifyArgument(parent);
        case AST_NODE_TYPES.ExpressionStatement:
          return 'borrow';
        case AST_NODE_TYPES.SequenceExpression:
          return parent.expressions[parent.expressions.length - 1] === outer ? 'escape' : 'borrow';
        default:
          return isTestPosition(outer) ? 'borrow' : 'escape';
      }
    }

    /** How passing a bottom half to `call` affects its ownership. */
    function classifyArgument(
      call: TSESTree.CallExpression | TSESTree.NewExpression,
    ): 'release' | 'borrow' | 'escape' {
      if (api.releasesArgument(call)) {
        return 'release';
      }
      if (call.type === AST_NODE_TYPES.CallExpression && api.qemuOperationOf(call) !== undefined) {
        return 'borrow';
      }
      const name = calleeName(call);
      if (name && api.matchesFunction(name, call.callee, options.borrowingFunctions)) {
        return 'borrow';
      }
      if (name && api.matchesFunction(name, call.callee, options.owningFunctions)) {
        return 'escape';
      }
      return options.unknownCallsTakeOwnership === false ? 'borrow' : 'escape';
    }

    /** Starts tracking a local when one of its assignments is a creation. */
    function trackDeclarator(declarator: TSESTree.VariableDeclarator): void {
      const declaration = declarator.parent;
      if (declaration.kind === 'using' || declaration.kind === 'await using') {
        return;
      }
      for (const variable of sourceCode.getDeclaredVariables(declarator)) {
        const scope = variable.scope.variableScope;
        if (scope.type === 'global' || scope.type === 'module' || !isFunction(scope.block)) {
          continue;
        }
        const frame = recorder.frameOf(scope.block);
        const creates = variable.references.some(
          (reference) =>
            reference.writeExpr !== null &&
            reference.writeExpr !== undefined &&
            api.creationOf(reference.writeExpr) !== undefined,
        );
        if (!frame || !creates) {
          continue;
        }
        const local: TrackedLocal = {
          id: tracked.size,
          variable,
          name: variable.name,
          scopeBlock: variable.scope.block,
          frame,
          declarator,
        };
        tracked.set(variable, local);
        scopeBlocks.add(local.scopeBlock);
        for (const reference of variable.references) {
          if (reference.isWrite()) {
            writeRefs.set(reference.identifier, local);
          } else if (reference.isRead()) {
            readRefs.set(reference.identifier, local);
          }
        }
      }
    }

    /** Handles a creation according to where its value goes. */
    function onCreation(creation: Creation): void {
      const outer = outermostValue(creation.call);
      const parent = outer.parent;
      if (!parent) {
        return;
      }

      if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === outer) {
        const local = writeRefs.get(parent.id);
        if (local && enclosingFunction(creation.call) === local.frame.node) {
          recorder.record({ kind: 'create', local, creation, guarded: false }, local.frame);
        }
        return;
      }

      if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === outer) {
        const left = parent.left;
        if (left.type === AST_NODE_TYPES.Identifier) {
          const local = writeRefs.get(left);
          // A creation in a nested function is that function's business; stay quiet.
          if (local && enclosingFunction(creation.call) === local.frame.node) {
            const guarded = parent.operator !== '=';
            recorder.record({ kind: 'create', local, creation, guarded }, local.frame);
          }
          return;
        }
        if (left.type === AST_NODE_TYPES.MemberExpression) {
          onFieldStore(left, parent, creation);
        }
        return;
      }

      if (parent.type === AST_NODE_TYPES.PropertyDefinition && parent.value === outer) {
        const name =
          parent.key.type === AST_NODE_TYPES.PrivateIdentifier
            ? `#${parent.key.name}`
            : parent.key.type === AST_NODE_TYPES.Identifier
              ? parent.key.name
              : undefined;
        const owner = parent.parent.parent;
        if (name !== undefined && !parent.computed) {
          fieldStores.push({ node: parent.key, field: `this.${name}`, name, owner, creation });
        }
        return;
      }

      checkDiscarded(creation, outer, parent);
    }

    /** Case 1: the created bottom half's value is dropped or only used in passing. */
    function checkDiscarded(creation: Creation, outer: TSESTree.Node, parent: TSESTree.Node): void {
      let scheduledBy: TSESTree.Node | undefined;
      switch (parent.type) {
        case AST_NODE_TYPES.ExpressionStatement:
          break;
        case AST_NODE_TYPES.UnaryExpression:
          if (parent.operator !== 'void') {
            return;
          }
          break;
        case AST_NODE_TYPES.MemberExpression: {
          const call = parent.parent;
          if (call.type !== AST_NODE_TYPES.CallExpression || call.callee !== parent) {
            break;
          }
          const operation = api.typed
            ? methodNameOf(parent)
            : (api.methodOperationOf(call) ?? methodNameOf(parent));
          if (operation === 'delete' || operation === 'dispose') {
            return;
          }
          if (operation === 'schedule') {
            scheduledBy = outermostValue(call);
          }
          break;
        }
        case AST_NODE_TYPES.CallExpression:
        case AST_NODE_TYPES.NewExpression: {
          if (!parent.arguments.some((argument) => argument === outer)) {
            return;
          }
          const use = classifyArgument(parent);
          if (use !== 'borrow') {
            return;
          }
          if (parent.type === AST_NODE_TYPES.CallExpression) {
            if (api.qemuOperationOf(parent) === 'schedule') {
              scheduledBy = outermostValue(parent);
            }
          }
          break;
        }
        default:
          return;
      }

      const replacement = scheduledBy ? oneshotReplacement(creation) : undefined;
      const data = (): Record<string, string> => ({
        callee: creation.calleeText,
        where: where(creation),
      });
      if (scheduledBy && replacement) {
        const target = scheduledBy;
        report(() => ({
          node: creation.call,
          messageId: 'discardedScheduled',
          data: { ...data(), oneshot: replacement.callee },
          suggest: [
            {
              messageId: 'suggestOneshot',
              data: { replacement: oneLine(replacement.text) },
              fix: (fixer) => fixer.replaceText(target, replacement.text),
            },
          ],
        }));
        return;
      }
      report(() => ({ node: creation.call, messageId: 'discarded', data: data() }));
    }

    /**
     * The oneshot call that does what creating, scheduling and dropping a bottom half does, and
     * the oneshot function's name for the message. The arguments keep their source text,
     * comments included.
     */
    function oneshotReplacement(creation: Creation): { callee: string; text: string } | undefined {
      const call = creation.call;
      const callee = innermostValue(call.callee);
      const args = argumentText(call);
      if (args === undefined) {
        return undefined;
      }
      const count = call.arguments.length;
      const spread = call.arguments.some((arg) => arg.type === AST_NODE_TYPES.SpreadElement);
      const make = (fn: string, text: string): { callee: string; text: string } => ({
        callee: oneLine(fn),
        text: `${fn}(${text})`,
      });
      let prefix = '';
      let name: string | undefined;
      if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed) {
        name = propertyName(callee);
        const object = sourceCode.getText(callee.object);
        if (name === 'bhNew') {
          return make(`${object}${callee.optional ? '?.' : '.'}scheduleOneshot`, args);
        }
        prefix = `${object}.`;
      } else if (callee.type === AST_NODE_TYPES.Identifier) {
        name = callee.name;
      }
      if (spread) {
        return undefined;
      }
      switch (name) {
        case 'aio_bh_new':
          return count === 3 ? make(`${prefix}aio_bh_schedule_oneshot`, args) : undefined;
        case 'aio_bh_new_full':
          return count === 4 ? make(`${prefix}aio_bh_schedule_oneshot_full`, args) : undefined;
        case 'qemu_bh_new':
          return count === 2
            ? make(`${prefix}aio_bh_schedule_oneshot`, `${prefix}qemu_get_aio_context(), ${args}`)
            : undefined;
        default:
          return undefined;
      }
    }

    /** The source text between a call's parentheses, comments and all. */
    function argumentText(call: TSESTree.CallExpression): string | undefined {
      const open = sourceCode.getTokenAfter(
        call.typeArguments ?? call.callee,
        ASTUtils.isOpeningParenToken,
      );
      const close = sourceCode.getLastToken(call);
      if (!open || !close || !ASTUtils.isClosingParenToken(close)) {
        return undefined;
      }
      return sourceCode.text.slice(open.range[1], close.range[0]).trim();
    }

    /** Cases 3 and 4: remembers a field store and records it on the path. */
    function onFieldStore(
      left: TSESTree.MemberExpression,
      assignment: TSESTree.AssignmentExpression,
      creation: Creation,
    ): void {
      const name = propertyName(left);
      const field = fieldKey(left);
      if (name === undefined || field === undefined) {
        return;
      }
      const inner = innermostValue(left.object);
      const owner =
        (inner.type === AST_NODE_TYPES.ThisExpression ? classOfThis(left) : undefined) ??
        sourceCode.ast;
      fieldStores.push({ node: left, field, name, owner, creation });

      const fn = enclosingFunction(assignment);
      const initialises =
        fn === undefined ||
        isConstructor(fn) ||
        (functionNameNode(fn) !== undefined &&
          api.matchesFunction(functionNameNode(fn) as TSESTree.Node, fn, options.initFunctions));
      if (assignment.operator === '=') {
        // In a constructor or init function only the first store of a field on a path is exempt.
        recorder.record({ kind: 'store', key: field, node: left, creation, first: initialises });
      }
    }

    /** Records what a read of a field (`this.bh`, `s.bh`) does on the current path. */
    function onMember(member: TSESTree.MemberExpression): void {
      const name = propertyName(member);
      if (name === undefined) {
        return;
      }
      let list = membersByName.get(name);
      if (!list) {
        list = [];
        membersByName.set(name, list);
      }
      list.push(member);

      const key = fieldKey(member);
      if (key === undefined) {
        return;
      }
      const outer = outermostValue(member);
      const parent = outer.parent;
      if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === outer) {
        // A store of something that is not a new bottom half (`s.bh = null`) clears the field.
        if (api.creationOf(parent.right) === undefined) {
          recorder.record({ kind: 'cover', key });
        }
        return;
      }
      if (isTestPosition(outer) || classifyUse(member) !== 'borrow') {
        recorder.record({ kind: 'cover', key });
        // `if (s.x) { … }`: the check covers only the branch where the field is empty.
        const full = fullBranch(outer);
        if (full) {
          const keys = uncoverAt.get(full) ?? [];
          keys.push(key);
          uncoverAt.set(full, keys);
        }
      }
    }

    /** Records that a new object literal or `new` expression is bound to the name `target`. */
    function onFreshObject(target: TSESTree.Node, value: TSESTree.Node | null): void {
      const inner = value === null ? undefined : innermostValue(value);
      if (
        target.type !== AST_NODE_TYPES.Identifier ||
        (inner?.type !== AST_NODE_TYPES.ObjectExpression &&
          inner?.type !== AST_NODE_TYPES.NewExpression)
      ) {
        return;
      }
      const live: string[] = [];
      if (inner.type === AST_NODE_TYPES.ObjectExpression) {
        for (const property of inner.properties) {
          if (property.type !== AST_NODE_TYPES.Property) {
            // A spread may copy a live bottom half into any field.
            return;
          }
          const name = property.computed ? undefined : staticKey(property.key);
          if (name !== undefined && api.creationOf(property.value) !== undefined) {
            live.push(name);
          }
        }
      }
      recorder.record({ kind: 'fresh', object: target.name, live });
    }

    /** A call on or with an object may release its fields where the rule cannot see. */
    function onCallTouchingObjects(call: TSESTree.CallExpression): void {
      if (api.creationOf(call) !== undefined || api.qemuOperationOf(call) !== undefined) {
        return;
      }
      const callee = innermostValue(call.callee);
      const name = calleeName(call);
      if (name && api.matchesFunction(name, call.callee, options.borrowingFunctions)) {
        return;
      }
      if (
        callee.type === AST_NODE_TYPES.MemberExpression &&
        api.methodOperationOf(call) === undefined
      ) {
        const object = fieldKey(callee);
        const owner = object?.slice(0, object.lastIndexOf('.'));
        if (owner) {
          recorder.record({ kind: 'coverObject', object: owner });
        }
      }
      for (const argument of call.arguments) {
        const inner = innermostValue(argument);
        if (
          inner.type === AST_NODE_TYPES.ThisExpression ||
          inner.type === AST_NODE_TYPES.Identifier
        ) {
          recorder.record({
            kind: 'coverObject',
            object: inner.type === 'ThisExpression' ? 'this' : inner.name,
          });
        }
      }
    }

    /**
     * Forgets what the path knew about the fields of a target that is bound again: after
     * `s = other`, `s.dev = dev` or a new `const q`, `s.bh` may be another, live bottom half.
     * Called from the listeners for declarations, assignments and loop heads.
     */
    function rebind(target: TSESTree.Node): void {
      for (const written of writtenTargets(target)) {
        const object = objectKey(written);
        if (object !== undefined) {
          recorder.record({ kind: 'forgetObject', object });
        }
      }
    }

    /** Records a jump or scope end that may lose locals of the current function. */
    function onExit(
      node: TSESTree.Node,
      kind: ExitKind,
      reportNode: TSESTree.Node | TSESTree.Token,
    ): void {
      const frame = recorder.frame;
      if (!frame || frame.codePath.upper === null) {
        return;
      }
      const index = exits.length;
      exits.push({ kind, loc: reportNode.loc });
      recorder.record({ kind: 'exit', index, loses: (local) => losesLocal(node, kind, local) });
    }

    /** Case 2 and case 4 analysis once a function's code path is complete. */
    function analyseFrame(frame: PathFrame<LeakEvent>): void {
      if (frame.events.size === 0) {
        return;
      }
      analyseLocals(frame);
      analyseFieldStores(frame);
    }

    function analyseLocals(frame: PathFrame<LeakEvent>): void {
      const tokens = new Map<string, Token>();
      const tokenOf = (local: TrackedLocal, creation: Creation, exit: number): string => {
        const key = `${local.id}:${creation.call.range[0]}:${exit}`;
        tokens.set(key, { local, creation, exit });
        return key;
      };
      const problem: FlowProblem<ReadonlySet<string>, LeakEvent> = {
        initial: new Set(),
        join: (states) => StringSets.union(states),
        equal: StringSets.equal,
        apply(state, event) {
          switch (event.kind) {
            case 'create': {
              const next = new Set(state);
              if (!event.guarded) {
                removeLocal(next, tokens, event.local);
              }
              next.add(tokenOf(event.local, event.creation, -1));
              return next;
            }
            case 'drop':
            case 'assign': {
              const next = new Set(state);
              removeLocal(next, tokens, event.local);
              return next;
            }
            case 'exit': {
              let next: Set<string> | undefined;
              for (const key of state) {
                const token = tokens.get(key) as Token;
                if (token.exit === -1 && event.loses(token.local)) {
                  next ??= new Set(state);
                  next.delete(key);
                  next.add(tokenOf(token.local, token.creation, event.index));
                }
              }
              return next ?? state;
            }
            default:
              return state;
          }
        },
      };
      const result = solveForward(frame, problem);

      for (const segmentId of result.entry.keys()) {
        replaySegment(frame, result, problem, segmentId, (state, event) => {
          if (event.kind !== 'assign' && !(event.kind === 'create' && !event.guarded)) {
            return;
          }
          for (const key of state) {
            const token = tokens.get(key) as Token;
            if (token.local !== event.local) {
              continue;
            }
            if (token.exit !== -1) {
              reportLost(token);
            } else {
              const node = event.kind === 'assign' ? event.node : event.creation.call;
              reportOverwritten(token, node);
            }
          }
        });
      }

      // A final segment can be both returned and thrown (a shared `finally`); a token that was
      // never marked by an exit reached it by an implicit throw, so it is not reported there.
      const thrown = new Set(frame.codePath.thrownSegments.map((segment) => segment.id));
      const returned = new Set(
        frame.codePath.returnedSegments
          .map((segment) => segment.id)
          .filter((id) => !thrown.has(id)),
      );
      for (const segment of frame.codePath.finalSegments) {
        for (const key of result.exit.get(segment.id) ?? []) {
          const token = tokens.get(key) as Token;
          if (token.exit !== -1 || returned.has(segment.id)) {
            reportLost(token, frame.node);
          }
        }
      }
    }

    function reportLost(token: Token, fn?: TSESTree.Node): void {
      let loc: TSESTree.SourceLocation;
      let exit: string;
      if (token.exit === -1) {
        const body = fn && isFunction(fn) ? fn.body : undefined;
        const last = body ? sourceCode.getLastToken(body) : null;
        if (!last) {
          return;
        }
        loc = last.loc;
        exit = 'the function ends';
      } else {
        const info = exits[token.exit] as ExitInfo;
        loc = info.loc;
        exit = EXIT_PHRASES[info.kind];
      }
      const dedupe = `lost:${token.creation.call.range[0]}:${loc.start.line}:${loc.start.column}`;
      if (reported.has(dedupe)) {
        return;
      }
      reported.add(dedupe);
      const { remedy, suggest } = localRemedy(token.local);
      report(() => ({
        loc,
        messageId: 'lostAtExit',
        data: { name: token.local.name, where: where(token.creation), exit, remedy },
        suggest,
      }));
    }

    function reportOverwritten(token: Token, node: TSESTree.Node): void {
      const dedupe = `over:${token.creation.call.range[0]}:${node.range[0]}`;
      if (reported.has(dedupe)) {
        return;
      }
      reported.add(dedupe);
      report(() => ({
        node,
        messageId: 'overwritten',
        data: { name: token.local.name, where: where(token.creation) },
      }));
    }

    /**
     * What a lost local's report offers. A scheduled bottom half must outlive its block until a
     * poll runs it, so `using` (which deletes it at the block's end) is never offered for one;
     * when it is created, scheduled once right away and then dropped, the oneshot API is. Else
     * `using` is offered for a plain declaration that is never moved, in TypeScript files only
     * (Node 20 cannot parse `using` in plain JavaScript).
     */
    function localRemedy(local: TrackedLocal): {
      remedy: string;
      suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[];
    } {
      const none = { remedy: '', suggest: [] };
      const declaration = local.declarator.parent;
      const creation =
        local.declarator.init === null ? undefined : api.creationOf(local.declarator.init);
      const block = declaration.parent;
      const simple =
        (declaration.kind === 'const' || declaration.kind === 'let') &&
        declaration.declarations.length === 1 &&
        creation !== undefined &&
        block.type === AST_NODE_TYPES.BlockStatement;
      if (!simple) {
        return none;
      }
      const reads = local.variable.references.filter((reference) => reference.isRead());
      const schedules = reads.map((reference) => scheduleOf(reference.identifier));
      if (schedules.some((schedule) => schedule !== undefined)) {
        return oneshotRemedy(local, declaration, block, creation, schedules);
      }

      for (const reference of local.variable.references) {
        if (reference.isWrite() && reference.identifier !== local.declarator.id) {
          return none;
        }
        if (
          reference.isRead() &&
          (classifyUse(reference.identifier) !== 'borrow' ||
            enclosingFunction(reference.identifier) !== local.frame.node)
        ) {
          return none;
        }
      }
      const keyword = sourceCode.getFirstToken(declaration);
      if (!keyword || !typeScriptFile) {
        return none;
      }
      return {
        remedy: ', or declare it with `using`',
        suggest: [
          {
            messageId: 'suggestUsing',
            data: { name: local.name },
            fix: (fixer) => fixer.replaceText(keyword, 'using'),
          },
        ],
      };
    }

    /**
     * The oneshot remedy for a local whose only use is one `schedule` in the statement right
     * after its declaration; nothing for any other scheduled local.
     */
    function oneshotRemedy(
      local: TrackedLocal,
      declaration: TSESTree.VariableDeclaration,
      block: TSESTree.BlockStatement,
      creation: Creation,
      schedules: readonly (ScheduleUse | undefined)[],
    ): { remedy: string; suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] } {
      const none = { remedy: '', suggest: [] };
      const [only] = schedules;
      const writes = local.variable.references.filter((reference) => reference.isWrite());
      if (schedules.length !== 1 || !only || only.operation !== 'schedule' || writes.length > 1) {
        return none;
      }
      const statement = outermostValue(only.call).parent;
      const next = block.body[block.body.indexOf(declaration) + 1];
      const replacement = oneshotReplacement(creation);
      if (!replacement || statement?.type !== AST_NODE_TYPES.ExpressionStatement) {
        return none;
      }
      if (statement !== next) {
        return none;
      }
      const before = sourceCode.getTokenBefore(statement, { includeComments: true });
      if (!before) {
        return none;
      }
      return {
        remedy: `, or use \`${replacement.callee}\` instead`,
        suggest: [
          {
            messageId: 'suggestOneshot',
            data: { replacement: oneLine(replacement.text) },
            fix: (fixer) => [
              fixer.replaceText(declaration, `${replacement.text};`),
              fixer.removeRange([before.range[1], statement.range[1]]),
            ],
          },
        ],
      };
    }

    /** The call that schedules the bottom half read at `node`, if that is what the read does. */
    function scheduleOf(node: TSESTree.Node): ScheduleUse | undefined {
      const outer = outermostValue(node);
      const parent = outer.parent;
      if (
        parent?.type === AST_NODE_TYPES.MemberExpression &&
        parent.object === outer &&
        parent.parent.type === AST_NODE_TYPES.CallExpression &&
        parent.parent.callee === outermostValue(parent)
      ) {
        const operation = api.methodOperationOf(parent.parent);
        return operation === 'schedule' || operation === 'scheduleIdle'
          ? { call: parent.parent, operation }
          : undefined;
      }
      if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments[0] === outer) {
        const operation = api.qemuOperationOf(parent);
        return operation === 'schedule' || operation === 'scheduleIdle'
          ? { call: parent, operation }
          : undefined;
      }
      return undefined;
    }

    function analyseFieldStores(frame: PathFrame<LeakEvent>): void {
      let hasStores = false;
      for (const events of frame.events.values()) {
        if (events.some((event) => event.kind === 'store')) {
          hasStores = true;
          break;
        }
      }
      if (!hasStores) {
        return;
      }
      const problem: FlowProblem<ReadonlySet<string>, LeakEvent> = {
        initial: new Set(),
        join: joinCovered,
        equal: StringSets.equal,
        apply: applyCover,
      };
      const result = solveForward(frame, problem);
      for (const segmentId of result.entry.keys()) {
        replaySegment(frame, result, problem, segmentId, (state, event) => {
          if (event.kind !== 'store') {
            return;
          }
          if (event.first ? !state.has(`!${event.key}`) : isCovered(state, event.key)) {
            return;
          }
          const dedupe = `store:${event.node.range[0]}`;
          if (reported.has(dedupe)) {
            return;
          }
          reported.add(dedupe);
          report(() => ({
            node: event.node,
            messageId: 'fieldOverwritten',
            data: { field: event.key, where: where(event.creation) },
          }));
        });
      }
    }

    /**
     * The owner and the classes of this file that extend it or that it extends (by name), whose
     * methods may release its fields. The Program stands alone.
     */
    function classFamily(owner: TSESTree.Node): TSESTree.Node[] {
      if (owner.type === AST_NODE_TYPES.Program) {
        return [owner];
      }
      const byName = new Map<string, TSESTree.ClassDeclaration | TSESTree.ClassExpression>();
      for (const cls of classes) {
        if (cls.id) {
          byName.set(cls.id.name, cls);
        }
      }
      const ancestors = (cls: TSESTree.Node): TSESTree.Node[] => {
        const chain: TSESTree.Node[] = [];
        let current: TSESTree.Node | undefined = cls;
        while (
          current &&
          !chain.includes(current) &&
          (current.type === AST_NODE_TYPES.ClassDeclaration ||
            current.type === AST_NODE_TYPES.ClassExpression)
        ) {
          chain.push(current);
          const base: TSESTree.Node | null = current.superClass;
          current = base?.type === AST_NODE_TYPES.Identifier ? byName.get(base.name) : undefined;
        }
        return chain;
      };
      const family = new Set(ancestors(owner));
      for (const cls of classes) {
        if (ancestors(cls).includes(owner)) {
          family.add(cls);
        }
      }
      return [...family];
    }

    /** Case 3, once the file is walked: stores whose field nothing in the owner releases. */
    function checkFieldsReleased(): void {
      const seen = new Set<string>();
      for (const store of fieldStores) {
        // One report per field and owner, at its first store.
        const fieldOfOwner = `${store.owner.range[0]}:${store.field}`;
        if (seen.has(fieldOfOwner)) {
          continue;
        }
        seen.add(fieldOfOwner);
        const family = classFamily(store.owner);
        const released = (membersByName.get(store.name) ?? []).some((member) => {
          if (member === store.node || !family.some((owner) => isInside(member, owner))) {
            return false;
          }
          const outer = outermostValue(member);
          if (
            outer.parent?.type === AST_NODE_TYPES.AssignmentExpression &&
            outer.parent.left === outer
          ) {
            return false;
          }
          return classifyUse(member) !== 'borrow';
        });
        if (released) {
          continue;
        }
        const owner =
          store.owner.type === AST_NODE_TYPES.Program
            ? 'this file'
            : `class \`${ownerName(store.owner)}\``;
        report(() => ({
          node: store.node,
          messageId: 'fieldNeverReleased',
          data: { field: store.field, where: where(store.creation), owner },
        }));
      }
    }

    const listeners: TSESLint.RuleListener = {
      VariableDeclarator(node) {
        trackDeclarator(node);
        if (declaratorBinds(node)) {
          rebind(node.id);
        }
      },
      'VariableDeclarator:exit'(node: TSESTree.VariableDeclarator) {
        onFreshObject(node.id, node.init);
      },
      [BRANCH_SELECTOR](node: TSESTree.Node) {
        for (const key of uncoverAt.get(node) ?? []) {
          recorder.record({ kind: 'uncover', key });
        }
      },
      'ClassDeclaration, ClassExpression'(
        node: TSESTree.ClassDeclaration | TSESTree.ClassExpression,
      ) {
        classes.push(node);
      },
      'ForInStatement > .left, ForOfStatement > .left'(node: TSESTree.Node) {
        if (node.type !== AST_NODE_TYPES.VariableDeclaration) {
          rebind(node);
        }
      },
      CallExpression(node) {
        const creation = api.creationOf(node);
        if (creation) {
          creationsPerLine.set(creation.line, (creationsPerLine.get(creation.line) ?? 0) + 1);
          onCreation(creation);
        }
        onCallTouchingObjects(node);
      },
      Identifier(node) {
        const local = readRefs.get(node);
        if (!local) {
          return;
        }
        if (classifyUse(node) !== 'borrow') {
          recorder.record({ kind: 'drop', local }, local.frame);
        }
      },
      'AssignmentExpression:exit'(node: TSESTree.AssignmentExpression) {
        rebind(node.left);
        if (node.operator === '=') {
          onFreshObject(node.left, node.right);
        }
        if (node.left.type !== AST_NODE_TYPES.Identifier) {
          return;
        }
        const local = writeRefs.get(node.left);
        if (local && api.creationOf(node.right) === undefined) {
          recorder.record({ kind: 'assign', local, node }, local.frame);
        }
      },
      MemberExpression: onMember,
      ReturnStatement(node) {
        onExit(node, 'return', sourceCode.getFirstToken(node) ?? node);
      },
      ThrowStatement(node) {
        onExit(node, 'throw', sourceCode.getFirstToken(node) ?? node);
      },
      BreakStatement(node) {
        onExit(node, 'break', node);
      },
      ContinueStatement(node) {
        onExit(node, 'continue', node);
      },
      'BlockStatement:exit'(node: TSESTree.BlockStatement) {
        if (scopeBlocks.has(node)) {
          onExit(node, 'block', sourceCode.getLastToken(node) ?? node);
        }
      },
      'SwitchStatement:exit'(node: TSESTree.SwitchStatement) {
        if (scopeBlocks.has(node)) {
          onExit(node, 'block', sourceCode.getLastToken(node) ?? node);
        }
      },
    };
    return { ...recorder.listeners(), ...listeners };
  },
});

/** The branches of an `if` or `?:`, entered where a checked field's state is known. */
const BRANCH_SELECTOR = ['IfStatement', 'ConditionalExpression']
  .flatMap((type) => [`${type} > .consequent`, `${type} > .alternate`])
  .join(', ');

/** Where a jump or scope end takes control, for the report's wording. */
type ExitKind = 'return' | 'throw' | 'break' | 'continue' | 'block';

const EXIT_PHRASES: Readonly<Record<ExitKind, string>> = {
  return: 'this `return` leaves the function',
  throw: 'this `throw` leaves its scope',
  break: 'this `break` leaves its block',
  continue: 'this `continue` leaves its block',
  block: 'its block ends',
};

interface ExitInfo {
  readonly kind: ExitKind;
  readonly loc: TSESTree.SourceLocation;
}

/** A local variable that holds a bottom half created in this file. */
interface TrackedLocal {
  readonly id: number;
  readonly variable: TSESLint.Scope.Variable;
  readonly name: string;
  /** The node whose end is the end of the variable's scope. */
  readonly scopeBlock: TSESTree.Node;
  /** The code path of the function that declares the variable. */
  readonly frame: PathFrame<LeakEvent>;
  readonly declarator: TSESTree.VariableDeclarator;
}

/** A creation stored in a field, checked against the owner at the end of the file. */
interface FieldStore {
  readonly node: TSESTree.Node;
  /** The field as written: `this.bh`, `s.cleanup_bh`. */
  readonly field: string;
  /** The property name alone: `bh`. */
  readonly name: string;
  /** The class that owns `this`, or the Program for any other object. */
  readonly owner: TSESTree.Node;
  readonly creation: Creation;
}

/** A read of a local that schedules the bottom half it holds. */
interface ScheduleUse {
  readonly call: TSESTree.CallExpression;
  readonly operation: 'schedule' | 'scheduleIdle';
}

/** A live bottom half on a path: which local holds it, where it was made, and where it was lost. */
interface Token {
  readonly local: TrackedLocal;
  readonly creation: Creation;
  /** Index into the exits table, or -1 while still in scope. */
  readonly exit: number;
}

/** What the rule records on a path. */
type LeakEvent =
  | { kind: 'create'; local: TrackedLocal; creation: Creation; guarded: boolean }
  | { kind: 'drop'; local: TrackedLocal }
  | { kind: 'assign'; local: TrackedLocal; node: TSESTree.Node }
  | { kind: 'exit'; index: number; loses: (local: TrackedLocal) => boolean }
  | { kind: 'cover'; key: string }
  | { kind: 'coverObject'; object: string }
  | { kind: 'forgetObject'; object: string }
  | { kind: 'uncover'; key: string }
  | { kind: 'fresh'; object: string; live: readonly string[] }
  | { kind: 'store'; key: string; node: TSESTree.Node; creation: Creation; first: boolean };

function removeLocal(state: Set<string>, tokens: Map<string, Token>, local: TrackedLocal): void {
  for (const key of [...state]) {
    if (tokens.get(key)?.local === local) {
      state.delete(key);
    }
  }
}

/** Whether jumping (or ending a scope) at `node` takes control out of `local`'s scope. */
function losesLocal(node: TSESTree.Node, kind: ExitKind, local: TrackedLocal): boolean {
  switch (kind) {
    case 'return':
      return true;
    case 'throw':
      return !caughtWithin(node, local.scopeBlock);
    case 'block':
      return local.scopeBlock === node;
    case 'break':
    case 'continue': {
      const target = jumpTarget(node as TSESTree.BreakStatement | TSESTree.ContinueStatement);
      if (!target) {
        return false;
      }
      const region =
        kind === 'continue' && 'body' in target && target.body
          ? (target.body as TSESTree.Node)
          : target;
      return isInside(local.scopeBlock, region) && local.scopeBlock !== target;
    }
  }
}

/** Whether a `throw` at `node` is caught by a `try … catch` that is still inside `scope`. */
function caughtWithin(node: TSESTree.Node, scope: TSESTree.Node): boolean {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current && current !== scope; current = current.parent) {
    if (isFunction(current)) {
      return false;
    }
    if (
      current.type === AST_NODE_TYPES.TryStatement &&
      current.block === child &&
      current.handler
    ) {
      return true;
    }
    child = current;
  }
  return false;
}

/** The statement a `break` or `continue` leaves. */
function jumpTarget(
  node: TSESTree.BreakStatement | TSESTree.ContinueStatement,
): TSESTree.Node | undefined {
  for (let current: TSESTree.Node | undefined = node.parent; current; current = current.parent) {
    if (isFunction(current)) {
      return undefined;
    }
    if (node.label) {
      if (
        current.type === AST_NODE_TYPES.LabeledStatement &&
        current.label.name === node.label.name
      ) {
        return current.body;
      }
      continue;
    }
    switch (current.type) {
      case AST_NODE_TYPES.ForStatement:
      case AST_NODE_TYPES.ForInStatement:
      case AST_NODE_TYPES.ForOfStatement:
      case AST_NODE_TYPES.WhileStatement:
      case AST_NODE_TYPES.DoWhileStatement:
        return current;
      case AST_NODE_TYPES.SwitchStatement:
        if (node.type === AST_NODE_TYPES.BreakStatement) {
          return current;
        }
        break;
      default:
        break;
    }
  }
  return undefined;
}

function calleeName(
  call: TSESTree.CallExpression | TSESTree.NewExpression,
): TSESTree.Node | undefined {
  const callee = innermostValue(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) {
    return callee;
  }
  if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed) {
    return callee.property;
  }
  return undefined;
}

function methodNameOf(member: TSESTree.MemberExpression): string | undefined {
  return isDisposeMember(member) ? 'dispose' : propertyName(member);
}

function ownerName(owner: TSESTree.Node): string {
  if (
    (owner.type === AST_NODE_TYPES.ClassDeclaration ||
      owner.type === AST_NODE_TYPES.ClassExpression) &&
    owner.id
  ) {
    return owner.id.name;
  }
  return '(anonymous class)';
}

/** Must-covered fields: a field is covered only if every incoming path covered it. */
function joinCovered(states: readonly ReadonlySet<string>[]): ReadonlySet<string> {
  if (states.length === 1) {
    return states[0] as ReadonlySet<string>;
  }
  const [first, ...rest] = states;
  const out = new Set<string>();
  for (const item of first ?? []) {
    if (item.startsWith('!') || rest.every((state) => state.has(item))) {
      out.add(item);
    }
  }
  for (const state of rest) {
    for (const item of state) {
      if (item.startsWith('!')) {
        out.add(item);
      }
    }
  }
  return out;
}

function applyCover(state: ReadonlySet<string>, event: LeakEvent): ReadonlySet<string> {
  switch (event.kind) {
    case 'cover': {
      const next = new Set(state);
      next.add(event.key);
      next.delete(`!${event.key}`);
      return next;
    }
    case 'coverObject': {
      const next = new Set(state);
      next.add(`${event.object}.*`);
      for (const item of state) {
        if (item.startsWith(`!${event.object}.`)) {
          next.delete(item);
        }
      }
      return next;
    }
    case 'uncover': {
      const next = new Set(state);
      next.delete(event.key);
      return next;
    }
    case 'fresh': {
      // A new object: its fields hold nothing yet, except those its literal fills with a creation.
      const next = new Set<string>();
      for (const item of state) {
        if (!item.startsWith(`${event.object}.`) && !item.startsWith(`!${event.object}.`)) {
          next.add(item);
        }
      }
      next.add(`${event.object}.*`);
      for (const field of event.live) {
        next.add(`!${event.object}.${field}`);
      }
      return next;
    }
    case 'forgetObject': {
      // A new object behind the name: nothing is known about its fields, as on function entry.
      const next = new Set(state);
      for (const item of state) {
        if (item.startsWith(`${event.object}.`) || item.startsWith(`!${event.object}.`)) {
          next.delete(item);
        }
      }
      return next;
    }
    case 'store': {
      const next = new Set(state);
      next.delete(event.key);
      next.add(`!${event.key}`);
      return next;
    }
    default:
      return state;
  }
}

/** Whether every path to here released, checked, or handed on the field `key`. */
function isCovered(state: ReadonlySet<string>, key: string): boolean {
  if (state.has(`!${key}`)) {
    return false;
  }
  if (state.has(key)) {
    return true;
  }
  const parts = key.split('.');
  for (let end = 1; end < parts.length; end += 1) {
    if (state.has(`${parts.slice(0, end).join('.')}.*`)) {
      return true;
    }
  }
  return false;
}

/** The name of a non-computed property key: `bh` in `{ bh: … }` and `{ 'bh': … }`. */
function staticKey(key: TSESTree.Node): string | undefined {
  if (key.type === AST_NODE_TYPES.Identifier) {
    return key.name;
  }
  return key.type === AST_NODE_TYPES.Literal && typeof key.value === 'string'
    ? key.value
    : undefined;
}

/**
 * The branch on which a field read in a check (`if (s.x)`, `s.x != null ? … : …`) is known to
 * hold something, so that the check does not cover a store there. Undefined when the check's
 * polarity is unclear, which keeps the check covering both branches.
 */
function fullBranch(read: TSESTree.Node): TSESTree.Node | undefined {
  let node = read;
  let fullWhen = true;
  for (;;) {
    const parent = node.parent;
    if (!parent) {
      return undefined;
    }
    if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === '!') {
      fullWhen = !fullWhen;
    } else if (parent.type === AST_NODE_TYPES.BinaryExpression && node === read) {
      const other = parent.left === node ? parent.right : parent.left;
      if (!isNullish(other)) {
        return undefined;
      }
      if (parent.operator === '==' || parent.operator === '===') {
        fullWhen = false;
      } else if (parent.operator !== '!=' && parent.operator !== '!==') {
        return undefined;
      }
    } else if (parent.type === AST_NODE_TYPES.LogicalExpression) {
      // `a && b` true means both are; `a || b` false means neither is.
      if (!((parent.operator === '&&' && fullWhen) || (parent.operator === '||' && !fullWhen))) {
        return undefined;
      }
    } else if (
      (parent.type === AST_NODE_TYPES.IfStatement ||
        parent.type === AST_NODE_TYPES.ConditionalExpression) &&
      parent.test === node
    ) {
      return fullWhen ? parent.consequent : (parent.alternate ?? undefined);
    } else {
      return undefined;
    }
    node = outermostValue(parent);
  }
}

/** `null`, `undefined` or `void 0`. */
function isNullish(node: TSESTree.Node): boolean {
  return (
    (node.type === AST_NODE_TYPES.Literal && node.value === null) ||
    (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined') ||
    (node.type === AST_NODE_TYPES.UnaryExpression && node.operator === 'void')
  );
}
