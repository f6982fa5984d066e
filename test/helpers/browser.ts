// Chromium for the browser tests (Debian's package, driven by playwright-core): launching it, a screenshot of the
// page whenever a flow fails (and of each flow's end state, for review), and an axe-core accessibility check.
// Screenshots go to .tmp/screenshots/<suite>/ (or $MEP_SCREENSHOTS/<suite>/); a failing test names its file.
import { existsSync, mkdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // Required: a browser test fails, never skips, without Chromium.
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required at ${CHROMIUM} (Debian package chromium; .ci/run installs it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

export function screenshotDir(suite: string): string {
  const dir = join(resolve(process.env.MEP_SCREENSHOTS ?? join(__dirname, '..', '..', '.tmp', 'screenshots')), suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** Runs `fn`; when it throws, saves a full-page screenshot and rethrows with the file's path. When it passes,
 *  saves the end state as <name>.png (the screenshots of a test run). */
export async function flow(page: Page, suite: string, name: string, fn: () => Promise<void>): Promise<void> {
  const dir = screenshotDir(suite);
  try {
    await fn();
  } catch (err) {
    const file = join(dir, `${fileName(name)}-FAILED.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    throw Object.assign(err instanceof Error ? err : new Error(message), { message: `${message}\nscreenshot: ${file}` });
  }
  await page.screenshot({ path: join(dir, `${fileName(name)}.png`), fullPage: true }).catch(() => undefined);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = (): string => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the page (shadow roots included): the violations of impact serious or critical. The page's context
 *  needs bypassCSP (axe is injected as an inline script, which the panel's CSP refuses). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.addScriptTag({ content: AXE_SOURCE() });
  const result = await page.evaluate<AxeViolation[]>(`(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target) + ' ' + n.failureSummary) }));
  })()`);
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
