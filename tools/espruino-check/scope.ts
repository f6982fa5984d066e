// ESTree helpers and a small scope analysis for the bundle check: which names a program declares where, so that
// a reference to a missing global can be told apart from a local of the same name.

export interface EsNode {
  type: string;
  start: number;
  end: number;
  loc: { start: { line: number; column: number } };
  [key: string]: unknown;
}

export const isNode = (value: unknown): value is EsNode =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
export const nodeAt = (node: EsNode, key: string): EsNode | null => (isNode(node[key]) ? (node[key] as EsNode) : null);
export const nodesAt = (node: EsNode, key: string): EsNode[] =>
  Array.isArray(node[key]) ? (node[key] as unknown[]).filter(isNode) : [];

export const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

export class Scope {
  readonly names = new Set<string>();
  constructor(readonly parent: Scope | null) {}
  has(name: string): boolean {
    return this.names.has(name) || (this.parent !== null && this.parent.has(name));
  }
}

/** Names bound by a declaration pattern (`a`, `{a, b: [c]}`, `...d`, `e = 1`). */
export function patternNames(pattern: EsNode | null, out: string[] = []): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern.name as string);
      break;
    case 'ObjectPattern':
      for (const p of nodesAt(pattern, 'properties')) patternNames(p.type === 'RestElement' ? nodeAt(p, 'argument') : nodeAt(p, 'value'), out);
      break;
    case 'ArrayPattern':
      for (const e of nodesAt(pattern, 'elements')) patternNames(e, out);
      break;
    case 'RestElement':
      patternNames(nodeAt(pattern, 'argument'), out);
      break;
    case 'AssignmentPattern':
      patternNames(nodeAt(pattern, 'left'), out);
      break;
  }
  return out;
}

/** `var` declarations and function declarations anywhere in a function body, not entering nested functions. */
export function hoistVars(node: EsNode, scope: Scope): void {
  if (node.type === 'VariableDeclaration' && node.kind === 'var') {
    for (const d of nodesAt(node, 'declarations')) for (const n of patternNames(nodeAt(d, 'id'))) scope.names.add(n);
  }
  if (node.type === 'FunctionDeclaration') {
    const id = nodeAt(node, 'id');
    if (id) scope.names.add(id.name as string);
    return;
  }
  if (FUNCTION_TYPES.has(node.type) || node.type === 'ClassExpression' || node.type === 'ClassDeclaration') return;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) for (const v of value) if (isNode(v)) hoistVars(v, scope);
    if (isNode(value)) hoistVars(value, scope);
  }
}

/** let/const/class/function declared directly in a statement list. */
export function declareLexical(statements: EsNode[], scope: Scope): void {
  for (const s of statements) {
    if (s.type === 'VariableDeclaration' && s.kind !== 'var') {
      for (const d of nodesAt(s, 'declarations')) for (const n of patternNames(nodeAt(d, 'id'))) scope.names.add(n);
    } else if (s.type === 'ClassDeclaration' || s.type === 'FunctionDeclaration') {
      const id = nodeAt(s, 'id');
      if (id) scope.names.add(id.name as string);
    }
  }
}
