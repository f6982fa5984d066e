// The front end build: esbuild bundles the Lit app into index.html + panel.js; the server builds it on the fly when
// the folder is missing; the page uses relative URLs only (it must work under the ingress prefix, §2.4); the UI's
// own tsconfig (DOM types) type-checks.
import { execFile } from 'child_process';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { assetsComplete } from '../../../addon/src/panel/assets-dir';
import { startTestPanel } from './harness';

const ROOT = join(__dirname, '..', '..', '..');

test('the server builds a missing front end, then serves it with relative URLs only', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mep-panel-build-')), 'assets');
  expect(assetsComplete(dir)).toBe(false);
  const t = await startTestPanel('local', dir);
  try {
    expect(assetsComplete(dir)).toBe(true);
    const page = await t.call('GET', '/');
    expect(page.text).toContain('<base href="./">');
    expect(page.text).not.toMatch(/(src|href)="\/(?!\/)/);
    const script = await t.call('GET', '/panel.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.text).toBe(readFileSync(join(dir, 'panel.js'), 'utf8'));
    // Every API path in the bundle is relative ("api/…"), none absolute ("/api/…").
    expect(script.text).toContain('api/events');
    expect(script.text).not.toMatch(/["'`]\/api\//);
    expect(script.text).toContain('customElements.define("mep-panel"');
  } finally {
    await t.close();
  }
}, 60000);

test('the front end type-checks against its own tsconfig (DOM types)', async () => {
  await expect(promisify(execFile)('npx', ['tsc', '-p', 'addon/panel-ui/tsconfig.json'], { cwd: ROOT, timeout: 90000 })).resolves.toBeDefined();
}, 120000);
