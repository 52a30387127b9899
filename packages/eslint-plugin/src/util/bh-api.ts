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
import type * as ts from 'typescript';

import { calleeNameNode, innermostValue, isDisposeMember, propertyName } from './ast.js';

export type { TypeOrValueSpecifier };

/** The runtime's bottom-half types, matched when `bhTypes` is not given. */
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
  /** Types that are bottom halves (typed mode). */
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
      'Types that are bottom halves when `useTypeInformation` is on (TypeOrValueSpecifier form).',
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
  /** How the creator is written in the source: `qemu_bh_new`, `ctx.bhNew`. */
  readonly calleeText: string;
  readonly line: number;
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

  constructor(
    context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
    options: BhApiOptions,
  ) {
    this.#context = context;
    this.#options = options;
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
    if (!this.#isCreatorCall(inner)) {
      return undefined;
    }
    return {
      call: inner,
      calleeText: this.#context.sourceCode.getText(innermostValue(inner.callee)),
      line: inner.loc.start.line,
    };
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
    const checker = this.#program.getTypeChecker();
    const type = checker.getNonNullableType(this.#services.getTypeAtLocation(node));
    return typeMatchesSomeSpecifier(
      type,
      [...(this.#options.bhTypes ?? DEFAULT_BH_TYPES)],
      this.#program,
    );
  }

  #isCreatorCall(call: TSESTree.CallExpression): boolean {
    const name = calleeNameNode(call.callee);
    if (name && this.#matchesFunction(name, call.callee, this.#options.creators)) {
      return true;
    }
    if (this.typed) {
      return this.isBhValue(call);
    }
    if (!name) {
      return false;
    }
    if (name.type === AST_NODE_TYPES.Identifier && QEMU_CREATORS.has(name.name)) {
      return true;
    }
    // `<ctx>.bhNew(...)`: the idiomatic constructor is always reached through a context.
    return (
      name.type === AST_NODE_TYPES.Identifier &&
      name.name === 'bhNew' &&
      innermostValue(call.callee).type === AST_NODE_TYPES.MemberExpression
    );
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
