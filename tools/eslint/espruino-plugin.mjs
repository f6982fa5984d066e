// Local ESLint plugin for the Espruino dialect (../shared/docs/espruino.md §1.2, §1.4, checklist "Language – forbidden").
// Rules that core ESLint cannot express with no-restricted-syntax/-globals/-properties:
//   espruino/no-loop-head-closure  closures over `for (let/const …)` head variables (no per-iteration binding)
//   espruino/no-non-ascii-strings  string/template literals with characters > 0x7E (8-bit strings, no UTF-8)

/** Scope types whose code runs later than the statement that creates it, i.e. closures. */
const CLOSURE_SCOPES = new Set(['function', 'class-field-initializer']);

/** The `let`/`const` declaration in a loop head, or null (`var` heads behave the same on Espruino as in Node). */
function headDeclaration(loop) {
  const decl = loop.type === 'ForStatement' ? loop.init : loop.left;
  if (!decl || decl.type !== 'VariableDeclaration') return null;
  return decl.kind === 'let' || decl.kind === 'const' ? decl : null;
}

function contains(outer, inner) {
  return !!outer && outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

function describeFunction(node) {
  if (node.type === 'ArrowFunctionExpression') return 'arrow function';
  if (node.type === 'PropertyDefinition' || node.type === 'AccessorProperty') return 'class field initializer';
  if (node.id && node.id.name) return `function '${node.id.name}'`;
  const parent = node.parent;
  if (parent && (parent.type === 'MethodDefinition' || parent.type === 'Property') && parent.key) {
    const key = parent.key.type === 'Identifier' ? parent.key.name : String(parent.key.value);
    return `method '${key}'`;
  }
  return 'function';
}

/** @type {import('eslint').Rule.RuleModule} */
const noLoopHeadClosure = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow closures that capture a variable declared in a for (let/const …) / for…of / for…in head ' +
        '(Espruino has one binding per loop, not one per iteration)',
    },
    schema: [],
    messages: {
      captured:
        "{{fn}} captures '{{name}}' from this loop's head. Espruino has no per-iteration binding, so every closure " +
        "sees the last value. Copy it into a body-local const (`const {{name}}Here = {{name}};`) and capture that, " +
        'or iterate with forEach (espruino.md §1.2).',
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;

    function checkLoop(loop) {
      const decl = headDeclaration(loop);
      if (!decl) return;
      // For for…in/of the iterated expression is evaluated once, before any iteration: closures there are not at risk.
      const excluded = loop.type === 'ForStatement' ? null : loop.right;
      const reported = new Set();
      for (const variable of sourceCode.getDeclaredVariables(decl)) {
        for (const ref of variable.references) {
          // typescript-eslint's scope manager also records type-only references (`typeof i` in a type position).
          if (ref.isValueReference === false) continue;
          // Walk from the referencing scope up to the loop's own scope; the outermost closure on the way is the one
          // created inside the loop (nested functions inside it count too).
          let closure = null;
          for (let scope = ref.from; scope && scope !== variable.scope; scope = scope.upper) {
            if (CLOSURE_SCOPES.has(scope.type)) closure = scope.block;
          }
          if (!closure || !contains(loop, closure) || contains(excluded, closure)) continue;
          const key = `${closure.range[0]}:${variable.name}`;
          if (reported.has(key)) continue;
          reported.add(key);
          // A class-field initializer scope's block is the initializer expression; report on the field.
          const node = closure.parent && closure.parent.type === 'PropertyDefinition' && closure.parent.value === closure
            ? closure.parent
            : closure;
          context.report({
            node,
            loc: sourceCode.getFirstToken(node) ? sourceCode.getFirstToken(node).loc : node.loc,
            messageId: 'captured',
            data: { fn: describeFunction(node), name: variable.name },
          });
        }
      }
    }

    return {
      ForStatement: checkLoop,
      ForInStatement: checkLoop,
      ForOfStatement: checkLoop,
    };
  },
};

/** Parents whose string literals are type-level or module specifiers: they never become runtime strings. */
const NON_RUNTIME_PARENTS = new Set([
  'TSLiteralType',
  'TSTemplateLiteralType',
  'TSPropertySignature',
  'TSMethodSignature',
  'TSModuleDeclaration',
  'TSExternalModuleReference',
  'TSImportType',
  'ImportDeclaration',
  'ExportNamedDeclaration',
  'ExportAllDeclaration',
  'ImportAttribute',
  'ImportExpression',
]);

function firstNonAscii(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e) return c;
  }
  return -1;
}

function hex(c) {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

/** @type {import('eslint').Rule.RuleModule} */
const noNonAsciiStrings = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow string and template literals containing characters above 0x7E in device code (Espruino on ESP32 ' +
        'has 8-bit strings without UTF-8; JSON.stringify turns them into mojibake). Comments may use any text.',
    },
    schema: [],
    messages: {
      nonAscii:
        'String contains U+{{code}} ({{kind}}). Espruino on ESP32 stores 8-bit strings without UTF-8: ' +
        '"\\u" escapes above 0xFF are truncated to one byte and JSON.stringify emits UTF-8 bytes as mojibake ' +
        '(espruino.md §1.2, §1.4). Keep device text ASCII, or build deliberate bytes with String.fromCharCode(…).',
    },
  },
  create(context) {
    function check(node, text, raw) {
      if (node.parent && NON_RUNTIME_PARENTS.has(node.parent.type)) return;
      const c = firstNonAscii(text);
      if (c < 0) return;
      const literalInSource = firstNonAscii(raw) >= 0;
      const kind = literalInSource ? 'non-ASCII character in the source' : c > 0xff ? 'escape above 0xFF' : 'escape above 0x7E';
      context.report({ node, messageId: 'nonAscii', data: { code: hex(c), kind } });
    }
    return {
      Literal(node) {
        if (typeof node.value === 'string') check(node, node.value, node.raw);
      },
      TemplateElement(node) {
        const text = node.value.cooked === null || node.value.cooked === undefined ? node.value.raw : node.value.cooked;
        check(node, text, node.value.raw);
      },
    };
  },
};

export default {
  meta: { name: 'eslint-plugin-espruino-local', version: '0.1.0' },
  rules: {
    'no-loop-head-closure': noLoopHeadClosure,
    'no-non-ascii-strings': noNonAsciiStrings,
  },
};
