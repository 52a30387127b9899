// Small AST helpers shared by the rules: unwrapping type-only wrappers, naming callees and fields.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

/** Nodes that wrap a value without changing it at run time (`x!`, `x as T`, `a?.b`). */
const TRANSPARENT: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.TSNonNullExpression,
  AST_NODE_TYPES.TSAsExpression,
  AST_NODE_TYPES.TSSatisfiesExpression,
  AST_NODE_TYPES.TSTypeAssertion,
  AST_NODE_TYPES.ChainExpression,
]);

/** Returns the outermost node that still carries `node`'s value unchanged. */
export function outermostValue(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.parent && TRANSPARENT.has(current.parent.type)) {
    current = current.parent;
  }
  return current;
}

/** Strips transparent wrappers from an expression: `(x as T)!` → `x`. */
export function innermostValue(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
        current = current.expression;
        break;
      case AST_NODE_TYPES.ChainExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** The static name of a member's property: `x.a` → `a`, `x.#a` → `#a`, `x['a']` → `a`. */
export function propertyName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed) {
    return member.property.type === AST_NODE_TYPES.PrivateIdentifier
      ? `#${member.property.name}`
      : member.property.name;
  }
  if (
    member.property.type === AST_NODE_TYPES.Literal &&
    typeof member.property.value === 'string'
  ) {
    return member.property.value;
  }
  return undefined;
}

/** Whether a member is `x[Symbol.dispose]`. */
export function isDisposeMember(member: TSESTree.MemberExpression): boolean {
  const property = member.property;
  return (
    member.computed &&
    property.type === AST_NODE_TYPES.MemberExpression &&
    !property.computed &&
    property.object.type === AST_NODE_TYPES.Identifier &&
    property.object.name === 'Symbol' &&
    property.property.type === AST_NODE_TYPES.Identifier &&
    property.property.name === 'dispose'
  );
}

/**
 * The name node a callee is known by: `f` in `f()`, `m` in `o.m()` and `o?.m()`.
 * Returns undefined for computed or anonymous callees.
 */
export function calleeNameNode(
  callee: TSESTree.Node,
): TSESTree.Identifier | TSESTree.PrivateIdentifier | undefined {
  const inner = innermostValue(callee);
  if (inner.type === AST_NODE_TYPES.Identifier) {
    return inner;
  }
  if (inner.type === AST_NODE_TYPES.MemberExpression && !inner.computed) {
    return inner.property;
  }
  return undefined;
}

/**
 * A stable text for an object whose fields are tracked: `this`, `s`, `s.dev`.
 * Returns undefined for anything else (calls, computed members), which is then not tracked.
 */
export function objectKey(node: TSESTree.Node): string | undefined {
  const inner = innermostValue(node);
  if (inner.type === AST_NODE_TYPES.ThisExpression) {
    return 'this';
  }
  if (inner.type === AST_NODE_TYPES.Identifier) {
    return inner.name;
  }
  if (inner.type === AST_NODE_TYPES.MemberExpression) {
    const name = propertyName(inner);
    const object = objectKey(inner.object);
    return name !== undefined && object !== undefined ? `${object}.${name}` : undefined;
  }
  return undefined;
}

/** The key of a field access `obj.f` (`this.bh`, `s.cleanup_bh`), or undefined. */
export function fieldKey(member: TSESTree.MemberExpression): string | undefined {
  return objectKey(member);
}

/** Whether `node` is inside `container` (or is it). */
export function isInside(node: TSESTree.Node, container: TSESTree.Node): boolean {
  return node.range[0] >= container.range[0] && node.range[1] <= container.range[1];
}

/** Whether a node is a function (declaration, expression or arrow). */
export function isFunction(node: TSESTree.Node): node is TSESTree.FunctionLike {
  return (
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression ||
    node.type === AST_NODE_TYPES.ArrowFunctionExpression
  );
}

/** The nearest enclosing function of `node`, or undefined at module level. */
export function enclosingFunction(node: TSESTree.Node): TSESTree.FunctionLike | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunction(current)) {
      return current;
    }
  }
  return undefined;
}

/**
 * The name node a function is known by: its own id, its method or property key, or the variable
 * it initialises. Used to match configured init functions.
 */
export function functionNameNode(fn: TSESTree.FunctionLike): TSESTree.Node | undefined {
  if (fn.id) {
    return fn.id;
  }
  const parent = fn.parent;
  if (
    (parent.type === AST_NODE_TYPES.MethodDefinition ||
      parent.type === AST_NODE_TYPES.Property ||
      parent.type === AST_NODE_TYPES.PropertyDefinition) &&
    !parent.computed
  ) {
    return parent.key;
  }
  if (parent.type === AST_NODE_TYPES.VariableDeclarator) {
    return parent.id;
  }
  return undefined;
}

/** Whether `fn` is a class constructor. */
export function isConstructor(fn: TSESTree.FunctionLike): boolean {
  return fn.parent.type === AST_NODE_TYPES.MethodDefinition && fn.parent.kind === 'constructor';
}

/**
 * The class whose instance `this` means at `node`: arrows see through to their outer `this`,
 * plain functions and module level have none.
 */
export function classOfThis(
  node: TSESTree.Node,
): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (
      current.type === AST_NODE_TYPES.ClassBody &&
      (current.parent.type === AST_NODE_TYPES.ClassDeclaration ||
        current.parent.type === AST_NODE_TYPES.ClassExpression)
    ) {
      return current.parent;
    }
    if (
      current.type === AST_NODE_TYPES.FunctionDeclaration ||
      (current.type === AST_NODE_TYPES.FunctionExpression &&
        current.parent.type !== AST_NODE_TYPES.MethodDefinition)
    ) {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Whether a value read at `node` is only tested (`if (x)`, `!x`, `x == null`, `x && …`), which
 * neither moves nor releases it.
 */
export function isTestPosition(node: TSESTree.Node): boolean {
  const parent = node.parent;
  if (!parent) {
    return false;
  }
  switch (parent.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ConditionalExpression:
    case AST_NODE_TYPES.ForStatement:
      return 'test' in parent && parent.test === node;
    case AST_NODE_TYPES.UnaryExpression:
      return parent.operator === '!' || parent.operator === 'typeof';
    case AST_NODE_TYPES.BinaryExpression:
      return ['==', '!=', '===', '!=='].includes(parent.operator);
    case AST_NODE_TYPES.LogicalExpression:
      return parent.left === node && parent.operator === '&&';
    default:
      return false;
  }
}

/**
 * The names and fields a binding or assignment target writes: `q` in `const q`, `a` and `s.bh` in
 * `[a, s.bh] = …`, `bh` in `const { bh = none } = …`. Called by rules that forget what they knew
 * about a target once it is bound again.
 */
export function writtenTargets(
  target: TSESTree.Node,
): (TSESTree.Identifier | TSESTree.MemberExpression)[] {
  const inner = innermostValue(target);
  switch (inner.type) {
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.MemberExpression:
      return [inner];
    case AST_NODE_TYPES.AssignmentPattern:
      return writtenTargets(inner.left);
    case AST_NODE_TYPES.RestElement:
      return writtenTargets(inner.argument);
    case AST_NODE_TYPES.ArrayPattern:
      return inner.elements.flatMap((element) => (element ? writtenTargets(element) : []));
    case AST_NODE_TYPES.ObjectPattern:
      return inner.properties.flatMap((property) =>
        writtenTargets(property.type === AST_NODE_TYPES.Property ? property.value : property),
      );
    default:
      return [];
  }
}

/**
 * Whether a declarator gives its names a new value each time it runs. All do except `var q;`,
 * which keeps the value `q` had (a `var` in a `for … of` or `for … in` head is assigned each pass).
 */
export function declaratorBinds(declarator: TSESTree.VariableDeclarator): boolean {
  const declaration = declarator.parent;
  const loop = declaration.parent;
  const inLoopHead =
    (loop.type === AST_NODE_TYPES.ForInStatement || loop.type === AST_NODE_TYPES.ForOfStatement) &&
    loop.left === declaration;
  return declaration.kind !== 'var' || declarator.init !== null || inLoopHead;
}
