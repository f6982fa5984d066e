// Regex features beyond Espruino's tiny matcher (../shared/docs/espruino.md §1.3, src/jswrap_regexp.c): it knows
// single characters, `.`, classes with ranges, \d \D \s \S \w \W \n \r \t \xHH, `*` and `+` on one character or
// class, capture groups, top-level `|`, `^`, `$` and the g/i flags. Everything else fails silently (no match).

export interface RegexProblem {
  /** Index into the pattern. */
  index: number;
  message: string;
}

const SUPPORTED_ESCAPES = 'dDsSwWnrtx';
const SUPPORTED_FLAGS = 'gi';

function isQuantifierEnd(ch: string | undefined): boolean {
  return ch === '*' || ch === '+' || ch === '?' || ch === '}';
}

/** Every unsupported feature in `pattern` with `flags`; empty when Espruino's engine handles it. */
export function regexProblems(pattern: string, flags: string): RegexProblem[] {
  const problems: RegexProblem[] = [];
  const report = (index: number, message: string): void => {
    problems.push({ index, message });
  };
  for (const flag of flags) {
    if (!SUPPORTED_FLAGS.includes(flag)) report(0, `flag "${flag}" is not supported (only g and i; the m flag is ignored)`);
  }
  let inClass = false;
  let depth = 0;
  let previous: string | undefined; // last significant token outside classes: a char, ')', ']' or a quantifier
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next === 'u') report(i, '\\u escapes are not supported (8-bit strings): use \\xHH');
      else if ((next === 'b' || next === 'B') && !inClass) report(i, `\\${next} is not a word boundary on Espruino (\\b means backspace)`);
      else if (next >= '1' && next <= '9') report(i, 'backreferences (\\1…) throw on Espruino');
      else if (/[a-zA-Z0]/.test(next) && !SUPPORTED_ESCAPES.includes(next) && !(inClass && next === 'b')) {
        report(i, `escape \\${next} is not supported (only \\d \\D \\s \\S \\w \\W \\n \\r \\t \\xHH)`);
      }
      i++;
      previous = 'c';
      continue;
    }
    if (inClass) {
      if (ch === ']') {
        inClass = false;
        previous = ']';
      }
      continue;
    }
    if (ch === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++; // a leading ] is literal
      continue;
    }
    if (ch === '(') {
      depth++;
      if (pattern[i + 1] === '?') {
        const kind = pattern.slice(i + 2, i + 4);
        if (kind.startsWith(':')) report(i, 'non-capturing groups (?:…) are not supported: use a plain group');
        else if (kind.startsWith('=') || kind.startsWith('!') || kind === '<=' || kind === '<!') {
          report(i, 'lookaround assertions are not supported');
        } else report(i, 'named or modified groups (?…) are not supported');
        i++;
      }
      previous = '(';
      continue;
    }
    if (ch === ')') {
      depth = Math.max(0, depth - 1);
      previous = ')';
      continue;
    }
    if (ch === '|' && depth > 0) report(i, 'alternation | inside a group is not supported (only at the top level)');
    if (ch === '?') {
      if (isQuantifierEnd(previous)) report(i, 'lazy quantifiers (*? +? ??) are not supported');
      else report(i, 'the ? quantifier is not supported (Espruino treats ? as a literal): write both alternatives');
      previous = '?';
      continue;
    }
    if (ch === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      report(i, 'counted quantifiers {n} / {n,m} are not supported: repeat the class');
      i = pattern.indexOf('}', i);
      previous = '}';
      continue;
    }
    if (ch === '*' || ch === '+') {
      if (previous === ')') report(i, `a quantifier (${ch}) on a group is not supported: only on one character or class`);
      else if (isQuantifierEnd(previous)) report(i, `a quantifier (${ch}) after a quantifier is not supported`);
      previous = ch;
      continue;
    }
    previous = 'c';
  }
  return problems;
}
