// Everything a page holds as text — the HTML, every shadow root (Lit components) and every input's value — for
// "no secret anywhere in the page" checks in the Chromium tests.
import { Page } from 'playwright-core';

export function pageText(p: Page): Promise<string> {
  // A string, evaluated in the page (the Node side has no DOM types).
  return p.evaluate<string>(`(() => {
    const parts = [document.documentElement.outerHTML];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLInputElement) parts.push(el.value);
        if (el.shadowRoot) { parts.push(el.shadowRoot.innerHTML); walk(el.shadowRoot); }
      }
    };
    walk(document);
    return parts.join('\\n');
  })()`);
}
