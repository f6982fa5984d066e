// Polls a condition until it holds or the time is up; the error names what was awaited, plus `detail()` (e.g. the
// output of a child process) to make a timeout readable.
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000, detail?: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${detail ? `:\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
