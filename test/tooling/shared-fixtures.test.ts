// test/fixtures holds verbatim copies of ../shared files (test/fixtures/README.md) so the tests run in a clone
// without ../shared. Where ../shared is there (a developer's machine, CI), each copy must still equal its source;
// in a clone without it there is nothing to compare and this check says so.
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

const FIXTURES = join(__dirname, '..', 'fixtures');
const SHARED = join(__dirname, '..', '..', '..', 'shared');

/** The copied files, by their path under both roots (the table in test/fixtures/README.md). */
function copiedFiles(): string[] {
  const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
  const out: string[] = [];
  const row = /^\| `([^`]+)` \| `\.\.\/shared\/([^`]+)` \|/gm;
  for (let m = row.exec(readme); m; m = row.exec(readme)) {
    expect(m[2]).toBe(m[1]); // same relative path under test/fixtures and ../shared
    out.push(m[1] as string);
  }
  return out;
}

describe('test/fixtures copies of ../shared', () => {
  const files = copiedFiles();

  test('the README lists every copied file, and each is there', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) expect(existsSync(join(FIXTURES, f))).toBe(true);
  });

  const hasShared = existsSync(join(SHARED, 'vectors'));
  (hasShared ? test : test.skip)('each copy is byte for byte its ../shared source', () => {
    for (const f of files) expect({ f, same: readFileSync(join(FIXTURES, f)).equals(readFileSync(join(SHARED, f))) }).toEqual({ f, same: true });
  });
});
