// Ordering of package versions for "latest" (issue 5): semver-like ("1.2.10" > "1.2.9", "1.0.0" > "1.0.0-rc.2",
// an optional leading "v", "+build" metadata ignored). Text that does not start with a digit (e.g. a web bundle
// named by its hash, "sha-1a2b…") is not a version and ranks below every version; two of those compare as text.

interface Parsed {
  core: string[];
  pre: string[];
}

const NUMERIC = /^\d+$/;

function parse(version: string): Parsed | null {
  const text = version.trim().replace(/^v(?=\d)/i, '');
  if (!/^\d/.test(text)) return null;
  const withoutBuild = text.split('+')[0] as string;
  const dash = withoutBuild.indexOf('-');
  const core = (dash < 0 ? withoutBuild : withoutBuild.slice(0, dash)).split('.');
  const pre = dash < 0 ? [] : withoutBuild.slice(dash + 1).split('.');
  return { core, pre };
}

/** One dot-separated identifier: numbers numerically and below text (semver §11.4). */
function compareIdentifier(a: string, b: string): number {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists(a: string[], b: string[], missing: string): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifier(a[i] ?? missing, b[i] ?? missing);
    if (c !== 0) return c;
  }
  return 0;
}

/** < 0 when a is older than b, 0 when equal in order, > 0 when newer. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) {
    if (pa) return 1;
    if (pb) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const core = compareLists(pa.core, pb.core, '0');
  if (core !== 0) return core;
  // A pre-release ranks below its release (1.0.0-rc.1 < 1.0.0).
  if (pa.pre.length === 0 || pb.pre.length === 0) return pa.pre.length === pb.pre.length ? 0 : pa.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifier(x, y);
    if (c !== 0) return c;
  }
  return 0;
}
