// Issue 11 attack 6, gzip bombs: a 15.7 KB .wwws whose file inflated to 16 MB was accepted. Now a gzip entry may
// declare at most MAX_GZIP_RATIO times its stored size (the device's parser refuses it, so the add-on's catalog
// and `mep inspect` do too), and the add-on never inflates past what an entry declares.
import { gzipSync } from 'node:zlib';
import { MAX_GZIP_RATIO } from '../../../device/src/ota/format';
import { describePackage } from '../../../addon/src/ota/package-info';
import { inspectPackage } from '../../../ota/inspect';
import { packWwws } from '../../../ota/pack';
import { rawWwws } from '../../ota/helpers';

const page = Buffer.from('<!doctype html><title>ok</title>' + '<p>meter</p>'.repeat(50));

test('the bomb of the issue (16 MB of zeros in ~16 KB) is refused, by the device parser and so by the catalog', () => {
  const bomb = packWwws([{ name: 'www_index.html', data: new Uint8Array(16 * 1024 * 1024), gzip: true }]);
  expect(bomb.length).toBeLessThan(20 * 1024);
  const report = inspectPackage(bomb);
  expect(report.error?.message).toMatch(new RegExp(`over .* or ${MAX_GZIP_RATIO} times its stored length`));
  expect(() => describePackage(bomb, 'update.wwws')).toThrow(/is not a valid update package/);
});

test('an entry that declares a small size but inflates to more is caught without inflating it all', () => {
  const big = gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20));
  const lying = rawWwws([{ name: 'www_index.html', data: new Uint8Array(big), flags: 1, original: big.length * 10 }]);
  const started = process.memoryUsage().arrayBuffers;
  const report = inspectPackage(lying);
  expect(report.error).toBeUndefined();
  expect(report.warnings).toEqual([`www_index.html: inflates to more than the ${big.length * 10} bytes its entry says`]);
  expect(process.memoryUsage().arrayBuffers - started).toBeLessThan(2 * 1024 * 1024);
  expect(() => describePackage(lying, 'update.wwws')).toThrow(/inflates to more than/);
});

test('real web pages still pass', () => {
  const ok = packWwws([{ name: 'www_index.html', data: new Uint8Array(page), gzip: true }]);
  const report = inspectPackage(ok);
  expect(report.ok).toBe(true);
  expect(report.warnings).toEqual([]);
  expect(describePackage(ok, 'mep-web-1.0.0.wwws').version).toBe('1.0.0');
});
