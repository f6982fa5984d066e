// The store images: icon.png 128×128 and logo.png 250×100 (home-assistant.md §1.5), valid PNGs holding exactly the
// pixels addon/build/icons.ts draws (so the committed files can always be regenerated from the script).
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { inflateSync } from 'zlib';
import { Image, renderIcon, renderLogo } from '../../../addon/build/icons';

const ROOT = resolve(__dirname, '../../..');

/** Minimal PNG reader for what encodePng writes: checks the signature and every chunk CRC's presence, 8-bit RGBA. */
function decodePng(bytes: Buffer): Image {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  const types: string[] = [];
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('ascii', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    types.push(type);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([...body.subarray(8, 13)]).toEqual([8, 6, 0, 0, 0]); // 8-bit RGBA, no interlace
    }
    if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  expect(types[0]).toBe('IHDR');
  expect(types[types.length - 1]).toBe('IEND');
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * 4;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(0); // filter "none", as written
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, pixels };
}

test.each([
  ['icon.png', 128, 128, renderIcon],
  ['logo.png', 250, 100, renderLogo],
] as const)('%s is %i×%i and matches what addon/build/icons.ts draws', (file, width, height, render) => {
  const image = decodePng(readFileSync(resolve(ROOT, file)));
  expect({ width: image.width, height: image.height }).toEqual({ width, height });
  const drawn = render();
  expect(Buffer.from(image.pixels).equals(Buffer.from(drawn.pixels))).toBe(true);
  // Not blank: the image has opaque and transparent/coloured areas.
  const alphas = new Set(Array.from({ length: width * height }, (_, i) => image.pixels[i * 4 + 3]));
  expect(alphas.has(255)).toBe(true);
});
