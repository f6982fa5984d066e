// What the catalog learns from a package's bytes, verified by the same code as `mep inspect` (ota/inspect.ts,
// which feeds the device parsers): a package the device would refuse never enters the catalog.
import { createHash } from 'crypto';
import { inspectPackage } from '../../../ota/inspect';
import { PackageKind } from '../../../discovery/contract';
import { PackageRejected } from '../backend';

export interface PackageInfo {
  kind: PackageKind;
  version: string;
  size: number;
  sha256: string;
  board?: string;
  buildId?: string;
}

/** A version at the end of a file name's stem ("mep-web-1.4.0.wwws" -> "1.4.0", "web-v2.0.1-rc.1.wwws"). */
const VERSION_IN_NAME = /(?:^|[^0-9A-Za-z])v?(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?)$/;

/** Longest version the device accepts in an UpdateCommand (device/src/app/update-service.ts). */
export const MAX_VERSION_LENGTH = 32;

/** A .wwws carries no version of its own (device/src/ota/format.ts): the version is the one in its file name, else
 *  "sha-" and the start of its SHA-256, which compare below every real version (version-order.ts). */
export function webBundleVersion(fileName: string, sha256: string): string {
  const m = VERSION_IN_NAME.exec(fileName.replace(/\.(bin|wwws)$/i, ''));
  return m && (m[1] as string).length <= MAX_VERSION_LENGTH ? (m[1] as string) : 'sha-' + sha256.slice(0, 12);
}

/** File name as shown to users: the last path segment, printable ASCII, at most 100 characters. */
export function cleanFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const printable = base.replace(/[^\x20-\x7e]/g, '_').trim().slice(0, 100);
  return printable === '' ? 'package' : printable;
}

/** Verifies `bytes` and describes the package; throws PackageRejected with the inspect reason. */
export function describePackage(bytes: Uint8Array, fileName: string): PackageInfo {
  const name = cleanFileName(fileName);
  if (bytes.length === 0) throw new PackageRejected(`${name} is empty`);
  const report = inspectPackage(bytes);
  if (report.error) {
    throw new PackageRejected(`${name} is not a valid update package: ${report.error.message} (at byte ${report.error.offset})`);
  }
  if (report.warnings.length > 0) throw new PackageRejected(`${name} is not a valid update package: ${report.warnings.join('; ')}`);
  if (!report.ok || report.kind === 'unknown') throw new PackageRejected(`${name} is not a valid update package: it ends early`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (report.kind === 'bin' && report.header) {
    const h = report.header;
    return { kind: 'bin', version: h.firmwareVersion, size: bytes.length, sha256, board: h.board, buildId: h.buildId };
  }
  return { kind: 'wwws', version: webBundleVersion(name, sha256), size: bytes.length, sha256 };
}
