// Post-build check of JavaScript for the Espruino interpreter (../shared/docs/espruino.md checklist "Build": "parse the
// bundle with acorn and reject the forbidden syntax/globals"). Espruino parses a function body only when it first
// runs, so anything unsupported that reaches the device fails late and obscurely; this fails the build instead.
// Globals are resolved through a small scope analysis, so a local variable named `Map` is not a violation.
import { parse } from 'acorn';
import { regexProblems } from './regex';
import { declareLexical, EsNode, FUNCTION_TYPES, hoistVars, isNode, nodeAt, nodesAt, patternNames, Scope } from './scope';
import { BUILTIN_CLASSES, ITERATOR_METHODS, MISSING_GLOBALS, MISSING_METHODS, MISSING_STATICS, PROTOTYPE_LOOKUP_BROKEN } from './rules';

export interface Violation {
  rule: string;
  /** 1-based line and column. */
  line: number;
  column: number;
  message: string;
  /** What to write instead. */
  hint: string;
  /** A few characters of source around the spot (useful in a minified bundle). */
  excerpt: string;
}

export interface CheckOptions {
  /** Object spread {...o} is fine in sources (esbuild lowers it) but in a bundle it means lowering did not happen:
   *  'reject' there (default 'allow'). */
  objectSpread?: 'allow' | 'reject';
}

export interface CheckResult {
  violations: Violation[];
  /** Functions, arrows and methods in the code (espruino.md checklist: ≈6 JsVars each when run from Storage). */
  functions: number;
}

const propertyName = (member: EsNode): string | null => {
  const property = nodeAt(member, 'property');
  if (!property) return null;
  if (!member.computed && property.type === 'Identifier') return property.name as string;
  if (member.computed && property.type === 'Literal' && typeof property.value === 'string') return property.value;
  return null;
};

/** Highest \u escape in a literal's raw text, or -1. */
function maxUnicodeEscape(raw: string): number {
  let max = -1;
  const re = /\\u(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{4}))/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) max = Math.max(max, parseInt(m[1] ?? m[2] ?? '0', 16));
  return max;
}

export function checkSource(code: string, options: CheckOptions = {}): CheckResult {
  const violations: Violation[] = [];
  let functions = 0;
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const position = (offset: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 };
  };
  const report = (offset: number, rule: string, message: string, hint: string): void => {
    const from = Math.max(0, offset - 20);
    const excerpt = code.slice(from, offset + 30).replace(/\s+/g, ' ');
    violations.push({ rule, ...position(offset), message, hint, excerpt });
  };

  let program: EsNode;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowHashBang: true, preserveParens: true }) as unknown as EsNode;
  } catch (err) {
    const e = err as { pos?: number; message: string };
    report(e.pos ?? 0, 'parse-error', `not valid JavaScript: ${e.message}`, 'fix the syntax error');
    return { violations, functions };
  }

  const checkRegex = (at: number, pattern: string, flags: string): void => {
    for (const p of regexProblems(pattern, flags)) {
      report(at, 'regex', `regex /${pattern}/${flags}: ${p.message}`, 'parse with indexOf/charCodeAt, or keep to chars, classes, * and + (espruino.md §1.3)');
    }
  };

  const isGlobal = (name: string, scope: Scope): boolean => !scope.has(name);

  /** Visits an expression/statement. `parent`/`key` say where the node sits, for identifier roles. */
  const visit = (node: EsNode, parent: EsNode | null, key: string, scope: Scope): void => {
    switch (node.type) {
      case 'Identifier':
        return identifier(node, parent, key, scope);
      case 'ObjectPattern':
      case 'ArrayPattern':
        report(node.start, 'destructuring', 'destructuring is not supported', 'read the properties/elements one by one (espruino.md §1.2)');
        break;
      case 'AssignmentPattern':
        report(node.start, 'default-value', 'default values (parameters or destructuring) are not supported', 'use `x === undefined ? d : x` in the body (espruino.md §1.2)');
        break;
      case 'RestElement':
        report(node.start, 'rest', 'rest parameters/elements (...x) are not supported', 'pass an array (espruino.md §1.2)');
        break;
      case 'SpreadElement':
        if (parent?.type !== 'ObjectExpression') {
          report(node.start, 'spread', 'spread (...) in calls/arrays is not supported', 'use concat/loops or fn.apply(null, arr) (≤256 elements) (espruino.md §1.2)');
        } else if (options.objectSpread === 'reject') {
          report(node.start, 'spread', 'object spread {...o} left in the output: Espruino has no `...` token', 'esbuild must lower it: build with target es2015 (espruino.md §1.5)');
        }
        break;
      case 'Property':
        if (node.computed && parent?.type === 'ObjectExpression') {
          report(node.start, 'computed-key', 'computed object keys {[k]: v} are not supported', 'create the object, then assign o[k] = v (espruino.md §1.2)');
        }
        break;
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node.computed) report(node.start, 'computed-key', 'computed class member names are not supported', 'use an identifier name (espruino.md §1.2)');
        else if (node.type === 'MethodDefinition' && nodeAt(node, 'key')?.type === 'Literal') {
          report(node.start, 'string-method-name', 'a class method named by a string/number literal is a SyntaxError', 'use an identifier name (espruino.md §1.2)');
        }
        if (node.type === 'PropertyDefinition') {
          report(node.start, 'class-field', 'native class fields land on the prototype (shared by all instances)', 'let esbuild lower fields into the constructor: target es2015, useDefineForClassFields false (espruino.md §1.2, §1.5)');
        }
        break;
      case 'StaticBlock':
        report(node.start, 'static-block', 'class static blocks are not supported', 'initialise after the class statement');
        break;
      case 'PrivateIdentifier':
        report(node.start, 'private-field', '#private members are not supported', 'use TypeScript `private` (espruino.md §1.2)');
        break;
      case 'TaggedTemplateExpression':
        report(node.start, 'tagged-template', 'tagged templates (tag`…`, String.raw`…`) are not supported', 'call a function with a plain string (espruino.md §1.2)');
        break;
      case 'LabeledStatement':
        report(node.start, 'label', 'labels are parsed as expressions (ReferenceError)', 'use a flag or a helper function with return (espruino.md §1.2)');
        break;
      case 'MetaProperty':
        report(node.start, 'new-target', `${(nodeAt(node, 'meta')?.name as string) ?? 'new'}.${(nodeAt(node, 'property')?.name as string) ?? 'target'} is not supported`, 'pass the information explicitly (espruino.md §1.2)');
        break;
      case 'ImportExpression':
        report(node.start, 'dynamic-import', 'import() is not supported', 'bundle the module');
        break;
      case 'ChainExpression':
        report(node.start, 'optional-chaining', 'optional chaining ?. is not supported', 'let esbuild lower it (target es2015), or test explicitly (espruino.md §1.2)');
        break;
      case 'YieldExpression':
        report(node.start, 'generator', 'yield is not supported', 'return an array or use a callback (espruino.md §1.2)');
        break;
      case 'AwaitExpression':
        report(node.start, 'async', 'await is not supported', 'chain .then/.catch (espruino.md §1.2)');
        break;
      case 'ForOfStatement':
        if (node.await) report(node.start, 'for-await', 'for await…of is not supported', 'iterate an array with callbacks (espruino.md §1.2)');
        break;
      case 'BinaryExpression':
        if (node.operator === '**') report(node.start, 'exponent', '** is not supported (and Math.pow is imprecise)', 'multiply or shift (espruino.md §1.4)');
        break;
      case 'AssignmentExpression':
        evaluationOrder(node);
        if (node.operator === '**=') report(node.start, 'exponent', '**= is not supported', 'multiply or shift (espruino.md §1.4)');
        if (node.operator === '&&=' || node.operator === '||=' || node.operator === '??=') {
          report(node.start, 'logical-assignment', `${node.operator as string} is not supported`, 'write a = a || b (esbuild lowers it at target es2015) (espruino.md §1.2)');
        }
        break;
      case 'Literal':
        return literal(node);
      case 'TemplateElement': {
        const raw = (node.value as { raw: string }).raw;
        if (maxUnicodeEscape(raw) > 0xff) report(node.start, 'unicode-escape', '\\u escape above 0xFF: strings are 8-bit on the ESP32', 'keep text ASCII (espruino.md §1.4)');
        return;
      }
      case 'NewExpression':
      case 'CallExpression':
        callOrNew(node, scope);
        break;
      case 'MemberExpression':
        member(node, scope, parent, key);
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        return classNode(node, scope);
    }
    if (FUNCTION_TYPES.has(node.type)) return functionNode(node, scope);
    if (node.type === 'BlockStatement' || node.type === 'StaticBlock') {
      useBeforeDeclaration(nodesAt(node, 'body'));
      const inner = new Scope(scope);
      declareLexical(nodesAt(node, 'body'), inner);
      return children(node, inner);
    }
    if (node.type === 'SwitchStatement') {
      visit(nodeAt(node, 'discriminant') as EsNode, node, 'discriminant', scope);
      const inner = new Scope(scope);
      const cases = nodesAt(node, 'cases');
      declareLexical(cases.flatMap((c) => nodesAt(c, 'consequent')), inner);
      for (const c of cases) visit(c, node, 'cases', inner);
      return;
    }
    if (node.type === 'ForStatement' || node.type === 'ForInStatement' || node.type === 'ForOfStatement') {
      const inner = new Scope(scope);
      const head = nodeAt(node, node.type === 'ForStatement' ? 'init' : 'left');
      if (head) declareLexical([head], inner);
      if (head) loopClosures(node, head);
      return children(node, inner);
    }
    if (node.type === 'CatchClause') {
      const inner = new Scope(scope);
      for (const n of patternNames(nodeAt(node, 'param'))) inner.names.add(n);
      return children(node, inner);
    }
    children(node, scope);
  };

  const children = (node: EsNode, scope: Scope): void => {
    for (const key of Object.keys(node)) {
      if (key === 'loc') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const v of value) if (isNode(v)) visit(v, node, key, scope);
      } else if (isNode(value)) visit(value, node, key, scope);
    }
  };

  const functionNode = (node: EsNode, scope: Scope): void => {
    functions++;
    if (node.type === 'ArrowFunctionExpression' && arrowLosesThis(node)) {
      report(node.start, 'arrow-this', 'this expression-bodied arrow loses its lexical `this` on Espruino 2v29: a function literal follows the last `this` in its body', 'read what you need from `this` into a local outside the arrow (esbuild turns `{ return … }` back into an expression body), or put `this` after the nested function (shared/espruino/README.md, known difference (b))');
    }
    if (node.generator) report(node.start, 'generator', 'generators (function*) are not supported', 'return an array or use a callback (espruino.md §1.2)');
    if (node.async) report(node.start, 'async', 'async functions are not supported', 'return a Promise and chain .then/.catch (espruino.md §1.2)');
    const inner = new Scope(scope);
    const id = nodeAt(node, 'id');
    if (id && node.type === 'FunctionExpression') inner.names.add(id.name as string);
    for (const p of nodesAt(node, 'params')) for (const n of patternNames(p)) inner.names.add(n);
    const body = nodeAt(node, 'body') as EsNode;
    if (body.type === 'BlockStatement') {
      useBeforeDeclaration(nodesAt(body, 'body'));
      hoistVars(body, inner);
      declareLexical(nodesAt(body, 'body'), inner);
    }
    for (const p of nodesAt(node, 'params')) visit(p, node, 'params', inner);
    if (body.type === 'BlockStatement') children(body, inner);
    else visit(body, node, 'body', inner);
  };

  // Espruino 2v29 has one binding per `for (let/const …)` loop, not one per iteration: a function created in the loop
  // sees the last value (test/espruino/semantics.test.ts). A `let` declared inside the loop body is fine.
  const loopClosures = (loop: EsNode, head: EsNode): void => {
    if (head.type !== 'VariableDeclaration' || head.kind === 'var') return;
    const names = new Set<string>();
    for (const d of nodesAt(head, 'declarations')) for (const n of patternNames(nodeAt(d, 'id'))) names.add(n);
    const find = (node: EsNode, parent: EsNode | null, key: string, inFunction: boolean): boolean => {
      if (inFunction && node.type === 'Identifier' && names.has(node.name as string)) {
        const member = parent?.type === 'MemberExpression' && key === 'property' && !parent.computed;
        const propertyKey = parent?.type === 'Property' && key === 'key' && !parent.computed;
        if (!member && !propertyKey) return true;
      }
      const fn = FUNCTION_TYPES.has(node.type);
      for (const k of Object.keys(node)) {
        if (k === 'loc') continue;
        const value = node[k];
        const list = Array.isArray(value) ? value : [value];
        for (const v of list) if (isNode(v) && find(v, node, k, inFunction || fn)) return true;
      }
      return false;
    };
    for (const part of ['test', 'update', 'body']) {
      const n = nodeAt(loop, part);
      if (n && find(n, loop, part, false)) {
        report(loop.start, 'loop-closure', `a function created in this loop captures the loop variable ${[...names].join(', ')}: Espruino has one binding for the whole loop (every closure sees the last value)`, 'declare a copy inside the body (`const v = i;`) or call a helper function with the value');
        return;
      }
    }
  };

  // `o.buf[f()] = v`: Espruino evaluates the index before the object (`o.buf`), V8 the object first, so when f()
  // replaces o.buf the write lands in different arrays (test/espruino/semantics.test.ts). A call inside the index of
  // an assignment target whose object is itself a property read is rejected; compute the index into a local first.
  const evaluationOrder = (assignment: EsNode): void => {
    const target = nodeAt(assignment, 'left');
    if (!target || target.type !== 'MemberExpression' || !target.computed || nodeAt(target, 'object')?.type !== 'MemberExpression') return;
    const effects = (node: EsNode): boolean => {
      if (FUNCTION_TYPES.has(node.type)) return false;
      if (node.type === 'CallExpression' || node.type === 'NewExpression') return true;
      return Object.keys(node).some((k) => {
        const value = node[k];
        return k !== 'loc' && (Array.isArray(value) ? value.some((v) => isNode(v) && effects(v)) : isNode(value) && effects(value));
      });
    };
    const index = nodeAt(target, 'property');
    if (index && effects(index)) {
      report(index.start, 'evaluation-order', 'the index of this assignment target has side effects: Espruino evaluates it before the object, V8 after', 'compute the index into a local first (`const i = f(); o.buf[i] = v;`)');
    }
  };

  // No function hoisting on Espruino (espruino.md §1.1): a function declaration exists only once its statement has
  // run, so a statement that uses a function declared further down the same list fails with "… is not defined".
  // Only uses outside nested functions are certain to run first; those are rejected.
  const useBeforeDeclaration = (statements: EsNode[]): void => {
    const declaredAt: { [name: string]: number } = {};
    statements.forEach((st, i) => {
      const id = st.type === 'FunctionDeclaration' ? nodeAt(st, 'id') : null;
      if (id && declaredAt[id.name as string] === undefined) declaredAt[id.name as string] = i;
    });
    if (Object.keys(declaredAt).length === 0) return;
    const find = (node: EsNode, parent: EsNode | null, key: string, before: number): EsNode | null => {
      if (FUNCTION_TYPES.has(node.type) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return null;
      if (node.type === 'Identifier') {
        const at = declaredAt[node.name as string];
        const member = parent?.type === 'MemberExpression' && key === 'property' && !parent.computed;
        const propertyKey = parent?.type === 'Property' && key === 'key' && !parent.computed;
        return at !== undefined && at > before && !member && !propertyKey ? node : null;
      }
      for (const k of Object.keys(node)) {
        if (k === 'loc') continue;
        const value = node[k];
        const list = Array.isArray(value) ? value : [value];
        for (const v of list) {
          const hit = isNode(v) ? find(v, node, k, before) : null;
          if (hit) return hit;
        }
      }
      return null;
    };
    statements.forEach((st, i) => {
      if (st.type === 'FunctionDeclaration') return;
      const hit = find(st, null, '', i);
      if (hit) report(hit.start, 'hoisting', `${hit.name as string} is used before its function declaration has run: Espruino does not hoist functions`, 'move the function declaration above its first use (espruino.md §1.1)');
    });
  };

  const classNode = (node: EsNode, scope: Scope): void => {
    const superClass = nodeAt(node, 'superClass');
    if (superClass && superClass.type !== 'Identifier') {
      report(superClass.start, 'class-extends', '`class X extends <expression>` is a ReferenceError', 'extend a plain identifier (espruino.md §1.2)');
    } else if (superClass && BUILTIN_CLASSES.includes(superClass.name as string) && isGlobal(superClass.name as string, scope)) {
      report(superClass.start, 'class-extends', `built-ins cannot be subclassed (extends ${superClass.name as string})`, 'use new Error(msg) with a `code` property, or wrap the built-in (espruino.md §1.2)');
    }
    const inner = new Scope(scope);
    const id = nodeAt(node, 'id');
    if (id) inner.names.add(id.name as string);
    if (superClass) visit(superClass, node, 'superClass', scope);
    visit(nodeAt(node, 'body') as EsNode, node, 'body', inner);
  };

  const literal = (node: EsNode): void => {
    const regex = node.regex as { pattern: string; flags: string } | undefined;
    if (regex) return checkRegex(node.start, regex.pattern, regex.flags);
    if (typeof node.bigint === 'string') report(node.start, 'bigint', 'BigInt literals are not supported', 'split into 32-bit halves');
    if (typeof node.value === 'string' && maxUnicodeEscape(String(node.raw)) > 0xff) {
      report(node.start, 'unicode-escape', '\\u escape above 0xFF: strings are 8-bit on the ESP32', 'keep text ASCII (espruino.md §1.4)');
    }
  };

  const callOrNew = (node: EsNode, scope: Scope): void => {
    const callee = nodeAt(node, 'callee') as EsNode;
    if (callee.type === 'Identifier' && callee.name === 'RegExp' && isGlobal('RegExp', scope)) {
      const [pattern, flags] = nodesAt(node, 'arguments');
      if (pattern?.type === 'Literal' && typeof pattern.value === 'string') {
        checkRegex(node.start, pattern.value, flags?.type === 'Literal' && typeof flags.value === 'string' ? flags.value : '');
      }
    }
    if (node.type === 'CallExpression' && callee.type === 'MemberExpression') {
      const name = propertyName(callee);
      const object = nodeAt(callee, 'object') as EsNode;
      if (name !== null && Object.prototype.hasOwnProperty.call(MISSING_METHODS, name)) {
        report(callee.start, 'missing-method', `.${name}() does not exist on the device`, MISSING_METHODS[name] as string);
      }
      if (name !== null && ITERATOR_METHODS.includes(name) && !(object.type === 'Identifier' && object.name === 'Object')) {
        report(callee.start, 'missing-method', `.${name}() (iterators) does not exist on the device`, 'use an index loop or forEach; Object.keys/values/entries are fine');
      }
    }
  };

  const member = (node: EsNode, scope: Scope, parent: EsNode | null, key: string): void => {
    const object = nodeAt(node, 'object') as EsNode;
    // `Array.prototype.slice` is undefined on Espruino 2v29: built-in methods are found through the value's type, not
    // through X.prototype (test/espruino/semantics.test.ts); Object.prototype.toString.call(x) gives ''.
    const owner = object.type === 'MemberExpression' ? nodeAt(object, 'object') : null;
    const method = propertyName(node);
    const assigned = parent?.type === 'AssignmentExpression' && key === 'left';
    if (owner?.type === 'Identifier' && propertyName(object) === 'prototype' && method !== null && !assigned && isGlobal(owner.name as string, scope)) {
      const ownerName = owner.name as string;
      if (PROTOTYPE_LOOKUP_BROKEN.includes(ownerName) || (ownerName === 'Object' && method === 'toString')) {
        report(node.start, 'builtin-prototype', `${ownerName}.prototype.${method} is undefined or wrong on the device`, 'call the method on a value ([].slice.call(x), x.toString()), or loop (test/espruino/semantics.test.ts)');
      }
    }
    if (object.type !== 'Identifier') return;
    const statics = MISSING_STATICS[object.name as string];
    const name = propertyName(node);
    if (!statics || name === null || !Object.prototype.hasOwnProperty.call(statics, name)) return;
    if (!isGlobal(object.name as string, scope)) return;
    report(node.start, 'missing-static', `${object.name as string}.${name} does not exist on the device`, statics[name] as string);
  };

  const identifier = (node: EsNode, parent: EsNode | null, key: string, scope: Scope): void => {
    if (parent) {
      const t = parent.type;
      if (t === 'MemberExpression' && key === 'property' && !parent.computed) return;
      if ((t === 'Property' || t === 'MethodDefinition' || t === 'PropertyDefinition') && key === 'key' && !parent.computed) return;
      if ((t === 'LabeledStatement' || t === 'BreakStatement' || t === 'ContinueStatement') && key === 'label') return;
      if (t === 'MetaProperty') return;
      // Binding positions are declarations, not references.
      if (t === 'VariableDeclarator' && key === 'id') return;
      if ((FUNCTION_TYPES.has(t) || t === 'ClassDeclaration' || t === 'ClassExpression') && (key === 'id' || key === 'params')) return;
      if (t === 'CatchClause' && key === 'param') return;
      if (t === 'RestElement' || (t === 'AssignmentPattern' && key === 'left') || t === 'ArrayPattern') return;
      if (t === 'Property' && key === 'value' && patternParent.has(parent)) return;
    }
    const name = node.name as string;
    if (name === 'arguments' && isGlobal(name, scope)) {
      report(node.start, 'arguments', '`arguments` is wrong on Espruino (arguments.length counts declared parameters)', 'declare the parameters or pass an array (espruino.md §1.2)');
      return;
    }
    if (!Object.prototype.hasOwnProperty.call(MISSING_GLOBALS, name) || !isGlobal(name, scope)) return;
    if (parent?.type === 'UnaryExpression' && parent.operator === 'typeof') return; // feature test, safe
    report(node.start, 'missing-global', `${name} does not exist on the device`, MISSING_GLOBALS[name] as string);
  };

  // Properties that belong to destructuring patterns: their values are bindings, not references.
  const patternParent = new Set<EsNode>();
  const markPatterns = (node: EsNode): void => {
    if (node.type === 'ObjectPattern') for (const p of nodesAt(node, 'properties')) patternParent.add(p);
    for (const key of Object.keys(node)) {
      if (key === 'loc') continue;
      const value = node[key];
      if (Array.isArray(value)) for (const v of value) if (isNode(v)) markPatterns(v);
      if (isNode(value)) markPatterns(value);
    }
  };
  markPatterns(program);

  useBeforeDeclaration(nodesAt(program, 'body'));
  const top = new Scope(null);
  hoistVars(program, top);
  declareLexical(nodesAt(program, 'body'), top);
  children(program, top);
  violations.sort((a, b) => a.line - b.line || a.column - b.column);
  return { violations, functions };
}

/** Whether an arrow function would run with the wrong `this` on Espruino 2v29 (shared/espruino/README.md, known
 *  difference (b); src/jsparse.c jspeFunctionDefinitionInternal). For an expression body the interpreter keeps the
 *  lexical `this` only if the lexer saw a `this` token after the start of the body of the last function literal it
 *  parsed inside that expression (each one resets the flag; block bodies are only scanned, so functions nested in a
 *  block body do not reset it, but their `this` tokens count). Block-bodied arrows are always fine. */
export function arrowLosesThis(arrow: EsNode): boolean {
  const body = nodeAt(arrow, 'body');
  if (!body || body.type === 'BlockStatement') return false;
  let uses = false; // a `this` that means this arrow's lexical this (not inside a non-arrow function)
  let lastThis = -1; // start of the last `this` token anywhere in the body
  let reset = body.start; // where the flag was last reset
  const walk = (node: EsNode, lexical: boolean, parsed: boolean): void => {
    if (node.type === 'ThisExpression') {
      if (lexical) uses = true;
      lastThis = Math.max(lastThis, node.start);
      return;
    }
    let innerLexical = lexical;
    let innerParsed = parsed;
    if (FUNCTION_TYPES.has(node.type)) {
      const fnBody = nodeAt(node, 'body');
      if (parsed && fnBody) reset = Math.max(reset, fnBody.start);
      if (node.type !== 'ArrowFunctionExpression') innerLexical = false;
      if (fnBody && fnBody.type === 'BlockStatement') innerParsed = false;
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const v of value) if (isNode(v)) walk(v, innerLexical, innerParsed);
      } else if (isNode(value)) walk(value, innerLexical, innerParsed);
    }
  };
  walk(body, true, true);
  return uses && lastThis < reset;
}

/** "file:line:col: message [rule]. Instead: hint" — one line per violation. */
export function formatViolation(file: string, v: Violation): string {
  return `${file}:${v.line}:${v.column}: ${v.message} [${v.rule}]. Instead: ${v.hint}. Near: …${v.excerpt}…`;
}
