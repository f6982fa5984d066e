// Public API of the Espruino bundle check (see check.ts).
export { checkSource, formatViolation, type CheckOptions, type CheckResult, type Violation } from './check';
export { regexProblems, type RegexProblem } from './regex';
export { ITERATOR_METHODS, MISSING_GLOBALS, MISSING_METHODS, MISSING_STATICS } from './rules';
