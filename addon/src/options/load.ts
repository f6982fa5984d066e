// Reads the add-on's options file (/data/options.json, written by the Supervisor from config.yaml's `options:` and
// the user's changes, home-assistant.md §1.3) and validates it once into a frozen `Options`. Every failure, from a
// missing file to a bad port, is an OptionsError naming the path.
import { readFileSync } from 'fs';
import { Options } from './types';
import { OptionsError, validateOptions } from './validate';

export const ADDON_OPTIONS_FILE = '/data/options.json';

export function loadOptions(file: string = ADDON_OPTIONS_FILE): Options {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new OptionsError([{ path: '', message: `cannot read the file (${code})` }], file);
  }
  return validateOptions(parseJson(text, file), file);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8's message quotes the text around the error, which may be a password: report only where it is.
    const at = /position (\d+)/.exec((err as Error).message);
    const where = at?.[1] === undefined ? '' : ` at ${lineAndColumn(text, Number(at[1]))}`;
    const what = text.trim() === '' ? 'the file is empty' : `not valid JSON${where}`;
    throw new OptionsError([{ path: '', message: what }], file);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1] ?? '').length + 1}`;
}
