// What the rules know about the bhsan runtime's bottom-half API, by name and (when asked) by type.
//
// The plugin never imports the runtime: it knows the idiomatic API (`ctx.bhNew`, `bh.delete()`…)
// and the QEMU-named facade (`aio_bh_new`, `qemu_bh_delete`…) by name, and with type information
// it recognises a bottom half by its type (`BottomHalf`, alias `QEMUBH`) instead.
import {
  type TypeOrValueSpecifier,
  typeMatchesSomeSpecifier,
  valueMatchesSomeSpecifier,
} from '@typescript-eslint/type-utils';
import {
  AST_NODE_TYPES,
  ESLintUtils,
  type JSONSchema,
  type ParserServicesWithTypeInformation,
  type TSESLint,
  type TSESTree,
} from '@typescript-eslint/utils';
import ts from 'typescript';

import {
  calleeNameNode,
  innermostValue,
  isDisposeMember,
  isFunction,
  propertyName,
} from './ast.js';

export type { TypeOrValueSpecifier };

/** The runtime's bottom-half types, always matched; `bhTypes` adds to them. */
export const DEFAULT_BH_TYPES: readonly TypeOrValueSpecifier[] = [
  { from: 'package', name: 'BottomHalf', package: '@bhsan/runtime' },
  { from: 'package', name: 'QEMUBH', package: '@bhsan/runtime/qemu' },
];

/** QEMU-named functions that return a new bottom half, with the argument count they take. */
export const QEMU_CREATORS: ReadonlySet<string> = new Set([
  'aio_bh_new',
  'aio_bh_new_full',
  'qemu_bh_new',
]);

/** QEMU-named functions that delete the bottom half passed as their first argument. */
export const QEMU_RELEASERS: ReadonlySet<string> = new Set(['qemu_bh_delete']);

/** QEMU-named functions that use a bottom half without taking it, mapped to the operation. */
export const QEMU_OPERATIONS: ReadonlyMap<string, BhOperation> = new Map<string, BhOperation>([
  ['qemu_bh_schedule', 'schedule'],
  ['qemu_bh_schedule_idle', 'scheduleIdle'],
  ['qemu_bh_cancel', 'cancel'],
  ['qemu_bh_delete', 'delete'],
]);

/** `BottomHalf` methods that use a bottom half without taking it. */
export const METHOD_OPERATIONS: ReadonlyMap<string, BhOperation> = new Map<string, BhOperation>([
  ['schedule', 'schedule'],
  ['scheduleIdle', 'scheduleIdle'],
  ['cancel', 'cancel'],
  ['delete', 'delete'],
]);

/** What a call does to a bottom half, in the runtime's words. */
export type BhOperation = 'schedule' | 'scheduleIdle' | 'cancel' | 'delete';

/** Options both rules share: how to recognise a bottom half and its releasers. */
export interface BhApiOptions {
  /** Recognise bottom halves by type instead of by the runtime's function names. */
  readonly useTypeInformation?: boolean;
  /** Types that are bottom halves besides the runtime's own (typed mode). */
  readonly bhTypes?: TypeOrValueSpecifier[];
  /** Extra functions that return a new bottom half. */
  readonly creators?: TypeOrValueSpecifier[];
  /** Extra functions that delete the bottom halves passed to them. */
  readonly releasers?: TypeOrValueSpecifier[];
}

const specifierListSchema = (description: string): JSONSchema.JSONSchema4 => ({
  type: 'array',
  description,
  items: {
    oneOf: [
      { type: 'string' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', enum: ['file'] },
          name: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          path: { type: 'string' },
        },
        required: ['from', 'name'],
      },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', enum: ['lib'] },
          name: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        },
        required: ['from', 'name'],
      },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', enum: ['package'] },
          name: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          package: { type: 'string' },
        },
        required: ['from', 'name', 'package'],
      },
    ],
  },
});

/** Schema properties for `BhApiOptions`, merged into each rule's options schema. */
export function bhApiSchemaProperties(): Record<string, JSONSchema.JSONSchema4> {
  return {
    useTypeInformation: {
      type: 'boolean',
      description:
        'Recognise bottom halves by type (needs type information) instead of by the names of ' +
        "the runtime's functions.",
    },
    bhTypes: specifierListSchema(
      'Types that are bottom halves when `useTypeInformation` is on, besides the runtime ' +
        'types `BottomHalf` and `QEMUBH`, which always count (TypeOrValueSpecifier form).',
    ),
    creators: specifierListSchema(
      'Further functions that return a new bottom half the caller must delete.',
    ),
    releasers: specifierListSchema(
      'Further functions that delete every bottom half passed to them as an argument.',
    ),
  };
}

/** A specifier list for functions, in a schema property. Used by rules for their own options. */
export { specifierListSchema };

/** A call that creates a bottom half, with what a report needs to say about it. */
export interface Creation {
  readonly call: TSESTree.CallExpression;
  /** How the creator is written in the source, on one line: `qemu_bh_new`, `ctx.bhNew`. */
  readonly calleeText: string;
  readonly line: number;
  /** 1-based, as ESLint shows columns. */
  readonly column: number;
}

/** Callee text for a message, on one line: `ctx\n  .bhNew` → `ctx.bhNew`. */
export function oneLine(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/ ?(\?\.|\.|\(|\)|\[|\]) ?/g, '$1')
    .trim();
}

/**
 * The rules' view of the bottom-half API for one file. Built once per rule run by `create()`;
 * answers by name, or by type when `useTypeInformation` is on.
 */
export class BhApi {
  readonly #context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;
  readonly #options: BhApiOptions;
  readonly #program: ts.Program | undefined;
  readonly #services: ParserServicesWithTypeInformation | undefined;
  /** Same-file functions already checked for being a wrapper around a creation. */
  readonly #wrappers = new Map<TSESTree.FunctionLike, boolean>();
  /** Answers of `creationOf` per call: a rule asks about one call from several listeners. */
  readonly #creations = new Map<TSESTree.CallExpression, Creation | null>();
  /** Answers of `isBhValue` per node, so a type is matched once per node and file. */
  readonly #bhValues = new Map<TSESTree.Node, boolean>();
  /** The runtime's bottom-half types plus `bhTypes`, built once. */
  readonly #bhTypes: TypeOrValueSpecifier[];

  constructor(
    context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
    options: BhApiOptions,
  ) {
    this.#context = context;
    this.#options = options;
    this.#bhTypes = [...DEFAULT_BH_TYPES, ...(options.bhTypes ?? [])];
    if (options.useTypeInformation === true) {
      // Throws a clear error naming the rule when the file has no type information.
      this.#services = ESLintUtils.getParserServices(context);
      this.#program = this.#services.program;
    }
  }

  /** Whether the rule answers by type. */
  get typed(): boolean {
    return this.#program !== undefined;
  }

  /** The call's creation facts when it returns a new bottom half, else undefined. */
  creationOf(node: TSESTree.Node): Creation | undefined {
    const inner = innermostValue(node);
    if (inner.type !== AST_NODE_TYPES.CallExpression) {
      return undefined;
    }
    let creation = this.#creations.get(inner);
    if (creation === undefined) {
      creation = this.#isCreatorCall(inner, true)
        ? {
            call: inner,
            calleeText: oneLine(this.#context.sourceCode.getText(innermostValue(inner.callee))),
            line: inner.loc.start.line,
            column: inner.loc.start.column + 1,
          }
        : null;
      this.#creations.set(inner, creation);
    }
    return creation ?? undefined;
  }

  /** Whether the call releases (deletes) the argument at `argument`. */
  releasesArgument(call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
    if (call.type !== AST_NODE_TYPES.CallExpression) {
      return false;
    }
    const name = calleeNameNode(call.callee);
    if (name && this.#matchesFunction(name, call.callee, this.#options.releasers)) {
      return true;
    }
    return this.qemuOperationOf(call) === 'delete';
  }

  /** The operation a QEMU-named call (`qemu_bh_schedule(bh)`) performs on its first argument. */
  qemuOperationOf(call: TSESTree.CallExpression): BhOperation | undefined {
    const name = calleeNameNode(call.callee);
    if (!name || name.type !== AST_NODE_TYPES.Identifier) {
      return undefined;
    }
    const operation = QEMU_OPERATIONS.get(name.name);
    if (operation === undefined || call.arguments.length !== 1) {
      return undefined;
    }
    const argument = call.arguments[0];
    if (argument && this.typed && !this.isBhValue(argument)) {
      return undefined;
    }
    return operation;
  }

  /**
   * The operation a method call on a bottom half performs: `bh.schedule()` → 'schedule',
   * `bh[Symbol.dispose]()` → 'delete'. Untyped, any zero-argument call of these names counts.
   */
  methodOperationOf(call: TSESTree.CallExpression): BhOperation | 'dispose' | undefined {
    const callee = innermostValue(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || call.arguments.length !== 0) {
      return undefined;
    }
    let operation: BhOperation | 'dispose' | undefined;
    if (isDisposeMember(callee)) {
      operation = 'dispose';
    } else {
      const name = propertyName(callee);
      operation = name === undefined || callee.computed ? undefined : METHOD_OPERATIONS.get(name);
    }
    if (operation === undefined) {
      return undefined;
    }
    if (this.typed && !this.isBhValue(callee.object)) {
      return undefined;
    }
    return operation;
  }

  /** Whether a function name node matches one of `specifiers`, by name or by declaration. */
  matchesFunction(
    nameNode: TSESTree.Node,
    typeNode: TSESTree.Node,
    specifiers: readonly TypeOrValueSpecifier[] | undefined,
  ): boolean {
    return this.#matchesFunction(nameNode, typeNode, specifiers);
  }

  /** Whether the value of `node` has a bottom-half type (typed mode only; false otherwise). */
  isBhValue(node: TSESTree.Node): boolean {
    if (!this.#services || !this.#program) {
      return false;
    }
    let matches = this.#bhValues.get(node);
    if (matches === undefined) {
      const checker = this.#program.getTypeChecker();
      const type = checker.getNonNullableType(this.#services.getTypeAtLocation(node));
      matches = typeMatchesSomeSpecifier(type, this.#bhTypes, this.#program);
      this.#bhValues.set(node, matches);
    }
    return matches;
  }

  /**
   * Whether a call makes a new bottom half. By name: a configured creator, a QEMU-named creator,
   * or `<ctx>.bhNew(...)`. With types, a creator-shaped call counts only when it returns a
   * bottom-half type (the shape found through renamed imports too), and so does a call of a
   * function declared in this file whose every `return` is such a creation (`outer` allows that
   * one level). A call is never a creation merely because it returns a bottom half: that may be
   * a lookup of an existing one.
   */
  #isCreatorCall(call: TSESTree.CallExpression, outer: boolean): boolean {
    const name = calleeNameNode(call.callee);
    if (name && this.#matchesFunction(name, call.callee, this.#options.creators)) {
      return true;
    }
    if (!name) {
      return false;
    }
    if (!this.typed) {
      return creatorShaped(call, name.type === AST_NODE_TYPES.Identifier ? name.name : undefined);
    }
    if (creatorShaped(call, this.#declaredName(name))) {
      return this.isBhValue(call);
    }
    return outer && this.#isWrapperCall(name);
  }

  /** The name a callee was declared with, seeing through renamed imports (typed mode). */
  #declaredName(name: TSESTree.Identifier | TSESTree.PrivateIdentifier): string | undefined {
    if (name.type !== AST_NODE_TYPES.Identifier || !this.#services || !this.#program) {
      return undefined;
    }
    const checker = this.#program.getTypeChecker();
    const tsNode = this.#services.esTreeNodeToTSNodeMap.get(name);
    let symbol = checker.getSymbolAtLocation(tsNode);
    if (symbol && (symbol.flags & ts.SymbolFlags.Alias) !== 0) {
      symbol = checker.getAliasedSymbol(symbol);
    }
    return symbol?.getName() ?? name.name;
  }

  /** Whether the callee is a function declared in this file that returns a new bottom half. */
  #isWrapperCall(name: TSESTree.Identifier | TSESTree.PrivateIdentifier): boolean {
    if (!this.#services || !this.#program) {
      return false;
    }
    const checker = this.#program.getTypeChecker();
    const symbol = checker.getSymbolAtLocation(this.#services.esTreeNodeToTSNodeMap.get(name));
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (!declaration || declaration.getSourceFile() !== this.#program.getSourceFile(this.#file)) {
      return false;
    }
    const node = this.#services.tsNodeToESTreeNodeMap.get(declaration) as TSESTree.Node | undefined;
    const fn = node ? declaredFunction(node) : undefined;
    if (!fn) {
      return false;
    }
    let wraps = this.#wrappers.get(fn);
    if (wraps === undefined) {
      const returned = returnedValues(fn);
      wraps =
        returned.length > 0 &&
        returned.every((value) => {
          const inner = innermostValue(value);
          return inner.type === AST_NODE_TYPES.CallExpression && this.#isCreatorCall(inner, false);
        });
      this.#wrappers.set(fn, wraps);
    }
    return wraps;
  }

  get #file(): string {
    return this.#context.filename;
  }

  #matchesFunction(
    nameNode: TSESTree.Node,
    typeNode: TSESTree.Node,
    specifiers: readonly TypeOrValueSpecifier[] | undefined,
  ): boolean {
    if (!specifiers || specifiers.length === 0) {
      return false;
    }
    if (this.#services && this.#program) {
      const type = this.#services.getTypeAtLocation(typeNode);
      return valueMatchesSomeSpecifier(nameNode, [...specifiers], this.#program, type);
    }
    const name =
      nameNode.type === AST_NODE_TYPES.Identifier ||
      nameNode.type === AST_NODE_TYPES.PrivateIdentifier
        ? nameNode.name
        : undefined;
    if (name === undefined) {
      return false;
    }
    return specifiers.some((specifier) =>
      typeof specifier === 'string'
        ? specifier === name
        : (typeof specifier.name === 'string' ? [specifier.name] : specifier.name).includes(name),
    );
  }
}

/** Whether a call has the shape of a known creator, given the name its callee was declared with. */
function creatorShaped(call: TSESTree.CallExpression, declaredName: string | undefined): boolean {
  if (declaredName === undefined) {
    return false;
  }
  if (QEMU_CREATORS.has(declaredName)) {
    return true;
  }
  // `<ctx>.bhNew(...)`: the idiomatic constructor is always reached through a context.
  return (
    declaredName === 'bhNew' && innermostValue(call.callee).type === AST_NODE_TYPES.MemberExpression
  );
}

/** The function a declaration node stands for: `function f`, `const f = () => …`, a method. */
function declaredFunction(node: TSESTree.Node): TSESTree.FunctionLike | undefined {
  switch (node.type) {
    case AST_NODE_TYPES.FunctionDeclaration:
      return node;
    case AST_NODE_TYPES.VariableDeclarator:
    case AST_NODE_TYPES.PropertyDefinition:
    case AST_NODE_TYPES.MethodDefinition: {
      const value = node.type === AST_NODE_TYPES.VariableDeclarator ? node.init : node.value;
      return value &&
        (value.type === AST_NODE_TYPES.FunctionExpression ||
          value.type === AST_NODE_TYPES.ArrowFunctionExpression)
        ? value
        : undefined;
    }
    default:
      return undefined;
  }
}

/** The values a function returns at its own level (not in nested functions). */
function returnedValues(fn: TSESTree.FunctionLike): TSESTree.Node[] {
  const body = fn.body;
  if (!body) {
    return [];
  }
  if (body.type !== AST_NODE_TYPES.BlockStatement) {
    return [body];
  }
  const values: TSESTree.Node[] = [];
  const visit = (node: TSESTree.Node): void => {
    if (node.type === AST_NODE_TYPES.ReturnStatement) {
      // A bare `return` hands back nothing: the function is not a plain creator.
      values.push(node.argument ?? node);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'parent') {
        continue;
      }
      for (const child of Array.isArray(value) ? value : [value]) {
        if (isNode(child) && !isFunction(child) && child.type !== AST_NODE_TYPES.ClassBody) {
          visit(child);
        }
      }
    }
  };
  visit(body);
  return values;
}

function isNode(value: unknown): value is TSESTree.Node {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
